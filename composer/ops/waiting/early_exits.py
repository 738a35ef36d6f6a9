"""`up -d`: watch the containers this run started through their first seconds; one that exits
with an error is reported with its last log lines, and `up` fails.

Each container is watched for `EARLY_EXIT_WINDOW` seconds from the moment its start returned,
so only the last ones started make `up -d` wait, and a run that starts nothing does not wait at
all. A container is judged before its window ends only when that is honest: it exited (with
code 0, a job that finished, or with an error), or Podman reports it healthy (its healthcheck
passed: its service says it works). A running container without such a sign is only known not
to have died within the window. A container whose restart policy restarts it after a failure is
judged at the end of its window: if Podman restarted it, it runs, and only when it stays exited
is it a failure.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from composer.errors import ComposerError, UpInterruptedError
from composer.model import Project
from composer.ops.waiting.health import started_at
from composer.plan import labels
from composer.plan.podmode import SEPARATE_HINT, PodMode
from composer.plan.translate_settings import restart_spec
from composer.progress import Progress
from composer.runtime.base import ContainerInfo, Runtime

# How long after its start a container is watched for an exit (the bind error of two services
# on one port in shared mode comes about 1 s after the start).
EARLY_EXIT_WINDOW = 3.0
POLL = 0.25  # seconds between two listings of the project's containers
LOG_LINES = 5
ADDRESS_IN_USE = re.compile(r"address (already )?in use|EADDRINUSE", re.IGNORECASE)
RESTARTING_POLICIES = frozenset({"always", "on-failure", "unless-stopped"})
Verdict = Literal["fine", "failed"]


@dataclass
class EarlyExits:
    """Watches the containers an `up -d` started (`check`); `stop` ends the watch (Ctrl-C)."""

    runtime: Runtime
    project: Project
    pod_mode: PodMode
    progress: Progress
    stop: threading.Event = field(default_factory=threading.Event)
    window: float | None = None  # None: EARLY_EXIT_WINDOW
    clock: Callable[[], float] = time.time

    def check(
        self, started: Mapping[str, float], running: Mapping[str, float] | None = None
    ) -> None:
        """`started`: container -> the wall-clock time just before this run started it (its
        logs are read from then); `running`: when its start returned (its window opens then)."""
        failed = self.watch({name: (running or {}).get(name, at) for name, at in started.items()})
        if failed:
            messages = [self._message(info, started[info.name]) for info in failed]
            raise ComposerError("\n".join(messages), hint="see `composer logs SERVICE`")

    def watch(self, opened: Mapping[str, float]) -> list[ContainerInfo]:
        """Poll until every container is judged (`opened`: when its window opened); those that
        failed, by name."""
        pending = dict(opened)
        failed: list[ContainerInfo] = []
        window = EARLY_EXIT_WINDOW if self.window is None else self.window
        while pending:
            now = self.clock()
            found = {
                info.name: info
                for info in self.runtime.list_containers({labels.PROJECT: self.project.name})
            }
            for name, begun in list(pending.items()):
                info = found.get(name)
                verdict = self._judge(info, over=now >= begun + window)
                if verdict == "failed" and info is not None:
                    failed.append(info)
                if verdict is not None:
                    del pending[name]
            if pending:
                ends = min(pending.values()) + window - self.clock()
                if self.stop.wait(max(0.0, min(POLL, ends))):
                    raise UpInterruptedError(
                        "interrupted while watching the started containers",
                        hint="the containers keep running; see `composer ps`",
                    )
        return sorted(failed, key=lambda info: info.name)

    def _judge(self, info: ContainerInfo | None, *, over: bool) -> Verdict | None:
        """None while it cannot be told yet."""
        if info is None:
            return "fine"  # gone (removed by someone, or `--rm`): nothing left to judge
        exited = info.state.lower() in ("exited", "stopped")
        if exited and info.exit_code == 0:
            return "fine"  # a job that finished
        if exited and (over or not self._restarts(info)):
            return "failed"
        if info.health == "healthy" or over:
            return "fine"
        return None

    def _restarts(self, info: ContainerInfo) -> bool:
        """Whether Podman restarts the container after a failure (its restart policy)."""
        service = self.project.services.get(info.labels.get(labels.SERVICE, ""))
        return service is not None and restart_spec(service).policy in RESTARTING_POLICIES

    def _message(self, info: ContainerInfo, since: float) -> str:
        service = info.labels.get(labels.SERVICE, info.name)
        self.progress.update(f"Container {info.name}", "Exited", f"code {info.exit_code}")
        lines = self._last_lines(info.name, since)
        said = f": {' / '.join(lines)}" if lines else ""
        text = (
            f'service "{service}" exited {self._lifetime(info.name, since)}, '
            f"with code {info.exit_code}{said}"
        )
        if self.pod_mode == "shared" and any(ADDRESS_IN_USE.search(line) for line in lines):
            text += (
                ". In shared pod mode all services share one network namespace, so a port "
                f"another service listens on is taken. {SEPARATE_HINT}"
            )
        return text

    def _lifetime(self, name: str, since: float) -> str:
        """`1.2s after it started`, from Podman's FinishedAt; `just after it started` without."""
        try:
            finished = started_at(self.runtime.container_state(name).finished_at)
        except ComposerError:
            finished = None
        if finished is None:
            return "just after it started"
        return f"{max(0.0, finished - since):.1f}s after it started"

    def _last_lines(self, name: str, since: float) -> list[str]:
        """The end of this run's output (a restarted container's log holds earlier runs too)."""
        try:
            found = self.runtime.logs(name, tail=LOG_LINES, since=f"{since:.6f}")
            return [line.text for line in found if line.text]
        except ComposerError:
            return []
