"""What `composer graph` draws, made once from the project and rendered by each format.

Services (image, replicas, published ports), what each needs (labelled with the condition
or the kind of reference), the networks each joins, named volumes and bind mounts. Cycles are
found here, not refused: a picture of a broken file should show where it is broken.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from composer.model import (
    SERVICE_COMPLETED_SUCCESSFULLY,
    SERVICE_HEALTHY,
    SERVICE_STARTED,
    Dependency,
    PortMapping,
    Project,
    Service,
)

CONDITIONS = {
    SERVICE_HEALTHY: "healthy",
    SERVICE_COMPLETED_SUCCESSFULLY: "completed",
    SERVICE_STARTED: "started",
}
# How a reference reads on an edge; namespace references say which namespace they share.
KIND_LABELS = {
    "links": "links",
    "volumes_from": "volumes_from",
    "network_mode": "network_mode: service:",
    "ipc": "ipc: service:",
    "pid": "pid: service:",
    "uts": "uts: service:",
    "cgroup": "cgroup: service:",
}
MAX_CYCLES = 20


@dataclass(frozen=True)
class Mounted:
    """A named volume or bind mount of one service, and where it appears inside."""

    kind: str  # "volume" or "bind"
    source: str  # the volume's key, or the bind's path (relative to the project when inside)
    target: str
    read_only: bool = False


@dataclass(frozen=True)
class ServiceNode:
    name: str
    image: str
    replicas: int
    ports: tuple[str, ...]
    networks: tuple[str, ...]
    mounts: tuple[Mounted, ...]


@dataclass(frozen=True)
class Edge:
    """`source` needs `target`, in the ways `label` says."""

    source: str
    target: str
    label: str
    in_cycle: bool = False


@dataclass(frozen=True)
class Picture:
    project: str
    services: tuple[ServiceNode, ...]  # in start order where there is one, else by name
    edges: tuple[Edge, ...]
    networks: tuple[str, ...]
    volumes: tuple[str, ...]
    binds: tuple[str, ...]
    cycles: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    def needs(self, name: str) -> list[Edge]:
        return [edge for edge in self.edges if edge.source == name]


def edge_label(dep: Dependency) -> str:
    """`healthy`, `started, links`, `volumes_from`, `network_mode: service:`, ..."""
    words = [CONDITIONS.get(dep.condition, dep.condition)] if "depends_on" in dep.kinds else []
    words += [KIND_LABELS.get(kind, kind) for kind in dep.kinds if kind != "depends_on"]
    return ", ".join(words)


def port_text(port: PortMapping) -> str:
    """`127.0.0.1:8080->80/tcp`, or `80/tcp` when the host port is left to Podman."""
    inside = f"{port.target}/{port.protocol}"
    if not port.published:
        return inside
    host = f"{port.host_ip}:{port.published}" if port.host_ip else port.published
    return f"{host}->{inside}"


def _relative(project: Project, path: str) -> str:
    base = project.working_dir.rstrip("/")
    if path == base:
        return "."
    if path.startswith(base + "/"):
        return "./" + os.path.relpath(path, base)
    return path


def _image(project: Project, service: Service) -> str:
    if service.image:
        return service.image
    if service.build is not None:
        return f"build {_relative(project, service.build.context)}"
    return "(no image)"


def _mounts(project: Project, service: Service) -> tuple[Mounted, ...]:
    found = []
    for mount in service.volumes:
        if mount.type == "volume" and mount.source:
            found.append(Mounted("volume", mount.source, mount.target, mount.read_only))
        elif mount.type == "bind" and mount.source:
            found.append(
                Mounted("bind", _relative(project, mount.source), mount.target, mount.read_only)
            )
    return tuple(found)


def _node(project: Project, service: Service) -> ServiceNode:
    return ServiceNode(
        name=service.name,
        image=_image(project, service),
        replicas=service.scale,
        ports=tuple(dict.fromkeys(port_text(port) for port in service.ports)),
        networks=tuple(sorted(service.networks)),
        mounts=_mounts(project, service),
    )


def find_cycles(needs: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """Every elementary cycle, each starting at its smallest name, sorted; at most MAX_CYCLES."""
    import networkx as nx

    digraph = nx.DiGraph()
    digraph.add_nodes_from(needs)
    digraph.add_edges_from(
        (source, target) for source, targets in needs.items() for target in targets
    )
    cycles = []
    for index, cycle in enumerate(nx.simple_cycles(digraph)):
        if index >= MAX_CYCLES:
            break
        start = cycle.index(min(cycle))
        rotated = [*cycle[start:], *cycle[:start]]
        cycles.append((*rotated, rotated[0]))
    return sorted(cycles)


def _start_order(names: list[str], needs: dict[str, list[str]]) -> list[str]:
    """Dependencies first, ties by name; with a cycle, plain name order."""
    import networkx as nx

    digraph = nx.DiGraph()
    digraph.add_nodes_from(names)
    digraph.add_edges_from(
        (target, source) for source, targets in needs.items() for target in targets
    )
    try:
        return list(nx.lexicographical_topological_sort(digraph))
    except nx.NetworkXUnfeasible:
        return names


def build_picture(project: Project) -> Picture:
    names = sorted(project.services)
    deps = {
        name: [
            dep for dep in project.services[name].dependencies() if dep.service in project.services
        ]
        for name in names
    }
    needs = {name: [dep.service for dep in found] for name, found in deps.items()}
    cycles = find_cycles(needs)
    cycle_edges = {(cycle[i], cycle[i + 1]) for cycle in cycles for i in range(len(cycle) - 1)}
    order = _start_order(names, needs)
    nodes = tuple(_node(project, project.services[name]) for name in order)
    edges = tuple(
        Edge(name, dep.service, edge_label(dep), (name, dep.service) in cycle_edges)
        for name in order
        for dep in sorted(deps[name], key=lambda d: d.service)
    )
    mounts = [mount for node in nodes for mount in node.mounts]
    return Picture(
        project=project.name,
        services=nodes,
        edges=edges,
        networks=tuple(sorted({net for node in nodes for net in node.networks})),
        volumes=tuple(sorted({m.source for m in mounts if m.kind == "volume"})),
        binds=tuple(sorted({m.source for m in mounts if m.kind == "bind"})),
        cycles=tuple(cycles),
    )


def cycle_text(cycle: tuple[str, ...]) -> str:
    return " -> ".join(cycle)
