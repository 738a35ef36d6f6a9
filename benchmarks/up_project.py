"""The 20-service compose project that `up_bench.py` brings up with each tool.

Every service runs busybox `httpd -f -p PORT` on a port of its own, so the file works when all
services share one network namespace (composer's shared pod) as well as with a namespace each
(podman-compose 1.x, docker compose). The dependency graph has a chain seven services deep, a
fan-out of eight under one hub, a diamond and independent roots: a tool that starts services as
soon as their own dependencies run finishes in about seven steps, one that starts them one by
one needs twenty.
"""

from __future__ import annotations

import json

IMAGE = "localhost/composer/busybox:latest"
FIRST_PORT = 8001
VOLUME = "www"

# service -> the services it depends on (condition service_started).
GRAPH: dict[str, tuple[str, ...]] = {
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
}
# Services that publish their port on 127.0.0.1 (host ports are chosen per run).
PUBLISHED = ("hub", "gateway", "edge", "solo1")
# Services that serve the named volume.
WITH_VOLUME = ("hub", "worker1", "worker2", "worker3", "worker4", "worker5", "worker6", "gateway")


def container_ports() -> dict[str, int]:
    """Each service's own container port."""
    return {name: FIRST_PORT + index for index, name in enumerate(GRAPH)}


def depth() -> int:
    """The longest dependency chain, counted in services."""
    memo: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in memo:
            memo[name] = 1 + max((level(dep) for dep in GRAPH[name]), default=0)
        return memo[name]

    return max(level(name) for name in GRAPH)


def compose_text(host_ports: dict[str, int]) -> str:
    """The compose file; `host_ports` gives the 127.0.0.1 port of each published service.

    Values are written as JSON scalars (valid YAML) so that no tool reads them differently.
    `init: true` puts catatonit in front of httpd: httpd as PID 1 ignores SIGTERM, and every
    `down` would wait out the stop timeout. `pull_policy: never` keeps all three tools off the
    network: the image must be in local storage.
    """
    ports = container_ports()
    lines = ["services:"]
    for name, deps in GRAPH.items():
        command = ["httpd", "-f", "-p", str(ports[name])]
        if name in WITH_VOLUME:
            command += ["-h", "/www"]
        lines += [
            f"  {name}:",
            f"    image: {json.dumps(IMAGE)}",
            "    pull_policy: never",
            "    init: true",
            f"    command: {json.dumps(command)}",
        ]
        if deps:
            lines.append(f"    depends_on: {json.dumps(list(deps))}")
        if name in host_ports:
            lines.append(f'    ports: ["127.0.0.1:{host_ports[name]}:{ports[name]}"]')
        if name in WITH_VOLUME:
            lines.append(f'    volumes: ["{VOLUME}:/www"]')
    lines += ["volumes:", f"  {VOLUME}: {{}}"]
    return "\n".join(lines) + "\n"
