"""The project's pod: what it carries in shared mode, and when its config hash changes."""

from __future__ import annotations

from collections.abc import Callable

from composer.model import Project
from composer.plan import labels
from composer.plan.translate import plan_project
from composer.specs import HostEntry, NetworkAttachment, PodSpec, PortSpec

ProjectLoader = Callable[..., Project]  # the `project` fixture of conftest.py

LOCAL = "127.0.0.1"

STACK = """
services:
  web:
    image: x
    scale: 2
    links: ["db:database"]
    extra_hosts: ["gateway=10.0.0.1"]
    dns: [1.1.1.1]
    dns_search: [example.org]
    dns_opt: [ndots:2]
  db:
    image: x
    container_name: pg-main
    networks:
      default: {aliases: [postgres]}
    extra_hosts: ["gateway=10.0.0.1", "mirror=10.0.0.2"]
    dns: [1.1.1.1]
"""


def shared_pod(project: ProjectLoader, text: str, **kwargs: object) -> PodSpec:
    plan = plan_project(project(text), pod_mode="shared", **kwargs)  # type: ignore[arg-type]
    assert plan.pod is not None
    return plan.pod


def test_hosts_entries(project: ProjectLoader) -> None:
    pod = shared_pod(project, STACK)
    assert pod.hosts == (
        HostEntry("database", LOCAL),
        HostEntry("db", LOCAL),
        HostEntry("demo-web-1", LOCAL),
        HostEntry("demo-web-2", LOCAL),
        HostEntry("pg-main", LOCAL),
        HostEntry("postgres", LOCAL),
        HostEntry("web", LOCAL),
        HostEntry("gateway", "10.0.0.1"),
        HostEntry("mirror", "10.0.0.2"),
    )


def test_pod_shape(project: ProjectLoader) -> None:
    pod = shared_pod(project, STACK, infra_image="localhost/pause:1")
    assert pod.name == "pod_demo"
    assert pod.infra is True
    assert pod.infra_image == "localhost/pause:1"
    assert pod.share == ("net", "ipc")
    assert (pod.dns, pod.dns_search, pod.dns_opt) == (
        ("1.1.1.1",),
        ("example.org",),
        ("ndots:2",),
    )
    assert pod.networks == (
        NetworkAttachment(
            "demo_default", ("db", "pg-main", "postgres", "web", "demo-web-1", "demo-web-2")
        ),
    )
    assert pod.labels == {
        labels.PROJECT: "demo",
        labels.PODMAN_PROJECT: "demo",
        labels.POD_HASH: pod.labels[labels.POD_HASH],
    }
    assert len(pod.labels[labels.POD_HASH]) == 64


def test_pod_carries_every_published_port(project: ProjectLoader) -> None:
    text = """
services:
  web:
    image: x
    ports:
      - "8080:80"
      - "127.0.0.1:8443:443"
      - "53:53/udp"
      - "9000-9001:9000-9001"
      - "3000"
      - "[::1]:6000:6000"
  api:
    image: x
    ports:
      - {target: 5000, published: "5005", host_ip: 127.0.0.1, protocol: udp}
      - {target: 7000}
"""
    assert shared_pod(project, text).ports == (
        PortSpec(5000, 5005, "127.0.0.1", "udp"),
        PortSpec(7000),
        PortSpec(80, 8080),
        PortSpec(443, 8443, "127.0.0.1"),
        PortSpec(53, 53, protocol="udp"),
        PortSpec(9000, 9000),
        PortSpec(9001, 9001),
        PortSpec(3000),
        PortSpec(6000, 6000, "::1"),
    )


def test_pod_joins_the_networks_the_services_use(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, networks: [front, back]}
  db: {image: x, networks: {back: {aliases: [pg]}}}
networks:
  front: {}
  back: {}
  spare: {}
"""
    assert shared_pod(project, text).networks == (
        NetworkAttachment("demo_back", ("db", "demo-db-1", "pg", "web", "demo-web-1")),
        NetworkAttachment("demo_front", ("web", "demo-web-1")),
    )


def test_containers_join_the_pod(project: ProjectLoader) -> None:
    plan = plan_project(project(STACK), pod_mode="shared")
    pods = {spec.pod for specs in plan.containers.values() for spec in specs}
    assert pods == {"pod_demo"}
    assert plan.pod is not None
    assert plan.pod_hash == plan.pod.labels[labels.POD_HASH]


def pod_hash(project: ProjectLoader, text: str, **kwargs: object) -> str:
    return plan_project(project(text), pod_mode="shared", **kwargs).pod_hash  # type: ignore[arg-type]


BASE = """
services:
  web: {image: x, ports: ["8080:80"], environment: {A: "1"}}
  db: {image: x}
"""


def test_pod_hash_is_stable(project: ProjectLoader) -> None:
    assert pod_hash(project, BASE) == pod_hash(project, BASE)


def test_pod_hash_changes_with_a_port(project: ProjectLoader) -> None:
    assert pod_hash(project, BASE) != pod_hash(project, BASE.replace("8080:80", "8081:80"))


def test_pod_hash_ignores_a_service_environment(project: ProjectLoader) -> None:
    assert pod_hash(project, BASE) == pod_hash(project, BASE.replace('A: "1"', 'A: "2"'))


def test_pod_hash_changes_when_a_service_is_added(project: ProjectLoader) -> None:
    assert pod_hash(project, BASE) != pod_hash(project, BASE + "  cache: {image: x}\n")


def test_pod_hash_changes_with_scale(project: ProjectLoader) -> None:
    assert pod_hash(project, BASE) != pod_hash(project, BASE, scales={"db": 2})


def test_pod_hash_changes_with_infra_image(project: ProjectLoader) -> None:
    assert pod_hash(project, BASE) != pod_hash(project, BASE, infra_image="localhost/pause")


def test_pod_hash_differs_between_modes(project: ProjectLoader) -> None:
    loaded = project(BASE)
    shared = plan_project(loaded, pod_mode="shared").pod_hash
    separate = plan_project(loaded, pod_mode="separate").pod_hash
    assert shared != separate
    assert plan_project(loaded, pod_mode="none").pod_hash == ""


def test_separate_pod_only_groups(project: ProjectLoader) -> None:
    plan = plan_project(project(STACK), pod_mode="separate")
    assert plan.pod is not None
    assert (plan.pod.infra, plan.pod.share, plan.pod.ports, plan.pod.hosts) == (
        False,
        (),
        (),
        (),
    )
    assert plan.containers["web"][0].pod == "pod_demo"
