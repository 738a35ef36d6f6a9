"""The one error hierarchy: every failure a user can cause is a ComposerError."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class ComposerError(Exception):
    """An expected failure: the CLI prints it as `error: message` plus an optional hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """One problem in a compose file: where it is and what is wrong."""

    file: str | None
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        key = f"{self.path}: " if self.path else ""
        return f"{where}{key}{self.message}"


class ConfigError(ComposerError):
    """One or more problems in the compose files; nothing was created."""

    def __init__(self, problems: Iterable[Problem], hint: str | None = None) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems), hint)


def config_error(
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    path: str = "",
    hint: str | None = None,
) -> ConfigError:
    """A ConfigError with a single problem."""
    return ConfigError([Problem(file, line, path, message)], hint)


class RuntimeOperationError(ComposerError):
    """Podman refused or failed an operation on a named object."""


class PodmanUnavailableError(ComposerError):
    """No Podman API socket answers and none could be started."""
