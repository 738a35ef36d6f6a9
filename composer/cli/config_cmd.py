"""`composer config`: print the project in canonical form (MINIMAL; being completed)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from composer import console
from composer.cli.session import Session


def config(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="yaml or json.")] = "yaml",
) -> None:
    """Parse, resolve and print the compose file in canonical form."""
    session: Session = ctx.obj
    project = session.load()
    console.out(json.dumps(project.data, indent=2))


def register(app: typer.Typer) -> None:
    app.command("config")(config)
