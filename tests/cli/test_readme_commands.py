"""Every composer command the READMEs show is one the real command line accepts.

The command lines are parsed by composer's own typer/click command tree (global options, the
subcommand, its options and arguments), as `composer` would parse them, but nothing is invoked:
no project is loaded and Podman is never contacted.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup

from composer import cli

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
EXAMPLE_README = REPO / "examples" / "gogs-postgres" / "README.md"
SHELL_BLOCK = re.compile(r"^```(?:sh|bash|shell|console)\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`(composer [^`]+)`")
SEPARATORS = {"&&", "||", ";", "|"}


def shell_commands(markdown: str) -> Iterator[list[str]]:
    """Each simple command in the shell code blocks, split as the shell would (comments gone)."""
    for block in SHELL_BLOCK.findall(markdown):
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ")
            words = shlex.split(line, comments=True)
            command: list[str] = []
            for word in [*words, ";"]:
                if word in SEPARATORS:
                    if command:
                        yield command
                    command = []
                else:
                    command.append(word)


def composer_lines(markdown: str) -> list[list[str]]:
    """composer's arguments in every command that runs composer (blocks and inline code)."""
    found = [words[1:] for words in shell_commands(markdown) if is_composer(words)]
    found += [shlex.split(text)[1:] for text in INLINE.findall(markdown)]
    return found


def is_composer(words: list[str]) -> bool:
    return bool(words) and Path(words[0]).name == "composer"


def section(markdown: str, title: str) -> str:
    """The text of one `## title` section."""
    start = markdown.index(f"## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


@functools.cache
def command_tree() -> TyperGroup:
    """composer's click command group, with every subcommand registered (as `main` does)."""
    cli._register()
    group = typer.main.get_command(cli.app)
    assert isinstance(group, TyperGroup)
    return group


def parse(args: list[str]) -> str:
    """The subcommand `composer ARGS` names; raises typer.TyperException for what it refuses."""
    group = command_tree()
    ctx = group.make_context("composer", list(args))
    rest = [*getattr(ctx, "_protected_args", ()), *ctx.args]
    if not rest:
        raise AssertionError(f"no subcommand in composer {shlex.join(args)}")
    name, command, sub_args = group.resolve_command(ctx, rest)
    assert name is not None
    assert command is not None
    command.make_context(name, sub_args, parent=ctx)
    return str(name)


def check_all(lines: list[list[str]]) -> list[str]:
    """`composer ...: what the CLI said` for each line it refuses."""
    refused = []
    for args in lines:
        try:
            parse(args)
        except typer.TyperException as error:
            refused.append(f"composer {shlex.join(args)}: {error}")
    return refused


def test_the_example_readme_commands_are_accepted() -> None:
    lines = composer_lines(EXAMPLE_README.read_text())
    used = {parse(args) for args in lines}
    # The walk-through covers the whole life cycle; fewer would mean the extraction broke.
    assert {"up", "ps", "logs", "stop", "start", "down", "doctor"} <= used
    assert check_all(lines) == []


def test_the_readme_commands_are_accepted() -> None:
    text = README.read_text()
    lines = composer_lines(text)
    assert len(lines) >= 5
    assert check_all(lines) == []


def test_the_quick_start_scripts_exist_and_are_executable() -> None:
    commands = list(shell_commands(section(README.read_text(), "Quick start")))
    scripts = [words[1] if words[0] == "sudo" else words[0] for words in commands]
    assert "scripts/demo" in scripts
    for script in scripts:
        path = REPO / script
        assert path.is_file(), script
        assert path.stat().st_mode & 0o111, f"{script} is not executable"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("composer -p x up -d --no-such-flag", "No such option: --no-such-flag"),
        ("composer -p x frobnicate", "No such command 'frobnicate'"),
        ("composer --no-such-global ps", "No such option: --no-such-global"),
        ("composer -p x logs --tail", "Option '--tail' requires an argument"),
        ("composer -p x stop --timeout soon", "Input should be a valid integer"),
    ],
)
def test_lines_composer_refuses_are_reported(line: str, said: str) -> None:
    markdown = f"```sh\n{line}   # a comment\n```\n"
    refused = check_all(composer_lines(markdown))
    assert len(refused) == 1
    assert said in refused[0]


def test_extraction_splits_commands_and_drops_prompts_and_comments() -> None:
    markdown = (
        "text `composer -p a ps` text\n"
        "```console\n$ cd x && composer -p a up -d   # start\n```\n"
        "```yaml\ncomposer: not a shell block\n```\n"
        "```sh\nexport COMPOSE_FILE=a:b\n.venv/bin/composer -p a logs -f\n```\n"
    )
    assert composer_lines(markdown) == [
        ["-p", "a", "up", "-d"],
        ["-p", "a", "logs", "-f"],
        ["-p", "a", "ps"],
    ]
