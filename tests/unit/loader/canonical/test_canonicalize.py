"""Canonical long syntax, attribute by attribute; expected values come from docker compose v2.40.3
(`config --format json`)."""

from __future__ import annotations

from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader.canonical.canonicalize import canonicalize, json_view
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.read.yaml12 import read_yaml


def context() -> LoadContext:
    options = LoadOptions(cwd="/proj", environ={})
    return LoadContext(options, Discovery("/proj", ["/proj/compose.yaml"], {}, [], ()))


def document(text: str) -> ConfigDocument:
    [(data, sources)] = read_yaml(text, "compose.yaml")
    return ConfigDocument("/proj/compose.yaml", "compose.yaml", "/proj", data, sources)


def canonical(text: str) -> dict[str, Any]:
    return canonicalize(document(text), context()).data


def service(attributes: str) -> dict[str, Any]:
    """The canonical form of service `web`, given its attributes in flow style, one per line."""
    body = "".join(f"    {line}\n" for line in attributes.splitlines())
    data: dict[str, Any] = canonical(f"services:\n  web:\n{body}")["services"]["web"]
    return data


def attribute(line: str) -> Any:
    name = line.split(":", 1)[0]
    return service(line).get(name, "<omitted>")


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        canonicalize(document(text), context())
    return [str(problem) for problem in info.value.problems]


def test_command_and_entrypoint_are_null_when_unset() -> None:
    assert service("image: x") == {"command": None, "entrypoint": None, "image": "x"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("environment: [HOME, NOPE, X=1]", {"HOME": None, "NOPE": None, "X": "1"}),
        (
            "environment: {A: 1, B: true, C: null, D: 1.5, E: '', F: 010}",
            {"A": "1", "B": "true", "C": None, "D": "1.5", "E": "", "F": "8"},
        ),
        ("environment: [A=1, A=2]", {"A": "2"}),
        ("labels: [a, b=c, 'd=e=f']", {"a": "", "b": "c", "d": "e=f"}),
        ("labels: {a: null, b: 2, c: true}", {"a": "", "b": "2", "c": "true"}),
        ("annotations: [a=1, b]", {"a": "1", "b": ""}),
        ("sysctls: [net.core.somaxconn=1024, a.b=2]", {"a.b": "2", "net.core.somaxconn": "1024"}),
        ("sysctls: {a: 1, b: null}", {"a": "1", "b": ""}),
        ("storage_opt: {size: 1}", {"size": "1"}),
        ("labels: []", "<omitted>"),
    ],
)
def test_list_or_mapping_attributes(line: str, expected: Any) -> None:
    assert attribute(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("command: bash -c \"echo 'a b'\"", ["bash", "-c", "echo 'a b'"]),
        ("command: a 'b c' \"d e\" f\\ g", ["a", "b c", "d e", "f g"]),
        ("command: ''", []),
        ("command: [a, b]", ["a", "b"]),
        ("entrypoint: []", []),
        ("entrypoint: /bin/sh -c 'x y'", ["/bin/sh", "-c", "x y"]),
        ("entrypoint: null", None),
    ],
)
def test_command_and_entrypoint(line: str, expected: Any) -> None:
    assert attribute(line) == expected


def test_unbalanced_quote_in_command_is_reported() -> None:
    assert problems('services:\n  web:\n    command: echo "abc\n') == [
        "compose.yaml:3: services.web.command: invalid command line 'echo \"abc': "
        "No closing quotation"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "healthcheck: {test: curl -f x, interval: 90s}",
            {"test": ["CMD-SHELL", "curl -f x"], "interval": "1m30s"},
        ),
        (
            "healthcheck: {test: [CMD, 'true'], timeout: 1m, retries: 3, start_period: 0s}",
            {"test": ["CMD", "true"], "timeout": "1m0s", "retries": 3, "start_period": "0s"},
        ),
        (
            "healthcheck: {test: [NONE], retries: 0, timeout: 0s}",
            {"test": ["NONE"], "timeout": "0s", "retries": 0},
        ),
        ("healthcheck: {disable: true}", {"disable": True}),
        ("healthcheck: {}", {}),
    ],
)
def test_healthcheck(line: str, expected: Any) -> None:
    assert attribute(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("build: ./dir", {"context": "./dir"}),
        ("build: {dockerfile: x}", {"context": ".", "dockerfile": "x"}),
        (
            "build: {context: ., args: [A=1, B], labels: [l=1], shm_size: 1g,"
            " ulimits: {nofile: 5}}",
            {
                "context": ".",
                "args": {"A": "1", "B": None},
                "labels": {"l": "1"},
                "shm_size": "1073741824",
                "ulimits": {"nofile": 5},
            },
        ),
        (
            "build: {context: ., extra_hosts: ['h:1.1.1.1'], secrets: [s], ssh: [default],"
            " pull: true}",
            {
                "context": ".",
                "ssh": ["default"],
                "pull": True,
                "extra_hosts": ["h=1.1.1.1"],
                "secrets": [{"source": "s"}],
            },
        ),
        (
            "build: {context: ., ssh: {k: /p, default: null}}",
            {"context": ".", "ssh": ["k=/p", "default"]},
        ),
        ("build: {context: ., dockerfile: ''}", {"context": ".", "dockerfile": ""}),
        ("build: {context: ., no_cache: false, privileged: false}", {"context": "."}),
    ],
)
def test_build(line: str, expected: Any) -> None:
    assert attribute(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("depends_on: [db]", {"db": {"condition": "service_started", "required": True}}),
        (
            "depends_on: {db: {condition: service_healthy},"
            " o: {condition: service_started, restart: true, required: false}}",
            {
                "db": {"condition": "service_healthy", "required": True},
                "o": {"condition": "service_started", "restart": True, "required": False},
            },
        ),
    ],
)
def test_depends_on(line: str, expected: Any) -> None:
    assert attribute(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("networks: [front, back]", {"back": None, "front": None}),
        ("networks: {a: null, b: {}, c: {aliases: []}}", {"a": None, "b": {}, "c": {}}),
        (
            "networks: {front: {aliases: [a], ipv4_address: 1.2.3.4, priority: 0}}",
            {"front": {"aliases": ["a"], "ipv4_address": "1.2.3.4"}},
        ),
        ("models: [m]", {"m": None}),
        (
            "models: {m: {endpoint_var: URL, model_var: M}}",
            {"m": {"endpoint_var": "URL", "model_var": "M"}},
        ),
    ],
)
def test_service_networks_and_models(line: str, expected: Any) -> None:
    assert attribute(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("secrets: [s]", [{"source": "s", "target": "/run/secrets/s"}]),
        (
            "secrets: [{source: s}, {source: s2, target: alt, mode: 0400, uid: '1'}]",
            [
                {"source": "s", "target": "/run/secrets/s"},
                {"source": "s2", "target": "alt", "uid": "1", "mode": "0400"},
            ],
        ),
        (
            "secrets: [{source: s, mode: 0o755}, {source: t, mode: 256}]",
            [
                {"source": "s", "target": "/run/secrets/s", "mode": "0755"},
                {"source": "t", "target": "/run/secrets/t", "mode": "0400"},
            ],
        ),
        (
            "secrets: [s, {source: t, target: /run/secrets/s}]",
            [{"source": "t", "target": "/run/secrets/s"}],
        ),
        ("configs: [c]", [{"source": "c"}]),
        (
            "configs: [{source: c, target: /cfg, mode: '0440'}]",
            [{"source": "c", "target": "/cfg", "mode": "0440"}],
        ),
    ],
)
def test_secrets_and_configs(line: str, expected: Any) -> None:
    assert attribute(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("extra_hosts: ['h:1.2.3.4', 'g=::1']", ["g=::1", "h=1.2.3.4"]),
        ("extra_hosts: ['h:::1', 'i=[::2]', 'j:[::3]']", ["h=::1", "i=::2", "j=::3"]),
        ("extra_hosts: {h: 1.2.3.4, g: ['::1', 2.2.2.2]}", ["g=2.2.2.2", "g=::1", "h=1.2.3.4"]),
        ("extra_hosts: ['a=1.1.1.1', 'a=2.2.2.2']", ["a=1.1.1.1", "a=2.2.2.2"]),
    ],
)
def test_extra_hosts(line: str, expected: Any) -> None:
    assert attribute(line) == expected


def test_extra_host_without_address_is_reported() -> None:
    assert problems("services:\n  web:\n    extra_hosts: [foo]\n") == [
        "compose.yaml:3: services.web.extra_hosts: invalid additional host, missing IP: foo"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("mem_limit: 1g", "1073741824"),
        ("mem_limit: 10", "10"),
        ("mem_limit: 0", "<omitted>"),
        ("memswap_limit: -1", "-1"),
        ("mem_reservation: 512k", "524288"),
        ("mem_swappiness: 60", "60"),
        ("shm_size: 64m", "67108864"),
        ("stop_grace_period: 90s", "1m30s"),
        ("stop_grace_period: 0", "0s"),
        ("cpus: '1.25'", 1.25),
        ("cpus: 0.5", 0.5),
        ("cpus: 2.0", 2),
        ("cpu_percent: 50", 50),
        ("pids_limit: 10", 10),
        ("oom_score_adj: 0", "<omitted>"),
        ("scale: 1", 1),
        ("privileged: false", "<omitted>"),
        ("read_only: true", True),
        ("attach: false", False),
        ("init: true", True),
        ("image: ''", "<omitted>"),
        ("user: 1000", "1000"),
        ("pull_policy: if_not_present", "if_not_present"),
    ],
)
def test_scalars(line: str, expected: Any) -> None:
    assert attribute(line) == expected


def test_bad_size_and_duration_are_reported_together() -> None:
    text = "services:\n  web:\n    mem_limit: lots\n    stop_grace_period: 10\n"
    assert problems(text) == [
        "compose.yaml:3: services.web.mem_limit: invalid size: 'lots'",
        'compose.yaml:4: services.web.stop_grace_period: missing unit in duration "10"',
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("dns: 8.8.8.8", ["8.8.8.8"]),
        ("dns_search: [a, b]", ["a", "b"]),
        ("tmpfs: /run", ["/run"]),
        ("expose: ['3000', 8000, 9000-9001/udp]", ["3000", "8000", "9000-9001/udp"]),
        ("expose: [1, '1']", ["1"]),
        ("group_add: [mail, 1000]", ["mail", "1000"]),
        ("cap_add: []", "<omitted>"),
        ("env_file: a.env", [{"path": "a.env", "required": True}]),
        (
            "env_file: [a.env, {path: b.env, required: false}, a.env]",
            [{"path": "a.env", "required": True}, {"path": "b.env", "required": False}],
        ),
        ("label_file: ./l.env", ["./l.env"]),
        (
            "ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}",
            {
                "nofile": {"soft": 20000, "hard": 40000},
                "nproc": 65535,
            },
        ),
        (
            "logging: {driver: syslog, options: {n: 1, c: null}}",
            {"driver": "syslog", "options": {"c": "", "n": "1"}},
        ),
        ("logging: {}", {}),
        ("extends: base", {"service": "base"}),
        ("volumes_from: [db, 'container:abc']", ["db", "container:abc"]),
    ],
)
def test_lists_and_blocks(line: str, expected: Any) -> None:
    assert attribute(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "devices: [/dev/a, '/dev/b:/dev/c', '/dev/d:/dev/e:r',"
            " {source: /dev/f, target: /dev/g}]",
            [
                {"source": "/dev/a", "target": "/dev/a", "permissions": "rwm"},
                {"source": "/dev/b", "target": "/dev/c", "permissions": "rwm"},
                {"source": "/dev/d", "target": "/dev/e", "permissions": "r"},
                {"source": "/dev/f", "target": "/dev/g"},
            ],
        ),
        (
            "devices: ['/dev/a:/dev/x', '/dev/b:/dev/x']",
            [{"source": "/dev/b", "target": "/dev/x", "permissions": "rwm"}],
        ),
        ("gpus: all", [{"count": -1}]),
        ("gpus: [{driver: nvidia}]", [{"driver": "nvidia", "count": -1}]),
        (
            "gpus: [{driver: nvidia, count: 2, capabilities: [gpu], options: {a: 1}},"
            " {device_ids: ['1']}]",
            [
                {"capabilities": ["gpu"], "driver": "nvidia", "count": 2, "options": {"a": "1"}},
                {"device_ids": ["1"]},
            ],
        ),
    ],
)
def test_devices_and_gpus(line: str, expected: Any) -> None:
    assert attribute(line) == expected


def test_deploy() -> None:
    text = (
        "deploy: {mode: replicated, replicas: 2, labels: [a=b],"
        " resources: {limits: {cpus: '0.5', memory: 50M, pids: 1},"
        " reservations: {devices: [{capabilities: [gpu]}, {capabilities: [x], count: '3'}]}},"
        " restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 120s},"
        " update_config: {parallelism: 2, delay: 10s, order: stop-first},"
        " rollback_config: {parallelism: 0, monitor: 60s, max_failure_ratio: 0.5}}"
    )
    assert attribute(text) == {
        "mode": "replicated",
        "replicas": 2,
        "labels": {"a": "b"},
        "update_config": {"parallelism": 2, "delay": "10s", "order": "stop-first"},
        "rollback_config": {"parallelism": 0, "monitor": "1m0s", "max_failure_ratio": 0.5},
        "resources": {
            "limits": {"cpus": 0.5, "memory": "52428800", "pids": 1},
            "reservations": {
                "devices": [
                    {"capabilities": ["gpu"], "count": -1},
                    {"capabilities": ["x"], "count": 3},
                ]
            },
        },
        "restart_policy": {
            "condition": "on-failure",
            "delay": "5s",
            "max_attempts": 3,
            "window": "2m0s",
        },
        "placement": {},
    }


def test_empty_deploy_keeps_resources_and_placement() -> None:
    assert attribute("deploy: {}") == {"resources": {}, "placement": {}}


def test_blkio_config_prints_capitalised_device_keys() -> None:
    line = (
        "blkio_config: {weight: 300, weight_device: [{path: /dev/sda, weight: 400}],"
        " device_read_bps: [{path: /dev/sda, rate: 12mb}],"
        " device_write_iops: [{path: /dev/sda, rate: 30}]}"
    )
    assert attribute(line) == {
        "weight": 300,
        "weight_device": [{"Path": "/dev/sda", "Weight": 400}],
        "device_read_bps": [{"Path": "/dev/sda", "Rate": "12582912"}],
        "device_write_iops": [{"Path": "/dev/sda", "Rate": "30"}],
    }


def test_hooks_develop_and_provider() -> None:
    web = service(
        "post_start: [{command: echo hi, user: root, privileged: true, environment: [A=1]}]\n"
        "pre_stop: [{command: [a, b]}]\n"
        "develop: {watch: [{path: ./src, action: sync, target: /app, ignore: [x]},"
        " {path: ./pkg, action: sync+exec, exec: {command: ls}}]}\n"
        "provider: {type: foo, options: {a: 1, b: [x, y]}}"
    )
    assert web["post_start"] == [
        {"command": ["echo", "hi"], "user": "root", "privileged": True, "environment": {"A": "1"}}
    ]
    assert web["pre_stop"] == [{"command": ["a", "b"]}]
    assert web["develop"] == {
        "watch": [
            {
                "path": "./src",
                "action": "sync",
                "target": "/app",
                "exec": {"command": None},
                "ignore": ["x"],
            },
            {"path": "./pkg", "action": "sync+exec", "exec": {"command": ["ls"]}},
        ]
    }
    assert web["provider"] == {"type": "foo", "options": {"a": ["1"], "b": ["x", "y"]}}


def test_keys_follow_the_reference_order() -> None:
    web = service("image: x\nports: ['80']\nbuild: .\ncap_add: [ALL]\nprofiles: [p]")
    assert list(web) == ["profiles", "build", "cap_add", "command", "entrypoint", "image", "ports"]


def test_extensions_are_kept_in_the_data_and_dropped_from_the_json_view() -> None:
    data = canonical(
        "x-top: {a: [], b: {}}\nservices:\n  web:\n    image: x\n    x-podman: {uidmaps: []}\n"
        "    build: {context: ., x-b: 1}\n"
    )
    assert data["services"]["web"]["x-podman"] == {"uidmaps": []}
    assert data["services"]["web"]["build"]["x-b"] == 1
    view = json_view(data)
    assert "x-podman" not in view["services"]["web"]
    assert view["services"]["web"]["build"] == {"context": "."}
    assert view["x-top"] == {"a": None, "b": {}}


def test_top_level_resources() -> None:
    data = canonical(
        "services: {}\n"
        "networks:\n"
        "  front: {driver: bridge, driver_opts: {a: 1}, labels: [a=1], internal: false,"
        " enable_ipv6: false, attachable: true,"
        " ipam: {driver: default,"
        " config: [{subnet: 172.28.0.0/16, aux_addresses: {h: 1.2.3.4}}]}}\n"
        "  back: {external: true}\n"
        "  plain:\n"
        "volumes:\n"
        "  v: {driver_opts: {type: none, o: bind, device: ./data}, labels: {a: b}}\n"
        "  empty:\n"
        "secrets: {s: {file: ./a, labels: {a: 1}}}\n"
        "configs: {c: {content: hello}}\n"
    )
    assert data["networks"] == {
        "front": {
            "driver": "bridge",
            "driver_opts": {"a": "1"},
            "ipam": {
                "driver": "default",
                "config": [{"subnet": "172.28.0.0/16", "aux_addresses": {"h": "1.2.3.4"}}],
            },
            "attachable": True,
            "labels": {"a": "1"},
            "enable_ipv6": False,
        },
        "back": {"ipam": {}, "external": True},
        "plain": {"ipam": {}},
    }
    assert data["volumes"] == {
        "v": {
            "driver_opts": {"device": "./data", "o": "bind", "type": "none"},
            "labels": {"a": "b"},
        },
        "empty": {},
    }
    assert data["secrets"] == {"s": {"file": "./a", "labels": {"a": "1"}}}
    assert data["configs"] == {"c": {"content": "hello"}}


def test_legacy_external_name_warns_and_becomes_the_name() -> None:
    ctx = context()
    doc = canonicalize(document("configs:\n  c2: {external: {name: real}}\n"), ctx)
    assert doc.data["configs"] == {"c2": {"name": "real", "external": True}}
    assert ctx.warnings == [
        "configs.c2: external.name is deprecated. Please set name and external: true"
    ]


def test_services_are_always_present() -> None:
    assert canonical("networks: {n: {}}\n")["services"] == {}


def test_every_problem_of_a_file_is_reported() -> None:
    text = (
        "services:\n  web:\n    ports: ['80:80:80']\n    volumes: [':/x']\n  db:\n    cpus: lots\n"
    )
    assert problems(text) == [
        'compose.yaml:3: services.web.ports[0]: invalid port "80:80:80": invalid IP address: 80',
        "compose.yaml:4: services.web.volumes[0]: "
        'invalid volume ":/x": empty section between colons',
        "compose.yaml:6: services.db.cpus: must be a number",
    ]


def test_sources_follow_a_list_turned_into_a_mapping() -> None:
    doc = canonicalize(
        document("services:\n  web:\n    environment:\n      - A=1\n      - B\n"), context()
    )
    located = doc.sources.locate(("services", "web", "environment", "B"))
    assert located is not None
    assert located.line == 5
