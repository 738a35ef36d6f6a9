"""composer's schema agrees with the official compose-spec.json on every conformance file.

Each YAML document under ../shared/conformance/ is read with composer's own reader and checked
three ways: the official schema (jsonschema, draft-07), our schema through jsonschema (draft
2020-12), and our schema through composer's compiled checks (what the loader runs). All must
agree on accept/reject. Where ours deliberately differs from the official schema, the
difference is listed below with its reason and checked on a small example.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from composer.errors import ConfigError
from composer.loader.read.tags import strip_tags
from composer.loader.read.yaml12 import read_yaml
from composer.loader.schema import validate
from tests.ci import in_ci

CONFORMANCE = (Path(__file__).resolve().parents[4] / "../shared/conformance").resolve()

# In CI the data must be there: the tests then run (and fail) instead of skipping.
pytestmark = pytest.mark.skipif(
    not CONFORMANCE.is_dir() and not in_ci(), reason=f"conformance data not found at {CONFORMANCE}"
)

# Files composer's reader refuses or that hold no compose mapping: not compared.
UNREADABLE = {
    "podman-compose/tests/integration/parse-error/docker-compose-error.yml": (
        "deliberately malformed YAML (a mapping value after `services:foo`)"
    ),
}
NOT_A_MAPPING = {
    "compose-go/loader/testdata/empty.yaml": "empty on purpose (`empty compose file`)",
    "podman-compose/tests/integration/filesystem/compose_symlink/docker-compose.yml": (
        "a symlink stored as a text file: its content is a path"
    ),
}

# Files that only pass once interpolated: both schemas accept the raw `${VAR}` strings where a
# string is allowed, and so does composer without interpolation (`config --no-interpolate`);
# with interpolation on, our patterns rightly refuse an unexpanded `${VAR}`.
NEEDS_INTERPOLATION = {
    "compose-go/schema/using-variables.yaml": "every typed field is ${VARIABLE}, durations too",
    "compose-go/loader/testdata/subdir/compose-test-extends-imported.yaml": (
        "container_name: ${SOURCE:-imported}"
    ),
}


@functools.cache
def official() -> jsonschema.protocols.Validator:
    schema = json.loads((CONFORMANCE / "compose-spec.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@functools.cache
def ours_by_jsonschema() -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(validate.load_schema())


def official_accepts(data: Any) -> bool:
    return next(iter(official().iter_errors(data)), None) is None


def jsonschema_accepts_ours(data: Any) -> bool:
    return next(iter(ours_by_jsonschema().iter_errors(data)), None) is None


def composer_accepts(data: Any, lenient: bool = False) -> bool:
    return not validate.schema_issues(data, lenient=lenient)


@functools.cache
def conformance_documents() -> tuple[dict[str, list[Any]], set[str], set[str]]:
    """(documents by relative file name, unreadable files, files without a mapping)."""
    documents: dict[str, list[Any]] = {}
    unreadable: set[str] = set()
    not_mapping: set[str] = set()
    for path in sorted(CONFORMANCE.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        name = path.relative_to(CONFORMANCE).as_posix()
        try:
            parsed = read_yaml(path.read_text(encoding="utf-8-sig"), name)
        except ConfigError:
            unreadable.add(name)
            continue
        mappings = [strip_tags(data) for data, _ in parsed if isinstance(data, dict)]
        if not mappings:
            not_mapping.add(name)
            continue
        documents[name] = mappings
    return documents, unreadable, not_mapping


def test_the_skipped_files_are_exactly_the_listed_ones() -> None:
    documents, unreadable, not_mapping = conformance_documents()
    assert unreadable == set(UNREADABLE)
    assert not_mapping == set(NOT_A_MAPPING)
    assert len(documents) > 200


def test_composer_and_the_official_schema_agree_on_every_conformance_file() -> None:
    documents, _, _ = conformance_documents()
    disagreements = []
    rejected = 0
    for name, mappings in documents.items():
        for data in mappings:
            expected = official_accepts(data)
            rejected += not expected
            if composer_accepts(data, lenient=True) != expected:
                disagreements.append(f"{name}: official accepts={expected}")
    assert disagreements == []
    assert rejected >= 10  # the suites' negative cases are in the comparison too


def test_only_the_listed_files_need_interpolation_to_pass() -> None:
    documents, _, _ = conformance_documents()
    differ = {
        name
        for name, mappings in documents.items()
        for data in mappings
        if composer_accepts(data) != composer_accepts(data, lenient=True)
    }
    assert differ == set(NEEDS_INTERPOLATION)


def test_compiled_checks_mean_what_the_schema_says_on_conformance_files() -> None:
    documents, _, _ = conformance_documents()
    differ = [
        name
        for name, mappings in documents.items()
        for data in mappings
        if composer_accepts(data) != jsonschema_accepts_ours(data)
    ]
    assert differ == []


def compose(service: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """A small document: one service `web` with image x plus `service`, and top-level keys."""
    return {"services": {"web": {"image": "x", **(service or {})}}, **top}


# Where ours is stricter than the official schema: (document, reason).
STRICTER: dict[str, tuple[dict[str, Any], str]] = {
    "duration": (
        compose({"healthcheck": {"interval": "5x"}}),
        "durations are Go durations; docker compose fails on them later, without a line",
    ),
    "byte size": (
        compose({"mem_limit": "1x"}),
        "byte sizes use go-units syntax; docker compose fails on them later, without a line",
    ),
    "restart policy": (
        compose({"restart": "sometimes"}),
        "docker compose passes any string on; Podman refuses it only when the container starts",
    ),
    "pull policy anchored": (
        compose({"pull_policy": "not-always-please"}),
        "the official pattern is not anchored, so any text containing a policy passes",
    ),
    "container name anchored": (
        compose({"container_name": "-web"}),
        "the official pattern is not anchored; Podman refuses names not starting alnum",
    ),
    "port mode": (
        compose({"ports": [{"target": 80, "mode": "bridge"}]}),
        "only host and ingress exist",
    ),
    "port range": (
        compose({"ports": [{"target": 70000}]}),
        "a port is at most 65535",
    ),
    "negative scale": (
        compose({"scale": -1}),
        "a replica count cannot be negative",
    ),
    "negative replicas": (
        compose({"deploy": {"replicas": -2}}),
        "a replica count cannot be negative",
    ),
    "restart_policy condition": (
        compose({"deploy": {"restart_policy": {"condition": "always"}}}),
        "only none, on-failure and any exist (docker compose maps them to restart)",
    ),
    "gpus keys": (
        compose({"gpus": [{"count": 1, "drivr": "nvidia"}]}),
        "the official schema closes the wrong level, so gpus entries take any key",
    ),
    "secret external keys": (
        compose(secrets={"s": {"external": {"nam": "x"}}}),
        "external takes only `name`, as it does for networks and volumes",
    ),
    "network with an odd key": (
        compose(networks={"my net": 5}),
        "every network is checked, not only those whose key matches the name pattern",
    ),
    "ulimit with an upper-case key": (
        compose({"ulimits": {"NOFILE": [1]}}),
        "every ulimit is checked, not only lower-case names",
    ),
}

# Where ours is more lenient, because docker compose v2.40.3 is: (document, reason).
MORE_LENIENT: dict[str, tuple[dict[str, Any], str]] = {
    "service model null": (
        compose({"models": {"llm": None}}),
        "compose-go v2.9.1 (in docker compose v2.40.3) accepts null model entries",
    ),
    "include null": (
        compose(include=None),
        "docker compose's include stage drops an empty `include:` before validation",
    ),
}


@pytest.mark.parametrize("case", sorted(STRICTER))
def test_deliberately_stricter_than_the_official_schema(case: str) -> None:
    data, _reason = STRICTER[case]
    assert official_accepts(data)
    assert not composer_accepts(data)
    assert not jsonschema_accepts_ours(data)


@pytest.mark.parametrize("case", sorted(MORE_LENIENT))
def test_deliberately_more_lenient_than_the_official_schema(case: str) -> None:
    data, _reason = MORE_LENIENT[case]
    assert not official_accepts(data)
    assert composer_accepts(data)
    assert jsonschema_accepts_ours(data)


# Bad documents both schemas refuse, to check the compiled checks against jsonschema on forms
# the conformance files do not show.
BOTH_REJECT = [
    compose({"imagee": "x"}),
    compose({"ports": {"80": 80}}),
    compose({"ports": [{"target": 80, "protocol": ["tcp"]}]}),
    compose({"environment": {"A": [1]}}),
    compose({"environment": ["A=1", "A=1"]}),
    compose({"environment": {"": "x"}}),
    compose({"depends_on": {"db": {"condition": "stopped"}}}),
    compose({"depends_on": {"db": {}}}),
    compose({"depends_on": {"bad name": {"condition": "service_started"}}}),
    compose({"volumes": [{"type": "bnd", "target": "/x"}]}),
    compose({"volumes": [{"source": "a", "target": "/x"}]}),
    compose({"healthcheck": {"interval": 10}}),
    compose({"cpu_percent": 101}),
    compose({"oom_score_adj": -1001}),
    compose({"gpus": "some"}),
    compose({"build": {"context": ".", "secrets": {"s": {}}}}),
    compose({"ulimits": {"nofile": {"soft": 1}}}),
    compose({"extends": {"file": "x"}}),
    compose({"networks": {"front": {"aliases": "x"}}}),
    compose({"cgroup": "shared"}),
    compose({"develop": {"watch": [{"path": ".", "action": "copy"}]}}),
    compose({"provider": {"options": {}}}),
    compose({"x-ok": 1, "deploy": {"resources": {"limits": {"memory": 512}}}}),
    {"services": {"web": None}},
    {"services": None},
    {"services": {"my web": {"image": "x"}}},
    {"version": 3.8, "services": {}},
    {"foo": 1, "services": {}},
    compose(volumes={"my vol": {}}),
    compose(models={"m": {"context_size": 1}}),
    compose(configs={"c": {"file": "f", "x": 1}}),
]


@pytest.mark.parametrize("index", range(len(BOTH_REJECT)))
def test_bad_documents_are_refused_by_all_three(index: int) -> None:
    data = BOTH_REJECT[index]
    assert not official_accepts(data)
    assert not composer_accepts(data)
    assert not jsonschema_accepts_ours(data)
