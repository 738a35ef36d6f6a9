"""Progress displays: plain lines, JSON records, the live tty table, quiet, and mode selection."""

from __future__ import annotations

import io
import json

import pytest

from composer.errors import ComposerError
from composer.progress import (
    JsonProgress,
    PlainProgress,
    Progress,
    TtyProgress,
    lines_only,
    make_progress,
    resolve_mode,
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_prints_one_line_per_change() -> None:
    out = io.StringIO()
    with PlainProgress(out) as progress:
        progress.update("Container web-1", "Creating")
        progress.update("Container web-1", "Waiting", "db healthy")
        progress.update("Container web-1", "Started")
        progress.message("warning: x")
    assert out.getvalue().splitlines() == [
        " Container web-1  Creating",
        " Container web-1  Waiting: db healthy",
        " Container web-1  Started",
        "warning: x",
    ]


def test_json_records_status_and_errors() -> None:
    out = io.StringIO()
    progress = JsonProgress(out)
    progress.update("Container db-1", "Starting")
    progress.update("Container db-1", "Error", "port in use")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["id"], r["status"], r["text"], r["error"]) for r in records] == [
        ("Container db-1", "Starting", "", False),
        ("Container db-1", "Error", "port in use", True),
    ]
    assert all(r["elapsed"] >= 0 for r in records)


def test_final_status_stops_the_clock_and_new_work_restarts_it() -> None:
    progress = Progress()
    progress.update("Container a-1", "Starting")
    progress.update("Container a-1", "Started")
    line = progress.lines["Container a-1"]
    ended = line.ended
    assert ended is not None
    progress.update("Container a-1", "Stopping")
    assert line.ended is None


def test_tty_shows_a_live_table_and_gives_way_to_lines() -> None:
    out = Terminal()
    progress = TtyProgress(out)
    progress.update("Container web-1", "Creating")
    progress.update("Container web-1", "Started")
    progress.update("Container db-1", "Error", "exited at once")
    after = lines_only(progress)
    screen = out.getvalue()
    assert "Container web-1" in screen
    assert "Started" in screen
    assert "✘" in screen
    assert "Error: exited at once" in screen
    assert isinstance(after, PlainProgress)
    after.update("Container web-1", "Stopped")
    assert out.getvalue().endswith(" Container web-1  Stopped\n")


def test_mode_resolution() -> None:
    assert resolve_mode("auto", {}, io.StringIO()) == "plain"
    assert resolve_mode("auto", {}, Terminal()) == "tty"
    assert resolve_mode("auto", {"COMPOSE_PROGRESS": "json"}, Terminal()) == "json"
    assert resolve_mode("quiet", {"COMPOSE_PROGRESS": "json"}, Terminal()) == "quiet"
    quiet = make_progress("quiet", {}, io.StringIO())
    assert type(quiet) is Progress


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(ComposerError, match='invalid progress mode "fancy"'):
        resolve_mode("fancy", {}, io.StringIO())
