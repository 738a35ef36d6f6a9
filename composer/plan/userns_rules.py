"""What Podman refuses about `userns_mode`, found before anything is created.

Each rule is something Podman 4.3 was seen to refuse (tests/integration/test_rootless.py
checks them): keep-id and nomap need rootless Podman (rootful Podman refuses them, after
creating the pod); the API of 4.3 rejects `nomap`; and a container cannot join another
container's namespaces from a user namespace of its own. In shared pod mode the pod carries
the one user namespace all services agree on (composer.plan.podmode refuses disagreement).
"""

from __future__ import annotations

from composer.model import Service
from composer.plan import idmap
from composer.plan.hostfacts import HostFacts, ServiceProblem
from composer.plan.podmode import PodMode
from composer.references import CONTAINER_PREFIX, SERVICE_PREFIX

# Joining these namespaces of another container from a user namespace of one's own fails at
# start on Podman 4.3 ("error mounting sysfs/mqueue/proc ... operation not permitted").
JOINED_NAMESPACES = {"network_mode": "network", "ipc": "ipc", "pid": "pid"}
# The newest Podman seen to reject nomap over the API (the podman CLI turns it into ID maps).
API_LIMITS_UNTIL = (4, 3)


def userns_name(service: Service) -> str:
    return (service.userns_mode or "").partition(":")[0]


def userns_problems(
    services: list[Service], pod_mode: PodMode, facts: HostFacts
) -> list[ServiceProblem]:
    """Every userns_mode this Podman would refuse or break on, in service order."""
    users = [service for service in services if userns_name(service) not in ("", "host")]
    if not users:
        return []
    if not facts.rootless:
        problems = [_rootful(s) for s in users if userns_name(s) in idmap.ROOTLESS_ONLY]
    else:
        problems = _api_limits(users, facts)
    if pod_mode != "shared":
        # In shared mode the pod carries the user namespace and every container shares it.
        problems.extend(_joined_namespaces(users))
    return problems


def _rootful(service: Service) -> ServiceProblem:
    return ServiceProblem(
        service.name,
        "userns_mode",
        f'service "{service.name}" sets userns_mode "{service.userns_mode}", which Podman '
        "supports only in rootless mode, and this Podman runs as root; run composer as an "
        "unprivileged user, or remove userns_mode",
    )


def _api_limits(users: list[Service], facts: HostFacts) -> list[ServiceProblem]:
    version = facts.podman_version
    if version is None or version > API_LIMITS_UNTIL:
        return []
    return [
        ServiceProblem(
            service.name,
            "userns_mode",
            f'service "{service.name}" sets userns_mode "{service.userns_mode}", which the API '
            f'of Podman {version[0]}.{version[1]} rejects ("invalid namespace type nomap '
            'specified"); use "keep-id", or "auto"',
        )
        for service in users
        if userns_name(service) == idmap.NOMAP
    ]


def _joined_namespaces(services: list[Service]) -> list[ServiceProblem]:
    problems = []
    for service in services:
        for key, kind in JOINED_NAMESPACES.items():
            value = getattr(service, key) or ""
            owner = _namespace_owner(value)
            if not owner:
                continue
            message = (
                f'service "{service.name}" sets userns_mode "{service.userns_mode}" and joins '
                f"the {kind} namespace of {owner} ({key}: {value}); Podman cannot start a "
                "container that joins another container's namespace from a user namespace of "
                f'its own; remove userns_mode from "{service.name}" (it then joins from '
                "Podman's own user namespace, which works)"
            )
            problems.append(ServiceProblem(service.name, key, message))
    return problems


def _namespace_owner(value: str) -> str:
    if value.startswith(SERVICE_PREFIX):
        return f'service "{value[len(SERVICE_PREFIX) :]}"'
    if value.startswith(CONTAINER_PREFIX):
        return f'container "{value[len(CONTAINER_PREFIX) :]}"'
    return ""
