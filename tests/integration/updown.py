"""Helpers for the `up` / `down` command tests: compose files, podman inspect, event times."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Composer, Podman

BUSYBOX = "localhost/composer/busybox:latest"


def write_compose(directory: Path, text: str, name: str = "compose.yaml") -> Path:
    """Write a compose file (dedented) into `directory`; its path."""
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def output(result: subprocess.CompletedProcess[str]) -> str:
    """Everything a command printed: progress and errors go to stderr, logs to stdout."""
    return result.stdout + result.stderr


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The `error: ...` lines a failed command printed."""
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def inspect(podman: Podman, name: str) -> dict[str, Any]:
    """`podman inspect` of one container."""
    found: list[dict[str, Any]] = json.loads(podman("container", "inspect", name).stdout)
    return found[0]


def exists(podman: Podman, kind: str, name: str) -> bool:
    """`podman <kind> exists NAME` (container, pod, network, volume)."""
    return podman(kind, "exists", name, check=False).returncode == 0


def container_ids(podman: Podman, project: str) -> dict[str, str]:
    """Container name -> id for every service container of the project (infra left out)."""
    listed = podman(
        "ps",
        "-a",
        "--filter",
        f"label=com.docker.compose.project={project}",
        "--format",
        "{{.Names}} {{.ID}} {{.IsInfra}}",
    ).stdout
    ids = {}
    for line in listed.splitlines():
        name, container_id, infra = line.split()
        if infra != "true":
            ids[name] = container_id
    return ids


def state(podman: Podman, name: str) -> str:
    return str(inspect(podman, name)["State"]["Status"])


def when(text: str) -> float:
    """A Podman timestamp (RFC 3339, nanoseconds) as seconds since the epoch."""
    head, _, rest = text.partition(".")
    digits = "".join(c for c in rest if c.isdigit())
    zone = rest[len(digits) :].replace("Z", "+00:00") or "+00:00"
    return datetime.fromisoformat(f"{head}.{digits[:6].ljust(6, '0')}{zone}").timestamp()


@dataclass
class Interruptible:
    """A composer command running in the background, to be sent SIGINT like Ctrl-C."""

    process: subprocess.Popen[str]
    lines: list[str]
    reader: threading.Thread

    def wait_for_line(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if self.process.poll() is not None and not self.reader.is_alive():
                pytest.fail(f"composer ended before printing {text!r}:\n{self.text}")
            if time.monotonic() > deadline:
                pytest.fail(f"composer did not print {text!r} within {timeout}s:\n{self.text}")
            time.sleep(0.05)

    def interrupt(self, timeout: float = 60) -> int:
        """SIGINT, as a terminal's Ctrl-C sends it; the exit code."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        self.reader.join(10)
        return code

    @property
    def text(self) -> str:
        return "".join(self.lines)


@contextmanager
def background(composer: Composer, *args: str, cwd: Path) -> Iterator[Interruptible]:
    """Run `composer ARGS` (output merged, read line by line); killed if still running after."""
    argv = [*composer.argv_prefix, "-p", composer.project, *args]
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env={**composer.base_env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield Interruptible(process, lines, reader)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
