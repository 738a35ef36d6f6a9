"""Service `volumes` in long syntax; expected values come from docker compose v2.40.3
(`config --format json --no-path-resolution`: sources stay as written here)."""

from __future__ import annotations

from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader.canonical.canonicalize import canonicalize
from composer.loader.canonical.volumes import clean_path, parse_volume_spec
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.read.yaml12 import read_yaml


def volumes(*items: str) -> Any:
    body = "".join(f"      - {item}\n" for item in items)
    [(data, sources)] = read_yaml(f"services:\n  web:\n    volumes:\n{body}", "compose.yaml")
    doc = ConfigDocument("/p/compose.yaml", "compose.yaml", "/p", data, sources)
    ctx = LoadContext(LoadOptions(cwd="/p", environ={}), Discovery("/p", [], {}, [], ()))
    return canonicalize(doc, ctx).data["services"]["web"].get("volumes")


def bind(source: str, target: str, **extra: Any) -> dict[str, Any]:
    options = {**extra.pop("bind", {}), "create_host_path": True}
    return {"type": "bind", "source": source, "target": target, **extra, "bind": options}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("/anon", {"type": "volume", "target": "/anon", "volume": {}}),
        (
            "named:/n:ro,nocopy",
            {
                "type": "volume",
                "source": "named",
                "target": "/n",
                "read_only": True,
                "volume": {"nocopy": True},
            },
        ),
        ("named:/n", {"type": "volume", "source": "named", "target": "/n", "volume": {}}),
        ("./rel:/r:z", bind("./rel", "/r", bind={"selinux": "z"})),
        ("~/h:/h", bind("~/h", "/h")),
        ("/abs:/a:rw,rshared", bind("/abs", "/a", bind={"propagation": "rshared"})),
        ("/x/:/y/../z/", bind("/x/", "/z")),
        ("/a:/b/./c//", bind("/a", "/b/c")),
        ("./a:rel/target", bind("./a", "rel/target")),
        ("/a:/b:z,Z", bind("/a", "/b", bind={"selinux": "Z"})),
        ("/a:/b:nonsense", bind("/a", "/b")),
        ("/z2:/z2:delegated,ro", bind("/z2", "/z2", read_only=True)),
        ("c:/data:/data", bind("c:/data", "/data")),
        ("v:/x:ro,z", bind("v:/x", "ro,z")),
        ("a:b", {"type": "volume", "target": "a:b", "volume": {}}),
        ("ab", {"type": "volume", "target": "ab"}),
        (".", {"type": "volume", "target": "."}),
    ],
)
def test_short_syntax(spec: str, expected: dict[str, Any]) -> None:
    assert parse_volume_spec(spec) == expected
    assert volumes(f'"{spec}"') == [expected]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "{type: bind, source: ./x, target: y/../z/}",
            {"type": "bind", "source": "./x", "target": "z"},
        ),
        (
            "{type: volume, target: /a, read_only: false, volume: {nocopy: true}}",
            {"type": "volume", "target": "/a", "volume": {"nocopy": True}},
        ),
        (
            "{type: bind, source: /y, target: /y,"
            " bind: {create_host_path: false, propagation: rslave}}",
            {"type": "bind", "source": "/y", "target": "/y", "bind": {"propagation": "rslave"}},
        ),
        (
            "{type: tmpfs, target: /t, tmpfs: {size: 1m, mode: 0755}}",
            {"type": "tmpfs", "target": "/t", "tmpfs": {"size": "1048576", "mode": 493}},
        ),
        (
            "{type: volume, source: v, target: /v, volume: {nocopy: false, subpath: sub}}",
            {"type": "volume", "source": "v", "target": "/v", "volume": {"subpath": "sub"}},
        ),
        (
            "{type: image, source: img, target: /img, image: {subpath: s}}",
            {"type": "image", "source": "img", "target": "/img", "image": {"subpath": "s"}},
        ),
        ("{type: volume, source: '', target: /t}", {"type": "volume", "target": "/t"}),
        ("{type: npipe, source: x, target: /y}", {"type": "npipe", "source": "x", "target": "/y"}),
    ],
)
def test_long_syntax(item: str, expected: dict[str, Any]) -> None:
    assert volumes(item) == [expected]


def test_one_mount_per_target_the_last_wins() -> None:
    result = volumes('"./a:/data"', '"/other:/o"', '"./b:/data/"')
    assert result == [bind("./b", "/data"), bind("/other", "/o")]


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (":/x", "empty section between colons"),
        ("/a::ro", "empty section between colons"),
        ("/a:/b:", "empty section between colons"),
        ("/a:/b:/c:ro", "too many colons"),
        ("", "invalid empty volume spec"),
    ],
)
def test_invalid_short_syntax(spec: str, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        volumes(f'"{spec}"')
    assert (
        str(info.value)
        == f'compose.yaml:4: services.web.volumes[0]: invalid volume "{spec}": {reason}'
    )


def test_a_bind_mount_needs_a_source() -> None:
    with pytest.raises(ConfigError) as info:
        volumes("{type: bind, target: /t}")
    assert str(info.value) == (
        "compose.yaml:4: services.web.volumes[0]: "
        'invalid mount config for type "bind": field Source must not be empty'
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/a/../b/./c/", "/b/c"), ("a/../../b", "../b"), ("", "."), ("//x", "/x"), ("/..", "/")],
)
def test_clean_path_is_go_path_clean(path: str, expected: str) -> None:
    assert clean_path(path) == expected
