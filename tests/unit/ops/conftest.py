"""Fixtures for the operation tests: projects loaded from inline YAML, a recording progress."""

from __future__ import annotations

import pytest

from composer.ops.waiting import early_exits
from composer.progress import Progress
from tests.unit.plan.conftest import ProjectLoader, project

__all__ = ["ProjectLoader", "Recorder", "project"]


@pytest.fixture(autouse=True)
def no_early_exit_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """`up -d` over the fake looks at its containers once instead of watching them for seconds:
    the fake's containers do not change by themselves (test_early_exits.py sets its window)."""
    monkeypatch.setattr(early_exits, "EARLY_EXIT_WINDOW", 0.0)


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
