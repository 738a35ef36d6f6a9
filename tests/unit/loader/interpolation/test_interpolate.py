"""Interpolation stage: values (never keys), docker compose's casts, located errors, variables."""

from __future__ import annotations

from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.interpolation.interpolate import (
    ESCAPE_HINT,
    interpolate_data,
    interpolate_document,
    variables,
)
from composer.loader.interpolation.template import Variable
from composer.loader.read.tags import Override, Reset
from composer.loader.read.yaml12 import read_yaml
from composer.loader.sources import SourceMap


def make_ctx(environment: dict[str, str]) -> LoadContext:
    options = LoadOptions(cwd="/proj", environ=environment)
    found = Discovery("/proj", [], dict(environment), [], ())
    return LoadContext(options=options, discovery=found)


def run(text: str, **environment: str) -> tuple[dict[str, Any], list[str]]:
    """Interpolate inline YAML; (data, warnings)."""
    data, sources = read_yaml(text, "compose.yaml")[0]
    doc = ConfigDocument("/proj/compose.yaml", "compose.yaml", "/proj", data, sources)
    ctx = make_ctx(environment)
    return interpolate_document(doc, ctx.environment, ctx).data, ctx.warnings


def problems(text: str, **environment: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        run(text, **environment)
    return caught.value


def test_values_are_interpolated_keys_are_not() -> None:
    data, warnings = run(
        "services:\n  s:\n    image: ${IMG}:${TAG:-1.0}\n"
        "    environment:\n      ${KEY}: $VALUE\n    command: [echo, '$$HOME', $1]\n",
        IMG="nginx",
        VALUE="v",
    )
    service = data["services"]["s"]
    assert service["image"] == "nginx:1.0"
    assert service["environment"] == {"${KEY}": "v"}
    assert service["command"] == ["echo", "$HOME", "$1"]
    assert warnings == []


def test_unset_variables_warn_once_each() -> None:
    _, warnings = run("services:\n  s:\n    image: $NOPE\n    user: ${NOPE}\nx-a: ${X}\n")
    assert warnings == [
        'The "NOPE" variable is not set. Defaulting to a blank string.',
        'The "X" variable is not set. Defaulting to a blank string.',
    ]


def test_casts_at_docker_compose_paths() -> None:
    data, warnings = run(
        "services:\n  s:\n    image: x\n"
        "    privileged: ${PRIV}\n    tty: 'TRUE'\n    init: 'Off'\n"
        "    scale: '+3'\n    cpus: '1.5'\n    pids_limit: '-1'\n    cpu_percent: '50'\n"
        "    healthcheck: {retries: '3', disable: 'no'}\n"
        "    ulimits: {nofile: {soft: '10', hard: '20'}, nproc: '5'}\n"
        "    ports: [{target: '80', published: '8080'}]\n"
        "    secrets: [{source: s, mode: '0440'}]\n"
        "    mem_swappiness: '10'\n"
        "    deploy: {replicas: '2', update_config: {max_failure_ratio: '0.5'}}\n"
        "    volumes: [{type: volume, source: v, target: /x, read_only: 'on',"
        " volume: {nocopy: 'yes'}}]\n"
        "networks:\n  n: {enable_ipv4: 'no', external: 'true'}\n",
        PRIV="yes",
    )
    s = data["services"]["s"]
    assert (s["privileged"], s["tty"], s["init"]) == (True, True, False)
    assert (s["scale"], s["cpus"], s["pids_limit"], s["cpu_percent"]) == (3, 1.5, -1, 50.0)
    assert s["healthcheck"] == {"retries": 3, "disable": False}
    assert s["ulimits"] == {"nofile": {"soft": 10, "hard": 20}, "nproc": 5}
    assert s["ports"] == [{"target": 80, "published": "8080"}]  # published stays a string
    assert s["secrets"] == [{"source": "s", "mode": "0440"}]  # mode is not cast
    assert s["mem_swappiness"] == "10"
    assert s["deploy"] == {"replicas": 2, "update_config": {"max_failure_ratio": 0.5}}
    assert s["volumes"][0]["read_only"] is True
    assert s["volumes"][0]["volume"] == {"nocopy": True}
    assert data["networks"]["n"] == {"enable_ipv4": False, "external": True}
    assert warnings == [
        '"yes" for boolean is not supported by YAML 1.2, please use `true`',
        '"Off" for boolean is not supported by YAML 1.2, please use `false`',
        '"no" for boolean is not supported by YAML 1.2, please use `false`',
        '"on" for boolean is not supported by YAML 1.2, please use `true`',
    ]


def test_casts_leave_non_strings_alone() -> None:
    data, _ = run("services:\n  s:\n    image: x\n    privileged: 1\n    scale: 2.5\n")
    assert data["services"]["s"]["privileged"] == 1
    assert data["services"]["s"]["scale"] == 2.5


def test_service_named_like_a_cast_key_is_not_cast() -> None:
    data, _ = run("services:\n  tty:\n    image: x\n    labels: {privileged: 'yes'}\n")
    assert data["services"]["tty"]["labels"] == {"privileged": "yes"}


def test_bad_boolean_is_located() -> None:
    error = problems("services:\n  s:\n    image: x\n    privileged: ${P}\n", P="maybe")
    assert str(error) == (
        "compose.yaml:4: services.s.privileged: "
        "failed to cast to expected type: invalid boolean: maybe"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("scale: 'abc'", "services.s.scale: failed to cast to expected type: invalid integer: abc"),
        ("scale: ' 2'", "services.s.scale: failed to cast to expected type: invalid integer:  2"),
        ("pids_limit: '1.5'", "services.s.pids_limit: failed to cast to expected type: "
         "invalid integer: 1.5"),
        ("cpus: 'abc'", "services.s.cpus: failed to cast to expected type: invalid number: abc"),
        ("cpus: '1_0'", "services.s.cpus: failed to cast to expected type: invalid number: 1_0"),
        ("cpu_shares: '99999999999999999999'", "services.s.cpu_shares: failed to cast to "
         "expected type: integer out of range: 99999999999999999999"),
    ],
)  # fmt: skip
def test_bad_numbers_are_located(line: str, message: str) -> None:
    error = problems(f"services:\n  s:\n    image: x\n    {line}\n")
    assert str(error) == f"compose.yaml:4: {message}"


def test_float_spellings_go_accepts() -> None:
    data, _ = run("services:\n  s:\n    image: x\n    cpus: '1e1'\n    cpu_percent: '.5'\n")
    assert data["services"]["s"]["cpus"] == 10.0
    assert data["services"]["s"]["cpu_percent"] == 0.5


def test_required_variable_error_names_file_line_key_and_message() -> None:
    error = problems("services:\n  web:\n    image: ${IMAGE:?set IMAGE to the image to run}\n")
    assert str(error) == (
        "compose.yaml:3: services.web.image: "
        "required variable IMAGE is missing a value: set IMAGE to the image to run"
    )
    assert error.hint is None


def test_required_variable_without_message() -> None:
    error = problems("services:\n  web:\n    image: x\n    command: [a, '${ARG?}']\n")
    assert str(error) == (
        "compose.yaml:4: services.web.command[1]: required variable ARG is missing a value"
    )


def test_invalid_format_names_the_key_and_text_with_a_hint() -> None:
    error = problems("services:\n  s:\n    image: 'x${}'\n")
    assert str(error) == 'compose.yaml:3: invalid interpolation format for services.s.image: "x${}"'
    assert error.hint == ESCAPE_HINT


def test_every_problem_of_a_file_at_once() -> None:
    error = problems("services:\n  a:\n    image: ${A:?}\n  b:\n    image: ${B C}\n    tty: nope\n")
    assert [str(p) for p in error.problems] == [
        "compose.yaml:3: services.a.image: required variable A is missing a value",
        'compose.yaml:5: invalid interpolation format for services.b.image: "${B C}"',
        "compose.yaml:6: services.b.tty: failed to cast to expected type: invalid boolean: nope",
    ]


def test_reset_and_override_markers_are_walked() -> None:
    data, _ = run(
        "services:\n  s:\n    image: !override ${IMG}\n    tty: !override '${T}'\n"
        "    ports: !reset []\n",
        IMG="i",
        T="true",
    )
    s = data["services"]["s"]
    assert s["image"] == Override("i")
    assert s["tty"] == Override(True)
    assert s["ports"] == Reset([])


def test_interpolate_data_at_a_path_uses_that_paths_cast() -> None:
    sources = SourceMap()
    warnings: list[str] = []
    value = interpolate_data(
        "${N}", {"N": "4"}, warnings.append, sources, ("services", "s", "scale")
    )
    assert value == 4
    assert interpolate_data("${X:-x}", {}, warnings.append, sources, ("name",)) == "x"


def test_interpolation_problem_without_source_has_no_location() -> None:
    with pytest.raises(ConfigError) as caught:
        interpolate_data("${A:?gone}", {}, lambda _: None, SourceMap(), ("name",))
    assert str(caught.value) == "name: required variable A is missing a value: gone"


def test_variables_for_config_dash_dash_variables() -> None:
    data, _ = read_yaml(
        "name: ${PNAME:-proj}\nx-e: ${XE}\nservices:\n  s:\n"
        "    image: '${IMG:?need image}:${TAG-latest}'\n"
        "    command: '$CMD ${ALT:+alt} $$NOT ${NEST:-${INNER:-deep}}'\n"
        "    environment:\n      '${KEYVAR}': x\n    privileged: ${PRIV?}\n"
        "    labels: {a: '${Z:+${ZZ}}'}\n",
        "compose.yaml",
    )[0]
    # the same set `docker compose config --variables` printed, sorted by name
    assert variables(data) == [
        Variable("ALT", False, "", "alt"),
        Variable("CMD", False, "", ""),
        Variable("IMG", True, "", ""),
        Variable("INNER", False, "deep", ""),
        Variable("NEST", False, "${INNER:-deep}", ""),
        Variable("PRIV", True, "", ""),
        Variable("TAG", False, "latest", ""),
        Variable("XE", False, "", ""),
        Variable("Z", False, "", "${ZZ}"),
        Variable("ZZ", False, "", ""),
    ]


def test_variables_last_use_wins_and_markers_are_seen() -> None:
    data = {"services": {"s": {"image": "${A:-x}", "user": "${A}", "tty": Override("${B?}")}}}
    assert variables(data) == [Variable("A", False, "", ""), Variable("B", True, "", "")]
