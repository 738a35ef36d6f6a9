"""Normalization after the canonical stage; expected values come from docker compose v2.40.3."""

from __future__ import annotations

from typing import Any

from composer.loader.canonical.canonicalize import canonicalize
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.finish.normalize import drop_unused_resources, implicit_dependencies, normalize
from composer.loader.read.yaml12 import read_yaml


def normalized(text: str, *, resolve_paths: bool = True) -> dict[str, Any]:
    [(data, sources)] = read_yaml(text, "compose.yaml")
    doc = ConfigDocument("/proj/compose.yaml", "compose.yaml", "/proj", data, sources)
    options = LoadOptions(cwd="/proj", environ={}, resolve_paths=resolve_paths)
    environment = {"HOME": "/home/me"}
    ctx = LoadContext(options, Discovery("/proj", ["/proj/compose.yaml"], environment, [], ()))
    doc = canonicalize(doc, ctx)
    result: dict[str, Any] = normalize(doc, "demo", ctx).data
    return result


def test_name_comes_first_and_a_default_network_is_added() -> None:
    data = normalized("services:\n  web: {image: x}\n")
    assert list(data) == ["name", "services", "networks"]
    assert data["name"] == "demo"
    assert data["services"]["web"]["networks"] == {"default": None}
    assert data["networks"] == {"default": {"name": "demo_default", "ipam": {}}}


def test_no_default_network_for_network_mode_explicit_networks_or_providers() -> None:
    data = normalized(
        "services:\n"
        "  host: {image: x, network_mode: host}\n"
        "  front: {image: x, networks: [front]}\n"
        "  provided: {provider: {type: model}}\n"
        "networks: {front: {}}\n"
    )
    services = data["services"]
    assert "networks" not in services["host"]
    assert services["front"]["networks"] == {"front": None}
    assert "networks" not in services["provided"]
    assert data["networks"] == {"front": {"name": "demo_front", "ipam": {}}}


def test_resource_names() -> None:
    data = normalized(
        "services: {}\n"
        "networks: {n: {}, ext: {external: true}, named: {name: explicit}}\n"
        "volumes: {v: {}, ext: {external: true, name: realname}}\n"
        "secrets: {s: {file: ./s.txt}, e: {external: true}}\n"
        "configs: {c: {content: x}}\n"
    )
    assert data["networks"] == {
        "n": {"name": "demo_n", "ipam": {}},
        "ext": {"name": "ext", "ipam": {}, "external": True},
        "named": {"name": "explicit", "ipam": {}},
    }
    assert data["volumes"] == {
        "v": {"name": "demo_v"},
        "ext": {"name": "realname", "external": True},
    }
    assert data["secrets"] == {
        "s": {"name": "demo_s", "file": "/proj/s.txt"},
        "e": {"name": "e", "external": True},
    }
    assert data["configs"] == {"c": {"name": "demo_c", "content": "x"}}


def test_implicit_dependencies() -> None:
    data = normalized(
        "services:\n"
        "  s:\n"
        "    image: x\n"
        "    links: [db, 'db:x']\n"
        "    volumes_from: [db, 'container:abc', 'vol:ro']\n"
        "    network_mode: 'service:db'\n"
        "    ipc: 'service:db'\n"
        "    pid: 'service:other'\n"
        "    depends_on: {explicit: {condition: service_healthy}}\n"
        "  db: {image: x}\n"
        "  other: {image: x}\n"
        "  vol: {image: x}\n"
        "  explicit: {image: x}\n"
    )
    assert data["services"]["s"]["depends_on"] == {
        "db": {"condition": "service_started", "restart": True, "required": True},
        "explicit": {"condition": "service_healthy", "required": True},
        "other": {"condition": "service_started", "restart": True, "required": True},
        "vol": {"condition": "service_started", "required": True},
    }


def test_implicit_dependencies_in_reference_order() -> None:
    service = {"volumes_from": ["a"], "links": ["b:alias"], "uts": "service:c", "cgroup": "x"}
    assert implicit_dependencies(service) == [("b", True), ("c", True), ("a", False)]


def test_pull_policy_alias() -> None:
    web = normalized("services:\n  web: {image: x, pull_policy: if_not_present}\n")["services"][
        "web"
    ]
    assert web["pull_policy"] == "missing"


def test_build_defaults_and_absolute_paths() -> None:
    data = normalized(
        "services:\n"
        "  a: {build: ./dir}\n"
        "  b: {build: {dockerfile_inline: FROM x}}\n"
        "  c: {build: {context: ., dockerfile: ''}}\n"
        "  d: {image: x, volumes: ['~/h:/h', './rel:/r'], env_file: a.env}\n"
    )
    services = data["services"]
    assert services["a"]["build"] == {"context": "/proj/dir", "dockerfile": "Dockerfile"}
    assert services["b"]["build"] == {"context": "/proj", "dockerfile_inline": "FROM x"}
    assert services["c"]["build"] == {"context": "/proj"}
    assert [v["source"] for v in services["d"]["volumes"]] == ["/home/me/h", "/proj/rel"]
    assert services["d"]["env_file"] == [{"path": "/proj/a.env", "required": True}]


def test_paths_stay_relative_without_path_resolution() -> None:
    data = normalized("services:\n  a: {build: ./dir}\n", resolve_paths=False)
    assert data["services"]["a"]["build"] == {"context": "./dir", "dockerfile": "Dockerfile"}


def test_service_keys_are_in_printing_order_after_defaults() -> None:
    web = normalized("services:\n  web: {image: x, links: [db]}\n  db: {image: x}\n")["services"][
        "web"
    ]
    assert list(web) == ["command", "depends_on", "entrypoint", "image", "links", "networks"]


def test_drop_unused_resources() -> None:
    data = normalized(
        "services:\n"
        "  web:\n"
        "    image: x\n"
        "    networks: [used]\n"
        "    volumes: ['data:/d', './bind:/b']\n"
        "    secrets: [s]\n"
        "    build: {context: ., secrets: [bs]}\n"
        "networks: {used: {}, unused: {}}\n"
        "volumes: {data: {}, idle: {}}\n"
        "secrets: {s: {file: a}, bs: {file: b}, idle: {file: c}}\n"
        "configs: {idle: {file: c}}\n"
    )
    result = drop_unused_resources(data)
    assert list(result["networks"]) == ["used"]
    assert list(result["volumes"]) == ["data"]
    assert list(result["secrets"]) == ["s", "bs"]
    assert "configs" not in result
    assert "idle" in data["volumes"]  # the input is left alone
