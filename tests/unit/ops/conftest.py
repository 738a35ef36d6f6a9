"""Fixtures for the operation tests: projects loaded from inline YAML, a recording progress."""

from __future__ import annotations

from composer.progress import Progress
from tests.unit.plan.conftest import ProjectLoader, project

__all__ = ["ProjectLoader", "Recorder", "project"]


class Recorder(Progress):
    """A progress display that keeps every status and message, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list[tuple[str, str, str]] = []
        self.messages: list[str] = []

    def update(self, item: str, status: str, detail: str = "") -> None:
        self.updates.append((item, status, detail))
        super().update(item, status, detail)

    def message(self, text: str) -> None:
        self.messages.append(text)

    def statuses(self, item: str) -> list[str]:
        return [status for name, status, _ in self.updates if name == item]
