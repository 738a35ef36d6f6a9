"""Progress display: one live line per object on a terminal, plain lines, JSON lines, or nothing.

Operations report steps as `update(item, status)`; an item is what docker compose shows, such as
`Container web-1` or `Network demo_default`. Everything goes to stderr, so stdout keeps only a
command's result (and `up`'s logs).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO, cast

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live
    from rich.table import Table

MODES = ("auto", "tty", "plain", "json", "quiet")
ENV_VAR = "COMPOSE_PROGRESS"

# Statuses after which an item's clock stops; an error or a skip marks the line as failed.
FINAL = frozenset(
    {
        "Created",
        "Started",
        "Recreated",
        "Restarted",
        "Running",
        "Healthy",
        "Exited",
        "Stopped",
        "Killed",
        "Paused",
        "Unpaused",
        "Removed",
        "Pulled",
        "Built",
        "Skipped",
        "Error",
        "Cancelled",
    }
)
FAILED = frozenset({"Error", "Skipped", "Cancelled"})


@dataclass
class Line:
    """One object's current state and when its current work began."""

    item: str
    status: str = ""
    detail: str = ""
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    @property
    def failed(self) -> bool:
        return self.status in FAILED


class Progress:
    """The interface every display implements; this base one shows nothing (`quiet`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lines: dict[str, Line] = {}

    def update(self, item: str, status: str, detail: str = "") -> None:
        """Record that `item` is now `status` (Creating, Started, Waiting for db healthy, ...)."""
        with self.lock:
            line = self.lines.get(item)
            if line is None:
                line = self.lines[item] = Line(item)
            elif line.ended is not None and status not in FINAL:
                line.started, line.ended = time.monotonic(), None
            line.status, line.detail = status, detail
            if status in FINAL:
                line.ended = time.monotonic()
            self.show(line)

    def message(self, text: str) -> None:
        """A line of text outside the item lines (warnings, summaries)."""

    def show(self, line: Line) -> None:
        """Display one changed line (called with the lock held)."""

    def close(self) -> None:
        """Finish the display; nothing may be shown after this."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def describe(line: Line) -> str:
    return f"{line.status}: {line.detail}" if line.detail else line.status


class PlainProgress(Progress):
    """One text line per change: ` Container web-1  Started`, as docker compose --progress plain."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def show(self, line: Line) -> None:
        self.stream.write(f" {line.item}  {describe(line)}\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        with self.lock:
            self.stream.write(text + "\n")
            self.stream.flush()


class JsonProgress(Progress):
    """One JSON object per change, for tools: {"id", "status", "text", "elapsed"}."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def show(self, line: Line) -> None:
        record = {
            "id": line.item,
            "status": line.status,
            "text": line.detail,
            "elapsed": round(line.elapsed, 3),
            "error": line.failed,
        }
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        with self.lock:
            self.stream.write(json.dumps({"message": text}) + "\n")
            self.stream.flush()


class TtyProgress(Progress):
    """A rich Live table: one line per object with a spinner or mark, status and elapsed time."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        from rich.console import Console
        from rich.live import Live

        self.console: Console = Console(file=stream, highlight=False)
        self.live: Live = Live(
            get_renderable=self._table,
            console=self.console,
            refresh_per_second=8,
            transient=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start()

    def _table(self) -> Table:
        from rich.table import Table

        table = Table.grid(padding=(0, 1))
        table.add_column(width=1)
        table.add_column()
        table.add_column()
        table.add_column(justify="right")
        with self.lock:
            lines = list(self.lines.values())
        for line in lines:
            table.add_row(_mark(line), line.item, _styled(line), f"{line.elapsed:.1f}s")
        return table

    def message(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False)

    def close(self) -> None:
        if self.live.is_started:
            self.live.stop()


def _mark(line: Line) -> str:
    if line.ended is None:
        frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
        return f"[cyan]{frames[int(time.monotonic() * 10) % len(frames)]}[/]"
    return "[red]✘[/]" if line.failed else "[green]✔[/]"


def _styled(line: Line) -> str:
    from rich.markup import escape

    text = escape(describe(line))
    if line.failed:
        return f"[red]{text}[/]"
    return f"[green]{text}[/]" if line.ended is not None else text


def lines_only(progress: Progress) -> Progress:
    """A display that can follow `progress` once it is closed: a live one gives way to lines."""
    if isinstance(progress, TtyProgress):
        progress.close()
        return PlainProgress(cast(TextIO, progress.console.file))
    return progress


def resolve_mode(option: str, environ: Mapping[str, str], stream: TextIO) -> str:
    """`--progress` > COMPOSE_PROGRESS > tty when stderr is a terminal, else plain."""
    mode = option if option and option != "auto" else environ.get(ENV_VAR, "auto") or "auto"
    if mode not in MODES:
        from composer.errors import ComposerError

        raise ComposerError(
            f'invalid progress mode "{mode}"', hint="use auto, tty, plain, json or quiet"
        )
    if mode == "auto":
        return "tty" if _is_terminal(stream) else "plain"
    return mode


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def make_progress(
    option: str = "auto", environ: Mapping[str, str] | None = None, stream: TextIO | None = None
) -> Progress:
    """The display the options ask for, on stderr by default."""
    out = stream or sys.stderr
    mode = resolve_mode(option, environ or {}, out)
    makers: dict[str, Callable[[TextIO], Progress]] = {
        "tty": TtyProgress,
        "plain": PlainProgress,
        "json": JsonProgress,
    }
    maker = makers.get(mode)
    return maker(out) if maker else Progress()
