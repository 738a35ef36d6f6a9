"""Every manifest `composer kube` writes validates against the Kubernetes schemas, offline.

kubernetes-validate ships the schemas of Kubernetes 1.25 to 1.37 (strict variants included);
the manifests are checked against 1.30 with `strict`, so a misspelled or misplaced field fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from kubernetes_validate.utils import SchemaNotFoundError

from composer.generate.kube import kube_manifests
from composer.generate.kube_context import KubeOptions
from composer.model import Project
from tests.unit.generate.conftest import HERE, REPO, load_project

KUBERNETES_VERSION = "1.30.0"
GOGS = REPO / "examples" / "gogs-postgres"
EVERYTHING = HERE / "kube_everything"

PROJECTS: dict[str, tuple[Path, tuple[str, ...], dict[str, str]]] = {
    "gogs": (GOGS, ("compose.yaml",), {}),
    "gogs-offline": (GOGS, ("compose.yaml", "compose.offline.yaml"), {}),
    "everything": (EVERYTHING, ("compose.yaml",), {"API_TOKEN": "token-value"}),
}
OPTIONS = {
    "podman-shared": KubeOptions(flavor="podman", pod_mode="shared"),
    "podman-separate": KubeOptions(flavor="podman", pod_mode="separate"),
    "cluster": KubeOptions(flavor="cluster"),
    "cluster-nodeport-ns": KubeOptions(flavor="cluster", namespace="shop", service_type="NodePort"),
    "cluster-lb": KubeOptions(flavor="cluster", service_type="LoadBalancer"),
}


def validate(doc: dict[str, Any]) -> None:
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except SchemaNotFoundError as error:
        pytest.fail(f"no schema, so not validated: {error.message}")
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(part) for part in error.path)
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        pytest.fail(f"{name}: {where}: {error.message}")


def project_for(key: str) -> Project:
    directory, files, environ = PROJECTS[key]
    return load_project(directory, files, key, environ)


@pytest.mark.parametrize("options_key", sorted(OPTIONS))
@pytest.mark.parametrize("project_key", sorted(PROJECTS))
def test_every_manifest_validates_strictly(project_key: str, options_key: str) -> None:
    options = OPTIONS[options_key]
    if project_key == "everything" and options.pod_mode == "shared" and options.flavor == "podman":
        options = KubeOptions(flavor="podman", pod_mode="separate")  # it uses host networking
    result = kube_manifests(project_for(project_key), options)
    kinds = {doc["kind"] for doc in result.documents}
    assert kinds, "nothing was generated"
    for doc in result.documents:
        validate(doc)


def test_the_everything_project_uses_every_kind() -> None:
    cluster = kube_manifests(project_for("everything"), KubeOptions(flavor="cluster"))
    assert {doc["kind"] for doc in cluster.documents} == {
        "ConfigMap",
        "Deployment",
        "Job",
        "PersistentVolumeClaim",
        "Role",
        "RoleBinding",
        "Secret",
        "Service",
        "ServiceAccount",
        "StatefulSet",
    }
    podman = kube_manifests(
        project_for("everything"), KubeOptions(flavor="podman", pod_mode="none")
    )
    assert {doc["kind"] for doc in podman.documents} == {
        "ConfigMap",
        "PersistentVolumeClaim",
        "Pod",
        "Secret",
    }


def test_the_validator_is_strict() -> None:
    # Without this, a validator that accepts everything would make the tests above pass.
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "x"},
        "spec": {"containers": [{"name": "x", "image": "x", "prots": []}]},
    }
    with pytest.raises(kubernetes_validate.ValidationError, match="prots"):
        kubernetes_validate.validate(pod, KUBERNETES_VERSION, strict=True)
