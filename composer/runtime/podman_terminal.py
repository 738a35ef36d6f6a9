"""Interactive work through the podman command line (`exec`, `run`'s attach): argv lists only.

The podman CLI already does what a terminal session needs (raw mode, line editing through the
container's TTY, window size changes, the detach keys, signals passed on), so composer hands the
terminal to `podman --remote --url URL ...`, pointed at the very API service composer talks to:
rootful or rootless, the system socket or composer's own private service, both see the same
containers. Values of environment variables are passed in podman's environment (`-e NAME`), never
on its command line, where other users could read them.

While podman runs, composer ignores Ctrl-C (the terminal sends it to podman too, which passes it
on or, in raw mode, sends it to the container as a key) and forwards SIGTERM and SIGHUP to it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from composer.errors import ComposerError
from composer.runtime.base import ExecRequest

# Podman's own words (libpod/define/errors.go) for a command that cannot run; `podman run` and
# `podman exec` turn them into these exit codes, `podman start --attach` answers 125 instead.
COMMAND_NOT_FOUND = ("OCI runtime attempted to invoke a command that was not found", 127)
COMMAND_NOT_RUNNABLE = ("OCI permission denied", 126)
START_FAILED = 125
FORWARDED = (signal.SIGTERM, signal.SIGHUP)
KEPT_TEXT = 8192  # how much of podman's stderr is kept to read its error


def exec_flags(request: ExecRequest) -> list[str]:
    """`podman exec` options for the request (environment values come from the environment)."""
    flags: list[str] = []
    if request.detach:
        flags.append("--detach")
    elif request.interactive:
        flags.append("--interactive")
    if request.tty and not request.detach:
        flags.append("--tty")
    for name in request.env:
        flags += ["--env", name]
    if request.user:
        flags += ["--user", request.user]
    if request.workdir:
        flags += ["--workdir", request.workdir]
    if request.privileged:
        flags.append("--privileged")
    return flags


def failed_command_code(said: str) -> int | None:
    """126 or 127 when podman's error says the container's command cannot run or is missing."""
    for text, code in (COMMAND_NOT_FOUND, COMMAND_NOT_RUNNABLE):
        if text in said:
            return code
    return None


@dataclass
class TerminalPodman:
    """`podman --remote --url URL` on this process's stdin, stdout and stderr."""

    url: str
    binary: str = field(default_factory=lambda: shutil.which("podman") or "")

    def argv(self, *args: str) -> list[str]:
        if not self.binary:
            raise ComposerError(
                "podman is not on PATH: composer exec and run attach to containers through the "
                "podman command line",
                hint="install podman (the client is enough when --podman-url names a remote one)",
            )
        return [self.binary, "--remote", "--url", self.url, *args]

    def exec(self, name: str, request: ExecRequest) -> int:
        argv = self.argv("exec", *exec_flags(request), name, *request.command)
        quiet = subprocess.DEVNULL if request.detach else None  # podman prints the session id
        code, _ = attached(argv, request.env, stdout=quiet)
        return code

    def start(self, name: str, *, interactive: bool) -> int:
        flags = ["--attach", *(["--interactive"] if interactive else [])]
        code, said = attached(self.argv("start", *flags, name), {}, keep_stderr=True)
        if code == START_FAILED:
            return failed_command_code(said) or code
        return code


def attached(
    argv: list[str],
    env: Mapping[str, str],
    *,
    stdout: int | None = None,
    keep_stderr: bool = False,
) -> tuple[int, str]:
    """Run argv on this terminal; its exit code and (with keep_stderr) the end of its stderr,
    which is still shown as it comes."""
    environment = {**os.environ, **env}
    stderr = subprocess.PIPE if keep_stderr else None
    with _quiet_interrupts() as forward:
        try:
            process = subprocess.Popen(argv, env=environment, stdout=stdout, stderr=stderr)
        except OSError as error:
            raise ComposerError(f"cannot run {argv[0]}: {error.strerror or error}") from None
        forward.append(process)
        copier = _StderrCopy(process.stderr) if process.stderr is not None else None
        code = process.wait()
    said = copier.finish() if copier is not None else ""
    # Killed by a signal: the code a shell reports for it.
    return (128 - code if code < 0 else code), said


@contextlib.contextmanager
def _quiet_interrupts() -> Iterator[list[subprocess.Popen[bytes]]]:
    """While the child runs: Ctrl-C is the child's, SIGTERM and SIGHUP are passed to it."""
    children: list[subprocess.Popen[bytes]] = []
    if threading.current_thread() is not threading.main_thread():
        yield children
        return

    def ignore(_signum: int, _frame: Any) -> None:
        return None

    def forward(signum: int, _frame: Any) -> None:
        for child in children:
            with contextlib.suppress(OSError):
                child.send_signal(signum)

    # A Python handler, not SIG_IGN: handlers are reset in the child, an ignored signal is not.
    previous = {signal.SIGINT: signal.signal(signal.SIGINT, ignore)}
    previous |= {number: signal.signal(number, forward) for number in FORWARDED}
    try:
        yield children
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class _StderrCopy:
    """Copies the child's stderr to ours as it comes, keeping its end to read errors from."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.kept = b""
        self.thread = threading.Thread(target=self._copy, daemon=True)
        self.thread.start()

    def _copy(self) -> None:
        out = getattr(sys.stderr, "buffer", None)
        while chunk := os.read(self.stream.fileno(), 4096):
            if out is not None:
                out.write(chunk)
                out.flush()
            else:
                sys.stderr.write(chunk.decode(errors="replace"))
                sys.stderr.flush()
            self.kept = (self.kept + chunk)[-KEPT_TEXT:]

    def finish(self) -> str:
        self.thread.join()
        self.stream.close()
        return self.kept.decode(errors="replace")
