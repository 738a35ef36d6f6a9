"""`include`: each included project is loaded on its own, with its own paths and environment.

Expected values and error cases were checked with the reference docker compose v2.40.3. The
included project goes through the canonical stage (another module), so these tests look only
at values it keeps as they are: images, build contexts, environment values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader import pipeline
from composer.loader.combine import merge
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions

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


def load_files(
    root: Path, names: list[str], environ: dict[str, str] | None = None
) -> ConfigDocument:
    ctx = context(root, environ)
    doc = pipeline.load_documents([str(root / name) for name in names], ctx)
    assert doc is not None
    return merge.finish(doc)


def load(root: Path, files: dict[str, str], environ: dict[str, str] | None = None) -> Any:
    write(root, files)
    return load_files(root, ["compose.yaml"], environ).data


def error(root: Path, files: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load(root, files)
    return str(caught.value)


def build_context(service: dict[str, Any]) -> Any:
    build = service["build"]
    return build["context"] if isinstance(build, dict) else build


PROJECT = {
    "compose.yaml": """
include:
  - sub/inc.yaml
  - path: [other/o1.yaml, other/o2.yaml]
    env_file: other/vars.env
  - path: sub/deeper/d.yaml
    project_directory: other
services:
  main:
    image: main-${FROM_SUB:-unset}
""",
    "sub/inc.yaml": """
name: ignored
include:
  - deeper/nested.yaml
services:
  s:
    image: s-${FROM_SUB:-none}
    build: .
""",
    "sub/.env": "FROM_SUB=yes\n",
    "sub/deeper/nested.yaml": "services:\n  n:\n    image: n\n    build: ./nb\n",
    "sub/deeper/d.yaml": "services:\n  d:\n    image: d-${OV:-x}-${PARENT:-p}\n    build: ./b\n",
    "other/o1.yaml": "services:\n  o:\n    image: o-${OV}\n    labels: [a=1]\n",
    "other/o2.yaml": "services:\n  o:\n    labels: [b=2]\n",
    "other/vars.env": "OV=fromvars\n",
    "other/.env": "OV=other-dot-env\n",
}


def test_included_projects(tmp_path: Path) -> None:
    found = load(tmp_path, PROJECT, {"PARENT": "parent"})["services"]
    assert sorted(found) == ["d", "main", "n", "o", "s"]
    # the included project's .env is not visible to the parent
    assert found["main"]["image"] == "main-unset"
    assert found["s"]["image"] == "s-yes"
    assert build_context(found["s"]) == str(tmp_path / "sub")
    # nested include: relative to the including file, paths relative to the nested file
    assert build_context(found["n"]) == str(tmp_path / "sub/deeper/nb")
    # a path list is merged; env_file replaces the default .env
    assert found["o"]["image"] == "o-fromvars"
    assert found["o"]["labels"] in (["a=1", "b=2"], {"a": "1", "b": "2"})
    # project_directory: paths and the default .env come from there; the parent env wins
    assert found["d"]["image"] == "d-other-dot-env-parent"
    assert build_context(found["d"]) == str(tmp_path / "other/b")


def test_include_is_consumed_and_located(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    doc = load_files(tmp_path, ["compose.yaml"])
    assert "include" not in doc.data
    assert not [path for path in doc.sources.entries if path[:1] == ("include",)]
    location = doc.sources.locate(("services", "s", "image"))
    assert location is not None
    assert (location.file, location.line) == ("sub/inc.yaml", 7)


def test_paths_are_rebased_without_path_resolution(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    options = LoadOptions(cwd=str(tmp_path), environ={}, resolve_paths=False)
    ctx = LoadContext(options, Discovery(str(tmp_path), [], {}, [], ()))
    doc = pipeline.load_documents([str(tmp_path / "compose.yaml")], ctx)
    assert doc is not None
    found = doc.data["services"]
    assert build_context(found["s"]) == "sub"
    assert build_context(found["n"]) == "sub/deeper/nb"
    assert build_context(found["d"]) == "other/b"


def test_parent_environment_wins_over_include_env_files(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "include:\n  - path: sub/x.yaml\n    env_file: [a.env, b.env]\n",
        "sub/x.yaml": "services:\n  x:\n    image: ${A}-${B}-${HOME}\n",
        "a.env": "A=1\nB=a\nHOME=zz\n",
        "b.env": "B=${A}b\n",
    }
    found = load(tmp_path, files, {"HOME": "/root"})["services"]
    assert found["x"]["image"] == "1-1b-/root"


def test_later_file_overrides_an_included_service(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - inc.yaml\n",
            "inc.yaml": "services:\n  x:\n    image: inc\n",
            "override.yaml": "services:\n  x:\n    image: mine\n",
        },
    )
    doc = load_files(tmp_path, ["compose.yaml", "override.yaml"])
    assert doc.data["services"]["x"]["image"] == "mine"


def test_equal_definitions_may_clash(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "include:\n  - x.yaml\n  - y.yaml\nservices:\n  x:\n    image: theirs\n",
        "x.yaml": "services:\n  x:\n    image: theirs\n",
        "y.yaml": "services:\n  x:\n    image: theirs\n",
    }
    assert load(tmp_path, files)["services"] == {"x": {"image": "theirs"}}


def test_conflicting_definitions(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "include:\n  - sub/x.yaml\nservices:\n  x:\n    image: mine\n"
        "volumes:\n  v: {}\n",
        "sub/x.yaml": "services:\n  x:\n    image: theirs\nvolumes:\n  v: {driver: z}\n",
    }
    assert error(tmp_path, files) == (
        "compose.yaml:4: services.x: conflicts with imported resource from sub/x.yaml\n"
        "compose.yaml:7: volumes.v: conflicts with imported resource from sub/x.yaml"
    )


def test_include_cycle(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "include:\n  - sub/a.yaml\nservices:\n  m:\n    image: m\n",
        "sub/a.yaml": "include:\n  - b.yaml\n",
        "sub/b.yaml": "include:\n  - ../compose.yaml\n",
    }
    assert error(tmp_path, files) == (
        "sub/b.yaml:2: include[0]: include cycle detected: "
        "compose.yaml -> sub/a.yaml -> sub/b.yaml -> compose.yaml"
    )


def test_missing_files(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "include:\n  - sub/nope.yaml\n  - path: x.yaml\n    env_file: nope.env\n",
        "x.yaml": "services:\n  x:\n    image: x\n",
    }
    assert error(tmp_path, files) == (
        "compose.yaml:2: include[0]: included file sub/nope.yaml not found\n"
        "compose.yaml:4: include[1].env_file: env file nope.env not found"
    )


def test_malformed_include(tmp_path: Path) -> None:
    files = {"compose.yaml": "include:\n  - path: 3\n"}
    assert error(tmp_path, files) == (
        "compose.yaml:2: include[0]: path must be a string or a list of strings"
    )
    assert error(tmp_path, {"compose.yaml": "include: x.yaml\n"}) == (
        "compose.yaml:1: include: must be a list"
    )


def fixture(name: str, root: Path = TESTDATA) -> dict[str, Any]:
    """A fixture loaded as `-f` would: its directory is the working directory."""
    path = root / name
    doc = pipeline.load_documents([str(path)], context(path.parent))
    assert doc is not None
    found: dict[str, Any] = merge.finish(doc).data["services"]
    return found


def test_compose_go_fixtures() -> None:
    included = fixture("include/compose.yaml")["included"]
    assert build_context(included) == str(TESTDATA / "include")
    directory = fixture("include/project-directory.yaml")["service"]
    assert build_context(directory) == str(TESTDATA / "subdir")
    combined = fixture("combined/compose.yaml")["service"]
    assert build_context(combined) == str(TESTDATA / "combined/dir")
    imported = fixture("compose-include.yaml")
    assert sorted(imported) == ["bar", "imported"]
    assert imported["imported"]["container_name"] == "imported"
    e2e = fixture("publish/compose-local-include.yml", CONFORMANCE / "docker-compose-e2e")
    assert {name: s["image"] for name, s in e2e.items()} == {"test": "test", "foo": "bar"}


def test_compose_go_cycle_fixture() -> None:
    with pytest.raises(ConfigError) as caught:
        fixture("compose-include-cycle.yaml")
    assert str(caught.value) == (
        "compose-include-cycle.yaml:2: include[0]: include cycle detected: "
        "compose-include-cycle.yaml -> compose-include-cycle.yaml"
    )
