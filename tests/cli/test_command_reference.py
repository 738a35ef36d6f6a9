"""docs/commands.md documents exactly the commands the CLI has, and every long option of each.

The command tree is composer's real typer/click tree (the one `composer` parses), so a command
or a flag added to the CLI without documentation, or a section left behind for a command that
is gone, fails here with the list of what is missing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import typer
from typer.core import TyperGroup, TyperOption

from composer import cli

REPO = Path(__file__).resolve().parents[2]
COMMANDS_MD = REPO / "docs" / "commands.md"
GLOBAL_SECTION = "Global options"
GLOBAL = "(global)"
HEADING = re.compile(r"^(#{2,3}) (.+)$", re.MULTILINE)
# A flag as the reference writes it: `--flag`, `--flag VALUE`, `--flag=VALUE`, `--a|--b`.
FLAG_IN_CODE = "`{flag}(?=[`\\s=|\\[])"
TABLE_FLAGS = re.compile(r"`(--[a-z0-9][a-z0-9-]*)")


class Command(Protocol):
    """What the checks read of a click command (typer's click is private: no import of it)."""

    @property
    def params(self) -> Sequence[object]: ...


@functools.cache
def command_tree() -> TyperGroup:
    """composer's click command group, with every subcommand registered (as `main` does)."""
    cli._register()
    group = typer.main.get_command(cli.app)
    assert isinstance(group, TyperGroup)
    return group


def long_options(command: Command) -> list[str]:
    """Every `--name` (and `--no-name` of a flag pair) the command accepts, but `--help`."""
    found: list[str] = []
    for param in command.params:
        if isinstance(param, TyperOption):
            found += [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
    return [flag for flag in found if flag != "--help"]


def commands(group: TyperGroup) -> Mapping[str, Command]:
    return {name: group.commands[name] for name in sorted(group.commands)}


def sections(markdown: str) -> list[tuple[int, str, str]]:
    """(level, title, body) of every `##` and `###` heading, in order."""
    found = list(HEADING.finditer(markdown))
    result = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(markdown)
        result.append((len(match.group(1)), match.group(2).strip(), markdown[match.end() : end]))
    return result


def titled_names(title: str) -> list[str]:
    """The command names a `###` title gives: `pause and unpause` -> [pause, unpause]."""
    return [name for name in re.split(r",\s*|\s+and\s+", title.strip("` ")) if name]


def command_sections(markdown: str) -> dict[str, str]:
    """Command name -> the text of its `###` section (a shared section counts for each)."""
    found: dict[str, str] = {}
    for level, title, body in sections(markdown):
        if level == 3:
            for name in titled_names(title):
                found[name] = found.get(name, "") + body
    return found


def global_section(markdown: str) -> str:
    for level, title, body in sections(markdown):
        if level == 2 and title == GLOBAL_SECTION:
            return body
    return ""


def mentions(text: str, flag: str) -> bool:
    return re.search(FLAG_IN_CODE.format(flag=re.escape(flag)), text) is not None


def missing(markdown: str, group: TyperGroup) -> list[str]:
    """`what: how it is missing` for every command and flag the reference does not document."""
    problems = []
    globals_text = global_section(markdown)
    if not globals_text:
        problems.append(f"{GLOBAL}: no `## {GLOBAL_SECTION}` section")
    problems += [
        f"{GLOBAL}: `{flag}` is not in `## {GLOBAL_SECTION}`"
        for flag in long_options(group)
        if not mentions(globals_text, flag)
    ]
    documented = command_sections(markdown)
    for name, command in commands(group).items():
        if name not in documented:
            problems.append(f"{name}: no `### {name}` section")
            continue
        problems += [
            f"{name}: `{flag}` is not in its section"
            for flag in long_options(command)
            if not mentions(documented[name], flag)
        ]
    return problems


def unknown_sections(markdown: str, group: TyperGroup) -> list[str]:
    """`###` sections naming a command the CLI does not have."""
    known = set(group.commands)
    return [
        f"`### {title}` names {name}, which is not a composer command"
        for level, title, _ in sections(markdown)
        if level == 3
        for name in titled_names(title)
        if name not in known
    ]


def table_rows(text: str) -> list[str]:
    """The first cell of each row of the section's flag tables (header and rule excluded)."""
    rows = []
    for line in text.splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2 and cells[1].strip().startswith("`"):
            rows.append(cells[1])
    return rows


def unknown_flags(markdown: str, group: TyperGroup) -> list[str]:
    """Flags in a flag table's first column that the command (or the global options) lacks."""
    problems = []
    accepted_globally = set(long_options(group))
    for flag in (
        f for row in table_rows(global_section(markdown)) for f in TABLE_FLAGS.findall(row)
    ):
        if flag not in accepted_globally:
            problems.append(f"{GLOBAL}: `{flag}` is documented but composer has no such option")
    for name, text in command_sections(markdown).items():
        command = group.commands.get(name)
        if command is None:
            continue
        accepted = set(long_options(command)) | accepted_globally
        for row in table_rows(text):
            problems += [
                f"{name}: `{flag}` is documented but `composer {name}` has no such option"
                for flag in TABLE_FLAGS.findall(row)
                if flag not in accepted
            ]
    return problems


def test_every_command_and_every_long_option_is_documented() -> None:
    problems = missing(COMMANDS_MD.read_text(), command_tree())
    assert problems == [], "docs/commands.md lacks:\n" + "\n".join(problems)


def test_no_section_documents_a_command_that_does_not_exist() -> None:
    problems = unknown_sections(COMMANDS_MD.read_text(), command_tree())
    assert problems == [], "\n".join(problems)


def test_flag_tables_name_only_options_that_exist() -> None:
    problems = unknown_flags(COMMANDS_MD.read_text(), command_tree())
    assert problems == [], "\n".join(problems)


def test_the_tree_is_the_real_one() -> None:
    # A broken extraction (no commands, no options) would make the checks above pass vacuously.
    group = command_tree()
    assert {"up", "down", "config", "doctor", "ps", "logs"} <= set(group.commands)
    assert "--wait-timeout" in long_options(group.commands["up"])
    assert "--no-orphans" in long_options(group.commands["ps"])
    assert "--pod-mode" in long_options(group)
    assert "--help" not in long_options(group.commands["up"])


def test_a_flag_removed_from_the_docs_is_reported() -> None:
    text = COMMANDS_MD.read_text()
    assert "`--wait-timeout" in text
    doctored = text.replace("`--wait-timeout", "`--wait-for-it")
    assert "up: `--wait-timeout` is not in its section" in missing(doctored, command_tree())
    without_global = text.replace("`--podman-url", "`--podman")
    assert f"{GLOBAL}: `--podman-url` is not in `## {GLOBAL_SECTION}`" in missing(
        without_global, command_tree()
    )


def test_a_flag_documented_in_another_section_does_not_count() -> None:
    markdown = (
        "## Global options\n\n`--file`\n\n"
        "### down\n\n| flag | meaning |\n|---|---|\n| `--wait` | no |\n\n"
        "### up\n\n`--volumes`\n"
    )
    group = command_tree()
    problems = missing(markdown, group)
    assert "up: `--wait` is not in its section" in problems
    assert "down: `--volumes` is not in its section" in problems
    assert "ps: no `### ps` section" in problems
    assert unknown_flags(markdown, group) == [
        "down: `--wait` is documented but `composer down` has no such option"
    ]


def test_sections_for_unknown_commands_are_reported() -> None:
    markdown = "### up\n\n### pause and unpause\n\n### frobnicate, up\n"
    assert command_sections(markdown).keys() == {"up", "pause", "unpause", "frobnicate"}
    assert unknown_sections(markdown, command_tree()) == [
        "`### frobnicate, up` names frobnicate, which is not a composer command"
    ]


def test_a_flag_must_be_written_as_code_and_whole() -> None:
    assert mentions("| `--no-build` | x |", "--no-build")
    assert mentions("`--tail N|all`", "--tail")
    assert mentions("`--orphans` / `--no-orphans`", "--no-orphans")
    assert not mentions("the --no-build flag", "--no-build")
    assert not mentions("`--no-build-cache`", "--no-build")
    assert not mentions("`--no-build`", "--build")
