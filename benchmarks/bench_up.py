"""Up and down: every tool on every project shape, interleaved, through benchmarks/up_phases.py.

The tools: composer (`--podman-url` the benchmark's API service), podman-compose (the podman
CLI), docker compose (`DOCKER_HOST` the same API service) and the API floor (api_floor.py on
the same service). Each tool has a project of its own per shape; per run, every shape in turn
is taken through every tool, in an order that rotates between runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks import projects, up_phases, up_tools
from benchmarks.results import RSS, UP, Results
from benchmarks.up_phases import Entry
from benchmarks.up_tools import Tool


def tools(url: str) -> tuple[list[Tool], dict[str, str]]:
    """The tools that could be set up, and why the others could not."""
    makers: list[tuple[str, Callable[[], Tool]]] = [
        ("composer", lambda: up_tools.composer_tool(url)),
        ("podman-compose", up_tools.podman_compose_tool),
        ("docker compose", lambda: up_tools.docker_compose_tool(url)),
        ("api floor", lambda: up_tools.floor_tool(url)),
    ]
    found, broken = [], {}
    for name, make in makers:
        try:
            found.append(make())
        except (RuntimeError, OSError) as error:
            broken[name] = f"set-up: {error}"
    return found, broken


class UpBench:
    """The up section: one Entry per shape and tool, removed at the end whatever happened."""

    def __init__(self, url: str, root: Path, shapes: list[projects.Shape]) -> None:
        self.tools, self.broken = tools(url)
        self.shapes = shapes
        ports = up_phases.free_ports(len(self.tools) * sum(len(s.published) for s in shapes))
        self.entries = {
            shape.name: [up_phases.make_entry(tool, shape, root, ports) for tool in self.tools]
            for shape in shapes
        }
        for shape in shapes:
            print(f"up: {shape.name}: {shape.describe()}")
        for tool in self.tools:
            print(f"  {tool.name} {tool.version}")

    @property
    def tool_names(self) -> list[str]:
        return [tool.name for tool in self.tools] + list(self.broken)

    def record_broken(self, results: Results) -> None:
        for name, why in self.broken.items():
            for shape in self.shapes:
                results.fail((UP, shape.name, name), why)

    def run_once(self, number: int, results: Results) -> None:
        for shape in self.shapes:
            entries = self.entries[shape.name]
            shift = (number - 1) % len(entries)
            for entry in entries[shift:] + entries[:shift]:
                if not entry.failure:
                    self._one(entry, number, results)

    def _one(self, entry: Entry, number: int, results: Results) -> None:
        runs = up_phases.run_entry(entry, number)
        if entry.failure:
            results.fail((UP, entry.shape.name, entry.tool.name), entry.failure)
            return
        for phase, done in runs.items():
            results.add((UP, entry.shape.name, entry.tool.name, phase), done.seconds)
            results.add((RSS, entry.shape.name, entry.tool.name, phase), done.max_rss_mb)

    def notes(self) -> list[str]:
        return [
            f"{entry.tool.name} ({shape}): {note}"
            for shape, entries in self.entries.items()
            for entry in entries
            for note in entry.notes
        ]

    def clean_up(self) -> None:
        for entries in self.entries.values():
            for entry in entries:
                up_tools.remove_leftovers(entry.project)
