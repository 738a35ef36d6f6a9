"""README.md's first paragraph names exactly the commands composer has.

When a command is added, README says so in the same change (and docs/commands.md drops it from
"Not implemented yet"); README must not claim docker compose's whole command set before then.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.core import TyperGroup

from composer import cli

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"


def registered_commands() -> set[str]:
    cli._register()
    group = typer.main.get_command(cli.app)
    assert isinstance(group, TyperGroup)
    return set(group.commands)


def readme_commands() -> set[str]:
    """The backquoted words of the sentence "The commands today are ..., plus ... `version`."."""
    text = README.read_text()
    match = re.search(r"The commands today are (.*?`version`)", text, re.DOTALL)
    assert match, "README.md no longer says which commands exist"
    return set(re.findall(r"`([a-z-]+)`", match.group(1)))


def test_readme_names_every_command_and_only_those() -> None:
    assert readme_commands() == registered_commands()


def test_readme_does_not_claim_the_whole_command_set() -> None:
    text = README.read_text()
    assert "the docker compose command set" not in text
    assert "(docs/commands.md)" in text.partition("## Quick start")[0]
