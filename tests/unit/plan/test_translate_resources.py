"""Translation of storage, namespaces and networking; the project's networks and volumes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.model import Project
from composer.plan import labels
from composer.plan.translate import ProjectPlan, plan_project
from composer.specs import (
    ContainerSpec,
    HostEntry,
    MountSpec,
    NetworkAttachment,
    NetworkSpec,
    PortSpec,
    SubnetSpec,
    VolumeSpec,
)

ProjectLoader = Callable[..., Project]  # the `project` fixture of conftest.py


def web(project: ProjectLoader, text: str, mode: str = "shared") -> ContainerSpec:
    plan = plan_project(project(text), pod_mode=mode)  # type: ignore[arg-type]
    return plan.containers["web"][0]


MOUNTS = """
services:
  web:
    image: x
    volumes:
      - ./data:/data:z
      - ./conf:/conf:ro,Z
      - data:/var/lib/data
      - ext:/ext:nocopy
      - /anonymous
      - type: bind
        source: /srv/shared
        target: /shared
        bind: {propagation: rshared}
      - type: tmpfs
        target: /cache
        tmpfs: {size: 1048576, mode: 0o1777}
      - type: volume
        source: data
        target: /sub
        volume: {subpath: part}
volumes:
  data: {}
  ext: {external: true, name: preexisting}
"""


def test_mounts(project: ProjectLoader, tmp_path: Path) -> None:
    mounts = web(project, MOUNTS).mounts
    assert mounts == (
        MountSpec("bind", "/data", str(tmp_path / "data"), selinux="z", create_host_path=True),
        MountSpec(
            "bind",
            "/conf",
            str(tmp_path / "conf"),
            read_only=True,
            selinux="Z",
            create_host_path=True,
        ),
        MountSpec("volume", "/var/lib/data", "demo_data"),
        MountSpec("volume", "/ext", "preexisting", nocopy=True),
        MountSpec("volume", "/anonymous"),
        MountSpec("bind", "/shared", "/srv/shared", propagation="rshared"),
        MountSpec("tmpfs", "/cache", tmpfs_size=1048576, tmpfs_mode=0o1777),
        MountSpec("volume", "/sub", "demo_data", options=("subpath=part",)),
    )


def test_file_secrets_and_configs_are_read_only_binds(
    project: ProjectLoader, tmp_path: Path
) -> None:
    text = """
services:
  web:
    image: x
    secrets: [token, {source: token, target: other}, {source: token, target: /etc/t}]
    configs: [app, {source: app, target: /etc/app.conf}]
secrets:
  token: {file: ./token.txt}
configs:
  app: {file: ./app.conf}
"""
    token, app = str(tmp_path / "token.txt"), str(tmp_path / "app.conf")
    assert web(project, text).mounts == (
        MountSpec("bind", "/run/secrets/token", token, read_only=True),
        MountSpec("bind", "/run/secrets/other", token, read_only=True),
        MountSpec("bind", "/etc/t", token, read_only=True),
        MountSpec("bind", "/app", app, read_only=True),
        MountSpec("bind", "/etc/app.conf", app, read_only=True),
    )


def test_volumes_from_resolves_to_first_container(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, volumes_from: ["data:ro", "store", "container:other:rw"]}
  data: {image: x, scale: 2}
  store: {image: x, container_name: the-store}
"""
    assert web(project, text).volumes_from == ("demo-data-1:ro", "the-store", "other:rw")


NAMESPACES = """
services:
  web: {image: x, network_mode: "service:db", ipc: "service:db", pid: "service:db"}
  db: {image: x, container_name: database}
"""


@pytest.mark.parametrize("mode", ["separate", "none"])
def test_service_namespaces_become_containers(project: ProjectLoader, mode: str) -> None:
    spec = web(project, NAMESPACES, mode)
    assert (spec.network_mode, spec.ipc, spec.pid) == (
        "container:database",
        "container:database",
        "container:database",
    )
    assert spec.networks == ()


def test_shared_mode_ipc_is_the_pods(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x, ipc: 'service:db', pid: 'service:db'}\n  db: {image: x}\n"
    spec = web(project, text)
    assert spec.ipc == ""
    assert spec.pid == "container:demo-db-1"


NETWORKED = """
services:
  web:
    image: x
    ports: ["127.0.0.1:8080:80", "9000-9001:9000-9001/udp"]
    expose: ["3000"]
    dns: [1.1.1.1]
    dns_search: [example.org]
    dns_opt: [ndots:2]
    extra_hosts: ["gateway=10.0.0.1"]
    userns_mode: keep-id
    mac_address: "02:42:ac:11:00:02"
    networks:
      front:
        aliases: [www]
        ipv4_address: 10.5.0.5
        interface_name: eth1
      back:
        priority: 10
  db:
    image: x
    links: ["web:frontend"]
    networks: [back]
networks:
  front: {ipam: {config: [{subnet: 10.5.0.0/24}]}}
  back: {}
"""


def test_shared_mode_container_owns_no_network_settings(project: ProjectLoader) -> None:
    spec = web(project, "services:\n  web: {image: x, ports: ['80'], dns: 1.1.1.1}\n")
    assert (spec.networks, spec.ports, spec.expose, spec.dns, spec.extra_hosts) == (
        (),
        (),
        (),
        (),
        (),
    )


@pytest.mark.parametrize("mode", ["separate", "none"])
def test_own_networking(project: ProjectLoader, mode: str) -> None:
    spec = web(project, NETWORKED, mode)
    assert spec.networks == (
        NetworkAttachment(
            "demo_back",
            ("web", "demo-web-1", "frontend"),
            mac_address="02:42:ac:11:00:02",
        ),
        NetworkAttachment(
            "demo_front",
            ("web", "demo-web-1", "www", "frontend"),
            ipv4_address="10.5.0.5",
            interface_name="eth1",
        ),
    )
    assert spec.ports == (
        PortSpec(80, 8080, "127.0.0.1"),
        PortSpec(9000, 9000, protocol="udp"),
        PortSpec(9001, 9001, protocol="udp"),
    )
    assert spec.expose == (PortSpec(3000),)
    assert (spec.dns, spec.dns_search, spec.dns_opt) == (
        ("1.1.1.1",),
        ("example.org",),
        ("ndots:2",),
    )
    assert spec.extra_hosts == (HostEntry("gateway", "10.0.0.1"),)
    assert spec.userns == "keep-id"


def test_pod_membership(project: ProjectLoader) -> None:
    plan = plan_project(project(NETWORKED), pod_mode="separate")
    # Podman refuses --userns with --pod: such a container stays out of the grouping pod.
    assert plan.containers["web"][0].pod == ""
    assert plan.containers["db"][0].pod == "pod_demo"
    plan = plan_project(project(NETWORKED), pod_mode="none")
    assert plan.pod is None
    assert {spec.pod for specs in plan.containers.values() for spec in specs} == {""}


def test_network_and_volume_specs(project: ProjectLoader) -> None:
    text = """
services:
  web:
    image: x
    networks: [front, outside]
    volumes: [data:/data, ext:/ext]
networks:
  front:
    driver: macvlan
    driver_opts: {parent: eth0}
    internal: true
    enable_ipv6: true
    labels: {team: web}
    ipam:
      config: [{subnet: 10.5.0.0/24, gateway: 10.5.0.1, ip_range: 10.5.0.128/25}]
  outside: {external: true}
  unused: {}
volumes:
  data: {driver_opts: {type: tmpfs, device: tmpfs}, labels: {keep: "yes"}}
  ext: {external: true}
  unused: {}
"""
    plan = plan_project(project(text), pod_mode="shared")
    assert plan.networks == (
        NetworkSpec(
            name="demo_front",
            labels={
                "team": "web",
                labels.PROJECT: "demo",
                labels.PODMAN_PROJECT: "demo",
                labels.NETWORK: "front",
            },
            driver="macvlan",
            options={"parent": "eth0"},
            internal=True,
            ipv6=True,
            subnets=(SubnetSpec("10.5.0.0/24", "10.5.0.1", "10.5.0.128/25"),),
        ),
    )
    assert plan.volumes == (
        VolumeSpec(
            name="demo_data",
            labels={
                "keep": "yes",
                labels.PROJECT: "demo",
                labels.PODMAN_PROJECT: "demo",
                labels.VOLUME: "data",
            },
            options={"type": "tmpfs", "device": "tmpfs"},
        ),
    )


def test_default_network(project: ProjectLoader) -> None:
    plan = plan_project(project("services:\n  web: {image: x}\n"), pod_mode="none")
    assert [n.name for n in plan.networks] == ["demo_default"]
    assert plan.networks[0].driver == "bridge"


def test_start_order_and_needs(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, depends_on: {api: {condition: service_started, restart: true}}}
  api: {image: x, depends_on: [db]}
  db: {image: x}
"""
    plan = plan_project(project(text), pod_mode="shared")
    assert isinstance(plan, ProjectPlan)
    assert plan.services == ("db", "api", "web")
    assert plan.needs == {"db": {}, "api": {"db": False}, "web": {"api": True}}


def test_known_services_include_profile_disabled(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x}\n  debug: {image: x, profiles: [debug]}\n"
    plan = plan_project(project(text), pod_mode="shared")
    assert plan.services == ("web",)
    assert plan.known_services == frozenset({"web", "debug"})


def test_unsupported_mount_type(project: ProjectLoader) -> None:
    text = "services:\n  web:\n    image: x\n    volumes: [{type: npipe, source: a, target: /b}]\n"
    with pytest.raises(ComposerError) as caught:
        web(project, text)
    assert caught.value.message == (
        'service "web": volume type "npipe" (/b) is not supported by Podman; '
        "use bind, volume or tmpfs"
    )


CGROUPS = """
services:
  web:
    image: x
    uts: host
    cgroup: private
    cgroup_parent: /parent
    oom_score_adj: -5
    mem_swappiness: 5
    cpus: 0.5
    cpu_period: 20000
    oom_kill_disable: true
    device_cgroup_rules: ["c 1:3 mr", "a *:* rwm"]
    runtime: crun
    storage_opt: {size: 1G}
"""


def test_namespace_cgroup_and_runtime_settings(project: ProjectLoader) -> None:
    from composer.runtime.specgen import container_body
    from composer.specs import DeviceRuleSpec

    spec = web(project, CGROUPS)
    assert (spec.uts, spec.cgroupns, spec.cgroup_parent, spec.oom_score_adj) == (
        "host",
        "private",
        "/parent",
        -5,
    )
    assert spec.device_cgroup_rules == (
        DeviceRuleSpec("c", 1, 3, "mr"),
        DeviceRuleSpec("a", None, None, "rwm"),
    )
    assert (spec.oci_runtime, dict(spec.storage_opt)) == ("crun", {"size": "1G"})
    body = container_body(spec)
    assert (body["utsns"], body["cgroupns"]) == ({"nsmode": "host"}, {"nsmode": "private"})
    assert (body["cgroup_parent"], body["oom_score_adj"], body["oci_runtime"]) == (
        "/parent",
        -5,
        "crun",
    )
    assert body["device_cgroup_rule"] == [
        {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "mr"},
        {"allow": True, "type": "a", "access": "rwm"},
    ]
    assert body["storage_opts"] == {"size": "1G"}
    limits = body["resource_limits"]
    # cpu_period replaces the period `cpus` gives, not its quota
    assert limits["memory"] == {"swappiness": 5, "disableOOMKiller": True}
    assert limits["cpu"] == {"quota": 50000, "period": 20000}


def test_a_malformed_device_rule_names_its_key(project: ProjectLoader) -> None:
    text = "services:\n  web:\n    image: x\n    device_cgroup_rules: ['c 1:3 mr', 'x 1:2 r']\n"
    with pytest.raises(ComposerError, match=r"services\.web\.device_cgroup_rules\[1\]: invalid"):
        web(project, text)


BLKIO = """
services:
  web:
    image: x
    cpu_rt_period: 1000000
    cpu_rt_runtime: 95000
    blkio_config:
      weight: 300
      weight_device: [{path: /dev/sda, weight: 400}]
      device_read_bps: [{path: /dev/sda, rate: 1mb}]
      device_write_bps: [{path: /dev/sdb, rate: 2048}]
      device_read_iops: [{path: /dev/sda, rate: 100}]
      device_write_iops: [{path: /dev/sda, rate: 30}]
"""


def test_blkio_and_realtime_cpu(project: ProjectLoader) -> None:
    from composer.plan.render_container import create_argv
    from composer.runtime.specgen import container_body
    from composer.specs import BlkioSpec

    spec = web(project, BLKIO)
    assert spec.resources.blkio == BlkioSpec(
        300,
        (("/dev/sda", 400),),
        (("/dev/sda", 1048576),),
        (("/dev/sdb", 2048),),
        (("/dev/sda", 100),),
        (("/dev/sda", 30),),
    )
    body = container_body(spec)
    assert body["resource_limits"]["blockIO"] == {"weight": 300}
    assert body["resource_limits"]["cpu"] == {"realtimePeriod": 1000000, "realtimeRuntime": 95000}
    assert body["weightDevice"] == {"/dev/sda": {"weight": 400}}
    assert body["throttleReadBpsDevice"] == {"/dev/sda": {"rate": 1048576}}
    assert body["throttleWriteBpsDevice"] == {"/dev/sdb": {"rate": 2048}}
    assert body["throttleReadIOPSDevice"] == {"/dev/sda": {"rate": 100}}
    assert body["throttleWriteIOPSDevice"] == {"/dev/sda": {"rate": 30}}
    argv = " ".join(create_argv(spec))
    assert "--cpu-rt-period 1000000 --cpu-rt-runtime 95000 --blkio-weight 300" in argv
    assert "--blkio-weight-device /dev/sda:400 --device-read-bps /dev/sda:1048576" in argv
