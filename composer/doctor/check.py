"""The result of one doctor check: a status, what was found, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """How bad a finding is; only problems make `composer doctor` exit non-zero."""

    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class LocalFix:
    """A safe, local change `--fix` may make: write one small configuration file."""

    path: str
    content: str

    @property
    def summary(self) -> str:
        """The file and its settings on one line, e.g. `/x.conf ([engine] runtime = "runc")`."""
        settings = " ".join(line.strip() for line in self.content.splitlines() if line.strip())
        return f"{self.path} ({settings})"


@dataclass(frozen=True)
class Check:
    """One line of doctor output; `fix` is printed, `action` is only applied with `--fix`."""

    name: str
    status: Status
    message: str
    fix: str | None = None
    action: LocalFix | None = None


def ok(name: str, message: str) -> Check:
    return Check(name, Status.OK, message)


def warning(
    name: str, message: str, fix: str | None = None, action: LocalFix | None = None
) -> Check:
    return Check(name, Status.WARNING, message, fix, action)


def problem(
    name: str, message: str, fix: str | None = None, action: LocalFix | None = None
) -> Check:
    return Check(name, Status.PROBLEM, message, fix, action)
