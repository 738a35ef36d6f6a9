"""After the containers start: `--wait`, and the check for containers that exited at once."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from composer.errors import ComposerError, WaitCancelledError, WaitTimeoutError
from composer.execute import run_graph
from composer.model import Project
from composer.ops.results import failures, first_bug
from composer.ops.waiting.conditions import Conditions
from composer.plan import labels
from composer.plan.podmode import SEPARATE_HINT, PodMode
from composer.progress import Progress
from composer.runtime.base import ContainerInfo, Runtime

# How long after its start a container that exits counts as "exited at once" for `up -d`.
EARLY_EXIT_WINDOW = 0.5
LOG_LINES = 5
ADDRESS_IN_USE = re.compile(r"address (already )?in use|EADDRINUSE", re.IGNORECASE)


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


@dataclass
class EarlyExits:
    """`up -d`: a container that failed right after it started is an error, with its last words."""

    runtime: Runtime
    project: Project
    pod_mode: PodMode
    progress: Progress

    def check(self, started: Mapping[str, float]) -> None:
        if not started:
            return
        settle = max(started.values()) + EARLY_EXIT_WINDOW - time.time()
        if settle > 0:
            time.sleep(settle)
        found = self.runtime.list_containers({labels.PROJECT: self.project.name})
        failed = [
            c for c in found if c.name in started and c.state == "exited" and c.exit_code != 0
        ]
        if failed:
            messages = [
                self._message(info, started[info.name])
                for info in sorted(failed, key=lambda c: c.name)
            ]
            raise ComposerError("\n".join(messages), hint="see `composer logs SERVICE`")

    def _message(self, info: ContainerInfo, since: float) -> str:
        service = info.labels.get(labels.SERVICE, info.name)
        self.progress.update(f"Container {info.name}", "Exited", f"code {info.exit_code}")
        lines = self._last_lines(info.name, since)
        said = f": {' / '.join(lines)}" if lines else ""
        text = f'service "{service}" exited at once with code {info.exit_code}{said}'
        if self.pod_mode == "shared" and any(ADDRESS_IN_USE.search(line) for line in lines):
            text += (
                ". In shared pod mode all services share one network namespace, so a port "
                f"another service listens on is taken. {SEPARATE_HINT}"
            )
        return text

    def _last_lines(self, name: str, since: float) -> list[str]:
        """The end of this run's output (a restarted container's log holds earlier runs too)."""
        try:
            found = self.runtime.logs(name, tail=LOG_LINES, since=f"{since:.6f}")
            return [line.text for line in found if line.text]
        except ComposerError:
            return []
