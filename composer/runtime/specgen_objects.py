"""The libpod JSON bodies of pods, networks and volumes (containers: composer.runtime.specgen)."""

from __future__ import annotations

import ipaddress

from composer.runtime.specgen import (
    Json,
    drop_empty,
    namespace,
    networks_body,
    port_mapping,
    userns_idmappings,
)
from composer.specs import NetworkSpec, PodSpec, SubnetSpec, VolumeSpec


def pod_body(spec: PodSpec) -> Json:
    """The PodSpecGenerator for POST /libpod/pods/create."""
    body: Json = {
        "name": spec.name,
        "labels": dict(spec.labels),
        "no_infra": not spec.infra,
        "infra_image": spec.infra_image,
        "portmappings": [port_mapping(p) for p in spec.ports],
        "hostadd": [f"{h.name}:{h.ip}" for h in spec.hosts],
        "dns_server": list(spec.dns),
        "dns_search": list(spec.dns_search),
        "dns_option": list(spec.dns_opt),
        "Networks": networks_body(spec.networks),
    }
    if spec.networks:
        body["netns"] = {"nsmode": "bridge"}
    if spec.userns:
        body["userns"] = namespace(spec.userns)
        body.update(userns_idmappings(spec.userns))
    body = drop_empty(body)
    # An empty list must be sent: left out, Podman would share its default set.
    body["shared_namespaces"] = list(spec.share) if spec.infra else []
    return body


def lease_range(ip_range: str) -> Json:
    """A CIDR ip_range as Podman's first/last usable lease addresses."""
    net = ipaddress.ip_network(ip_range, strict=False)
    first, last = net[0], net[-1]
    if net.num_addresses > 2:
        first, last = net[1], net[-2]
    return {"start_ip": str(first), "end_ip": str(last)}


def _subnet(subnet: SubnetSpec) -> Json:
    body: Json = {"subnet": subnet.subnet, "gateway": subnet.gateway}
    if subnet.ip_range:
        body["lease_range"] = lease_range(subnet.ip_range)
    return drop_empty(body)


def network_body(spec: NetworkSpec) -> Json:
    """The network definition for POST /libpod/networks/create."""
    body: Json = {
        "name": spec.name,
        "driver": spec.driver,
        "labels": dict(spec.labels),
        "options": dict(spec.options),
        "internal": spec.internal,
        "ipv6_enabled": spec.ipv6,
        "subnets": [_subnet(s) for s in spec.subnets],
    }
    return drop_empty(body) | {"dns_enabled": spec.dns_enabled}


def volume_body(spec: VolumeSpec) -> Json:
    """The body for POST /libpod/volumes/create."""
    body: Json = {
        "Name": spec.name,
        "Driver": spec.driver,
        "Options": dict(spec.options),
        "Labels": dict(spec.labels),
    }
    return drop_empty(body)
