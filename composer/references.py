"""How one service refers to another: `service:x` namespaces, links, volumes_from."""

from __future__ import annotations

SERVICE_PREFIX = "service:"
CONTAINER_PREFIX = "container:"

# Keys whose value may be `service:<name>`: the container joins that service's namespace.
NAMESPACE_KEYS = ("network_mode", "ipc", "pid", "uts", "cgroup")

# Whether an implicit dependency of each kind restarts with its dependency (docker compose:
# sharing a namespace or a link does, sharing volumes does not).
IMPLICIT_RESTART = {
    "links": True,
    "volumes_from": False,
    "network_mode": True,
    "ipc": True,
    "pid": True,
    "uts": True,
    "cgroup": True,
}


def namespace_service(value: str | None) -> str | None:
    """The service named by `service:<name>`, else None (`host`, `container:x`, ...)."""
    if value and value.startswith(SERVICE_PREFIX):
        return value[len(SERVICE_PREFIX) :]
    return None


def link_service(link: str) -> str:
    """The service of a `links` entry (`db` or `db:alias`)."""
    return link.split(":", 1)[0]


def link_alias(link: str) -> str:
    """The name a `links` entry makes the service reachable as (`db:alias` -> alias)."""
    service, _, alias = link.partition(":")
    return alias or service


def volumes_from_service(entry: str) -> str | None:
    """The service of a `volumes_from` entry (`svc`, `svc:ro`); None for `container:x`."""
    if entry.startswith(CONTAINER_PREFIX):
        return None
    return entry.split(":", 1)[0]
