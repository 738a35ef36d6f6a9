"""The podman flavour of `composer kube`: what `podman play kube` runs, as `up` would run it."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from composer.errors import ConfigError
from composer.generate.kube import KubeResult, kube_manifests
from composer.generate.kube_context import KubeOptions
from composer.model import Project

ProjectLoader = Callable[..., Project]

TWO_SERVICES = """
services:
  db:
    image: localhost/db:1
    container_name: the-db
    volumes: [data:/var/lib/db]
    environment: {POSTGRES_PASSWORD: example}
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app || exit 1"]
      interval: 2s
      timeout: 1s
      retries: 5
      start_period: 3s
  web:
    image: localhost/web:1
    command: ["httpd", "-f", "-p", "8080"]
    ports: ["127.0.0.1:18080:8080"]
    volumes: ["./html:/srv:ro"]
    extra_hosts: ["upstream:10.0.0.5"]
    restart: always
    depends_on:
      db: {condition: service_healthy}
    links: ["db:database"]
volumes:
  data: {}
"""


def manifests(project: Project, **options: Any) -> KubeResult:
    return kube_manifests(project, KubeOptions(flavor="podman", **options))


def kinds(result: KubeResult, kind: str) -> list[dict[str, Any]]:
    return [doc for doc in result.documents if doc["kind"] == kind]


def test_shared_mode_is_one_pod_with_every_service(project: ProjectLoader) -> None:
    result = manifests(project(TWO_SERVICES))
    (pod,) = kinds(result, "Pod")
    assert pod["metadata"]["name"] == "demo"
    assert pod["metadata"]["labels"]["com.docker.compose.project"] == "demo"
    assert pod["metadata"]["labels"]["io.podman.compose.project"] == "demo"
    containers = pod["spec"]["containers"]
    assert [c["name"] for c in containers] == ["db", "web"]  # start order: db first
    assert containers[1]["args"] == ["httpd", "-f", "-p", "8080"]
    assert containers[1]["ports"] == [
        {"containerPort": 8080, "hostPort": 18080, "hostIP": "127.0.0.1", "protocol": "TCP"}
    ]


def test_names_resolve_to_localhost_as_under_up(project: ProjectLoader) -> None:
    (pod,) = kinds(manifests(project(TWO_SERVICES)), "Pod")
    aliases = {entry["ip"]: entry["hostnames"] for entry in pod["spec"]["hostAliases"]}
    assert {"db", "web", "the-db", "database", "demo-web-1"} <= set(aliases["127.0.0.1"])
    assert aliases["10.0.0.5"] == ["upstream"]


def test_named_volumes_are_labelled_claims_and_binds_host_paths(
    project: ProjectLoader, tmp_path: Path
) -> None:
    result = manifests(project(TWO_SERVICES))
    (claim,) = kinds(result, "PersistentVolumeClaim")
    assert claim["metadata"]["name"] == "demo-data"
    assert claim["metadata"]["labels"]["com.docker.compose.project"] == "demo"
    assert claim["metadata"]["labels"]["com.docker.compose.volume"] == "data"
    (pod,) = kinds(result, "Pod")
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    assert volumes["data"]["persistentVolumeClaim"] == {"claimName": "demo-data"}
    assert volumes["host-html"]["hostPath"] == {
        "path": str(tmp_path / "html"),
        "type": "DirectoryOrCreate",
    }
    web = pod["spec"]["containers"][1]
    assert web["volumeMounts"] == [{"name": "host-html", "mountPath": "/srv", "readOnly": True}]


def test_the_healthcheck_is_a_liveness_probe_podman_runs_as_a_shell_line(
    project: ProjectLoader,
) -> None:
    (pod,) = kinds(manifests(project(TWO_SERVICES)), "Pod")
    probe = pod["spec"]["containers"][0]["livenessProbe"]
    # Podman joins the words with spaces and runs them through a shell: quoting keeps the line.
    assert probe["exec"]["command"] == ["/bin/sh", "-c", "'pg_isready -U app || exit 1'"]
    assert probe["initialDelaySeconds"] == 3
    assert (probe["periodSeconds"], probe["timeoutSeconds"], probe["failureThreshold"]) == (2, 1, 5)
    assert "readinessProbe" not in pod["spec"]["containers"][0]


def test_one_restart_policy_per_pod_and_the_rest_is_named(project: ProjectLoader) -> None:
    result = manifests(project(TWO_SERVICES))
    (pod,) = kinds(result, "Pod")
    assert pod["spec"]["restartPolicy"] == "Always"
    assert (
        'service "db": restart (Never) differs from the Pod\'s restartPolicy Always (a Pod has one)'
        in result.warnings
    )
    assert (
        'service "web": depends_on db (service_healthy) is not waited for: Podman starts the '
        "containers of a Pod together" in result.warnings
    )
    assert (
        'service "db": container_name is not kept: Kubernetes names containers after their Pod'
        in (result.warnings)
    )


def test_other_pod_modes_give_each_service_its_pods(project: ProjectLoader) -> None:
    text = TWO_SERVICES.replace("  web:\n", "  web:\n    scale: 2\n").replace(
        '    ports: ["127.0.0.1:18080:8080"]\n', ""
    )
    result = manifests(project(text), pod_mode="separate")
    names = [pod["metadata"]["name"] for pod in kinds(result, "Pod")]
    assert names == ["demo-db", "demo-web-1", "demo-web-2"]
    db = kinds(result, "Pod")[0]
    assert db["metadata"]["labels"]["com.docker.compose.service"] == "db"
    assert db["spec"]["restartPolicy"] == "Never"


SECRETS = """
services:
  app:
    image: localhost/app:1
    secrets: [from_file, {source: from_env, target: /etc/token, mode: 0400}]
    configs: [inline]
    userns_mode: keep-id
secrets:
  from_file: {file: ./password.txt}
  from_env: {environment: TOKEN}
configs:
  inline: {content: "hello\\n"}
"""


def test_secret_values_go_into_secret_objects_only(project: ProjectLoader, tmp_path: Path) -> None:
    (tmp_path / "password.txt").write_text("file-secret-value")
    result = manifests(project(SECRETS, environ={"TOKEN": "env-secret-value"}))
    (secret,) = kinds(result, "Secret")
    assert secret["metadata"]["name"] == "demo-from-env"
    assert base64.b64decode(secret["data"]["from_env"]) == b"env-secret-value"
    text = result.text()
    assert "env-secret-value" not in text  # base64 only
    assert "file-secret-value" not in text  # a file stays a bind of the file
    assert not any("secret-value" in line for line in result.warnings)
    (pod,) = kinds(result, "Pod")
    mounts = {m["mountPath"]: m for m in pod["spec"]["containers"][0]["volumeMounts"]}
    assert mounts["/run/secrets/from_file"]["readOnly"] is True
    assert mounts["/etc/token"]["subPath"] == "from_env"
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    file_volume = volumes[mounts["/run/secrets/from_file"]["name"]]
    assert file_volume["hostPath"] == {"path": str(tmp_path / "password.txt"), "type": "File"}
    env_volume = volumes[mounts["/etc/token"]["name"]]
    assert env_volume["secret"] == {
        "secretName": "demo-from-env",
        "items": [{"key": "from_env", "path": "from_env"}],
        "defaultMode": 0o400,
        "optional": False,
    }
    (config,) = kinds(result, "ConfigMap")
    assert config["data"] == {"inline": "hello\n"}
    assert pod["metadata"]["annotations"]["io.podman.annotations.userns"] == "keep-id"


def test_an_unset_secret_variable_is_an_error(project: ProjectLoader, tmp_path: Path) -> None:
    (tmp_path / "password.txt").write_text("x")
    with pytest.raises(ConfigError, match="variable TOKEN is not set"):
        manifests(project(SECRETS))


def test_strict_turns_every_warning_into_an_error_line(project: ProjectLoader) -> None:
    compose = """
services:
  app:
    image: localhost/app:1
    devices: ["/dev/fuse"]
    ulimits: {nofile: 1024}
"""
    with pytest.raises(ConfigError) as caught:
        manifests(project(compose), strict=True)
    assert caught.value.message.splitlines() == [
        'service "app": ulimits has no Kubernetes equivalent; left out',
        'service "app": devices has no Kubernetes equivalent (a device plugin gives Pods '
        "devices); left out",
    ]
    assert caught.value.hint is not None
    assert "--strict" in caught.value.hint


def test_the_same_project_gives_the_same_text(project: ProjectLoader) -> None:
    loaded = project(TWO_SERVICES)
    assert manifests(loaded).text() == manifests(loaded).text()


def test_external_volumes_and_secrets_keep_their_podman_names(project: ProjectLoader) -> None:
    compose = """
services:
  app:
    image: localhost/app:1
    volumes: [data:/data]
    secrets: [token]
volumes:
  data: {external: true, name: shared_data}
secrets:
  token: {external: true, name: site_token}
"""
    result = manifests(project(compose))
    assert kinds(result, "PersistentVolumeClaim") == []
    assert kinds(result, "Secret") == []
    (pod,) = kinds(result, "Pod")
    sources = [v.get("persistentVolumeClaim") or v.get("secret") for v in pod["spec"]["volumes"]]
    assert {"claimName": "shared_data"} in sources
    assert any(source and source.get("secretName") == "site_token" for source in sources)
    assert (
        'service "app": secrets token is external: the Podman secret must hold a Kubernetes '
        "Secret document" in result.warnings
    )
