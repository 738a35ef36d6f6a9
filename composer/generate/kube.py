"""`composer kube`: the project as Kubernetes manifests, from the same translation as `up`.

The podman flavour starts from the plan `up` makes in the project's pod mode; the cluster
flavour from the plan of pod mode `none` (every service on its own, one replica each, as a
Pod template). What the manifests cannot carry is collected as findings: warnings, or with
`--strict` one error line each.
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.errors import ConfigError, Problem
from composer.generate.kube_cluster import cluster_objects
from composer.generate.kube_context import KubeContext, KubeOptions
from composer.generate.kube_names import KubeNames
from composer.generate.kube_podman import podman_objects
from composer.generate.kube_unmapped import network_unmapped, networks_unmapped, service_unmapped
from composer.generate.kube_yaml import Manifest, dump_manifests
from composer.model import Project
from composer.plan.translate import plan_project

STRICT_HINT = "without --strict, composer kube writes the manifests and warns instead"


@dataclass(frozen=True)
class KubeResult:
    """The manifests, in apply order, and one line per setting they leave out."""

    documents: list[Manifest]
    warnings: list[str]
    flavor: str
    project: str

    def text(self) -> str:
        header = f"# composer kube --flavor {self.flavor}: project {self.project}\n"
        return dump_manifests(self.documents, header)


def kube_manifests(project: Project, options: KubeOptions) -> KubeResult:
    """Translate `project`; with `options.strict`, any finding is a ConfigError."""
    if options.flavor == "podman":
        plan = plan_project(project, pod_mode=options.pod_mode)
    else:
        one_each = {name: 1 for name in project.services}
        plan = plan_project(project, pod_mode="none", scales=one_each)
    ctx = KubeContext(project, plan, options, KubeNames(project.name))
    for name in plan.services:
        ctx.findings.extend(service_unmapped(project.services[name], options.flavor))
    ctx.findings.extend(network_unmapped(project))
    ctx.findings.extend(networks_unmapped(project))
    if options.flavor == "podman":
        podman_objects(ctx)
    else:
        cluster_objects(ctx)
    lines = [str(finding) for finding in dict.fromkeys(ctx.findings)]
    if options.strict and lines:
        raise ConfigError([Problem(None, None, "", line) for line in lines], STRICT_HINT)
    return KubeResult(ctx.ordered_objects(), lines, options.flavor, project.name)
