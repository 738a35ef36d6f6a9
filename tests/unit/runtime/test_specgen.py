"""Specs to Podman libpod JSON bodies (the real effect is checked in tests/integration)."""

from __future__ import annotations

import pytest

from composer.errors import RuntimeOperationError
from composer.runtime import specgen, specgen_objects
from composer.specs import (
    ContainerSpec,
    DeviceSpec,
    HealthcheckSpec,
    HostEntry,
    LogSpec,
    MountSpec,
    NetworkAttachment,
    NetworkSpec,
    PodSpec,
    PortSpec,
    ResourcesSpec,
    RestartSpec,
    SubnetSpec,
    VolumeSpec,
)


def body(**fields: object) -> dict[str, object]:
    return specgen.container_body(ContainerSpec(name="p-web-1", image="img", **fields))  # type: ignore[arg-type]


def test_minimal_container_leaves_defaults_to_podman() -> None:
    assert body() == {"name": "p-web-1", "image": "img"}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("host", {"nsmode": "host"}),
        ("container:p-db-1", {"nsmode": "container", "value": "p-db-1"}),
        ("ns:/proc/1/ns/net", {"nsmode": "path", "value": "/proc/1/ns/net"}),
        ("keep-id", {"nsmode": "keep-id"}),
        ("auto:size=1024", {"nsmode": "auto", "value": "size=1024"}),
    ],
)
def test_namespace_modes(mode: str, expected: dict[str, str]) -> None:
    assert specgen.namespace(mode) == expected


def test_auto_userns_carries_its_idmappings() -> None:
    assert body(userns="auto")["idmappings"] == {
        "AutoUserNs": True,
        "AutoUserNsOpts": {"Size": 1024},
    }
    assert body(userns="auto:size=2048,uidmapping=0:1:1,gidmapping=5:6:7")["idmappings"] == {
        "AutoUserNs": True,
        "AutoUserNsOpts": {
            "Size": 2048,
            "AdditionalUIDMappings": [{"container_id": 0, "host_id": 1, "size": 1}],
            "AdditionalGIDMappings": [{"container_id": 5, "host_id": 6, "size": 7}],
        },
    }
    assert "idmappings" not in body(userns="keep-id")
    pod = specgen_objects.pod_body(PodSpec(name="pod_q", userns="auto"))
    assert pod["userns"] == {"nsmode": "auto"}
    assert pod["idmappings"]["AutoUserNs"] is True


def test_auto_userns_with_bad_options() -> None:
    with pytest.raises(RuntimeOperationError) as caught:
        body(userns="auto:sise=10")
    assert caught.value.message == (
        'invalid userns_mode "auto:sise=10": "sise=10" is not size=N, '
        "uidmapping=CONTAINER:HOST:SIZE or gidmapping=CONTAINER:HOST:SIZE"
    )


def test_network_modes_and_options() -> None:
    assert body(network_mode="none")["netns"] == {"nsmode": "none"}
    slirp = body(network_mode="slirp4netns:allow_host_loopback=true")
    assert slirp["netns"] == {"nsmode": "slirp4netns"}
    assert slirp["network_options"] == {"slirp4netns": ["allow_host_loopback=true"]}
    joined = body(networks=(NetworkAttachment("p_back", ("db",), "10.1.0.5"),))
    assert joined["netns"] == {"nsmode": "bridge"}
    assert joined["Networks"] == {"p_back": {"aliases": ["db"], "static_ips": ["10.1.0.5"]}}


def test_domainname_is_a_uts_sysctl() -> None:
    made = body(domainname="example.test", sysctls={"net.core.somaxconn": "1024"})
    assert made["sysctl"] == {"kernel.domainname": "example.test", "net.core.somaxconn": "1024"}


def test_stop_signal_names_and_numbers() -> None:
    assert specgen.signal_number("SIGINT") == 2
    assert specgen.signal_number("quit") == 3
    assert specgen.signal_number("9") == 9
    with pytest.raises(RuntimeOperationError) as caught:
        specgen.signal_number("SIGNOPE")
    assert str(caught.value) == "unknown stop signal 'SIGNOPE'"


def test_stop_timeout_zero_is_kept() -> None:
    assert body(stop_timeout=0)["stop_timeout"] == 0
    assert "stop_timeout" not in body()


def test_entrypoint_cleared_or_replaced() -> None:
    assert body(entrypoint=())["entrypoint"] == [""]
    assert body(entrypoint=("/init",), command=())["entrypoint"] == ["/init"]
    assert "entrypoint" not in body()


def test_healthcheck_fills_podman_defaults_and_can_disable() -> None:
    check = HealthcheckSpec(("CMD", "true"), interval=5, start_period=1.5)
    assert body(healthcheck=check)["healthconfig"] == {
        "Test": ["CMD", "true"],
        "Interval": 5_000_000_000,
        "Timeout": 30_000_000_000,
        "StartPeriod": 1_500_000_000,
        "Retries": 3,
    }
    off = HealthcheckSpec((), disabled=True)
    assert body(healthcheck=off)["healthconfig"] == {"Test": ["NONE"]}


def test_resources_and_restart() -> None:
    res = ResourcesSpec(memory_limit=100, cpus=1.5, cpu_shares=10, pids_limit=7, cpuset="0-1")
    made = body(resources=res, restart=RestartSpec("on-failure", 4))
    assert made["resource_limits"] == {
        "memory": {"limit": 100},
        "cpu": {"shares": 10, "cpus": "0-1", "quota": 150_000, "period": 100_000},
        "pids": {"limit": 7},
    }
    assert (made["restart_policy"], made["restart_tries"]) == ("on-failure", 4)
    assert "restart_policy" not in body(restart=RestartSpec("no"))


def test_mounts_volumes_and_tmpfs() -> None:
    made = body(
        tmpfs=("/run:size=1m,mode=755",),
        mounts=(
            MountSpec("bind", "/data", "/srv/data", read_only=True, selinux="Z"),
            MountSpec("volume", "/db", "p_db", nocopy=True),
            MountSpec("volume", "/cache"),
            MountSpec("tmpfs", "/tmp", tmpfs_size=1024, tmpfs_mode=0o1777),
        ),
    )
    assert made["mounts"] == [
        {
            "destination": "/run",
            "type": "tmpfs",
            "source": "tmpfs",
            "options": ["size=1m", "mode=755"],
        },
        {"destination": "/data", "type": "bind", "source": "/srv/data", "options": ["ro", "Z"]},
        {
            "destination": "/tmp",
            "type": "tmpfs",
            "source": "tmpfs",
            "options": ["size=1024", "mode=1777"],
        },
    ]
    assert made["volumes"] == [
        {"Name": "p_db", "Dest": "/db", "Options": ["nocopy"]},
        {"Name": "", "Dest": "/cache", "Options": []},
    ]


def test_security_options() -> None:
    made = body(
        security_opt=("label=disable", "no-new-privileges:true", "seccomp=unconfined", "apparmor=x")
    )
    assert made["selinux_opts"] == ["disable"]
    assert made["no_new_privileges"] is True
    assert (made["seccomp_profile_path"], made["apparmor_profile"]) == ("unconfined", "x")
    with pytest.raises(RuntimeOperationError) as caught:
        body(security_opt=("systempaths=unconfined",))
    assert str(caught.value) == (
        "container p-web-1: security_opt 'systempaths=unconfined' is not supported by Podman"
    )


def test_ports_hosts_dns_devices() -> None:
    made = body(
        ports=(PortSpec(80, 8080, "127.0.0.1"), PortSpec(5000, 5000, protocol="udp", range=3)),
        expose=(PortSpec(9000),),
        extra_hosts=(HostEntry("db", "10.0.0.2"),),
        dns=("1.1.1.1",),
        devices=(DeviceSpec("/dev/fuse"),),
    )
    assert made["portmappings"] == [
        {"container_port": 80, "host_port": 8080, "host_ip": "127.0.0.1", "protocol": "tcp"},
        {"container_port": 5000, "host_port": 5000, "protocol": "udp", "range": 3},
    ]
    assert made["expose"] == {"9000": "tcp"}
    assert made["hostadd"] == ["db:10.0.0.2"]
    assert made["dns_server"] == ["1.1.1.1"]
    assert made["devices"] == [{"path": "/dev/fuse"}]
    assert specgen.device_path("/dev/a", "/dev/b", "r") == "/dev/a:/dev/b:r"
    assert specgen.device_path("/dev/a", "", "rw") == "/dev/a:/dev/a:rw"


def test_log_configuration_moves_size_and_path_out_of_options() -> None:
    logging = LogSpec("k8s-file", {"max-size": "10m", "path": "/var/log/x", "tag": "web"})
    assert body(logging=logging)["log_configuration"] == {
        "driver": "k8s-file",
        "path": "/var/log/x",
        "size": 10_000_000,
        "options": {"tag": "web"},
    }
    assert specgen.human_size("1.5GB") == 1_500_000_000
    assert specgen.human_size("512") == 512
    with pytest.raises(RuntimeOperationError):
        specgen.human_size("ten")


def test_pod_body() -> None:
    pod = PodSpec(
        name="pod_p",
        labels={"a": "b"},
        ports=(PortSpec(80, 8080),),
        hosts=(HostEntry("web", "127.0.0.1"),),
        dns=("10.0.0.53",),
    )
    assert specgen_objects.pod_body(pod) == {
        "name": "pod_p",
        "labels": {"a": "b"},
        "portmappings": [{"container_port": 80, "host_port": 8080, "protocol": "tcp"}],
        "hostadd": ["web:127.0.0.1"],
        "dns_server": ["10.0.0.53"],
        "shared_namespaces": ["net", "ipc"],
    }
    bare = specgen_objects.pod_body(PodSpec(name="pod_q", infra=False, userns="keep-id"))
    assert bare == {
        "name": "pod_q",
        "no_infra": True,
        "userns": {"nsmode": "keep-id"},
        "shared_namespaces": [],
    }


def test_network_and_volume_bodies() -> None:
    net = NetworkSpec(
        name="p_default",
        labels={"a": "b"},
        internal=True,
        subnets=(SubnetSpec("10.5.0.0/16", "10.5.0.1", "10.5.1.0/24"),),
    )
    assert specgen_objects.network_body(net) == {
        "name": "p_default",
        "driver": "bridge",
        "labels": {"a": "b"},
        "internal": True,
        "subnets": [
            {
                "subnet": "10.5.0.0/16",
                "gateway": "10.5.0.1",
                "lease_range": {"start_ip": "10.5.1.1", "end_ip": "10.5.1.254"},
            }
        ],
        "dns_enabled": True,
    }
    vol = VolumeSpec(name="p_db", labels={"a": "b"}, options={"type": "tmpfs"})
    assert specgen_objects.volume_body(vol) == {
        "Name": "p_db",
        "Driver": "local",
        "Options": {"type": "tmpfs"},
        "Labels": {"a": "b"},
    }
