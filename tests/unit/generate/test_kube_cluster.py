"""The cluster flavour of `composer kube`: workloads, Services, claims and honest waits."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from composer.generate.kube import KubeResult, kube_manifests
from composer.generate.kube_context import KubeOptions
from composer.generate.kube_waits import WAIT_IMAGE
from composer.model import Project

ProjectLoader = Callable[..., Project]

APP = """
services:
  db:
    image: postgres:16
    volumes: [dbdata:/var/lib/postgresql/data]
    ports: ["5432"]
    healthcheck:
      test: ["CMD", "pg_isready"]
      interval: 5s
      retries: 3
      start_period: 30s
  migrate:
    image: app:1
    command: ["migrate", "$(HOME)"]
    depends_on:
      db: {condition: service_healthy}
  web:
    image: app:1
    scale: 3
    ports: ["8080:80", "30080:81"]
    expose: ["9000"]
    volumes: [shared:/shared]
    depends_on:
      db: {condition: service_healthy}
      migrate: {condition: service_completed_successfully}
  worker:
    image: app:1
    volumes: [shared:/shared]
    restart: always
    depends_on: [web]
volumes:
  dbdata: {}
  shared: {}
"""


def manifests(project: Project, **options: Any) -> KubeResult:
    return kube_manifests(project, KubeOptions(flavor="cluster", **options))


def find(result: KubeResult, kind: str, name: str) -> dict[str, Any]:
    for doc in result.documents:
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise AssertionError(f"no {kind} {name} in {[d['metadata']['name'] for d in result.documents]}")


def test_each_service_gets_the_honest_workload(project: ProjectLoader) -> None:
    result = manifests(project(APP))
    db = find(result, "StatefulSet", "demo-db")  # one replica with a named volume
    assert db["spec"]["serviceName"] == "db"
    assert db["spec"]["replicas"] == 1
    job = find(result, "Job", "demo-migrate")  # waited for with service_completed_successfully
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    web = find(result, "Deployment", "demo-web")
    assert web["spec"]["replicas"] == 3
    assert web["spec"]["selector"]["matchLabels"] == {
        "app.kubernetes.io/name": "web",
        "app.kubernetes.io/part-of": "demo",
    }
    worker = find(result, "Deployment", "demo-worker")
    assert worker["spec"]["template"]["spec"]["restartPolicy"] == "Always"


def test_probes_come_from_the_healthcheck(project: ProjectLoader) -> None:
    db = find(manifests(project(APP)), "StatefulSet", "demo-db")
    box = db["spec"]["template"]["spec"]["containers"][0]
    assert box["readinessProbe"] == {
        "exec": {"command": ["pg_isready"]},
        "periodSeconds": 5,
        "timeoutSeconds": 30,
        "failureThreshold": 3,
    }
    assert box["livenessProbe"] == box["readinessProbe"]
    # 30 s of start period polled every 5 s, then the 3 retries.
    assert box["startupProbe"]["failureThreshold"] == 9
    assert box["startupProbe"]["periodSeconds"] == 5


def test_conditions_become_init_containers_that_wait(project: ProjectLoader) -> None:
    result = manifests(project(APP))
    web = find(result, "Deployment", "demo-web")["spec"]["template"]["spec"]
    assert web["serviceAccountName"] == "demo-dependency-wait"
    assert web["initContainers"] == [
        {
            "name": "wait-for-db",
            "image": WAIT_IMAGE,
            "args": [
                "wait",
                "--for=condition=Ready",
                "pod",
                "--selector=app.kubernetes.io/name=db,app.kubernetes.io/part-of=demo",
                "--timeout=10m",
            ],
        },
        {
            "name": "wait-for-migrate",
            "image": WAIT_IMAGE,
            "args": ["wait", "--for=condition=complete", "job/demo-migrate", "--timeout=10m"],
        },
    ]
    role = find(result, "Role", "demo-dependency-wait")
    assert {rule["apiGroups"][0]: rule["resources"] for rule in role["rules"]} == {
        "": ["pods"],
        "batch": ["jobs"],
    }
    binding = find(result, "RoleBinding", "demo-dependency-wait")
    assert binding["subjects"][0]["namespace"] == "default"
    worker = find(result, "Deployment", "demo-worker")["spec"]["template"]["spec"]
    assert "initContainers" not in worker
    assert (
        'service "worker": depends_on web (service_started) has no Kubernetes equivalent: Pods '
        "start in any order" in result.warnings
    )


def test_a_healthy_condition_without_a_healthcheck_is_named(project: ProjectLoader) -> None:
    compose = """
services:
  a: {image: x, depends_on: {b: {condition: service_healthy}}}
  b: {image: y, ports: ["80"]}
"""
    result = manifests(project(compose))
    assert "initContainers" not in find(result, "Deployment", "demo-a")["spec"]["template"]["spec"]
    assert (
        'service "a": depends_on b (service_healthy) is not waited for: "b" has no healthcheck, '
        "so no readiness probe" in result.warnings
    )


def test_services_keep_the_compose_names_and_ports(project: ProjectLoader) -> None:
    result = manifests(project(APP))
    web = find(result, "Service", "web")
    assert "type" not in web["spec"]
    assert [(p["name"], p["port"], p["targetPort"]) for p in web["spec"]["ports"]] == [
        ("tcp-80", 80, 80),
        ("tcp-81", 81, 81),
        ("tcp-9000", 9000, 9000),
    ]
    assert find(result, "Service", "db")["spec"]["selector"] == {
        "app.kubernetes.io/name": "db",
        "app.kubernetes.io/part-of": "demo",
    }


def test_published_ports_as_node_ports(project: ProjectLoader) -> None:
    result = manifests(project(APP), service_type="NodePort")
    web = find(result, "Service", "web")
    assert web["spec"]["type"] == "NodePort"
    ports = {p["port"]: p for p in web["spec"]["ports"]}
    assert ports[81]["nodePort"] == 30080
    assert "nodePort" not in ports[80]
    assert (
        'service "web": ports 8080:80 cannot be a node port (30000-32767): the cluster picks one '
        "for 80" in result.warnings
    )
    assert "type" not in find(result, "Service", "db")["spec"]  # no fixed host port


def test_published_ports_on_a_load_balancer(project: ProjectLoader) -> None:
    web = find(manifests(project(APP), service_type="LoadBalancer"), "Service", "web")
    assert web["spec"]["type"] == "LoadBalancer"
    extra = [p for p in web["spec"]["ports"] if p["port"] != p["targetPort"]]
    assert extra == [
        {"name": "tcp-8080-lb", "port": 8080, "targetPort": 80, "protocol": "TCP"},
        {"name": "tcp-30080-lb", "port": 30080, "targetPort": 81, "protocol": "TCP"},
    ]


def test_a_volume_several_pods_mount_is_read_write_many(project: ProjectLoader) -> None:
    result = manifests(project(APP))
    assert find(result, "PersistentVolumeClaim", "demo-shared")["spec"]["accessModes"] == [
        "ReadWriteMany"
    ]
    assert find(result, "PersistentVolumeClaim", "demo-dbdata")["spec"]["accessModes"] == [
        "ReadWriteOnce"
    ]


def test_kubelet_expansion_is_escaped(project: ProjectLoader) -> None:
    job = find(manifests(project(APP)), "Job", "demo-migrate")
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate", "$$(HOME)"]


def test_a_namespace_is_written_and_used_everywhere(project: ProjectLoader) -> None:
    result = manifests(project(APP), namespace="shop")
    assert result.documents[0] == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "shop"},
    }
    assert all(doc["metadata"]["namespace"] == "shop" for doc in result.documents[1:])
    assert find(result, "RoleBinding", "demo-dependency-wait")["subjects"][0]["namespace"] == "shop"


def test_files_become_objects_and_binds_claims(project: ProjectLoader, tmp_path: Path) -> None:
    (tmp_path / "key.pem").write_bytes(b"\x00\xffbinary")
    (tmp_path / "app.conf").write_text("a = 1\n")
    (tmp_path / "data").mkdir()
    compose = """
services:
  app:
    image: x
    labels: {com.example.team: core}
    volumes: ["./data:/data"]
    secrets: [key]
    configs: [{source: conf, target: /etc/app.conf}]
secrets:
  key: {file: ./key.pem}
configs:
  conf: {file: ./app.conf}
"""
    result = manifests(project(compose))
    secret = find(result, "Secret", "demo-key")
    assert base64.b64decode(secret["data"]["key"]) == b"\x00\xffbinary"
    assert find(result, "ConfigMap", "demo-conf")["data"] == {"conf": "a = 1\n"}
    claim = find(result, "PersistentVolumeClaim", "demo-data")
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    deployment = find(result, "Deployment", "demo-app")
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    template = deployment["spec"]["template"]
    assert template["metadata"]["annotations"] == {"com.example.team": "core"}
    mounts = {m["mountPath"]: m for m in template["spec"]["containers"][0]["volumeMounts"]}
    assert mounts["/run/secrets/key"]["subPath"] == "key"
    assert mounts["/etc/app.conf"]["subPath"] == "conf"
    assert (
        'service "app": volumes[0] (bind ./data) is a host path; it becomes '
        'PersistentVolumeClaim "demo-data": copy the contents of ./data into it' in result.warnings
    )
