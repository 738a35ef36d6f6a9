"""What every part of the Kubernetes translation shares: options, names, findings, objects."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from composer.errors import ComposerError
from composer.generate.kube_names import KubeNames
from composer.generate.kube_unmapped import Flavor, Unmapped, service_owner
from composer.generate.kube_yaml import Manifest
from composer.model import Project
from composer.plan.podmode import PodMode
from composer.plan.translate import ProjectPlan

ServiceType = Literal["ClusterIP", "NodePort", "LoadBalancer"]
FLAVORS: tuple[Flavor, ...] = ("podman", "cluster")
SERVICE_TYPES: tuple[ServiceType, ...] = ("ClusterIP", "NodePort", "LoadBalancer")
# Kinds in the order a reader (and `kubectl apply`) wants them: what Pods need comes first.
KIND_ORDER = (
    "Namespace",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "Service",
    "Job",
    "StatefulSet",
    "Deployment",
    "Pod",
)


@dataclass(frozen=True)
class KubeOptions:
    """`composer kube`'s flags."""

    flavor: Flavor = "podman"
    pod_mode: PodMode = "shared"
    namespace: str | None = None
    service_type: ServiceType = "ClusterIP"
    strict: bool = False


@dataclass
class KubeContext:
    """One translation in progress: findings and objects are collected as it goes."""

    project: Project
    plan: ProjectPlan
    options: KubeOptions
    names: KubeNames
    findings: list[Unmapped] = field(default_factory=list)
    objects: dict[tuple[str, str], Manifest] = field(default_factory=dict)

    @property
    def flavor(self) -> Flavor:
        return self.options.flavor

    def unmapped(self, service: str, key: str, reason: str) -> None:
        self.findings.append(Unmapped(service_owner(service), key, reason))

    def add(self, manifest: Manifest) -> None:
        """Keep one object per kind and name (a volume two services use is one claim).

        Two different objects with one name would overwrite each other when applied.
        """
        key = (str(manifest["kind"]), str(manifest["metadata"]["name"]))
        known = self.objects.setdefault(key, manifest)
        if known != manifest:
            raise ComposerError(
                f'two {key[0]} objects would both be named "{key[1]}" in Kubernetes',
                hint="rename one of the services, volumes, configs or secrets they come from",
            )

    def metadata(self, name: str, labels: dict[str, str], **extra: Any) -> dict[str, Any]:
        """`metadata` with the namespace when one was asked for."""
        meta: dict[str, Any] = {"name": name}
        if self.options.namespace:
            meta["namespace"] = self.options.namespace
        meta["labels"] = labels
        meta.update({key: value for key, value in extra.items() if value})
        return meta

    def ordered_objects(self) -> list[Manifest]:
        """Every object, by kind (KIND_ORDER), then in the order they were made."""
        rank = {kind: index for index, kind in enumerate(KIND_ORDER)}
        items = list(self.objects.items())
        items.sort(key=lambda item: rank.get(item[0][0], len(rank)))
        return [manifest for _, manifest in items]


def seconds(value: float | None, minimum: int = 1) -> int | None:
    """Whole seconds, rounded up (Kubernetes takes integers), at least `minimum`."""
    if value is None:
        return None
    return max(minimum, math.ceil(value))


def quantity_bytes(value: int) -> str:
    """A memory quantity: `512Mi` when it divides evenly, else plain bytes."""
    for suffix, factor in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if value >= factor and value % factor == 0:
            return f"{value // factor}{suffix}"
    return str(value)


def quantity_cpus(value: float) -> str:
    """A CPU quantity: whole CPUs as `2`, fractions in millicores (`500m`)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{max(1, round(value * 1000))}m"
