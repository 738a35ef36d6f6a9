"""depends_on conditions in the cluster flavour: init containers that wait, where it is honest.

`service_healthy`: the dependency's readiness probe is its healthcheck, so waiting until its
Pods are Ready is waiting until it is healthy. `service_completed_successfully`: the dependency
is a Job, and the wait is for the Job's `complete` condition. Both waits run `kubectl wait`
from the official kubectl image, under a ServiceAccount that may read Pods and Jobs (and
nothing else) in the namespace. A failed wait fails the init container, which the kubelet
retries, so the dependent starts only once the condition holds, as under compose.
`service_started` has no equivalent: Kubernetes starts every Pod at once.
"""

from __future__ import annotations

from typing import Any

from composer.generate.kube_context import KubeContext
from composer.generate.kube_names import dns_label
from composer.model import SERVICE_COMPLETED_SUCCESSFULLY, SERVICE_HEALTHY, Service

WAIT_IMAGE = "registry.k8s.io/kubectl:v1.30.0"
WAIT_TIMEOUT = "10m"
DEFAULT_NAMESPACE = "default"


def wait_containers(ctx: KubeContext, service: Service) -> list[dict[str, Any]]:
    """One init container per dependency whose condition Kubernetes can wait for."""
    found = []
    for name, entry in sorted(service.depends_on.items()):
        target = ctx.project.services.get(name)
        if target is None:
            continue
        if entry.condition == SERVICE_HEALTHY:
            if not _has_check(target):
                ctx.unmapped(
                    service.name,
                    f"depends_on {name} ({entry.condition})",
                    f'is not waited for: "{name}" has no healthcheck, so no readiness probe',
                )
                continue
            selector = ",".join(f"{k}={v}" for k, v in ctx.names.selector(name).items())
            args = ["wait", "--for=condition=Ready", "pod", f"--selector={selector}"]
        elif entry.condition == SERVICE_COMPLETED_SUCCESSFULLY:
            args = ["wait", "--for=condition=complete", f"job/{ctx.names.workload(name)}"]
        else:
            continue
        found.append(
            {
                "name": dns_label("wait-for", name),
                "image": WAIT_IMAGE,
                "args": [*args, f"--timeout={WAIT_TIMEOUT}"],
            }
        )
    if found:
        _add_access(ctx)
    return found


def _has_check(service: Service) -> bool:
    check = service.healthcheck
    return check is not None and not check.disabled and bool(check.test)


def _add_access(ctx: KubeContext) -> None:
    """The ServiceAccount the waits run as, allowed to read Pods and Jobs."""
    name = ctx.names.waiter()
    labels = ctx.names.labels()
    ctx.add({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": ctx.metadata(name, labels)})
    ctx.add(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": ctx.metadata(name, labels),
            "rules": [
                {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]},
                {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "list", "watch"]},
            ],
        }
    )
    ctx.add(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": ctx.metadata(name, labels),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            "subjects": [
                {
                    "kind": "ServiceAccount",
                    "name": name,
                    "namespace": ctx.options.namespace or DEFAULT_NAMESPACE,
                }
            ],
        }
    )
