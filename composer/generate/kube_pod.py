"""A Pod's spec: its containers plus what Kubernetes keeps per Pod, not per container.

Restart policy, grace period, /etc/hosts entries, DNS, sysctls and host namespaces belong to
the Pod. A Pod made of several services (the podman flavour in shared mode) takes what they
agree on, and a warning names each service whose setting the Pod cannot keep.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from composer.generate.kube_context import KubeContext, seconds
from composer.generate.kube_names import dns_label
from composer.generate.kube_storage import PodVolumes
from composer.model import Service
from composer.specs import HostEntry, RestartSpec

RESTART_POLICIES = {
    "no": "Never",
    "always": "Always",
    "unless-stopped": "Always",
    "on-failure": "OnFailure",
}
RESTART_RANK = {"Never": 0, "OnFailure": 1, "Always": 2}
PLATFORM_OS = "kubernetes.io/os"
PLATFORM_ARCH = "kubernetes.io/arch"


def restart_policy(spec: RestartSpec) -> str:
    return RESTART_POLICIES.get(spec.policy, "Never")


def shared_restart_policy(ctx: KubeContext, policies: dict[str, str]) -> str:
    """One policy for a Pod of several services: the one that restarts most, with warnings."""
    chosen = max(policies.values(), key=lambda name: RESTART_RANK[name], default="Never")
    for service, policy in sorted(policies.items()):
        if policy != chosen:
            ctx.unmapped(
                service,
                f"restart ({policy})",
                f"differs from the Pod's restartPolicy {chosen} (a Pod has one)",
            )
    return chosen


def host_aliases(entries: Iterable[HostEntry]) -> list[dict[str, Any]]:
    """`/etc/hosts` entries grouped by address, in first-seen order."""
    grouped: dict[str, list[str]] = {}
    for entry in entries:
        names = grouped.setdefault(entry.ip, [])
        if entry.name not in names:
            names.append(entry.name)
    return [{"ip": ip, "hostnames": names} for ip, names in grouped.items()]


def dns_config(service: Service) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if service.dns:
        found["nameservers"] = list(service.dns)
    if service.dns_search:
        found["searches"] = list(service.dns_search)
    if service.dns_opt:
        options = []
        for option in service.dns_opt:
            name, sep, value = option.partition(":")
            options.append({"name": name, "value": value} if sep else {"name": name})
        found["options"] = options
    return found


def pod_spec(
    ctx: KubeContext,
    services: Sequence[Service],
    containers: list[dict[str, Any]],
    volumes: PodVolumes,
    *,
    restart: str,
    hosts: Iterable[HostEntry] = (),
) -> dict[str, Any]:
    """The Pod spec for `services` (one, or all of a shared pod) and their containers."""
    spec: dict[str, Any] = {}
    spec.update(_host_namespaces(services))
    if len(services) == 1:
        hostname = _hostname(ctx, services[0])
        if hostname:
            spec["hostname"] = hostname
    else:
        for service in services:
            if service.hostname:
                ctx.unmapped(
                    service.name, "hostname", "cannot differ per container in one Pod; left out"
                )
    spec["restartPolicy"] = restart
    if ctx.flavor == "cluster":
        # Service links put FOO_SERVICE_HOST and friends in the environment, which compose
        # does not (and which some images read as their own settings).
        spec["enableServiceLinks"] = False
    grace = max(
        (s.stop_grace_period for s in services if s.stop_grace_period is not None), default=None
    )
    if grace is not None:
        spec["terminationGracePeriodSeconds"] = seconds(grace, minimum=0)
    aliases = host_aliases(hosts)
    if aliases:
        spec["hostAliases"] = aliases
    dns = next((found for s in services if (found := dns_config(s))), {})
    if dns:
        spec["dnsConfig"] = dns
    security = _pod_security(services)
    if security:
        spec["securityContext"] = security
    selector = _node_selector(ctx, services)
    if selector:
        spec["nodeSelector"] = selector
    spec["containers"] = containers
    listed = volumes.listing()
    if listed:
        spec["volumes"] = listed
    return spec


def _hostname(ctx: KubeContext, service: Service) -> str:
    if not service.hostname:
        return ""
    label = dns_label(service.hostname)
    if label != service.hostname:
        ctx.unmapped(service.name, "hostname", f'"{service.hostname}" is not a DNS label; left out')
        return ""
    return label


def _host_namespaces(services: Sequence[Service]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if any(s.network_mode == "host" for s in services):
        found["hostNetwork"] = True
    if any(s.pid == "host" for s in services):
        found["hostPID"] = True
    if any(s.ipc == "host" for s in services):
        found["hostIPC"] = True
    return found


def _pod_security(services: Sequence[Service]) -> dict[str, Any]:
    sysctls: dict[str, str] = {}
    groups: list[int] = []
    for service in services:
        sysctls.update(service.sysctls)
        groups.extend(int(group) for group in service.group_add if group.isdigit())
    found: dict[str, Any] = {}
    if groups:
        found["supplementalGroups"] = list(dict.fromkeys(groups))
    if sysctls:
        found["sysctls"] = [
            {"name": key, "value": str(value)} for key, value in sorted(sysctls.items())
        ]
    return found


def _node_selector(ctx: KubeContext, services: Sequence[Service]) -> dict[str, str]:
    """A service's `platform` picks nodes in the cluster flavour (`linux/arm64`)."""
    if ctx.flavor != "cluster":
        return {}
    for service in services:
        if service.platform:
            os_name, _, arch = service.platform.partition("/")
            found = {PLATFORM_OS: os_name}
            if arch:
                found[PLATFORM_ARCH] = arch.split("/")[0]
            return found
    return {}


def pod_annotations(ctx: KubeContext, services: Sequence[Service]) -> dict[str, str]:
    """compose labels and annotations, as annotations; conflicting values are named."""
    from composer.generate.kube_names import is_annotation_key

    found: dict[str, str] = {}
    owners: dict[str, str] = {}
    for service in services:
        for key, value in {**service.labels, **service.annotations}.items():
            if not is_annotation_key(key):
                ctx.unmapped(
                    service.name, f"labels {key}", "is not a valid annotation key; left out"
                )
            elif key in found and found[key] != value:
                ctx.unmapped(
                    service.name,
                    f"labels {key}",
                    f'differs from service "{owners[key]}"\'s value in the same Pod; left out',
                )
            else:
                found.setdefault(key, value)
                owners.setdefault(key, service.name)
    return found
