"""Binding canonical data (what `config --format json` prints) to the frozen model."""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from composer import hashing
from composer.errors import ConfigError
from composer.loader.pipeline import LoadedProject
from composer.loader.sources import Location, SourceMap
from composer.model import (
    BindOptions,
    Config,
    DependsOn,
    Device,
    DeviceRequest,
    ExtraHost,
    Mount,
    Network,
    PortMapping,
    Secret,
    ServiceConfig,
    ServiceNetwork,
    ServiceSecret,
    TmpfsOptions,
    Ulimit,
    Volume,
    VolumeOptions,
)
from composer.model.bind import project as bind_module
from composer.model.bind.project import bind_project
from tests.ci import in_ci

SHARED = Path(__file__).resolve().parents[4] / "../shared/conformance"


def _reference() -> Path:
    """The reference docker compose binary, found as the conformance harness finds it."""
    candidate = Path(sysconfig.get_paths()["purelib"]) / "compose" / "docker-compose"
    return candidate if candidate.is_file() else Path("/tmp/cgv/bin/docker-compose")


REFERENCE = _reference()
LOADER_DIR = "/work/shared/conformance/compose-go/loader"

# Cut from the reference output for compose-go's full-example.yml (`config --format json`),
# plus what that file lacks: tmpfs options, long port syntax, hooks, gpus, subpath, ...
FOO: dict[str, Any] = {
    "annotations": {"com.example.foo": "bar"},
    "build": {
        "context": f"{LOADER_DIR}/dir",
        "dockerfile": "Dockerfile",
        "args": {"foo": "bar", "unset": None},
        "ssh": ["default"],
        "labels": {"FOO": "BAR"},
        "cache_from": ["foo", "bar"],
        "additional_contexts": {"foo": f"{LOADER_DIR}/bar"},
        "network": "foo",
        "target": "foo",
        "secrets": [
            {"source": "secret1", "target": "/run/secrets/secret1"},
            {"source": "secret2", "target": "my_secret", "uid": "103", "mode": "0440"},
        ],
        "tags": ["foo:v1.0.0"],
        "platforms": ["linux/amd64", "linux/arm64"],
        "shm_size": "1073741824",
    },
    "cap_add": ["ALL"],
    "cap_drop": ["NET_ADMIN", "SYS_ADMIN"],
    "cgroup_parent": "m-executor-abcd",
    "command": ["bundle", "exec", "thin", "-p", "3000"],
    "configs": [
        {"source": "config1"},
        {"source": "config2", "target": "/my_config", "uid": "103", "gid": "103", "mode": "0440"},
    ],
    "container_name": "my-web-container",
    "depends_on": {
        "db": {"condition": "service_healthy", "required": True},
        "redis": {"condition": "service_started", "required": False, "restart": True},
    },
    "deploy": {
        "mode": "replicated",
        "replicas": 6,
        "labels": {"FOO": "BAR"},
        "resources": {
            "limits": {"cpus": 0.001, "memory": "52428800", "pids": 10},
            "reservations": {
                "cpus": 0.0001,
                "memory": "20971520",
                "devices": [{"capabilities": ["gpu"], "count": -1}],
            },
        },
        "restart_policy": {
            "condition": "on-failure",
            "delay": "5s",
            "max_attempts": 3,
            "window": "2m0s",
        },
        "placement": {"constraints": ["node=foo"]},
        "endpoint_mode": "dnsrr",
    },
    "device_cgroup_rules": ["c 1:3 mr"],
    "devices": [{"source": "/dev/ttyUSB0", "target": "/dev/ttyS0", "permissions": "rwm"}],
    "dns": ["8.8.8.8", "9.9.9.9"],
    "dns_opt": ["use-vc"],
    "dns_search": ["dc1.example.com"],
    "domainname": "foo.com",
    "entrypoint": ["/code/entrypoint.sh", "-p", "3000"],
    "environment": {"BAZ": "baz_from_service_def", "QUX": None, "NUM": 1},
    "expose": ["3000", "8000"],
    "external_links": ["redis_1", "project_db_1:mysql"],
    "extra_hosts": ["otherhost=50.31.209.229", "v6host=::1"],
    "gpus": [{"count": -1}],
    "group_add": ["wheel"],
    "healthcheck": {
        "test": ["CMD-SHELL", 'echo "hello world"'],
        "timeout": "1s",
        "interval": "1m30s",
        "retries": 5,
        "start_period": "15s",
        "start_interval": "500ms",
    },
    "hostname": "foo",
    "image": "redis",
    "init": True,
    "ipc": "host",
    "labels": {"com.example.description": "Accounting webapp", "com.example.empty-label": ""},
    "links": ["db", "db:database", "redis"],
    "logging": {"driver": "syslog", "options": {"syslog-address": "tcp://192.168.0.42:123"}},
    "mac_address": "02:42:ac:11:65:43",
    "mem_limit": "1073741824",
    "memswap_limit": "-1",
    "networks": {
        "other-network": {
            "ipv4_address": "172.16.238.10",
            "ipv6_address": "2001:3984:3989::10",
            "mac_address": "02:42:72:98:65:08",
            "priority": 10,
        },
        "other-other-network": None,
        "some-network": {"aliases": ["alias1", "alias3"], "driver_opts": {"a": 1}},
    },
    "pid": "host",
    "ports": [
        {"mode": "ingress", "target": 3000, "protocol": "tcp"},
        {"mode": "ingress", "target": 8080, "published": "9090", "protocol": "tcp"},
        {
            "name": "web",
            "mode": "host",
            "host_ip": "127.0.0.1",
            "target": 80,
            "published": "8080-8081",
            "protocol": "udp",
            "app_protocol": "http",
        },
    ],
    "post_start": [{"command": ["echo", "up"], "user": "root"}],
    "privileged": True,
    "pull_policy": "missing",
    "read_only": True,
    "restart": "always",
    "secrets": [
        {"source": "secret1", "target": "/run/secrets/secret1"},
        {"source": "secret2", "target": "my_secret", "uid": "103", "gid": "103", "mode": "0440"},
    ],
    "security_opt": ["label=level:s0:c100,c200"],
    "shm_size": "67108864",
    "stdin_open": True,
    "stop_grace_period": "20s",
    "stop_signal": "SIGUSR1",
    "storage_opt": {"size": "20G"},
    "sysctls": {"net.core.somaxconn": "1024"},
    "tmpfs": ["/run", "/tmp"],
    "tty": True,
    "ulimits": {"nofile": {"soft": 20000, "hard": 40000}, "nproc": 65535},
    "user": "someone",
    "uts": "host",
    "volumes": [
        {"type": "volume", "target": "/var/lib/anonymous", "volume": {}},
        {
            "type": "bind",
            "source": "/opt/data",
            "target": "/var/lib/data",
            "read_only": True,
            "bind": {"create_host_path": True, "selinux": "z", "propagation": "rshared"},
        },
        {
            "type": "volume",
            "source": "datavolume",
            "target": "/var/lib/volume",
            "volume": {"nocopy": True, "subpath": "sub"},
        },
        {"type": "tmpfs", "target": "/opt/tmpfs", "tmpfs": {"size": "10000", "mode": 1023}},
    ],
    "working_dir": "/code",
    "develop": {"watch": [{"path": "./src", "action": "sync", "target": "/src"}]},
    "x-foo": "bar",
}

DATA: dict[str, Any] = {
    "name": "full_example_project_name",
    "services": {
        "foo": FOO,
        "bar": {
            "build": {"context": LOADER_DIR, "dockerfile_inline": "FROM alpine\n"},
            "command": None,
            "entrypoint": None,
            "networks": {"default": None},
        },
    },
    "networks": {
        "default": {"name": "full_example_project_name_default", "ipam": {}},
        "other-network": {
            "name": "full_example_project_name_other-network",
            "driver": "overlay",
            "driver_opts": {"baz": "1", "foo": "bar"},
            "ipam": {
                "driver": "overlay",
                "config": [
                    {
                        "subnet": "172.28.0.0/16",
                        "gateway": "172.28.5.254",
                        "ip_range": "172.28.5.0/24",
                        "aux_addresses": {"host1": "172.28.1.5"},
                    }
                ],
            },
            "labels": {"foo": "bar"},
            "internal": True,
            "enable_ipv6": True,
        },
        "other-external-network": {"name": "my-cool-network", "external": True, "x-bar": "baz"},
        "unnamed": {},
    },
    "volumes": {
        "datavolume": {"name": "full_example_project_name_datavolume"},
        "another-volume": {
            "name": "user_specified_name",
            "driver": "vsphere",
            "driver_opts": {"baz": "1"},
        },
        "external-volume": {"external": True},
    },
    "secrets": {
        "secret1": {
            "name": "full_example_project_name_secret1",
            "file": f"{LOADER_DIR}/secret_data",
        },
        "secret2": {"name": "my_secret", "external": True},
        "secret4": {"name": "bar", "environment": "BAR"},
    },
    "configs": {
        "config1": {
            "name": "full_example_project_name_config1",
            "file": f"{LOADER_DIR}/config_data",
        },
        "config2": {"name": "my_config", "external": True},
        "inline": {"name": "full_example_project_name_inline", "content": ""},
    },
    "x-foo": "bar",
    "x-nested": {"bar": "baz", "foo": "bar"},
}


def loaded(
    data: dict[str, Any],
    sources: SourceMap | None = None,
    disabled: dict[str, Any] | None = None,
) -> LoadedProject:
    return LoadedProject(
        name=str(data.get("name", "demo")),
        working_dir="/srv/demo",
        files=["/srv/demo/compose.yaml"],
        environment={"HOME": "/root"},
        data=data,
        sources=sources or SourceMap(),
        disabled_services=disabled or {},
    )


def test_binds_plain_settings() -> None:
    foo = bind_project(loaded(DATA)).service("foo")
    assert foo.image == "redis"
    assert foo.command == ("bundle", "exec", "thin", "-p", "3000")
    assert foo.entrypoint == ("/code/entrypoint.sh", "-p", "3000")
    assert foo.environment == {"BAZ": "baz_from_service_def", "QUX": None, "NUM": "1"}
    assert foo.labels["com.example.empty-label"] == ""
    assert foo.annotations == {"com.example.foo": "bar"}
    assert (foo.cap_add, foo.cap_drop) == (("ALL",), ("NET_ADMIN", "SYS_ADMIN"))
    assert (foo.privileged, foo.read_only, foo.tty, foo.stdin_open, foo.init) == (
        True,
        True,
        True,
        True,
        True,
    )
    assert (foo.user, foo.working_dir, foo.hostname, foo.domainname) == (
        "someone",
        "/code",
        "foo",
        "foo.com",
    )
    assert (foo.ipc, foo.pid, foo.uts, foo.restart) == ("host", "host", "host", "always")
    assert foo.container_name == "my-web-container"
    assert foo.expose == ("3000", "8000")
    assert foo.tmpfs == ("/run", "/tmp")
    assert foo.storage_opt == {"size": "20G"}
    assert foo.pull_policy == "missing"
    assert foo.group_add == ("wheel",)
    assert foo.links == ("db", "db:database", "redis")
    assert foo.external_links == ("redis_1", "project_db_1:mysql")


def test_binds_sizes_to_bytes_and_durations_to_seconds() -> None:
    foo = bind_project(loaded(DATA)).service("foo")
    assert foo.shm_size == 64 << 20
    assert foo.mem_limit == 1 << 30
    assert foo.memswap_limit == -1
    assert foo.stop_grace_period == 20.0
    health = foo.healthcheck
    assert health is not None
    assert health.test == ("CMD-SHELL", 'echo "hello world"')
    assert (health.interval, health.timeout, health.start_period) == (90.0, 1.0, 15.0)
    assert (health.start_interval, health.retries, health.disable) == (0.5, 5, False)
    assert foo.build is not None
    assert foo.build.shm_size == 1 << 30


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("stop_grace_period", "1h2m3.5s", 3723.5),
        ("stop_grace_period", "500ms", 0.5),
        ("stop_grace_period", "0", 0.0),
        ("shm_size", "1.5kb", 1536),
        ("shm_size", 1024, 1024),
        ("memswap_limit", "-1", -1),
        ("mem_limit", "2g", 2 << 30),
    ],
)
def test_binds_units(key: str, value: Any, expected: float) -> None:
    data = {"services": {"web": {"image": "nginx", key: value}}}
    web = bind_project(loaded(data)).service("web")
    assert getattr(web, key) == pytest.approx(expected)


@pytest.mark.parametrize(("mode", "expected"), [("0440", 0o440), ("0o755", 0o755), (288, 0o440)])
def test_binds_file_modes(mode: Any, expected: int) -> None:
    data = {
        "services": {"web": {"image": "nginx", "secrets": [{"source": "s", "mode": mode}]}},
        "secrets": {"s": {"file": "/s"}},
    }
    assert bind_project(loaded(data)).service("web").secrets[0].mode == expected


def test_a_bad_file_mode_is_a_problem() -> None:
    data = {"services": {"web": {"image": "nginx", "secrets": [{"source": "s", "mode": "rw"}]}}}
    with pytest.raises(
        ConfigError, match=r"^services.web.secrets\[0\].mode: invalid file mode 'rw'$"
    ):
        bind_project(loaded(data))


def test_binds_ports_with_ranges_as_strings() -> None:
    ports = bind_project(loaded(DATA)).service("foo").ports
    assert ports == (
        PortMapping(target=3000),
        PortMapping(target=8080, published="9090"),
        PortMapping(
            target=80,
            published="8080-8081",
            host_ip="127.0.0.1",
            protocol="udp",
            mode="host",
            name="web",
            app_protocol="http",
        ),
    )


def test_binds_mounts_with_their_options() -> None:
    volumes = bind_project(loaded(DATA)).service("foo").volumes
    anonymous, bind, named, tmpfs = volumes
    assert anonymous == Mount(type="volume", target="/var/lib/anonymous", volume=VolumeOptions())
    assert anonymous.is_anonymous
    assert bind == Mount(
        type="bind",
        source="/opt/data",
        target="/var/lib/data",
        read_only=True,
        bind=BindOptions(propagation="rshared", create_host_path=True, selinux="z"),
    )
    assert named.volume == VolumeOptions(nocopy=True, subpath="sub")
    assert not named.is_anonymous
    assert tmpfs.tmpfs == TmpfsOptions(size=10000, mode=0o1777)


def test_binds_networks_dependencies_and_links() -> None:
    foo = bind_project(loaded(DATA)).service("foo")
    assert foo.networks["other-other-network"] == ServiceNetwork()
    assert foo.networks["some-network"] == ServiceNetwork(
        aliases=("alias1", "alias3"), driver_opts={"a": "1"}
    )
    other = foo.networks["other-network"]
    assert (other.ipv4_address, other.ipv6_address, other.priority) == (
        "172.16.238.10",
        "2001:3984:3989::10",
        10,
    )
    assert foo.depends_on == {
        "db": DependsOn(condition="service_healthy"),
        "redis": DependsOn(required=False, restart=True),
    }
    assert foo.dependency_names() == ("db", "redis")


def test_binds_secrets_and_configs_with_effective_targets() -> None:
    foo = bind_project(loaded(DATA)).service("foo")
    assert foo.secrets == (
        ServiceSecret("secret1", "/run/secrets/secret1"),
        ServiceSecret("secret2", "my_secret", "103", "103", 0o440),
    )
    assert foo.configs == (
        ServiceConfig("config1", "/config1"),
        ServiceConfig("config2", "/my_config", "103", "103", 0o440),
    )
    assert foo.build is not None
    assert foo.build.secrets[1] == ServiceSecret("secret2", "my_secret", "103", None, 0o440)


def test_binds_devices_hosts_ulimits_logging_hooks() -> None:
    foo = bind_project(loaded(DATA)).service("foo")
    assert foo.devices == (Device("/dev/ttyUSB0", "/dev/ttyS0", "rwm"),)
    assert foo.extra_hosts == (
        ExtraHost("otherhost", "50.31.209.229"),
        ExtraHost("v6host", "::1"),
    )
    assert foo.ulimits == {"nofile": Ulimit(20000, 40000), "nproc": Ulimit(65535, 65535)}
    assert foo.logging is not None
    assert foo.logging.driver == "syslog"
    assert foo.logging.options == {"syslog-address": "tcp://192.168.0.42:123"}
    assert foo.post_start[0].command == ("echo", "up")
    assert foo.post_start[0].user == "root"
    assert foo.gpus == (DeviceRequest(count=-1),)


def test_binds_deploy_and_takes_the_scale_from_replicas() -> None:
    foo = bind_project(loaded(DATA)).service("foo")
    assert foo.scale == 6
    deploy = foo.deploy
    assert deploy is not None
    assert deploy.resources is not None
    assert deploy.resources.limits is not None
    assert deploy.resources.limits.memory == 50 << 20
    assert deploy.resources.limits.pids == 10
    assert deploy.resources.reservations is not None
    assert deploy.resources.reservations.devices == (
        DeviceRequest(capabilities=("gpu",), count=-1),
    )
    assert deploy.restart_policy is not None
    assert (deploy.restart_policy.delay, deploy.restart_policy.window) == (5.0, 120.0)
    assert deploy.other == {"placement": {"constraints": ["node=foo"]}}


def test_keeps_unmodelled_keys_and_extensions() -> None:
    foo = bind_project(loaded(DATA)).service("foo")
    assert foo.extensions == {"x-foo": "bar"}
    assert foo.other == {
        "develop": {"watch": [{"path": "./src", "action": "sync", "target": "/src"}]}
    }


def test_defaults_of_a_minimal_service() -> None:
    bar = bind_project(loaded(DATA)).service("bar")
    assert bar.image is None
    assert bar.command is None
    assert bar.entrypoint is None
    assert bar.scale == 1
    assert bar.attach is True
    assert bar.init is None
    assert bar.healthcheck is None
    assert bar.build is not None
    assert bar.build.dockerfile_inline == "FROM alpine\n"
    assert bar.build.dockerfile is None


def test_explicit_scale_wins() -> None:
    data = {"services": {"web": {"image": "x", "scale": 0, "deploy": {"replicas": 0}}}}
    assert bind_project(loaded(data)).service("web").scale == 0


def test_binds_top_level_resources() -> None:
    proj = bind_project(loaded(DATA))
    assert (proj.name, proj.working_dir) == ("full_example_project_name", "/srv/demo")
    assert proj.files == ("/srv/demo/compose.yaml",)
    assert proj.extensions == {"x-foo": "bar", "x-nested": {"bar": "baz", "foo": "bar"}}
    other = proj.networks["other-network"]
    assert (other.name, other.driver, other.internal, other.enable_ipv6) == (
        "full_example_project_name_other-network",
        "overlay",
        True,
        True,
    )
    assert other.ipam is not None
    assert other.ipam.config[0].subnet == "172.28.0.0/16"
    assert other.ipam.config[0].aux_addresses == {"host1": "172.28.1.5"}
    external = proj.networks["other-external-network"]
    assert (external.name, external.external, external.extensions) == (
        "my-cool-network",
        True,
        {"x-bar": "baz"},
    )
    assert proj.networks["unnamed"].name == "full_example_project_name_unnamed"
    assert proj.volumes["another-volume"].driver_opts == {"baz": "1"}
    assert proj.volumes["external-volume"].name == "external-volume"
    assert proj.secrets["secret4"].environment == "BAR"
    assert proj.secrets["secret2"].external
    assert proj.configs["inline"].content == ""
    assert proj.configs["config1"].file == f"{LOADER_DIR}/config_data"


def test_every_field_of_a_top_level_resource_is_bound() -> None:
    """Each field set in the file is set in the model: a field the model gains must be read too."""
    every = {
        "name": "real",
        "driver": "d",
        "driver_opts": {"o": "1"},
        "external": True,
        "internal": True,
        "attachable": True,
        "enable_ipv4": False,
        "enable_ipv6": True,
        "ipam": {"driver": "default"},
        "labels": {"l": "v"},
        "file": "/f",
        "environment": "E",
        "content": "c",
        "template_driver": "golang",
        "x-extra": 1,
    }
    sections = ("networks", "volumes", "secrets", "configs")
    proj = bind_project(loaded({section: {"one": every} for section in sections}))
    bound: list[Network | Volume | Secret | Config] = [
        proj.networks["one"],
        proj.volumes["one"],
        proj.secrets["one"],
        proj.configs["one"],
    ]
    for resource in bound:
        default = type(resource)(key="one", name="default")
        same = [
            f.name
            for f in fields(resource)
            if getattr(resource, f.name) == getattr(default, f.name)
        ]
        assert same == ["key"], type(resource).__name__


def test_binds_disabled_services_separately() -> None:
    data = {"services": {"web": {"image": "nginx"}}}
    disabled = {"debug": {"image": "busybox", "profiles": ["dev"]}}
    proj = bind_project(loaded(data, disabled=disabled))
    assert list(proj.services) == ["web"]
    assert proj.disabled["debug"].profiles == ("dev",)


def test_reports_every_bad_value_with_file_and_line() -> None:
    data = {
        "services": {
            "web": {
                "image": "nginx",
                "stop_grace_period": "10",
                "healthcheck": {"test": ["CMD", "true"], "interval": "soon"},
                "ports": ["80:80"],
            }
        }
    }
    sources = SourceMap()
    sources.add(("services", "web"), Location("compose.yaml", 2))
    sources.add(("services", "web", "stop_grace_period"), Location("compose.yaml", 4))
    sources.add(("services", "web", "healthcheck", "interval"), Location("compose.yaml", 7))
    with pytest.raises(ConfigError) as caught:
        bind_project(loaded(data, sources))
    assert str(caught.value).splitlines() == [
        "compose.yaml:2: services.web.ports[0]: "
        "expected a mapping (canonical long syntax), got '80:80'",
        'compose.yaml:4: services.web.stop_grace_period: missing unit in duration "10"',
        'compose.yaml:7: services.web.healthcheck.interval: invalid duration "soon"',
    ]


def test_config_hash_comes_from_composer_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []

    def fake_hash(service: dict[str, Any]) -> str:
        seen.append(service)
        return f"hash-of-{service['image']}"

    data = {"services": {"web": {"image": "nginx"}}}
    real = hashing.config_hash({"image": "nginx"})
    assert bind_project(loaded(data)).service("web").config_hash == real
    monkeypatch.setattr(bind_module, "config_hash", fake_hash)
    assert bind_project(loaded(data)).service("web").config_hash == "hash-of-nginx"
    assert seen == [{"image": "nginx"}]


@pytest.mark.conformance
@pytest.mark.skipif(
    not REFERENCE.exists() and not in_ci(), reason="reference docker compose not installed"
)
def test_binds_the_reference_output_of_full_example() -> None:
    example = (SHARED / "compose-go/loader/full-example.yml").resolve()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": "/root"}
    argv = [str(REFERENCE), "--all-resources", "-f", str(example)]
    argv += ["config", "--no-consistency", "--format", "json"]
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    data = json.loads(result.stdout)
    proj = bind_project(loaded(data))
    foo = proj.service("foo")
    assert foo.scale == 6
    assert foo.deploy is not None
    assert foo.deploy.resources is not None
    assert foo.deploy.resources.limits is not None
    assert foo.deploy.resources.limits.memory == 50 << 20
    assert foo.ports[-1] == PortMapping(target=5010, published="5010", host_ip="127.0.0.1")
    assert foo.volumes[-1].tmpfs == TmpfsOptions(size=10000)
    assert foo.ulimits["nproc"] == Ulimit(65535, 65535)
    assert foo.secrets[1].mode == 0o440
    assert proj.volumes["other-external-volume"].name == "my-cool-volume"
