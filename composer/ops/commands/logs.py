"""`logs`: the output of the project's containers, prefixed `web-1  | ` as `up` shows it.

Without --follow each container's log is printed in turn. With it, every container has a daemon
thread reading its stream and the main thread only waits on a queue, so Ctrl-C always reaches it;
following ends when every followed container's output has ended (it exited), or on Ctrl-C.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from composer.errors import ComposerError
from composer.ops.commands.attach import TICK, Attached, AttachOptions, LogPrinter
from composer.ops.state import container_number
from composer.ops.view import ProjectView, is_active, log_label
from composer.plan import labels
from composer.runtime.base import ContainerInfo, Runtime


def parse_tail(text: str) -> int | None:
    """`--tail`: a number of lines, or `all` (None); a negative number means all, as docker."""
    value = text.strip().lower()
    if value in ("all", ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise ComposerError(
            f'invalid --tail value "{text}"', hint='give a number of lines or "all"'
        ) from None
    return number if number >= 0 else None


@dataclass(frozen=True)
class LogsOptions:
    """`logs` flags."""

    services: tuple[str, ...] = ()
    follow: bool = False
    tail: int | None = None
    since: str | None = None
    until: str | None = None
    timestamps: bool = False
    no_prefix: bool = False
    no_color: bool = False
    index: int | None = None


def log_targets(view: ProjectView, options: LogsOptions) -> list[tuple[Attached, ContainerInfo]]:
    """The containers whose logs are shown, in service order, then replica order."""
    services = list(options.services) or view.services
    chosen = []
    for service in services:
        for info in view.containers(service):
            if options.index is not None and container_number(info) != options.index:
                continue
            service_name = info.labels.get(labels.SERVICE, service)
            chosen.append((Attached(service_name, info.name, log_label(info)), info))
    return chosen


@dataclass
class Ended:
    """A followed container's stream ended; `code` is its exit code when it was running."""

    target: Attached
    code: int | None


class Logs:
    """One `logs` run over the chosen containers of a project."""

    def __init__(
        self,
        runtime: Runtime,
        view: ProjectView,
        options: LogsOptions,
        out: TextIO | None = None,
    ) -> None:
        self.runtime = runtime
        self.options = options
        self.chosen = log_targets(view, options)
        targets = [target for target, _ in self.chosen]
        shown = AttachOptions(no_color=options.no_color, no_log_prefix=options.no_prefix)
        self.printer = LogPrinter(targets, shown, out or sys.stdout)
        self.ended: queue.Queue[Ended] = queue.Queue()

    def run(self) -> int:
        """Print the logs; the exit code: 0, also after Ctrl-C (as docker compose)."""
        self._check_index()
        try:
            if self.options.follow:
                self._follow_all()
            else:
                for target, _ in self.chosen:
                    self._print(target, follow=False)
        except KeyboardInterrupt:
            pass
        return 0

    def _follow_all(self) -> None:
        for target, info in self.chosen:
            threading.Thread(
                target=self._follow, args=(target, is_active(info)), daemon=True
            ).start()
        self._watch()

    def _check_index(self) -> None:
        """docker compose's rules: --index needs one service, which has that replica."""
        index, services = self.options.index, self.options.services
        if index is None:
            return
        if len(services) != 1:
            raise ComposerError("--index requires one service to be selected")
        if not self.chosen:
            raise ComposerError(f'service "{services[0]}" is not running container #{index}')

    def _print(self, target: Attached, *, follow: bool) -> None:
        for line in self.runtime.logs(
            target.container,
            follow=follow,
            tail=self.options.tail,
            since=self.options.since,
            until=self.options.until,
            timestamps=self.options.timestamps,
        ):
            self.printer.line(target, line.text)

    def _follow(self, target: Attached, running: bool) -> None:
        code: int | None = None
        try:
            self._print(target, follow=True)
            if running:
                code = self.runtime.container_state(target.container).exit_code
        except ComposerError as error:
            self.printer.write(f"{target.label}: {error.message}")
        self.ended.put(Ended(target, code))

    def _watch(self) -> None:
        left = len(self.chosen)
        while left:
            try:
                ended = self.ended.get(timeout=TICK)
            except queue.Empty:
                continue
            left -= 1
            if ended.code is not None:
                self.printer.write(f"{ended.target.label} exited with code {ended.code}")


def monochrome(flag: bool, ansi: str, environ: Mapping[str, str]) -> bool:
    """Monochrome with --no-color, `--ansi never` or NO_COLOR set (https://no-color.org)."""
    return flag or ansi == "never" or bool(environ.get("NO_COLOR"))
