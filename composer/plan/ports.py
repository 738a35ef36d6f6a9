"""Ports of a service as PortSpecs: published `ports` and unpublished `expose`."""

from __future__ import annotations

from collections.abc import Iterable

from composer.model import PortMapping
from composer.specs import PortSpec


def port_spec(port: PortMapping) -> PortSpec:
    """One published port; no host port means Podman picks one.

    A host range for a single container port (`8000-8010:80`) takes its first port: Podman
    cannot pick a free one from a range.
    """
    published = port.published_range
    return PortSpec(
        container_port=port.target,
        host_port=published[0] if published else 0,
        host_ip=port.host_ip or "",
        protocol=port.protocol,
    )


def port_specs(ports: Iterable[PortMapping]) -> tuple[PortSpec, ...]:
    """Published ports, each once, in file order."""
    return tuple(dict.fromkeys(port_spec(port) for port in ports))


def expose_specs(expose: Iterable[str]) -> tuple[PortSpec, ...]:
    """`expose` entries (`3000`, `4000-4001/udp`) as unpublished ports, one per port."""
    found = []
    for entry in expose:
        ports, _, protocol = entry.partition("/")
        first, _, last = ports.partition("-")
        for port in range(int(first), int(last or first) + 1):
            found.append(PortSpec(container_port=port, protocol=protocol or "tcp"))
    return tuple(dict.fromkeys(found))
