"""`composer version`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from composer import __version__, console


def version(
    short: Annotated[bool, typer.Option("--short", help="Print the version number only.")] = False,
    fmt: Annotated[str, typer.Option("-f", "--format", help="pretty or json.")] = "pretty",
) -> None:
    """Show the composer version."""
    if short:
        console.out(__version__)
    elif fmt == "json":
        console.out(json.dumps({"version": __version__}))
    else:
        console.out(f"composer version {__version__}")


def register(app: typer.Typer) -> None:
    app.command("version")(version)
