"""`extends`: bases resolved recursively, other files read raw with their own relative paths.

Expected values and error cases were checked with the reference docker compose v2.40.3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader import pipeline
from composer.loader.combine import merge
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.sources import Location

CONFORMANCE = (Path(__file__).parents[4] / "../shared/conformance").resolve()
TESTDATA = CONFORMANCE / "compose-go/loader/testdata"


def context(workdir: Path, environ: dict[str, str] | None = None) -> LoadContext:
    options = LoadOptions(cwd=str(workdir), environ=dict(environ or {}))
    return LoadContext(options, Discovery(str(workdir), [], dict(environ or {}), [], ()))


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def load(
    root: Path, files: dict[str, str], environ: dict[str, str] | None = None
) -> ConfigDocument:
    """Write the files, then read, interpolate and extend `compose.yaml` (and finish merge)."""
    write(root, files)
    ctx = context(root, environ)
    doc = pipeline.load_documents([str(root / "compose.yaml")], ctx)
    assert doc is not None
    return merge.finish(doc)


def services(root: Path, files: dict[str, str], **env: str) -> dict[str, Any]:
    found: dict[str, Any] = load(root, files, env).data["services"]
    return found


def error(root: Path, files: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load(root, files)
    return str(caught.value)


def test_same_file_with_merge_rules(tmp_path: Path) -> None:
    found = services(
        tmp_path,
        {
            "compose.yaml": """
services:
  base:
    image: base
    command: [a, b]
    environment: {A: 1, B: 2}
    ports: ["80:80"]
    depends_on: [db]
  web:
    extends: base
    command: [c]
    environment: [B=3]
    ports: ["81:81"]
  db:
    image: db
"""
        },
    )
    assert found["web"] == {
        "image": "base",
        "command": ["c"],
        "environment": ["A=1", "B=3"],
        "ports": ["80:80", "81:81"],
        "depends_on": ["db"],
    }
    assert found["base"]["command"] == ["a", "b"]  # the base itself is not changed


def test_chain_and_shared_base(tmp_path: Path) -> None:
    found = services(
        tmp_path,
        {
            "compose.yaml": """
services:
  a: {extends: b, labels: [a=1]}
  c: {image: c, labels: [c=1]}
  b: {extends: {service: c}, labels: [b=1]}
  d: {extends: c}
"""
        },
    )
    assert found["a"] == {"image": "c", "labels": ["c=1", "b=1", "a=1"]}
    assert found["b"] == {"image": "c", "labels": ["c=1", "b=1"]}
    assert found["d"] == {"image": "c", "labels": ["c=1"]}


def test_reset_in_the_local_service(tmp_path: Path) -> None:
    # compose-go testdata extends/reset.yaml: `command: !reset` drops the inherited command
    doc = load(tmp_path, {"compose.yaml": (TESTDATA / "extends/reset.yaml").read_text()})
    assert doc.data["services"]["base"] == {"image": "alpine:latest"}


def test_other_file_paths_resolve_against_its_directory(tmp_path: Path) -> None:
    found = services(
        tmp_path,
        {
            "compose.yaml": """
services:
  web:
    extends: {file: lib/base.yaml, service: base}
    environment: {L: local}
    volumes: ["./mine:/mine"]
""",
            "lib/base.yaml": """
services:
  base:
    image: ${IMG:-busybox}
    build: ./ctx
    env_file: [./e.env, {path: ./f.env, required: false}]
    volumes: ["./data:/data", "named:/n", "~/h:/h", {type: bind, source: ./long, target: /long}]
    environment: {B: base}
  unused:
    image: [not, validated]
    whatever: 1
""",
        },
        HOME="/home/u",
        IMG="from-env",
    )
    lib = tmp_path / "lib"
    assert found["web"] == {
        "image": "from-env",
        "build": f"{lib}/ctx",
        "env_file": [f"{lib}/e.env", {"path": f"{lib}/f.env", "required": False}],
        "volumes": [
            f"{lib}/data:/data",
            "named:/n",
            "/home/u/h:/h",
            {"type": "bind", "source": f"{lib}/long", "target": "/long"},
            "./mine:/mine",  # the local service's own paths are resolved later, by normalize
        ],
        "environment": ["B=base", "L=local"],
    }
    assert "unused" not in found


def test_nested_files_resolve_each_against_their_own_directory(tmp_path: Path) -> None:
    found = services(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    extends: {file: lib/base.yaml, service: b}\n",
            "lib/base.yaml": """
services:
  b:
    extends: {file: sub/deep.yaml, service: deep}
    build: ./ctx
""",
            "lib/sub/deep.yaml": """
services:
  deep:
    image: deep
    build: {context: ., additional_contexts: {a: ./ac}}
    develop: {watch: [{path: ./w, action: sync, target: /w}]}
""",
        },
    )
    lib = tmp_path / "lib"
    assert found["web"] == {
        "image": "deep",
        "build": {"context": f"{lib}/ctx", "additional_contexts": {"a": f"{lib}/sub/ac"}},
        "develop": {"watch": [{"path": f"{lib}/sub/w", "action": "sync", "target": "/w"}]},
    }


def test_paths_are_rebased_without_path_resolution(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    extends: {file: lib/base.yaml, service: b}\n",
            "lib/base.yaml": "services:\n  b:\n    build: .\n    volumes: ['./data:/data']\n",
        },
    )
    options = LoadOptions(cwd=str(tmp_path), environ={}, resolve_paths=False)
    ctx = LoadContext(options, Discovery(str(tmp_path), [], {}, [], ()))
    doc = pipeline.load_documents([str(tmp_path / "compose.yaml")], ctx)
    assert doc is not None
    assert doc.data["services"]["web"] == {"build": "lib", "volumes": ["./lib/data:/data"]}


def test_inherited_values_point_at_the_base_file(tmp_path: Path) -> None:
    doc = load(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    extends:\n      file: base.yaml\n"
            "      service: b\n    ports:\n      - '81:81'\n",
            "base.yaml": "services:\n  b:\n    image: b\n    ports:\n      - '80:80'\n",
        },
    )
    locate = doc.sources.locate
    assert doc.data["services"]["web"] == {"image": "b", "ports": ["80:80", "81:81"]}
    assert locate(("services", "web", "ports", 0)) == Location("base.yaml", 5)
    assert locate(("services", "web", "ports", 1)) == Location("compose.yaml", 7)
    assert locate(("services", "web")) == Location("compose.yaml", 2)
    assert ("services", "web", "extends") not in doc.sources.entries


def test_extending_an_empty_service_changes_nothing(tmp_path: Path) -> None:
    # podman-compose fixture extends_w_empty_service: docker compose keeps `extends` as it is
    found = services(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    image: i\n"
            "    extends: {file: common.yaml, service: empty}\n",
            "common.yaml": "services:\n  empty:\n",
        },
    )
    assert found["web"] == {"image": "i", "extends": {"file": "common.yaml", "service": "empty"}}


def test_circular_reference(tmp_path: Path) -> None:
    text = """
services:
  c1: {image: x, extends: c2}
  c2: {extends: c3}
  c3: {extends: c1}
"""
    assert error(tmp_path, {"compose.yaml": text}) == (
        "compose.yaml:3: services.c1.extends: Circular reference:\n"
        "  c1 in compose.yaml\n"
        "  extends c2 in compose.yaml\n"
        "  extends c3 in compose.yaml\n"
        "  extends c1 in compose.yaml"
    )


def test_self_reference(tmp_path: Path) -> None:
    assert error(tmp_path, {"compose.yaml": "services:\n  b:\n    image: b\n    extends: b\n"}) == (
        "compose.yaml:4: services.b.extends: Circular reference:\n"
        "  b in compose.yaml\n"
        "  extends b in compose.yaml"
    )


def test_circular_reference_across_files(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    extends: {file: other.yaml, service: b}\n",
        "other.yaml": "services:\n  b:\n    extends: {file: compose.yaml, service: a}\n",
    }
    assert error(tmp_path, files) == (
        "compose.yaml:3: services.a.extends: Circular reference:\n"
        "  a in compose.yaml\n"
        "  extends b in other.yaml\n"
        "  extends a in compose.yaml"
    )


def test_unknown_service(tmp_path: Path) -> None:
    files = {"compose.yaml": "services:\n  b:\n    extends: a\n"}
    assert error(tmp_path, files) == (
        'compose.yaml:3: services.b.extends: cannot extend service "b": service "a" not found'
    )


def test_unknown_service_in_another_file(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  b:\n    extends: {service: zz, file: one.yaml}\n",
        "one.yaml": "services:\n  a:\n    image: a\n",
    }
    assert error(tmp_path, files) == (
        'compose.yaml:3: services.b.extends: cannot extend service "b": '
        'service "zz" not found in one.yaml'
    )


def test_missing_file(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  b:\n    extends:\n      service: a\n      file: nope.yaml\n"
    }
    assert error(tmp_path, files) == (
        'compose.yaml:3: services.b.extends: cannot extend service "b": file nope.yaml not found'
    )


def test_malformed_extends(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    extends: {file: x.yaml}\n  b:\n    extends: [x]\n"
    }
    assert error(tmp_path, files) == (
        'compose.yaml:3: services.a.extends: "service" is required\n'
        "compose.yaml:5: services.b.extends: must be a service name or a mapping"
    )


def test_extends_sees_only_its_own_file(tmp_path: Path) -> None:
    # extends runs per file, before merge and include: a service of another -f file is unknown
    write(
        tmp_path,
        {
            "one.yaml": "services:\n  a:\n    image: a\n",
            "two.yaml": "services:\n  b:\n    extends: a\n",
        },
    )
    ctx = context(tmp_path)
    with pytest.raises(ConfigError) as caught:
        pipeline.load_documents([str(tmp_path / "one.yaml"), str(tmp_path / "two.yaml")], ctx)
    assert str(caught.value) == (
        'two.yaml:3: services.b.extends: cannot extend service "b": service "a" not found'
    )


def fixture(name: str, root: Path = TESTDATA) -> dict[str, Any]:
    """A fixture loaded as `-f` would: its directory is the working directory."""
    path = root / name
    doc = pipeline.load_documents([str(path)], context(path.parent))
    assert doc is not None
    found: dict[str, Any] = merge.finish(doc).data["services"]
    return found


def test_compose_go_fixtures() -> None:
    assert fixture("extends/nested.yaml") == {"with-build": {"build": str(TESTDATA / "extends")}}
    assert fixture("extends/withdir/compose.yaml") == {"test": {"image": "hello-world"}}
    assert fixture("compose-test-extends-with-context-url.yaml") == {
        "importer-with-https-url": {"build": {"context": "https://github.com/docker/compose.git"}}
    }
    # interpolated with the project environment (SOURCE unset), env_file next to the base file
    assert fixture("compose-test-extends.yaml")["importer"] == {
        "image": "nginx",
        "container_name": "imported",
        "env_file": [str(TESTDATA / "subdir/extra.env")],
        "volumes": ["/opt/data:/var/lib/mysql"],
    }
    e2e = CONFORMANCE / "docker-compose-e2e"
    assert fixture("publish/compose-with-extends.yml", e2e) == {"test": {"image": "bar"}}
