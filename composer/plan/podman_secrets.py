"""External secrets as Podman secret objects, which Podman mounts into containers itself.

docker compose outside swarm cannot use external secrets; Podman has a secret store, so an
`external: true` secret names a Podman secret (podman-compose does the same).
"""

from __future__ import annotations

from collections.abc import Callable

from composer.errors import Problem
from composer.model import Project, Service
from composer.plan.file_copies import DEFAULT_MODE, secret_target
from composer.specs import SecretRefSpec


def podman_secrets(project: Project, service: Service) -> tuple[SecretRefSpec, ...]:
    """The external secrets `service` mounts, with their targets and owners."""
    refs = []
    for ref in service.secrets:
        found = project.secrets.get(ref.source)
        if found is not None and found.external:
            refs.append(
                SecretRefSpec(
                    name=found.name,
                    target=secret_target(ref),
                    uid=_number(ref.uid),
                    gid=_number(ref.gid),
                    mode=DEFAULT_MODE if ref.mode is None else ref.mode,
                )
            )
    return tuple(refs)


def _number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def missing_secrets(project: Project, exists: Callable[[str], bool]) -> list[Problem]:
    """A problem for each external secret that services use and Podman does not have."""
    used = {ref.source for service in project.services.values() for ref in service.secrets}
    problems = []
    for key in sorted(used):
        found = project.secrets.get(key)
        if found is not None and found.external and not exists(found.name):
            problems.append(
                Problem(
                    None,
                    None,
                    f"secrets.{key}",
                    f'external secret "{found.name}" is not in Podman\'s secret store; create '
                    f"it first: `podman secret create {found.name} FILE` "
                    f"(or `printf %s VALUE | podman secret create {found.name} -`)",
                )
            )
    return problems
