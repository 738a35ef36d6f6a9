"""Merging compose documents: the Compose Specification rules, as docker compose applies them.

Every expected result below was checked with the reference docker compose v2.40.3 (`-f a -f b
config`), allowing for the canonical form `config` prints.
"""

from __future__ import annotations

from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader.combine import merge
from composer.loader.context import ConfigDocument
from composer.loader.read.yaml12 import read_yaml
from composer.loader.sources import Location


def document(text: str, name: str) -> ConfigDocument:
    data, sources = read_yaml(text, name)[0]
    return ConfigDocument(f"/p/{name}", name, "/p", data, sources)


def merged_doc(*texts: str) -> ConfigDocument:
    docs = [document(text, f"f{index}.yaml") for index, text in enumerate(texts)]
    result = docs[0]
    for doc in docs[1:]:
        result = merge.merge_documents(result, doc)
    return merge.finish(result)


def merged(*texts: str) -> dict[str, Any]:
    return merged_doc(*texts).data


def web(*texts: str) -> dict[str, Any]:
    service: dict[str, Any] = merged(*texts)["services"]["web"]
    return service


BASE = """
services:
  web:
    image: a
    environment: {A: 1.0, B: true, C: null, D: ""}
    labels: [x=1, y]
    ports: ["80:80", "80:80", 81]
    dns: 8.8.8.8
    extra_hosts: ["h:1.2.3.4", "g=1.1.1.1"]
    tmpfs: /t
    cap_add: [NET_ADMIN]
"""
OVERRIDE = """
services:
  web:
    environment: [A=2, E]
    labels: {y: z, w: v}
    ports: [81, "82:82"]
    dns: [8.8.4.4, 8.8.8.8]
    extra_hosts: {h: 1.2.3.4, k: 2.2.2.2}
    tmpfs: [/u, /t]
    cap_add: [NET_ADMIN, SYS_ADMIN]
"""


def test_sequences_append_and_stay_unique() -> None:
    service = web(BASE, OVERRIDE)
    assert service["ports"] == ["80:80", 81, "82:82"]
    assert service["dns"] == ["8.8.8.8", "8.8.4.4"]
    assert service["tmpfs"] == ["/t", "/u"]
    assert service["cap_add"] == ["NET_ADMIN", "SYS_ADMIN"]


def test_key_value_attributes_become_lists_and_the_later_key_wins() -> None:
    service = web(BASE, OVERRIDE)
    # a mapping is sorted and printed with Go's %v (1.0 is "1", true is "true"); null is bare
    assert service["environment"] == ["A=2", "B=true", "C", "D=", "E"]
    assert service["labels"] == ["x=1", "y=z", "w=v"]


def test_single_document_keeps_its_form_and_is_deduplicated() -> None:
    service = web(BASE)
    assert service["environment"] == {"A": 1.0, "B": True, "C": None, "D": ""}
    assert service["ports"] == ["80:80", 81]


def test_extra_hosts_are_a_union_of_exact_items() -> None:
    # the mapping's h=1.2.3.4 differs from "h:1.2.3.4": both stay, as in docker compose
    assert web(BASE, OVERRIDE)["extra_hosts"] == [
        "h:1.2.3.4",
        "g=1.1.1.1",
        "h=1.2.3.4",
        "k=2.2.2.2",
    ]
    second = "services:\n  web:\n    extra_hosts: ['h:1.2.3.4', 'h=1.2.3.4']\n"
    assert web(BASE, second)["extra_hosts"] == ["h:1.2.3.4", "g=1.1.1.1", "h=1.2.3.4"]


def test_extra_hosts_mapping_with_several_addresses() -> None:
    first = "services:\n  web:\n    extra_hosts: [h=1.1.1.1]\n"
    second = "services:\n  web:\n    extra_hosts: {h: [1.1.1.1, 2.2.2.2]}\n"
    assert web(first, second)["extra_hosts"] == ["h=1.1.1.1", "h=2.2.2.2"]


def test_go_text_formats_like_docker_compose() -> None:
    assert merge.go_text(1.0) == "1"
    assert merge.go_text(1.5) == "1.5"
    assert merge.go_text(1.5e16) == "15000000000000000"
    assert merge.go_text(1e21) == "1e+21"
    assert merge.go_text(True) == "true"
    assert merge.go_text(8) == "8"


FULL_BASE = """
x-top: {a: 1, b: 2}
services:
  web:
    image: a
    command: [a, b]
    x-svc: {a: 1}
    depends_on: [db]
    networks: [front]
    build: ./dir
    logging: {driver: json-file, options: {max-size: 1m}}
    ulimits: {nofile: {soft: 1, hard: 2}, nproc: 3}
    secrets: [s1, {source: s2, target: /run/secrets/s2x}]
    configs: [c1]
    env_file: [a.env, {path: b.env, required: false}]
    volumes: ["./a:/data", {type: bind, source: ./c, target: /other}]
    environment: {Z: 1}
  db:
    image: db
    logging: {driver: json-file, options: {max-size: 1m}}
"""
FULL_OVERRIDE = """
x-top: {c: 3}
services:
  web:
    image: null
    command: null
    x-svc: {b: 2}
    environment: null
    depends_on: {db: {condition: service_healthy}, other: {condition: service_started}}
    networks: {front: {aliases: [x]}, back: {}}
    build: {dockerfile: D}
    logging: {driver: syslog}
    ulimits: {nofile: {soft: 5, hard: 6}}
    secrets: [{source: s1, target: /run/secrets/s1, mode: "0400"}]
    configs: [{source: c1, target: /c1, uid: "1"}]
    env_file: [{path: a.env, required: false}, b.env]
    volumes: [{type: bind, source: ./b, target: /data}, "./d:/other"]
  db:
    logging: {options: {max-file: "2"}}
"""


def test_special_rules() -> None:
    data = merged(FULL_BASE, FULL_OVERRIDE)
    service = data["services"]["web"]
    assert service["image"] == "a"  # null keeps the earlier value
    assert service["environment"] == {"Z": 1}
    assert service["command"] is None  # command is replaced, even by null
    assert data["x-top"] == {"a": 1, "b": 2, "c": 3}  # extensions merge like any mapping
    assert service["x-svc"] == {"a": 1, "b": 2}
    assert service["depends_on"] == {
        "db": {"condition": "service_healthy", "required": True},
        "other": {"condition": "service_started"},
    }
    assert service["networks"] == {"front": {"aliases": ["x"]}, "back": {}}
    assert service["build"] == {"context": "./dir", "dockerfile": "D"}
    assert service["logging"] == {"driver": "syslog"}  # another driver replaces the block
    assert data["services"]["db"]["logging"] == {
        "driver": "json-file",
        "options": {"max-size": "1m", "max-file": "2"},
    }
    assert service["ulimits"] == {"nofile": {"soft": 5, "hard": 6}, "nproc": 3}


def test_mounts_are_unique_by_target_first_position_last_value() -> None:
    service = web(FULL_BASE, FULL_OVERRIDE)
    assert service["secrets"] == [
        {"source": "s1", "target": "/run/secrets/s1", "mode": "0400"},
        {"source": "s2", "target": "/run/secrets/s2x"},
    ]
    assert service["configs"] == [{"source": "c1", "target": "/c1", "uid": "1"}]
    assert service["volumes"] == [
        {"type": "bind", "source": "./b", "target": "/data"},
        "./d:/other",
    ]
    assert service["env_file"] == [{"path": "a.env", "required": False}, "b.env"]


def test_ulimit_is_replaced_not_merged() -> None:
    first = "services:\n  web:\n    ulimits: {nofile: {soft: 1, hard: 2}}\n"
    second = "services:\n  web:\n    ulimits: {nofile: 5}\n"
    assert web(first, second)["ulimits"] == {"nofile": 5}


def test_healthcheck_test_and_entrypoint_are_replaced() -> None:
    first = (
        "services:\n  web:\n    entrypoint: [a, b]\n    healthcheck: {test: [CMD, a], retries: 3}\n"
    )
    second = "services:\n  web:\n    entrypoint: [c]\n    healthcheck: {test: [CMD, b]}\n"
    service = web(first, second)
    assert service["entrypoint"] == ["c"]
    assert service["healthcheck"] == {"test": ["CMD", "b"], "retries": 3}


def test_logging_without_driver_in_one_file_merges() -> None:
    first = "services:\n  web:\n    logging: {options: {a: b}}\n"
    second = "services:\n  web:\n    logging: {driver: x}\n"
    assert web(first, second)["logging"] == {"driver": "x", "options": {"a": "b"}}


def test_network_and_volume_labels_merge_by_key() -> None:
    first = "networks:\n  n: {labels: {a: 1}}\nvolumes:\n  v: {labels: [a=1]}\n"
    second = "networks:\n  n: {labels: [b=2]}\nvolumes:\n  v: {labels: {a: 2}}\n"
    data = merged(first, second)
    assert data["networks"]["n"]["labels"] == ["a=1", "b=2"]
    assert data["volumes"]["v"]["labels"] == ["a=2"]


def ipam(first: str, second: str) -> Any:
    text = "networks:\n  n:\n    ipam:\n      config: {}\n"
    return merged(text.format(first), text.format(second))["networks"]["n"]["ipam"]["config"]


def test_ipam_config_merges_per_subnet() -> None:
    assert ipam("[{subnet: 10.0.0.0/24}]", "[{subnet: 10.1.0.0/24}]") == [{"subnet": "10.1.0.0/24"}]
    assert ipam(
        "[{subnet: 10.0.0.0/24}, {subnet: 10.1.0.0/24}]",
        "[{subnet: 10.0.0.0/24, gateway: 10.0.0.1}]",
    ) == [{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}]
    assert ipam(
        "[{subnet: 10.0.0.0/24}]",
        "[{subnet: 10.0.0.0/24, gateway: 10.0.0.1}, {subnet: 10.1.0.0/24}]",
    ) == [{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}, {"subnet": "10.1.0.0/24"}]
    assert ipam("[{subnet: 10.0.0.0/24}]", "[]") == []


TAGS_BASE = """
services:
  web:
    image: a
    cap_add: [A, B]
    ports: ["80:80"]
    environment: {A: 1, B: 2}
    build: {context: ., args: {X: 1}}
    labels: {l: 1}
    depends_on: [db]
  db:
    image: d
"""


def test_reset_and_override() -> None:
    second = """
services:
  web:
    image: !override httpd
    cap_add: !reset []
    ports: !override ["81:81"]
    environment: !override {C: 3}
    build: !reset null
    labels: !reset {}
    depends_on: !reset
  db: !reset
"""
    data = merged(TAGS_BASE, second)
    assert data["services"] == {
        "web": {"image": "httpd", "ports": ["81:81"], "environment": {"C": 3}}
    }


def test_markers_inside_merged_attributes() -> None:
    second = """
services:
  web:
    build: !override {dockerfile: X}
    environment:
      B: !reset
      D: !override 4
    depends_on:
      db: !reset {}
"""
    service = web(TAGS_BASE, second)
    assert service["build"] == {"dockerfile": "X"}
    assert service["environment"] == ["A=1", "D=4"]
    assert service["depends_on"] == {}


def test_reset_reaches_only_a_base_written_as_a_mapping() -> None:
    first = "services:\n  web:\n    environment: [A=1, B=2]\n    networks: [n1, n2]\n"
    second = "services:\n  web:\n    environment: {B: !reset , D: 4}\n    networks: {n1: !reset }\n"
    service = web(first, second)
    # docker compose keeps B=2 (a list item is not a key) but drops n1 (networks is a mapping)
    assert service["environment"] == ["A=1", "B=2", "D=4"]
    assert service["networks"] == {"n2": None}


def test_markers_of_a_single_document_are_removed() -> None:
    text = (
        "services:\n  web:\n    image: a\n    ports: !reset ['80:80']\n    cap_add: !override [X]\n"
    )
    assert web(text) == {"image": "a", "cap_add": ["X"]}


def test_markers_survive_until_a_later_file() -> None:
    second = "services:\n  web:\n    cap_add: !override [X]\n"
    third = "services:\n  web:\n    cap_add: [Y]\n"
    assert web(TAGS_BASE, second, third)["cap_add"] == ["X", "Y"]


def test_type_mismatch_is_an_error_naming_file_and_line() -> None:
    first = "services:\n  web:\n    image: a\n    ports: ['80:80']\n    cap_add: [A]\n"
    second = "services:\n  web:\n    ports: {a: 1}\n    cap_add: X\n"
    with pytest.raises(ConfigError) as caught:
        merged(first, second)
    assert str(caught.value) == (
        "f1.yaml:3: services.web.ports: cannot override a sequence with a mapping\n"
        "f1.yaml:4: services.web.cap_add: cannot override a sequence with a scalar"
    )


def test_scalar_replaced_by_anything() -> None:
    first = "services:\n  web:\n    image: a\n"
    second = "services:\n  web:\n    image: [b]\n"
    assert web(first, second)["image"] == ["b"]  # the schema reports it later


def test_mount_without_target_is_reported() -> None:
    text = "services:\n  web:\n    image: a\n    volumes:\n      - {type: volume, source: x}\n"
    with pytest.raises(ConfigError) as caught:
        merged(text)
    assert str(caught.value) == "f0.yaml:5: services.web.volumes[0]: missing a mount target"


def test_port_keys_follow_docker_compose() -> None:
    first = "services:\n  web:\n    ports: [{target: 80, published: '8080'}, '9090:90']\n"
    second = (
        "services:\n  web:\n"
        "    ports: [{target: 80, published: '8080'}, {target: 80, published: 8080}]\n"
    )
    # a long port with published "8080" and one with 8080 do not collide (Go formats with %s)
    assert web(first, second)["ports"] == [
        {"target": 80, "published": "8080"},
        "9090:90",
        {"target": 80, "published": 8080},
    ]


def test_secrets_and_configs_default_targets() -> None:
    first = "services:\n  web:\n    secrets: [s]\n    configs: [c]\n"
    second = (
        "services:\n  web:\n    secrets: [{source: s, mode: '0400'}]\n"
        "    configs: [{source: c, target: /c}]\n"
    )
    service = web(first, second)
    assert service["secrets"] == [{"source": "s", "mode": "0400"}]
    assert service["configs"] == [{"source": "c", "target": "/c"}]


def test_sources_follow_the_data() -> None:
    first = "services:\n  web:\n    image: a\n    ports:\n      - '80:80'\n      - '81:81'\n"
    second = "services:\n  web:\n    image: b\n    ports:\n      - '82:82'\n      - '80:80'\n"
    doc = merged_doc(first, second)
    locate = doc.sources.locate
    assert doc.data["services"]["web"]["ports"] == ["80:80", "81:81", "82:82"]
    assert locate(("services", "web", "image")) == Location("f1.yaml", 3)
    assert locate(("services", "web", "ports", 0)) == Location("f1.yaml", 6)  # the later 80:80
    assert locate(("services", "web", "ports", 1)) == Location("f0.yaml", 6)
    assert locate(("services", "web", "ports", 2)) == Location("f1.yaml", 5)
    assert ("services", "web", "ports", 3) not in doc.sources.entries


def test_sources_of_converted_attributes() -> None:
    first = (
        "services:\n  web:\n    environment:\n      A: 1\n    build: ./dir\n"
        "    depends_on:\n      - db\n"
    )
    second = "services:\n  web:\n    environment:\n      - B=2\n    build:\n      dockerfile: D\n"
    doc = merged_doc(first, second)
    locate = doc.sources.locate
    assert locate(("services", "web", "environment", 0)) == Location("f0.yaml", 4)
    assert locate(("services", "web", "environment", 1)) == Location("f1.yaml", 4)
    assert locate(("services", "web", "build", "context")) == Location("f0.yaml", 5)
    assert locate(("services", "web", "build", "dockerfile")) == Location("f1.yaml", 6)


def test_sources_of_replaced_and_reset_values() -> None:
    first = "services:\n  web:\n    command:\n      - a\n      - b\n    cap_add:\n      - X\n"
    second = "services:\n  web:\n    command: [c]\n    cap_add: !reset []\n"
    doc = merged_doc(first, second)
    entries = doc.sources.entries
    assert doc.data["services"]["web"] == {"command": ["c"]}
    assert entries[("services", "web", "command", 0)] == Location("f1.yaml", 3)
    assert ("services", "web", "command", 1) not in entries
    assert ("services", "web", "cap_add") not in entries


def test_merge_of_many_services_keeps_every_service() -> None:
    first = "services:\n" + "".join(
        f"  s{i}:\n    image: a{i}\n    ports: ['{i}:80']\n" for i in range(50)
    )
    second = "services:\n" + "".join(
        f"  s{i}:\n    ports: ['{i + 100}:80']\n" for i in range(0, 50, 2)
    )
    services = merged(first, second)["services"]
    assert len(services) == 50
    assert services["s2"]["ports"] == ["2:80", "102:80"]
    assert services["s3"]["ports"] == ["3:80"]
