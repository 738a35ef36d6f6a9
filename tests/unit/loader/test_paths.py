"""Relative path resolution (docker compose's §1.8 list), in short and long syntax.

The expected values were checked with the reference docker compose v2.40.3 (`config`, HOME=/home/u).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from composer.loader.paths import (
    absolute,
    base_directory,
    home_directory,
    is_local_context,
    is_windows_absolute,
    resolve_paths,
    resolve_service_paths,
)
from composer.loader.read.tags import Override, Reset
from composer.loader.read.yaml12 import read_yaml

BASE = "/proj"
HOME = "/home/u"


def resolved(text: str) -> dict[str, Any]:
    data, _ = read_yaml(text, "compose.yaml")[0]
    result: dict[str, Any] = resolve_paths(data, BASE, HOME)
    return result


def service(text: str) -> dict[str, Any]:
    indented = "".join(f"    {line}\n" for line in text.strip("\n").splitlines())
    found: dict[str, Any] = resolved(f"services:\n  s:\n{indented}")["services"]["s"]
    return found


def test_absolute() -> None:
    assert absolute("./a/../b", BASE, HOME) == "/proj/b"
    assert absolute("..", BASE, HOME) == "/"
    assert absolute("~", BASE, HOME) == "/home/u"
    assert absolute("~/x/", BASE, HOME) == "/home/u/x"
    assert absolute("/abs/../kept", BASE, HOME) == "/abs/../kept"  # absolute: unchanged
    assert absolute(".", BASE, HOME) == "/proj"


def test_build_contexts() -> None:
    assert service("build: .")["build"] == "/proj"
    assert service("build: '~/ctx'")["build"] == "/home/u/ctx"
    for remote in ("git@github.com:x/y", "ssh://x/y", "github.com/a/b", "https://h/r.git"):
        assert service(f"build: '{remote}'")["build"] == remote
    build = service(
        """
build:
  context: x
  dockerfile: Dockerfile.dev
  additional_contexts:
    - a=oci-layout://./x
    - b=service:c
    - c=git@github.com:a/b
    - d=target:foo
    - e=~/x
    - f=../up
    - g=/abs
  ssh: [default, "k=./key", "z=~/zz"]
"""
    )["build"]
    assert build == {
        "context": "/proj/x",
        "dockerfile": "Dockerfile.dev",  # relative to the context: left alone
        "additional_contexts": [
            "a=oci-layout://./x",
            "b=service:c",
            "c=git@github.com:a/b",
            "d=/proj/target:foo",
            "e=/home/u/x",
            "f=/up",
            "g=/abs",
        ],
        "ssh": ["default", "k=/proj/key", "z=/home/u/zz"],
    }


def test_build_mappings() -> None:
    build = service(
        "build: {context: ., additional_contexts: {a: ./ac, b: 'docker-image://x'},"
        " ssh: {k: ./key}}"
    )["build"]
    assert build == {
        "context": "/proj",
        "additional_contexts": {"a": "/proj/ac", "b": "docker-image://x"},
        "ssh": {"k": "/proj/key"},
    }


def test_is_local_context() -> None:
    assert is_local_context("./dir")
    assert is_local_context("target:foo")
    assert not is_local_context("service:web")
    assert not is_local_context("docker-image://alpine")


def test_env_and_label_files() -> None:
    assert service("env_file: a.env")["env_file"] == "/proj/a.env"
    assert service("env_file: [a.env, {path: ~/b.env, required: false}]")["env_file"] == [
        "/proj/a.env",
        {"path": "/home/u/b.env", "required": False},
    ]
    assert service("label_file: ./l")["label_file"] == "/proj/l"
    assert service("label_file: [./l, /m]")["label_file"] == ["/proj/l", "/m"]


def test_extends_file() -> None:
    assert service("extends: {file: lib/base.yaml, service: b}")["extends"] == {
        "file": "/proj/lib/base.yaml",
        "service": "b",
    }
    assert service("extends: b")["extends"] == "b"


def test_short_volumes() -> None:
    volumes = service(
        """
volumes:
  - ./a:/a
  - ../b:/b
  - ~:/h
  - ~/x:/x:ro
  - /abs:/abs
  - named:/n
  - /anon
  - .:/dot
  - ./x:/x:ro,z
"""
    )["volumes"]
    assert volumes == [
        "/proj/a:/a",
        "/b:/b",
        "/home/u:/h",
        "/home/u/x:/x:ro",
        "/abs:/abs",
        "named:/n",
        "/anon",
        "/proj:/dot",
        "/proj/x:/x:ro,z",
    ]


def test_long_volumes() -> None:
    volumes = service(
        """
volumes:
  - {type: bind, source: ~/l, target: /l}
  - {type: bind, source: ., target: /m}
  - {type: bind, source: data, target: /d}
  - {type: volume, source: ./named, target: /v}
"""
    )["volumes"]
    assert [v["source"] for v in volumes] == ["/home/u/l", "/proj", "/proj/data", "./named"]


def test_develop_watch_resolves_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    data, _ = read_yaml(
        "services:\n  s:\n    develop:\n      watch:\n"
        "        - {path: ./link, action: sync, target: /w}\n"
        "        - {path: ./missing, action: rebuild}\n",
        "compose.yaml",
    )[0]
    resolve_paths(data, str(tmp_path), HOME)
    watch = data["services"]["s"]["develop"]["watch"]
    assert watch[0]["path"] == str(real)
    assert watch[1]["path"] == os.path.join(str(tmp_path), "missing")


def test_top_level_resources() -> None:
    data = resolved(
        """
secrets:
  s: {file: ~/s}
  e: {environment: E}
configs:
  c: {file: ./c.txt}
volumes:
  v1: {driver_opts: {o: bind, device: ./dev}}
  v2: {driver: local, driver_opts: {o: "ro,bind", device: ./dev2}}
  v3: {driver: local, driver_opts: {o: bind, device: "~/d"}}
  v4: {driver: local, driver_opts: {o: bind, device: ./d4}}
  v5:
"""
    )
    assert data["secrets"] == {"s": {"file": "/home/u/s"}, "e": {"environment": "E"}}
    assert data["configs"] == {"c": {"file": "/proj/c.txt"}}
    devices = {
        name: (v or {}).get("driver_opts", {}).get("device") for name, v in data["volumes"].items()
    }
    # docker compose resolves the device only with `driver: local` and `o: bind` exactly
    assert devices == {
        "v1": "./dev",
        "v2": "./dev2",
        "v3": "/home/u/d",
        "v4": "/proj/d4",
        "v5": None,
    }


def test_include_entries() -> None:
    data = resolved(
        """
include:
  - sub/a.yaml
  - path: [b.yaml, /abs/c.yaml]
    project_directory: ..
    env_file: [x.env, ~/y.env]
"""
    )
    assert data["include"] == [
        "/proj/sub/a.yaml",
        {
            "path": ["/proj/b.yaml", "/abs/c.yaml"],
            "project_directory": "/",
            "env_file": ["/proj/x.env", "/home/u/y.env"],
        },
    ]


def test_markers_are_looked_through() -> None:
    data = resolved(
        "services:\n  s:\n    build: !override ./b\n    env_file: !reset a.env\n"
        "    volumes: !override ['./v:/v']\n"
    )
    found = data["services"]["s"]
    assert found["build"] == Override("/proj/b")
    assert found["env_file"] == Reset("a.env")
    assert found["volumes"] == Override(["/proj/v:/v"])


def test_resolve_service_paths_is_in_place() -> None:
    data, _ = read_yaml("build: ./x\nvolumes: ['./a:/a']\nimage: i\n", "s.yaml")[0]
    result = resolve_service_paths(data, "/lib", HOME)
    assert result is data
    assert data == {"build": "/lib/x", "volumes": ["/lib/a:/a"], "image": "i"}


def test_odd_values_are_left_for_the_schema() -> None:
    found = service("build: 3\nenv_file: {a: b}\nvolumes: 7\nlabel_file: null")
    assert found == {"build": 3, "env_file": {"a": "b"}, "volumes": 7, "label_file": None}


def test_home_directory() -> None:
    assert home_directory({"HOME": "/h"}) == "/h"
    assert os.path.isabs(home_directory({}))


def test_rebased_paths_stay_relative_to_the_working_directory() -> None:
    # --no-path-resolution: an included or extended file's paths are rebased, not made absolute
    assert base_directory("/w/lib/sub", "/w", resolve=False) == "lib/sub"
    assert base_directory("/w/lib", "/w", resolve=True) == "/w/lib"
    data, _ = read_yaml(
        "volumes: ['./d:/d', '~/h:/h', {type: bind, source: ., target: /x}]\n", "s"
    )[0]
    resolve_service_paths(data, "lib", HOME)
    # a short source must keep looking like a path, or it would become a volume name
    assert data["volumes"] == [
        "./lib/d:/d",
        "/home/u/h:/h",
        {"type": "bind", "source": "lib", "target": "/x"},
    ]


def test_windows_host_paths_are_kept() -> None:
    # compose-go cli/testdata/simple/compose-with-paths.yaml
    volumes = service("volumes:\n  - {type: bind, source: 'C:\\docker\\project', target: /t}")[
        "volumes"
    ]
    assert volumes[0]["source"] == "C:\\docker\\project"
    assert resolved("secrets:\n  s: {file: '\\\\server\\share\\s'}")["secrets"]["s"]["file"] == (
        "\\\\server\\share\\s"
    )
    assert is_windows_absolute("c:/x")
    assert not is_windows_absolute("c:x")


def test_non_string_files_are_left_for_the_schema() -> None:
    assert resolved("configs:\n  c: {file: 3}")["configs"]["c"]["file"] == 3
