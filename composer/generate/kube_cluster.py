"""The cluster flavour: a workload and a Service per service, for `kubectl apply`.

- A service another one waits for with `service_completed_successfully`, or one whose restart
  policy says it is meant to end (`restart: "no"` or `on-failure`), is a Job.
- A service with one replica that mounts named volumes no other service mounts (its own data,
  as a database has) is a StatefulSet (stable identity, at most one Pod on its claims at a
  time), governed by its Service.
- Every other service is a Deployment with the service's replicas; one whose claims only one
  Pod may mount replaces its Pods instead of rolling (`Recreate`).
- A service with ports (published or exposed) gets a Service named like the compose service,
  so the names other services use keep resolving; published ports can be a NodePort or a
  LoadBalancer (`--service-type`).
"""

from __future__ import annotations

from typing import Any

from composer.generate.kube_container import container, container_ports
from composer.generate.kube_context import KubeContext
from composer.generate.kube_pod import RESTART_POLICIES, pod_annotations, pod_spec
from composer.generate.kube_storage import PodVolumes
from composer.generate.kube_waits import wait_containers
from composer.model import SERVICE_COMPLETED_SUCCESSFULLY, Service
from composer.specs import ContainerSpec, HostEntry

NODE_PORTS = range(30000, 32768)


def cluster_objects(ctx: KubeContext) -> None:
    """Add a workload, and a Service where it has ports, for every service."""
    if ctx.options.namespace:
        ctx.add(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ctx.options.namespace}}
        )
    for name in ctx.plan.services:
        service = ctx.project.services[name]
        spec = ctx.plan.containers[name][0]
        kind = workload_kind(ctx, service)
        ctx.add(_workload(ctx, kind, service, spec))
        _service(ctx, service, kind)


def waited_for_completion(ctx: KubeContext, name: str) -> bool:
    return any(
        entry.condition == SERVICE_COMPLETED_SUCCESSFULLY
        for other in ctx.project.services.values()
        for dep, entry in other.depends_on.items()
        if dep == name
    )


def workload_kind(ctx: KubeContext, service: Service) -> str:
    if waited_for_completion(ctx, service.name) or _ends(service):
        return "Job"
    return "StatefulSet" if service.scale == 1 and _owns_volumes(ctx, service) else "Deployment"


def _owns_volumes(ctx: KubeContext, service: Service) -> bool:
    """Whether the service mounts named volumes that no other service mounts (its own data)."""
    own = {m.source for m in service.volumes if m.type == "volume" and m.source}
    others = {
        m.source
        for other in ctx.project.services.values()
        if other.name != service.name
        for m in other.volumes
        if m.type == "volume"
    }
    return bool(own) and own.isdisjoint(others)


def _ends(service: Service) -> bool:
    """An explicit restart policy that does not restart a finished container."""
    if service.restart is not None:
        return service.restart == "no" or service.restart.startswith("on-failure")
    policy = service.deploy.restart_policy if service.deploy else None
    return policy is not None and (policy.condition or "any") in ("none", "on-failure")


def _template(ctx: KubeContext, kind: str, service: Service, spec: ContainerSpec) -> dict[str, Any]:
    volumes = PodVolumes()
    box = container(ctx, ctx.names.container(service.name), service, spec, volumes)
    restart = "Always"
    if kind == "Job":
        restart = (
            "OnFailure" if RESTART_POLICIES.get(spec.restart.policy) == "OnFailure" else "Never"
        )
    hosts = [HostEntry(entry.hostname, entry.address) for entry in service.extra_hosts]
    waits = wait_containers(ctx, service)
    pod = pod_spec(ctx, [service], [box], volumes, restart=restart, hosts=hosts)
    if waits:
        pod = _with_waits(ctx, pod, waits)
    meta: dict[str, Any] = {
        "labels": {**ctx.names.selector(service.name), **ctx.names.labels(service.name)}
    }
    notes = pod_annotations(ctx, [service])
    if notes:
        meta["annotations"] = notes
    return {"metadata": meta, "spec": pod}


def _with_waits(
    ctx: KubeContext, pod: dict[str, Any], waits: list[dict[str, Any]]
) -> dict[str, Any]:
    """serviceAccountName and initContainers, placed before the containers."""
    ordered: dict[str, Any] = {}
    for key, value in pod.items():
        if key == "containers":
            ordered["serviceAccountName"] = ctx.names.waiter()
            ordered["initContainers"] = waits
        ordered[key] = value
    return ordered


def _workload(ctx: KubeContext, kind: str, service: Service, spec: ContainerSpec) -> dict[str, Any]:
    name = ctx.names.workload(service.name)
    deploy_labels = dict(service.deploy.labels) if service.deploy else {}
    meta = ctx.metadata(name, ctx.names.labels(service.name), annotations=deploy_labels)
    template = _template(ctx, kind, service, spec)
    body: dict[str, Any]
    if kind == "Job":
        body = {"backoffLimit": _backoff(spec), "template": template}
        api = "batch/v1"
    else:
        api = "apps/v1"
        body = {"replicas": service.scale}
        if kind == "StatefulSet":
            body["serviceName"] = ctx.names.service(service.name)
        body["selector"] = {"matchLabels": ctx.names.selector(service.name)}
        if kind == "Deployment" and _single_mount_claims(template):
            body["strategy"] = {"type": "Recreate"}
        body["template"] = template
    return {"apiVersion": api, "kind": kind, "metadata": meta, "spec": body}


def _backoff(spec: ContainerSpec) -> int:
    """compose retries `on-failure:N` N times; `no` never (Kubernetes' default would be 6)."""
    if spec.restart.policy == "on-failure":
        return spec.restart.max_retries or 6
    return 0


def _single_mount_claims(template: dict[str, Any]) -> bool:
    claims = {
        volume["persistentVolumeClaim"]["claimName"]
        for volume in template["spec"].get("volumes", [])
        if "persistentVolumeClaim" in volume
    }
    return bool(claims)


def _service(ctx: KubeContext, service: Service, kind: str) -> None:
    ports = container_ports(ctx, service)
    name = ctx.names.service(service.name)
    if name != service.name:
        ctx.unmapped(
            service.name,
            "name",
            f'is not a valid Service name: other Pods reach it as "{name}"',
        )
    if not ports:
        if kind == "StatefulSet":
            ctx.add(_service_object(ctx, service, {"clusterIP": "None"}))
        elif kind != "Job" and _referenced(ctx, service.name):
            ctx.unmapped(
                service.name,
                "ports/expose",
                "are missing: no Service is made, so other Pods cannot reach it by name",
            )
        return
    published = [port for port in service.ports if port.published_range]
    service_type = ctx.options.service_type if published else "ClusterIP"
    body: dict[str, Any] = {}
    if service_type != "ClusterIP":
        body["type"] = service_type
    body["ports"] = _service_ports(ctx, service, ports, service_type)
    ctx.add(_service_object(ctx, service, body))


def _referenced(ctx: KubeContext, name: str) -> bool:
    return any(
        name in other.dependency_names()
        for other in ctx.project.services.values()
        if other.name != name
    )


def _service_object(ctx: KubeContext, service: Service, body: dict[str, Any]) -> dict[str, Any]:
    name = ctx.names.service(service.name)
    spec = {**body, "selector": ctx.names.selector(service.name)}
    if "ports" in spec:
        spec["ports"] = spec.pop("ports")
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": ctx.metadata(name, ctx.names.labels(service.name)),
        "spec": spec,
    }


def _service_ports(
    ctx: KubeContext, service: Service, ports: list[dict[str, Any]], service_type: str
) -> list[dict[str, Any]]:
    """Each container port as itself; published ports on the NodePort or LoadBalancer."""
    published = {
        (port.target, port.protocol.upper()): port.published_range[0]
        for port in service.ports
        if port.published_range
    }
    app_protocols = {
        (port.target, port.protocol.upper()): port.app_protocol
        for port in service.ports
        if port.app_protocol
    }
    found: list[dict[str, Any]] = []
    for entry in ports:
        number, protocol = entry["containerPort"], entry["protocol"]
        item: dict[str, Any] = {
            "name": f"{protocol.lower()}-{number}",
            "port": number,
            "targetPort": number,
            "protocol": protocol,
        }
        if (number, protocol) in app_protocols:
            item["appProtocol"] = app_protocols[(number, protocol)]
        host = published.get((number, protocol))
        if host is not None and service_type == "NodePort":
            if host in NODE_PORTS:
                item["nodePort"] = host
            else:
                ctx.unmapped(
                    service.name,
                    f"ports {host}:{number}",
                    f"cannot be a node port (30000-32767): the cluster picks one for {number}",
                )
        found.append(item)
    if service_type == "LoadBalancer":
        taken = {(item["port"], item["protocol"]) for item in found}
        for (number, protocol), host in published.items():
            if host != number and (host, protocol) not in taken:
                found.append(
                    {
                        "name": f"{protocol.lower()}-{host}-lb"[:15],
                        "port": host,
                        "targetPort": number,
                        "protocol": protocol,
                    }
                )
    return found
