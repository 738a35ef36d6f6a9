"""`--dry-run` after the command moves before it; nothing else is rearranged."""

from __future__ import annotations

import pytest

from composer.cli.argv import command_index, hoist_dry_run


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["up", "--dry-run", "-d"], ["--dry-run", "up", "-d"]),
        (
            ["-f", "a.yaml", "-p", "x", "down", "--dry-run"],
            ["--dry-run", "-f", "a.yaml", "-p", "x", "down"],
        ),
        (["--dry-run", "up"], ["--dry-run", "up"]),
        (["up", "-d"], ["up", "-d"]),
        (["up", "--", "--dry-run"], ["up", "--", "--dry-run"]),
        (["-f", "--dry-run"], ["-f", "--dry-run"]),
        ([], []),
    ],
)
def test_hoist_dry_run(argv: list[str], expected: list[str]) -> None:
    assert hoist_dry_run(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [["exec", "web", "tool", "--dry-run"], ["run", "web", "tool", "--dry-run"]],
)
def test_the_words_of_a_pass_through_command_are_left_as_typed(argv: list[str]) -> None:
    assert hoist_dry_run(argv, pass_through={"exec", "run"}) == argv


def test_exec_and_run_alone_take_a_container_command_line() -> None:
    from composer import cli

    cli._register()
    assert cli.pass_through_commands() == frozenset({"exec", "run"})
    names = {info.name for info in cli.app.registered_commands}
    assert {"up", "down", "start", "ps"} <= names


def test_command_index_skips_global_options_and_their_values() -> None:
    assert command_index(["-f", "up", "--profile", "p", "--ansi=never", "ps"]) == 5
    assert command_index(["-v", "--dry-run"]) is None
