"""What the CLI tests share: running `composer` in-process and reading its exit code and output."""

from __future__ import annotations

import pytest

from composer import cli


def exit_code(stopped: SystemExit) -> int:
    """The code the command exited with; anything but an integer is a failure of the test."""
    assert isinstance(stopped.code, int), f"composer exited with {stopped.code!r}, not a number"
    return stopped.code


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`composer ARGS...` in this process: (exit code, stdout, stderr)."""
    try:
        cli.main(list(args))
        code = 0
    except SystemExit as stopped:
        code = exit_code(stopped)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
