"""`ports` in long syntax; expected values come from docker compose v2.40.3
(`config --format json`)."""

from __future__ import annotations

from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader.canonical.canonicalize import canonicalize
from composer.loader.canonical.ports import parse_port_spec
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.read.yaml12 import read_yaml


def canonical_ports(items: str) -> tuple[Any, ConfigDocument]:
    text = f"services:\n  web:\n    image: x\n    ports:\n{items}"
    [(data, sources)] = read_yaml(text, "compose.yaml")
    doc = ConfigDocument("/p/compose.yaml", "compose.yaml", "/p", data, sources)
    ctx = LoadContext(LoadOptions(cwd="/p", environ={}), Discovery("/p", [], {}, [], ()))
    doc = canonicalize(doc, ctx)
    return doc.data["services"]["web"].get("ports"), doc


def ports(*items: str) -> Any:
    return canonical_ports("".join(f"      - {item}\n" for item in items))[0]


def tcp(target: int, published: str | None = None, host_ip: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"mode": "ingress"}
    if host_ip:
        entry["host_ip"] = host_ip
    entry["target"] = target
    if published:
        entry["published"] = published
    entry["protocol"] = "tcp"
    return entry


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ('"3000"', [tcp(3000)]),
        ("8080", [tcp(8080)]),
        ('"3000-3001:4000-4001"', [tcp(4000, "3000"), tcp(4001, "3001")]),
        ('"8000-8001:80"', [tcp(80, "8000-8001")]),
        ('"80-80:90"', [tcp(90, "80")]),
        ('"9000-9002"', [tcp(9000), tcp(9001), tcp(9002)]),
        ('"98-101"', [tcp(100), tcp(101), tcp(98), tcp(99)]),
        ('"127.0.0.1::6000"', [tcp(6000, host_ip="127.0.0.1")]),
        ('"[::1]:7000:7000"', [tcp(7000, "7000", "::1")]),
        ('"[::1]::80"', [tcp(80, host_ip="::1")]),
        ('"::1:80:80"', [tcp(80, "80", "::1")]),
        ('"0.0.0.0:80:80"', [tcp(80, "80", "0.0.0.0")]),
        ('":80"', [tcp(80)]),
        ("{target: '80', published: 8080}", [tcp(80, "8080")]),
        ("{target: 80}", [tcp(80)]),
    ],
)
def test_port(item: str, expected: list[dict[str, Any]]) -> None:
    assert ports(item) == expected


def test_protocol_is_lowercased_and_kept() -> None:
    assert ports('"127.0.0.1:5000:5000/udp"', '"8080:80/UDP"', '"80/sctp"') == [
        {
            "mode": "ingress",
            "host_ip": "127.0.0.1",
            "target": 5000,
            "published": "5000",
            "protocol": "udp",
        },
        {"mode": "ingress", "target": 80, "published": "8080", "protocol": "udp"},
        {"mode": "ingress", "target": 80, "protocol": "sctp"},
    ]


def test_long_syntax_keeps_every_attribute() -> None:
    item = (
        "{target: 81, published: '8081-8082', host_ip: 127.0.0.1, protocol: udp, mode: host,"
        " name: web, app_protocol: http}"
    )
    assert ports(item) == [
        {
            "name": "web",
            "mode": "host",
            "host_ip": "127.0.0.1",
            "target": 81,
            "published": "8081-8082",
            "protocol": "udp",
            "app_protocol": "http",
        }
    ]


def test_duplicates_keep_the_first_position_and_the_last_value() -> None:
    result = ports(
        '"80:80"', '"80:80"', '"0.0.0.0:80:80"', '{target: 80, published: "80"}', '"81:81"'
    )
    assert result == [tcp(80, "80"), tcp(81, "81")]


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("80:80:80", "invalid IP address: 80"),
        ("abc", "invalid containerPort: abc"),
        ("80-79:90", "invalid hostPort: 80-79"),
        ("80-81:90-92", "invalid ranges specified for container and host Ports: 90-92 and 80-81"),
        ("1.2.3.4:80", "invalid hostPort: 1.2.3.4"),
        ("80/xyz", "invalid proto: xyz"),
        ("65536", "invalid containerPort: 65536"),
        ("-1", "invalid containerPort: -1"),
        ("80:", "invalid proto: "),
        ("localhost:80:80", "invalid IP address: localhost"),
        ("[fe80::1%eth0]:80:80", "invalid IP address: fe80::1%eth0"),
        ("1:2:3:4:80:80", "invalid IP address: 1:2:3:4"),
    ],
)
def test_invalid_short_syntax_is_reported_with_its_line(spec: str, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        ports('"80"', f'"{spec}"')
    assert (
        str(info.value) == f'compose.yaml:6: services.web.ports[1]: invalid port "{spec}": {reason}'
    )


@pytest.mark.parametrize("item", ["0", "{published: 80}"])
def test_a_port_needs_a_target(item: str) -> None:
    with pytest.raises(ConfigError) as info:
        ports(item)
    assert str(info.value) == "compose.yaml:5: services.web.ports[0]: missing a target port"


def test_long_syntax_host_ip_must_be_an_address() -> None:
    with pytest.raises(ConfigError) as info:
        ports('{target: 80, host_ip: "[::1]"}')
    assert str(info.value) == (
        "compose.yaml:5: services.web.ports[0].host_ip: invalid ip address: [::1]"
    )


def test_expanded_ranges_point_to_the_original_line() -> None:
    _, doc = canonical_ports('      - "80"\n      - "90-91"\n')
    lines = [doc.sources.locate(("services", "web", "ports", index)) for index in range(3)]
    assert [loc.line if loc else None for loc in lines] == [5, 6, 6]


def test_parse_port_spec_host_range_with_one_container_port() -> None:
    assert parse_port_spec("127.0.0.1:8000-8002:80/udp") == [
        {
            "mode": "ingress",
            "host_ip": "127.0.0.1",
            "target": 80,
            "published": "8000-8002",
            "protocol": "udp",
        }
    ]
