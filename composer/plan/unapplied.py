"""Service settings the model holds but composer does not hand to Podman yet, for a warning.

Silently running a service without what its file asks for would be worse than saying so.
Windows-only settings (isolation, cpu_count, cpu_percent, credential_spec) are left out: docker
compose on Linux ignores them as well.
"""

from __future__ import annotations

import platform as host_platform

from composer.model import Project, Service

# Unmodelled keys (kept in Service.other) that do something on Linux.
UNAPPLIED_OTHER = (
    "develop",
    "models",
    "provider",
    "pull_refresh_after",
    "use_api_socket",
)
MACHINES = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "ppc64le": "ppc64le"}


def host_platform_name() -> str:
    machine = host_platform.machine()
    return f"linux/{MACHINES.get(machine, machine)}"


def unapplied_keys(service: Service, host: str) -> list[str]:
    """The keys of `service` that would have an effect and that composer ignores."""
    keys = [key for key in UNAPPLIED_OTHER if key in service.other]
    if service.external_links:
        keys.append("external_links")
    if service.gpus:
        keys.append("gpus")
    deploy = service.deploy
    reservations = deploy.resources.reservations if deploy and deploy.resources else None
    if reservations is not None and reservations.devices:
        keys.append("deploy.resources.reservations.devices")
    if service.platform and service.platform.split("/")[:2] != host.split("/")[:2]:
        keys.append(f"platform ({service.platform} on a {host} host)")
    return sorted(keys)


def unapplied_warnings(project: Project, host: str | None = None) -> list[str]:
    """One line per service that sets something composer does not apply."""
    machine = host or host_platform_name()
    lines = []
    for name in sorted(project.services):
        keys = unapplied_keys(project.services[name], machine)
        if keys:
            listed = ", ".join(keys)
            verb = "is" if len(keys) == 1 else "are"
            lines.append(f'service "{name}": {listed} {verb} not applied by composer yet; ignored')
    return lines
