"""Bring a 20-service project up with composer, podman-compose and docker compose, side by side.

Run as root from the repository: `.venv/bin/python benchmarks/up_bench.py [--runs N]`.
The project (benchmarks/up_project.py) has 20 busybox httpd services with dependency chains and
fan-outs, a named volume and four ports published on 127.0.0.1. Per tool and run: `up -d` from
nothing (then all 20 containers must be running and the ports answer), a second `up -d` (nothing
to do; the same containers must still run), and `down -v` (then nothing of the project may be
left). Each tool has its own project name; the order of the tools rotates between runs. The
table shows medians and composer's ratio to each of the others. docker compose talks to Podman's
API service on a private socket (started here if needed, stopped afterwards), and composer uses
the same service. Exit status 1 when a tool failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import up_project
import up_tools
from up_tools import Tool

PHASES = ("up -d", "up -d again", "down -v")
COMMANDS = {"up -d": ("up", "-d"), "up -d again": ("up", "-d"), "down -v": ("down", "-v")}
COMMAND_TIMEOUT = 300.0
BASELINE = "composer"


class RunFailedError(Exception):
    """A tool's command failed, or it did not leave the host as it should."""


@dataclass
class Entry:
    """One tool in the benchmark: its project, its times, its failure."""

    tool: Tool
    project: str
    directory: Path
    host_ports: dict[str, int]
    times: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PHASES})
    failure: str = ""
    notes: list[str] = field(default_factory=list)

    def median(self, phase: str) -> float | None:
        found = self.times[phase]
        return statistics.median(found) if found and not self.failure else None


def free_ports(count: int) -> list[int]:
    """Distinct free TCP ports on 127.0.0.1."""
    holders = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            holders.append(sock)
        return [sock.getsockname()[1] for sock in holders]
    finally:
        for sock in holders:
            sock.close()


def make_entry(tool: Tool, root: Path) -> Entry:
    slug = tool.name.replace(" ", "-")
    directory = root / slug
    directory.mkdir()
    ports = dict(zip(up_project.PUBLISHED, free_ports(len(up_project.PUBLISHED)), strict=True))
    (directory / "compose.yaml").write_text(up_project.compose_text(ports))
    project = f"upbench-{slug}-{secrets.token_hex(3)}"
    return Entry(tool, project, directory, ports)


def timed(entry: Entry, phase: str) -> float:
    """Run the phase's command; its wall time. A non-zero exit or a timeout fails the run."""
    argv = entry.tool.command(entry.project, *COMMANDS[phase])
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            argv,
            cwd=entry.directory,
            env=entry.tool.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RunFailedError(f"{phase}: no answer after {COMMAND_TIMEOUT:.0f}s") from None
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        said = up_tools.last_line(proc.stderr) or up_tools.last_line(proc.stdout)
        raise RunFailedError(f"{phase}: exit {proc.returncode}: {said}")
    return elapsed


def check_running(entry: Entry) -> dict[str, str]:
    """All services have one running container and the published ports answer; their ids."""
    containers = up_tools.service_containers(entry.project)
    states = {up_tools.service_of(c): str(c.get("State", "")).lower() for c in containers}
    missing = sorted(set(up_project.GRAPH) - set(states))
    stopped = sorted(name for name, state in states.items() if state != "running")
    if missing or stopped or len(containers) != len(up_project.GRAPH):
        raise RunFailedError(
            f"after up -d: {len(containers)} containers; missing {missing or 'none'}, "
            f"not running {stopped or 'none'}"
        )
    for service, port in entry.host_ports.items():
        if not answers(port):
            raise RunFailedError(f"after up -d: {service}'s 127.0.0.1:{port} does not answer")
    return {up_tools.service_of(c): str(c.get("Id", "")) for c in containers}


def answers(port: int, timeout: float = 5.0) -> bool:
    """True when an HTTP server answers on 127.0.0.1:port (any status) within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
                if conn.recv(16).startswith(b"HTTP/1."):
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def check_gone(entry: Entry) -> None:
    left = up_tools.leftovers(entry.project)
    if left:
        raise RunFailedError(f"after down -v: left {', '.join(left)}")


def one_run(entry: Entry) -> dict[str, float]:
    """up -d, up -d again, down -v with their checks; the three times."""
    times = {"up -d": timed(entry, "up -d")}
    before = check_running(entry)
    times["up -d again"] = timed(entry, "up -d again")
    after = check_running(entry)
    recreated = sorted(name for name in before if before[name] != after.get(name))
    if recreated:
        note = f"the second up -d recreated {len(recreated)} containers"
        if note not in entry.notes:
            entry.notes.append(note)
    times["down -v"] = timed(entry, "down -v")
    check_gone(entry)
    return times


def run_entry(entry: Entry, number: int) -> None:
    try:
        times = one_run(entry)
    except (RunFailedError, RuntimeError) as error:
        entry.failure = f"run {number}, {error}"
        print(f"run {number} {entry.tool.name:<15} FAILED: {error}", flush=True)
        up_tools.remove_leftovers(entry.project)
        return
    for phase, seconds in times.items():
        entry.times[phase].append(seconds)
    shown = "  ".join(f"{phase} {seconds:6.2f}s" for phase, seconds in times.items())
    print(f"run {number} {entry.tool.name:<15} {shown}", flush=True)


def format_seconds(value: float | None) -> str:
    return f"{value:.2f}s" if value is not None else "failed"


def table(entries: list[Entry]) -> str:
    base = next(e for e in entries if e.tool.name == BASELINE)
    others = [e for e in entries if e is not base]
    header = ["phase", *(e.tool.name for e in entries)]
    header += [f"{BASELINE} / {e.tool.name}" for e in others]
    rows = [header]
    for phase in PHASES:
        row = [phase, *(format_seconds(e.median(phase)) for e in entries)]
        for other in others:
            ours, theirs = base.median(phase), other.median(phase)
            row.append(f"{ours / theirs:.2f}x" if ours and theirs else "-")
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    return "\n".join(lines)


def describe_machine() -> str:
    podman = up_tools.output(["podman", "--version"])
    return (
        f"{platform.node()}: {os.cpu_count()} CPUs, Linux {platform.release()}, {podman}, "
        f"load {load_average()}"
    )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def build_entries(url: str, root: Path) -> list[Entry]:
    """The three tools; one that cannot be set up stays in the table as failed."""
    makers: list[tuple[str, Callable[[], Tool]]] = [
        ("composer", lambda: up_tools.composer_tool(url)),
        ("podman-compose", up_tools.podman_compose_tool),
        ("docker compose", lambda: up_tools.docker_compose_tool(url)),
    ]
    entries = []
    for name, make in makers:
        try:
            entries.append(make_entry(make(), root))
        except (RuntimeError, OSError) as error:
            entry = make_entry(Tool(name, (), "not available"), root)
            entry.failure = f"set-up: {error}"
            entries.append(entry)
    return entries


def run_all(entries: list[Entry], runs: int) -> None:
    """Every run of every tool that has not failed, the order rotated between runs."""
    try:
        for number in range(1, runs + 1):
            shift = (number - 1) % len(entries)
            for entry in entries[shift:] + entries[:shift]:
                if not entry.failure:
                    run_entry(entry, number)
    finally:
        for entry in entries:
            up_tools.remove_leftovers(entry.project)


def report(entries: list[Entry]) -> int:
    """The table, notes and failures; the exit status."""
    print()
    print(table(entries))
    for entry in entries:
        for note in entry.notes:
            print(f"note: {entry.tool.name}: {note}")
        if entry.failure:
            print(f"FAILED: {entry.tool.name}: {entry.failure}")
    print(f"load after: {load_average()}")
    return 1 if any(e.failure for e in entries) else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("run as root (the benchmark uses root's Podman)", file=sys.stderr)
        return 2
    with up_tools.podman_service() as url, tempfile.TemporaryDirectory(prefix="up-bench-") as tmp:
        entries = build_entries(url, Path(tmp))
        print(describe_machine())
        print(
            f"{len(up_project.GRAPH)} services, dependency depth {up_project.depth()}, "
            f"{args.runs} runs; API service {url}"
        )
        for entry in entries:
            print(f"  {entry.tool.name} {entry.tool.version}: project {entry.project}")
        run_all(entries, args.runs)
    return report(entries)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
