"""Project name: precedence, normalization, validation and the early export (as docker compose)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from composer.errors import ComposerError, ConfigError
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.finish.naming import (
    check_project_name,
    export_project_name,
    normalize_project_name,
    project_name,
)
from composer.loader.read.yaml12 import read_yaml

INVALID = (
    'invalid project name "{}": must consist only of lowercase alphanumeric characters, '
    "hyphens, and underscores as well as start with a letter or number"
)


def make_ctx(
    working_dir: str = "/work/My Proj.V2_x",
    environment: dict[str, str] | None = None,
    project_name: str | None = None,
) -> LoadContext:
    env = dict(environment or {})
    options = LoadOptions(cwd=working_dir, environ=env, project_name=project_name)
    return LoadContext(options=options, discovery=Discovery(working_dir, [], env, [], ()))


def doc(text: str) -> ConfigDocument:
    data, sources = read_yaml(text, "compose.yaml")[0]
    return ConfigDocument("/w/compose.yaml", "compose.yaml", "/w", data, sources)


def named(data: dict[str, Any]) -> ConfigDocument:
    return ConfigDocument("/w/compose.yaml", "compose.yaml", "/w", data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My Proj.V2_x", "myprojv2_x"),
        ("My App!", "myapp"),
        ("__-x", "x"),
        ("a-_b", "a-_b"),
        ("__", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize_project_name(text) == expected


@pytest.mark.parametrize("bad", ["Bad", "_x", "-x", "a.b", "a b"])
def test_check_rejects(bad: str) -> None:
    with pytest.raises(ComposerError) as caught:
        check_project_name(bad)
    assert str(caught.value) == INVALID.format(bad)


def test_check_empty() -> None:
    with pytest.raises(ComposerError) as caught:
        check_project_name("")
    assert str(caught.value) == "project name must not be empty"


def test_precedence_dash_p_then_variable_then_name_then_directory() -> None:
    document = named({"name": "From Name"})
    both = {"COMPOSE_PROJECT_NAME": "envp"}
    assert project_name(document, make_ctx(environment=both, project_name="dashp")) == "dashp"
    assert project_name(document, make_ctx(environment=both)) == "envp"
    assert project_name(document, make_ctx()) == "fromname"
    assert project_name(named({}), make_ctx()) == "myprojv2_x"
    assert project_name(named({"name": ""}), make_ctx()) == "myprojv2_x"


def test_empty_dash_p_and_variable_are_ignored() -> None:
    ctx = make_ctx(environment={"COMPOSE_PROJECT_NAME": ""}, project_name="")
    assert project_name(named({}), ctx) == "myprojv2_x"


def test_result_is_exported() -> None:
    ctx = make_ctx()
    project_name(named({"name": "app"}), ctx)
    assert ctx.environment["COMPOSE_PROJECT_NAME"] == "app"


@pytest.mark.parametrize(
    ("option", "environment", "bad"),
    [("Bad", {}, "Bad"), (None, {"COMPOSE_PROJECT_NAME": "_x"}, "_x")],
)
def test_dash_p_and_variable_are_validated_not_normalized(
    option: str | None, environment: dict[str, str], bad: str
) -> None:
    with pytest.raises(ComposerError) as caught:
        project_name(named({}), make_ctx(environment=environment, project_name=option))
    assert str(caught.value) == INVALID.format(bad)


def test_name_or_directory_normalizing_to_nothing_is_an_error() -> None:
    with pytest.raises(ComposerError) as caught:
        project_name(named({"name": "__"}), make_ctx())
    assert str(caught.value) == "project name must not be empty"
    with pytest.raises(ComposerError) as caught:
        project_name(named({}), make_ctx(working_dir="/work/__"))
    assert str(caught.value) == "project name must not be empty"


def test_symlinked_working_dir_warns(tmp_path: Path) -> None:
    (tmp_path / "real_dir").mkdir()
    (tmp_path / "link_dir").symlink_to(tmp_path / "real_dir")
    ctx = make_ctx(working_dir=str(tmp_path / "link_dir"))
    assert project_name(named({}), ctx) == "link_dir"
    assert ctx.warnings == [
        'project has been loaded without an explicit name from a symlink. Using name "link_dir"'
    ]


def test_early_export_uses_last_non_empty_interpolated_name() -> None:
    ctx = make_ctx(environment={"N": "Later Name"})
    docs = [doc("name: first\n"), doc("services: {}\n"), doc("name: ${N}\n"), doc("name: ''\n")]
    assert export_project_name(docs, ctx) == "latername"
    assert ctx.environment["COMPOSE_PROJECT_NAME"] == "latername"


def test_early_export_interpolates_name_without_the_variable() -> None:
    # docker compose: `name: ${COMPOSE_PROJECT_NAME}-x` gives `x`; the project is then `x`
    ctx = make_ctx()
    assert export_project_name([doc("name: ${COMPOSE_PROJECT_NAME}-x\n")], ctx) == "x"
    assert ctx.warnings == [
        'The "COMPOSE_PROJECT_NAME" variable is not set. Defaulting to a blank string.'
    ]
    assert project_name(named({"name": "x-x"}), ctx) == "x"


def test_early_export_falls_back_to_directory_and_respects_dash_p() -> None:
    ctx = make_ctx()
    assert export_project_name([doc("services: {}\n")], ctx) == "myprojv2_x"
    ctx = make_ctx(project_name="dashp")
    assert export_project_name([doc("name: ${NOPE:?unused}\n")], ctx) == "dashp"


def test_early_export_reports_a_missing_required_variable_in_name() -> None:
    with pytest.raises(ConfigError) as caught:
        export_project_name([doc("name: ${PNAME:?give the project a name}\n")], make_ctx())
    assert str(caught.value) == (
        "compose.yaml:1: name: required variable PNAME is missing a value: give the project a name"
    )


def test_early_export_without_interpolation_takes_name_as_written() -> None:
    env: dict[str, str] = {}
    options = LoadOptions(cwd="/w", environ=env, interpolate=False)
    ctx = LoadContext(options=options, discovery=Discovery("/w", [], env, [], ()))
    assert export_project_name([doc("name: plain\n")], ctx) == "plain"
