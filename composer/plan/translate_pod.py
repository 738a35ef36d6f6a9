"""The project's pod: in `shared` mode it owns ports, /etc/hosts, DNS and networks.

Podman 4.3 accepts extra hosts, published ports and network settings only on the pod when a
container joins a pod that shares `net`, so everything the services ask for there is gathered
here. `uts` is not shared: each container keeps its own hostname.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, replace

from composer.hashing import canonical_json
from composer.model import Service
from composer.plan import labels
from composer.plan.podmode import shared_userns
from composer.plan.ports import port_specs
from composer.plan.translate_context import LOCALHOST, PlanContext
from composer.specs import HostEntry, NetworkAttachment, PodSpec

SHARED_NAMESPACES = ("net", "ipc")


def service_host_names(ctx: PlanContext, service: Service) -> list[str]:
    """Every name a service answers to: its name, container names, aliases and link aliases."""
    found = [service.name, *ctx.container_names(service.name)]
    for network in service.networks.values():
        found.extend(network.aliases)
    found.extend(ctx.link_aliases(service.name))
    return found


def pod_hosts(ctx: PlanContext, services: list[Service]) -> tuple[HostEntry, ...]:
    """Service names resolving to 127.0.0.1 (sorted), then every service's extra_hosts."""
    local = sorted({name for s in services for name in service_host_names(ctx, s)})
    extra = [HostEntry(entry.hostname, entry.address) for s in services for entry in s.extra_hosts]
    entries = [HostEntry(name, LOCALHOST) for name in local] + sorted(
        extra, key=lambda e: (e.name, e.ip)
    )
    return tuple(dict.fromkeys(entries))


def pod_networks(ctx: PlanContext, services: list[Service]) -> tuple[NetworkAttachment, ...]:
    """The project networks the services use; others on them reach the services by name."""
    aliases: dict[str, list[str]] = {}
    for service in services:
        for key, network in service.networks.items():
            found = aliases.setdefault(key, [])
            found.extend([service.name, *ctx.container_names(service.name), *network.aliases])
    return tuple(
        NetworkAttachment(ctx.network_name(key), tuple(dict.fromkeys(found)))
        for key, found in sorted(aliases.items())
    )


def _first_setting(services: list[Service], key: str) -> tuple[str, ...]:
    """The value the services agree on (podmode refuses disagreement), or ()."""
    for service in services:
        value: tuple[str, ...] = getattr(service, key)
        if value:
            return value
    return ()


def shared_pod(ctx: PlanContext, infra_image: str) -> PodSpec:
    """The `shared` pod: infra owns the network namespace and all it needs."""
    services = [s for s in ctx.services if ctx.scale(s.name) > 0]
    ports = port_specs(port for service in services for port in service.ports)
    spec = PodSpec(
        name=ctx.pod,
        infra=True,
        infra_image=infra_image,
        ports=ports,
        hosts=pod_hosts(ctx, services),
        dns=_first_setting(services, "dns"),
        dns_search=_first_setting(services, "dns_search"),
        dns_opt=_first_setting(services, "dns_opt"),
        share=SHARED_NAMESPACES,
        userns=shared_userns(services),
        networks=pod_networks(ctx, services),
    )
    return _labelled(ctx, spec)


def grouping_pod(ctx: PlanContext) -> PodSpec:
    """The `separate` pod: no infra, nothing shared; it only groups the containers."""
    return _labelled(ctx, PodSpec(name=ctx.pod, infra=False, share=()))


def pod_hash(spec: PodSpec) -> str:
    """sha256 over everything that lives on the pod (its name and labels excluded)."""
    content = asdict(spec)
    del content["name"], content["labels"]
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _labelled(ctx: PlanContext, spec: PodSpec) -> PodSpec:
    tags = labels.project_labels(ctx.project.name)
    tags[labels.POD_HASH] = pod_hash(spec)
    return replace(spec, labels=tags)
