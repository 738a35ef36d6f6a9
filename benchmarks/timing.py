"""One command as a subprocess: its wall time, peak memory, exit status and output."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class Run:
    """How one command went."""

    seconds: float
    max_rss_mb: float  # the largest resident set of the command or a child it waited for
    code: int
    stdout: str
    stderr: str
    timed_out: bool = False

    def said(self) -> str:
        """The last line of its error output (else of its output): what it said on failing."""
        return last_line(self.stderr) or last_line(self.stdout)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run(
    argv: list[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Run:
    """Run argv to its end (its process group killed after `timeout`), timed from the start of
    the process to its exit; the resource usage comes from wait4 on that one child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        killed = threading.Event()
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # a timeout ends the command's children too
        )

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            max_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
            code=proc.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
            timed_out=killed.is_set(),
        )
