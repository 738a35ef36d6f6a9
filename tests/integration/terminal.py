"""A pseudo-terminal for tests of interactive commands (`composer exec web sh`): what a user's
terminal does, with Python's `pty`: a window size, keys typed, the screen read back."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROWS, COLUMNS = 40, 100


def set_size(fd: int, rows: int, columns: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


@dataclass
class Terminal:
    """The terminal side of a command started in a pseudo-terminal."""

    pid: int
    fd: int
    screen: bytearray = field(default_factory=bytearray)
    status: int | None = None

    def read_until(self, text: str, timeout: float = 60) -> str:
        """Everything shown so far, once `text` has appeared on the screen."""
        wanted = text.encode()
        deadline = time.monotonic() + timeout
        while wanted not in self.screen:
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} did not appear within {timeout}s; the screen:\n{self.text}")
            if not self._read(0.2) and self._exited():
                pytest.fail(f"the command ended before {text!r} appeared; the screen:\n{self.text}")
        return self.text

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def resize(self, rows: int, columns: int) -> None:
        set_size(self.fd, rows, columns)

    def wait(self, timeout: float = 60) -> int:
        """The command's exit code (read what it still prints meanwhile)."""
        deadline = time.monotonic() + timeout
        while not self._exited():
            if time.monotonic() > deadline:
                pytest.fail(f"the command did not end within {timeout}s; the screen:\n{self.text}")
            self._read(0.1)
        assert self.status is not None
        return os.waitstatus_to_exitcode(self.status)

    @property
    def text(self) -> str:
        return self.screen.decode(errors="replace")

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], wait)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # EIO: the command closed the terminal
            return False
        self.screen += chunk
        return bool(chunk)

    def _exited(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is not None


@contextlib.contextmanager
def terminal(argv: list[str], *, cwd: Path, env: dict[str, str]) -> Iterator[Terminal]:
    """Run argv in a new pseudo-terminal of ROWS x COLUMNS; killed if still running after."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout and stderr are the terminal
        try:
            set_size(0, ROWS, COLUMNS)
            os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    shown = Terminal(pid, fd)
    try:
        yield shown
    finally:
        if not shown._exited():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
