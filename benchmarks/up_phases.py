"""One tool's project taken through `up -d`, a no-op `up -d`, `ps` and `down -v`, each checked.

After `up -d` every service must have one running container and the published ports must answer
HTTP on 127.0.0.1; after the second `up -d` too (a tool that recreated the containers gets a
note); after `down -v` nothing labelled with the project may be left. A command that fails,
times out or leaves the host in the wrong state fails the tool for the rest of the benchmark,
and what it left is removed.
"""

from __future__ import annotations

import json
import secrets
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import timing, up_tools
from benchmarks.projects import Shape, compose_text, floor_spec
from benchmarks.up_tools import Tool

COMMANDS = {
    "up -d": ("up", "-d"),
    "up -d again": ("up", "-d"),
    "ps": ("ps",),
    "down -v": ("down", "-v"),
}
COMMAND_TIMEOUT = 600.0


class RunFailedError(Exception):
    """A tool's command failed, or it did not leave the host as it should."""


@dataclass
class Entry:
    """One tool on one project shape: its project name and directory, what happened."""

    tool: Tool
    shape: Shape
    project: str
    directory: Path
    host_ports: dict[str, int]
    failure: str = ""
    notes: list[str] = field(default_factory=list)


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


def project_name(shape: Shape, tool: Tool) -> str:
    return f"bench-{shape.name}-{tool.name.replace(' ', '-')}-{secrets.token_hex(3)}"


def make_entry(tool: Tool, shape: Shape, root: Path, ports: list[int]) -> Entry:
    """The tool's project directory for the shape: compose.yaml and the floor's floor.json.

    `ports` are host ports no other entry uses (taken from the front of the list)."""
    project = project_name(shape, tool)
    directory = root / project
    directory.mkdir()
    host_ports = {name: ports.pop(0) for name in shape.published}
    (directory / "compose.yaml").write_text(compose_text(shape, host_ports))
    (directory / "floor.json").write_text(json.dumps(floor_spec(shape, host_ports), indent=1))
    return Entry(tool, shape, project, directory, host_ports)


def timed(entry: Entry, phase: str) -> timing.Run:
    """Run the phase's command; a non-zero exit or a timeout fails the run."""
    argv = entry.tool.command(entry.project, *COMMANDS[phase])
    done = timing.run(argv, cwd=entry.directory, env=entry.tool.env, timeout=COMMAND_TIMEOUT)
    if done.timed_out:
        raise RunFailedError(f"{phase}: no answer after {COMMAND_TIMEOUT:.0f}s")
    if done.code != 0:
        raise RunFailedError(f"{phase}: exit {done.code}: {done.said()}")
    return done


def check_running(entry: Entry) -> dict[str, str]:
    """All services have one running container and the published ports answer; their ids."""
    containers = up_tools.service_containers(entry.project)
    states = {up_tools.service_of(c): str(c.get("State", "")).lower() for c in containers}
    missing = sorted(set(entry.shape.graph) - set(states))
    stopped = sorted(name for name, state in states.items() if state != "running")
    if missing or stopped or len(containers) != len(entry.shape.graph):
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


def one_run(entry: Entry) -> dict[str, timing.Run]:
    """Every phase with its check; how each command went."""
    runs = {"up -d": timed(entry, "up -d")}
    before = check_running(entry)
    runs["up -d again"] = timed(entry, "up -d again")
    after = check_running(entry)
    recreated = sorted(name for name in before if before[name] != after.get(name))
    if recreated:
        note = f"the second up -d recreated {len(recreated)} containers"
        if note not in entry.notes:
            entry.notes.append(note)
    runs["ps"] = timed(entry, "ps")
    runs["down -v"] = timed(entry, "down -v")
    check_gone(entry)
    return runs


def run_entry(entry: Entry, number: int) -> dict[str, timing.Run]:
    """One run of the entry, printed; a failure is recorded and the project removed."""
    label = f"run {number} {entry.shape.name:<10} {entry.tool.name:<15}"
    try:
        runs = one_run(entry)
    except (RunFailedError, RuntimeError, OSError) as error:
        entry.failure = f"run {number}, {error}"
        print(f"{label} FAILED: {error}", flush=True)
        up_tools.remove_leftovers(entry.project)
        return {}
    shown = "  ".join(f"{phase} {done.seconds:6.2f}s" for phase, done in runs.items())
    print(f"{label} {shown}", flush=True)
    return runs
