"""The projects the up/down benchmark brings up: their shapes, compose files and floor specs.

Every service runs busybox `httpd -f -p PORT` on a port of its own, so a file works when all
services share one network namespace (composer's shared pod) as well as with a namespace each
(podman-compose 1.x, docker compose). `compose_text` writes the file every compose tool gets;
`floor_spec` describes the same containers for the API floor (benchmarks/api_floor.py), which
creates them straight through the Podman API.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

IMAGE = "localhost/composer/busybox:latest"
FIRST_PORT = 8001
VOLUME = "www"
LAYER_WIDTH = 20


@dataclass(frozen=True)
class Shape:
    """A project: services with their dependencies, which publish a port, which mount the volume."""

    name: str
    graph: Mapping[str, tuple[str, ...]]  # service -> the services it depends on
    published: tuple[str, ...]  # services that publish their port on 127.0.0.1
    with_volume: tuple[str, ...]  # services that serve the named volume

    def container_ports(self) -> dict[str, int]:
        """Each service's own container port."""
        return {name: FIRST_PORT + index for index, name in enumerate(self.graph)}

    def depth(self) -> int:
        """The longest dependency chain, counted in services."""
        memo: dict[str, int] = {}

        def level(name: str) -> int:
            if name not in memo:
                memo[name] = 1 + max((level(dep) for dep in self.graph[name]), default=0)
            return memo[name]

        return max(level(name) for name in self.graph)

    def describe(self) -> str:
        return f"{len(self.graph)} services, dependency depth {self.depth()}"


def _flat(count: int) -> Shape:
    names = [f"s{i:02d}" for i in range(1, count + 1)]
    return Shape(f"flat{count}", {n: () for n in names}, tuple(names[:4]), tuple(names[4:12]))


def _chained(count: int) -> Shape:
    names = [f"c{i:02d}" for i in range(1, count + 1)]
    graph = {name: (names[i - 1],) if i else () for i, name in enumerate(names)}
    return Shape(f"chained{count}", graph, (names[0], names[-1]), tuple(names[1:9]))


def _layered(count: int) -> Shape:
    """Layers of LAYER_WIDTH services; each depends on two neighbours in the layer below."""
    layers = count // LAYER_WIDTH
    graph: dict[str, tuple[str, ...]] = {}
    for layer in range(layers):
        for i in range(LAYER_WIDTH):
            below = (i, (i + 1) % LAYER_WIDTH)
            deps = tuple(f"l{layer - 1}s{j:02d}" for j in below) if layer else ()
            graph[f"l{layer}s{i:02d}"] = deps
    top = layers - 1
    published = ("l0s00", "l0s01", f"l{top}s00", f"l{top}s01")
    return Shape(f"layered{count}", graph, published, tuple(f"l1s{i:02d}" for i in range(8)))


# The first 20-service project (issue 12's first figures): a chain seven services deep, a hub
# with seven dependents, a diamond and independent roots.
MIXED = Shape(
    "mixed20",
    {
        "base": (),
        "chain1": ("base",),
        "chain2": ("chain1",),
        "chain3": ("chain2",),
        "chain4": ("chain3",),
        "hub": (),
        "worker1": ("hub",),
        "worker2": ("hub",),
        "worker3": ("hub",),
        "worker4": ("hub",),
        "worker5": ("hub",),
        "worker6": ("hub",),
        "mix1": ("hub", "base"),
        "mix2": ("mix1",),
        "gateway": ("chain4", "worker1", "worker2", "worker3", "mix2"),
        "edge": ("gateway",),
        "solo1": (),
        "solo2": (),
        "solo3": (),
        "solo4": (),
    },
    ("hub", "gateway", "edge", "solo1"),
    ("hub", "worker1", "worker2", "worker3", "worker4", "worker5", "worker6", "gateway"),
)

SHAPES: dict[str, Shape] = {
    shape.name: shape for shape in (_flat(20), _chained(20), _layered(100), MIXED)
}
DEFAULT_SHAPES = ("flat20", "chained20", "layered100")


def compose_text(shape: Shape, host_ports: Mapping[str, int]) -> str:
    """The compose file; `host_ports` gives the 127.0.0.1 port of each published service.

    Values are written as JSON scalars (valid YAML) so that no tool reads them differently.
    `init: true` puts catatonit in front of httpd: httpd as PID 1 ignores SIGTERM, and every
    `down` would wait out the stop timeout. `pull_policy: never` keeps every tool off the
    network: the image must be in local storage.
    """
    ports = shape.container_ports()
    lines = ["services:"]
    for name, deps in shape.graph.items():
        lines += [
            f"  {name}:",
            f"    image: {json.dumps(IMAGE)}",
            "    pull_policy: never",
            "    init: true",
            f"    command: {json.dumps(command(shape, name))}",
        ]
        if deps:
            lines.append(f"    depends_on: {json.dumps(list(deps))}")
        if name in host_ports:
            lines.append(f'    ports: ["127.0.0.1:{host_ports[name]}:{ports[name]}"]')
        if name in shape.with_volume:
            lines.append(f'    volumes: ["{VOLUME}:/www"]')
    lines += ["volumes:", f"  {VOLUME}: {{}}"]
    return "\n".join(lines) + "\n"


def command(shape: Shape, name: str) -> list[str]:
    """The service's command: httpd on its own port, serving the volume where it has one."""
    argv = ["httpd", "-f", "-p", str(shape.container_ports()[name])]
    return argv + ["-h", "/www"] if name in shape.with_volume else argv


def floor_spec(shape: Shape, host_ports: Mapping[str, int]) -> dict[str, Any]:
    """The same project for the API floor, as JSON data (api_floor.py reads it as floor.json)."""
    ports = shape.container_ports()
    return {
        "image": IMAGE,
        "volume": VOLUME,
        "services": [
            {
                "name": name,
                "deps": list(deps),
                "command": command(shape, name),
                "port": ports[name],
                "host_port": host_ports.get(name),
                "volume": name in shape.with_volume,
            }
            for name, deps in shape.graph.items()
        ],
    }
