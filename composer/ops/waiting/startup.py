"""After the containers start: `--wait` (the early-exit watch of `up -d` is early_exits.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from composer.errors import ComposerError, WaitCancelledError, WaitTimeoutError
from composer.execute import run_graph
from composer.ops.results import failures, first_bug
from composer.ops.waiting.conditions import Conditions


def go_duration(seconds: float) -> str:
    """Seconds as Go prints a time.Duration: 30s, 1m30s, 1.5s."""
    whole = int(seconds)
    if whole != seconds:
        return f"{seconds:g}s"
    minutes, rest = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes}m{rest}s"
    return f"{minutes}m{rest}s" if minutes else f"{rest}s"


@dataclass
class WaitRun:
    """`--wait`: every service running, or healthy when it has a healthcheck.

    The first service that fails ends the wait for all (docker compose does the same): `stop`
    is the event the conditions watch, set by that failure or by Ctrl-C.
    """

    conditions: Conditions
    completes: Collection[str]  # services others wait for with service_completed_successfully
    timeout: float | None
    limit: int | None = None
    stop: threading.Event | None = None

    def run(self, services: Iterable[str]) -> None:
        deadline = None if self.timeout is None else time.time() + self.timeout

        def work(service: str) -> None:
            try:
                self.conditions.running_or_healthy(
                    service,
                    completes=service in self.completes,
                    deadline=deadline if deadline is not None else float("inf"),
                )
            except WaitCancelledError:
                raise
            except Exception:
                if self.stop is not None:
                    self.stop.set()
                raise

        results = run_graph(list(services), lambda _s: (), work, limit=self.limit)
        ended = failures(results)
        errors = [e for e in ended if not isinstance(e, WaitCancelledError)]
        if ended and not errors:
            raise ended[0]  # nothing failed: the wait was interrupted
        if any(isinstance(error, WaitTimeoutError) for error in errors):
            raise ComposerError(
                f"application not healthy after {go_duration(self.timeout or 0)}",
                hint="see `composer ps` and `composer logs`",
            )
        if errors:
            message = "\n".join(dict.fromkeys(str(e) for e in errors))
            raise ComposerError(message) from first_bug(errors)
