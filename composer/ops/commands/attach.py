"""`up` attached: the started containers' logs, prefixed `web-1  | `, until they all exit or
Ctrl-C; the abort flags stop everything on the first exit.

Log lines come from Runtime.logs (following); each container has a daemon thread, and the main
thread only waits on a queue, so Ctrl-C always reaches it.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from composer.errors import ComposerError
from composer.runtime.base import Runtime

COLORS = (36, 33, 32, 35, 34, 96, 93, 92, 95, 94)  # ANSI foreground colours, cycled per service
TICK = 0.2  # seconds the main thread waits on the queue at a time (Ctrl-C latency)


@dataclass(frozen=True)
class AttachOptions:
    """How logs are shown and when `up` stops."""

    no_color: bool = False
    no_log_prefix: bool = False
    timestamps: bool = False
    abort_on_exit: bool = False
    abort_on_failure: bool = False
    exit_code_from: str = ""


@dataclass(frozen=True)
class Attached:
    """A container whose logs are shown: its service and the name shown in the prefix."""

    service: str
    container: str
    label: str


@dataclass(frozen=True)
class Exit:
    """A followed container's output ended: it exited with `code`."""

    target: Attached
    code: int


class LogPrinter:
    """Prints prefixed lines; one lock keeps lines of different containers whole."""

    def __init__(self, targets: Sequence[Attached], options: AttachOptions, out: TextIO) -> None:
        self.options = options
        self.out = out
        self.lock = threading.Lock()
        width = max((len(t.label) for t in targets), default=0)
        colour = not options.no_color and _is_terminal(out)
        services = list(dict.fromkeys(t.service for t in targets))
        self.prefixes = {
            t.container: _coloured(
                f"{t.label.ljust(width)}  | ",
                COLORS[services.index(t.service) % len(COLORS)] if colour else None,
            )
            for t in targets
        }

    def line(self, target: Attached, text: str) -> None:
        prefix = "" if self.options.no_log_prefix else self.prefixes[target.container]
        self.write(f"{prefix}{text}")

    def write(self, text: str) -> None:
        with self.lock:
            self.out.write(text + "\n")
            self.out.flush()


def _coloured(text: str, colour: int | None) -> str:
    return text if colour is None else f"\x1b[{colour}m{text}\x1b[0m"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Attachment:
    """Follows the logs of `targets`; `stop_all(force)` stops the project's containers."""

    def __init__(
        self,
        runtime: Runtime,
        targets: Sequence[Attached],
        options: AttachOptions,
        stop_all: Callable[[bool], None],
        out: TextIO | None = None,
    ) -> None:
        self.runtime = runtime
        self.targets = list(targets)
        self.options = options
        self.stop_all = stop_all
        self.printer = LogPrinter(self.targets, options, out or sys.stdout)
        self.exits: queue.Queue[Exit] = queue.Queue()

    def run(self) -> int:
        """Show logs until every container exits (or an abort); the exit code `up` returns."""
        if not self.targets:
            return 0
        self.printer.write("Attaching to " + ", ".join(t.label for t in self.targets))
        for target in self.targets:
            threading.Thread(target=self._follow, args=(target,), daemon=True).start()
        try:
            return self._watch()
        except KeyboardInterrupt:
            return self._interrupted()

    def _follow(self, target: Attached) -> None:
        try:
            for line in self.runtime.logs(
                target.container, follow=True, timestamps=self.options.timestamps
            ):
                self.printer.line(target, line.text)
            code = self.runtime.container_state(target.container).exit_code
        except ComposerError as error:
            self.printer.write(f"{target.label}: {error.message}")
            code = 1
        self.exits.put(Exit(target, code))

    def _watch(self) -> int:
        codes: dict[str, int] = {}
        while len(codes) < len(self.targets):
            try:
                ended = self.exits.get(timeout=TICK)
            except queue.Empty:
                continue
            codes[ended.target.container] = ended.code
            self.printer.write(f"{ended.target.label} exited with code {ended.code}")
            if self._aborts(ended):
                self.printer.write("Aborting on container exit...")
                self._stop(force=False)
                return self._result(codes, ended)
        return self._result(codes, None)

    def _aborts(self, ended: Exit) -> bool:
        options = self.options
        if options.abort_on_exit or options.exit_code_from:
            return True
        return options.abort_on_failure and ended.code != 0

    def _result(self, codes: dict[str, int], first: Exit | None) -> int:
        """--exit-code-from's container code, else the code of the exit that aborted, else 0."""
        wanted = self.options.exit_code_from
        if wanted:
            chosen = [t for t in self.targets if t.service == wanted]
            if chosen:
                container = chosen[0].container
                if container not in codes:
                    codes[container] = self.runtime.container_state(container).exit_code
                return codes[container]
        return first.code if first is not None else 0

    def _interrupted(self) -> int:
        stop_gracefully(self.stop_all, self.printer.write)
        return 130

    def _stop(self, *, force: bool) -> None:
        _in_helper_thread(lambda: self.stop_all(force))


def stop_gracefully(stop_all: Callable[[bool], None], say: Callable[[str], None]) -> None:
    """After Ctrl-C: stop the containers; a second Ctrl-C kills them instead."""
    say("Gracefully stopping... (press Ctrl+C again to force)")
    try:
        _in_helper_thread(lambda: stop_all(False))
    except KeyboardInterrupt:
        say("Killing...")
        _in_helper_thread(lambda: stop_all(True))


def _in_helper_thread(action: Callable[[], None]) -> None:
    """Run `action` in a helper thread so that a second Ctrl-C still reaches the main thread."""
    done = threading.Event()

    def run() -> None:
        try:
            action()
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    while not done.wait(TICK):
        pass
