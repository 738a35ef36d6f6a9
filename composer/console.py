"""All terminal output goes through here: results on stdout, messages on stderr."""

from __future__ import annotations

import sys
from typing import TextIO

# One switch per process, set from `-v/--verbose` before a command runs.
_settings = {"verbose": False}


def set_verbose(enabled: bool) -> None:
    """`-v/--verbose`: show what composer does (files loaded, Podman service, API requests)."""
    _settings["verbose"] = enabled


def debug(text: str) -> None:
    """A line for `-v` only, on stderr; never give it values that may hold secrets."""
    if _settings["verbose"]:
        err(f"debug: {text}")


def out(text: str = "", *, end: str = "\n") -> None:
    """Print a command's result on stdout."""
    sys.stdout.write(text + end)


def err(text: str, *, stream: TextIO | None = None) -> None:
    """Print a message for the user on stderr."""
    (stream or sys.stderr).write(text + "\n")


def warn(text: str) -> None:
    err(f"warning: {text}")


def error(message: str, hint: str | None = None) -> None:
    for index, line in enumerate(message.splitlines() or [""]):
        err(f"error: {line}" if index == 0 or not line.startswith(" ") else line)
    if hint:
        err(f"hint: {hint}")
