"""Schema validation stage: plain-words problems with file, line and key path, all at once."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.read.yaml12 import read_yaml
from composer.loader.schema import validate
from composer.loader.schema.compiler import SchemaCompileError, compile_schema
from composer.loader.sources import Location, SourceMap


def make_ctx(interpolate: bool = True) -> LoadContext:
    options = LoadOptions(cwd="/proj", environ={}, interpolate=interpolate)
    found = Discovery(working_dir="/proj", files=[], environment={}, env_files=[], profiles=())
    return LoadContext(options=options, discovery=found)


def make_doc(text: str, file: str = "compose.yaml") -> ConfigDocument:
    data, sources = read_yaml(text, file)[0]
    return ConfigDocument(f"/proj/{file}", file, "/proj", data, sources)


def problems_of(text: str, interpolate: bool = True) -> list[str]:
    """Every problem line validation reports for `text` (empty when it is valid)."""
    try:
        validate.validate_document(make_doc(text), make_ctx(interpolate))
    except ConfigError as exc:
        return [str(p) for p in exc.problems]
    return []


def service(body: str) -> str:
    """A compose file with one service `web` (image x) plus `body` indented under it."""
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return f"services:\n  web:\n    image: x\n{lines}"


def test_a_valid_file_passes_unchanged() -> None:
    text = service(
        "ports: ['8080:80', {target: 443, published: '8443', mode: host}]\n"
        "environment: {A: '1', B: 2, C: null, D: true}\n"
        "volumes: [./data:/data, {type: volume, source: v, target: /v}]\n"
        "depends_on: {db: {condition: service_healthy, restart: true}}\n"
        "healthcheck: {test: [CMD, 'true'], interval: 1m30s, timeout: 10ms}\n"
        "deploy: {resources: {limits: {memory: 512m, cpus: '0.5'}}}\n"
        "restart: on-failure:3"
    )
    doc = make_doc(text)
    before = json.dumps(doc.data, sort_keys=True)
    validate.validate_document(doc, make_ctx())
    assert json.dumps(doc.data, sort_keys=True) == before


def test_unknown_service_key_suggests_the_close_one() -> None:
    assert problems_of(service("imagee: nginx")) == [
        'compose.yaml:4: services.web: unknown key "imagee" (did you mean "image"?)'
    ]


def test_unknown_key_without_a_close_match_has_no_suggestion() -> None:
    assert problems_of(service("wrongField: 1")) == [
        'compose.yaml:4: services.web: unknown key "wrongField"'
    ]


def test_unknown_top_level_key() -> None:
    text = "servics:\n  web:\n    image: x\n"
    assert problems_of(text) == [
        'compose.yaml:1: unknown top-level key "servics" (did you mean "services"?)'
    ]


def test_unknown_key_in_a_nested_mapping() -> None:
    assert problems_of(service("healthcheck:\n  intervall: 5s")) == [
        "compose.yaml:5: services.web.healthcheck: unknown key "
        '"intervall" (did you mean "interval"?)'
    ]


def test_wrong_type_names_both_types() -> None:
    assert problems_of(service("ports:\n  '80': 80")) == [
        "compose.yaml:4: services.web.ports: must be a list, not a mapping"
    ]


def test_null_is_named_as_null() -> None:
    assert problems_of(service("environment:")) == [
        "compose.yaml:4: services.web.environment: must be a mapping or a list, not null"
    ]


def test_a_service_that_is_not_a_mapping() -> None:
    assert problems_of("services:\n  web: nginx\n") == [
        "compose.yaml:2: services.web: must be a mapping, not a string"
    ]


def test_bad_enum_lists_the_choices() -> None:
    assert problems_of(service("cgroup: shared")) == [
        'compose.yaml:4: services.web.cgroup: must be one of "host", "private", not "shared"'
    ]


def test_bad_depends_on_condition() -> None:
    text = service("depends_on:\n  db:\n    condition: stopped")
    assert problems_of(text) == [
        "compose.yaml:6: services.web.depends_on.db.condition: must be one of "
        '"service_started", "service_healthy", "service_completed_successfully", not "stopped"'
    ]


@pytest.mark.parametrize("policy", ["no", "always", "on-failure", "on-failure:3", "unless-stopped"])
def test_restart_policies_that_are_valid(policy: str) -> None:
    assert problems_of(service(f"restart: '{policy}'")) == []


@pytest.mark.parametrize("policy", ["never", "on-failure:x", "always "])
def test_restart_policies_that_are_not(policy: str) -> None:
    assert problems_of(service(f"restart: '{policy}'")) == [
        f'compose.yaml:4: services.web.restart: invalid restart policy "{policy}": use "no", '
        '"always", "on-failure", "on-failure:<retries>" or "unless-stopped"'
    ]


DURATION_HINT = 'use Go duration syntax such as "1m30s", "10s" or "500ms"'


@pytest.mark.parametrize(
    "duration", ["1m30s", "10ms", "1.5h", "0", "-5s", "+5s", ".5s", "5.s", "1µs", "2h45m10s"]
)
def test_durations_in_go_syntax_pass(duration: str) -> None:
    assert problems_of(service(f"healthcheck:\n  interval: '{duration}'")) == []


@pytest.mark.parametrize("duration", ["5x", "5", "", "1h 30m", "ms", "1.2.3s", "00"])
def test_bad_durations_fail_with_their_location(duration: str) -> None:
    assert problems_of(service(f"healthcheck:\n  interval: '{duration}'")) == [
        f'compose.yaml:5: services.web.healthcheck.interval: invalid duration "{duration}": '
        + DURATION_HINT
    ]


@pytest.mark.parametrize(
    "where",
    [
        "stop_grace_period: {}",
        "healthcheck: {{start_period: {}}}",
        "deploy: {{restart_policy: {{window: {}}}}}",
        "deploy: {{update_config: {{monitor: {}}}}}",
        "deploy: {{rollback_config: {{delay: {}}}}}",
    ],
)
def test_every_duration_field_is_checked(where: str) -> None:
    assert len(problems_of(service(where.format("5x")))) == 1
    assert problems_of(service(where.format("5s"))) == []


SIZE_HINT = 'use a number of bytes or a number with a unit such as "512m" or "1g"'


@pytest.mark.parametrize(
    "size", ["1g", "512m", "100000", "1.5g", "1 GB", "1KiB", "64kb", "1b", "1e3", "2T"]
)
def test_byte_sizes_that_pass(size: str) -> None:
    assert problems_of(service(f"mem_limit: '{size}'")) == []


@pytest.mark.parametrize("size", ["1x", "1ki", "-1", "1  g", "", "1gb1", "inf", "1bb"])
def test_bad_byte_sizes_fail_with_their_location(size: str) -> None:
    assert problems_of(service(f"mem_limit: '{size}'")) == [
        f'compose.yaml:4: services.web.mem_limit: invalid byte size "{size}": {SIZE_HINT}'
    ]


def test_byte_sizes_as_numbers_pass() -> None:
    assert problems_of(service("mem_limit: 100000\nmemswap_limit: -1\nshm_size: 1.5")) == []


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("shm_size: {}", "shm_size"),
        ("mem_reservation: {}", "mem_reservation"),
        ("build: {{context: ., shm_size: {}}}", "build.shm_size"),
        ("deploy: {{resources: {{reservations: {{memory: {}}}}}}}", ""),
        ("volumes: [{{type: tmpfs, target: /t, tmpfs: {{size: {}}}}}]", "volumes[0].tmpfs.size"),
        ("blkio_config: {{device_read_bps: [{{path: /dev/sda, rate: {}}}]}}", ""),
    ],
)
def test_every_byte_size_field_is_checked(where: str, path: str) -> None:
    found = problems_of(service(where.format("1x")))
    assert len(found) == 1
    assert f"services.web.{path}" in found[0]
    assert problems_of(service(where.format("1g"))) == []


def test_several_problems_are_reported_at_once_in_line_order() -> None:
    text = (
        "version: 3\n"
        "services:\n"
        "  web:\n"
        "    image: x\n"
        "    depends_on:\n"
        "      db:\n"
        "        conditon: service_started\n"
        "    ports: 80\n"
        "  db:\n"
        "    image: [postgres]\n"
        "    healthcheck:\n"
        "      timeout: 3x\n"
        "networks:\n"
        "  back: []\n"
    )
    with pytest.raises(ConfigError) as caught:
        validate.validate_document(make_doc(text), make_ctx())
    assert str(caught.value) == "\n".join(
        [
            "compose.yaml:1: version: must be a string, not an integer",
            'compose.yaml:6: services.web.depends_on.db: missing required key "condition"',
            "compose.yaml:7: services.web.depends_on.db: unknown key "
            '"conditon" (did you mean "condition"?)',
            "compose.yaml:8: services.web.ports: must be a list, not an integer",
            "compose.yaml:10: services.db.image: must be a string, not a list",
            'compose.yaml:12: services.db.healthcheck.timeout: invalid duration "3x": '
            + DURATION_HINT,
            "compose.yaml:14: networks.back: must be a mapping or null, not a list",
        ]
    )


def test_problems_are_sorted_by_file_then_line() -> None:
    doc = make_doc(service("cgroup: a\nipc: 1"), "b.yaml")
    doc.sources.add(("services", "web", "ipc"), Location("a.yaml", 9))
    with pytest.raises(ConfigError) as caught:
        validate.validate_document(doc, make_ctx())
    assert [(p.file, p.line) for p in caught.value.problems] == [("a.yaml", 9), ("b.yaml", 4)]


def test_a_problem_without_a_known_location_still_names_the_key() -> None:
    doc = ConfigDocument("/p/c.yaml", "c.yaml", "/p", {"services": {"web": {"tty": 1}}})
    with pytest.raises(ConfigError) as caught:
        validate.validate_document(doc, make_ctx())
    assert str(caught.value) == "services.web.tty: must be a string or a boolean, not an integer"


def test_extensions_are_allowed_where_the_spec_allows_them() -> None:
    text = (
        "x-common: &common {image: x}\n"
        "services:\n"
        "  web:\n"
        "    <<: *common\n"
        "    x-podman: {pod: true}\n"
        "    build: {context: ., x-cache: 1}\n"
        "    healthcheck: {test: [NONE], x-note: n}\n"
        "    depends_on: {db: {condition: service_started, x-why: w}}\n"
        "networks:\n"
        "  front: {x-owner: me}\n"
        "volumes:\n"
        "  data: {x-backup: daily}\n"
    )
    assert problems_of(text) == []


def test_extensions_are_refused_where_the_spec_has_none() -> None:
    assert problems_of(service("extends: {service: base, x-why: w}")) == [
        'compose.yaml:4: services.web.extends: unknown key "x-why"'
    ]


def test_missing_required_key() -> None:
    assert problems_of(service("ulimits:\n  nofile: {soft: 1}")) == [
        'compose.yaml:5: services.web.ulimits.nofile: missing required key "hard"'
    ]


def test_duplicate_list_entries_point_at_the_repeat() -> None:
    # security_opt is not de-duplicated by merge (docker compose refuses this too)
    text = service("security_opt:\n  - label=disable\n  - no-new-privileges\n  - label=disable")
    assert problems_of(text) == [
        'compose.yaml:7: services.web.security_opt[2]: "label=disable" is already listed at [0]'
    ]


def test_invalid_service_name() -> None:
    text = "services:\n  my web:\n    image: x\n"
    assert problems_of(text) == [
        'compose.yaml:2: services: invalid service name "my web": '
        'use only letters, digits, ".", "_" and "-"'
    ]


def test_container_name_must_be_a_valid_name() -> None:
    assert problems_of(service("container_name: -web")) == [
        'compose.yaml:4: services.web.container_name: invalid container name "-web": '
        'start with a letter or digit, then use letters, digits, ".", "_" and "-"'
    ]


def test_number_ranges() -> None:
    text = service("scale: -1\ncpu_percent: 120\nports: [{target: 70000}]")
    assert problems_of(text) == [
        "compose.yaml:4: services.web.scale: must be at least 0, not -1",
        "compose.yaml:5: services.web.cpu_percent: must be at most 100, not 120",
        "compose.yaml:6: services.web.ports[0].target: must be at most 65535, not 70000",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("build: 5", "services.web.build: must be a mapping or a string, not an integer"),
        ("environment: A=1", "services.web.environment: must be a mapping or a list, not a string"),
        ("gpus: some", 'services.web.gpus: must be one of "all", not "some"'),
        ("gpus: {count: 1}", "services.web.gpus: must be a list or a string, not a mapping"),
        (
            "volumes: [{type: bind, source: /a, target: 5}]",
            "services.web.volumes[0].target: must be a string, not an integer",
        ),
        (
            "ulimits: {nofile: [1]}",
            "services.web.ulimits.nofile: must be a mapping, a string or an integer, not a list",
        ),
    ],
)
def test_alternative_forms_report_the_form_of_the_value(body: str, expected: str) -> None:
    found = problems_of(service(body))
    assert [line.split(": ", 1)[1] for line in found] == [expected]


def test_service_models_may_be_null_as_in_docker_compose() -> None:
    assert problems_of(service("models:\n  llm:\nx-none: 1")) == []


def test_version_is_dropped_with_the_reference_warning() -> None:
    doc = make_doc("version: '3.8'\nservices:\n  web:\n    image: x\n")
    ctx = make_ctx()
    validate.validate_document(doc, ctx)
    assert "version" not in doc.data
    assert ctx.warnings == [
        "compose.yaml: the attribute `version` is obsolete, it will be ignored, "
        "please remove it to avoid potential confusion"
    ]


def test_without_version_there_is_no_warning() -> None:
    ctx = make_ctx()
    validate.validate_document(make_doc(service("")), ctx)
    assert ctx.warnings == []


def test_unexpanded_variables_pass_patterns_only_without_interpolation() -> None:
    text = service("restart: ${R}\ncgroup: $CG\nhealthcheck:\n  interval: ${I:-5s}")
    assert problems_of(text, interpolate=False) == []
    assert len(problems_of(text, interpolate=True)) == 3


def test_unexpanded_variables_still_need_the_right_type() -> None:
    assert problems_of(service("use_api_socket: ${S}"), interpolate=False) == [
        "compose.yaml:4: services.web.use_api_socket: must be a boolean, not a string"
    ]


def generated_project(count: int) -> dict[str, Any]:
    """The benchmark's shape: image, two ports, a bind and a named volume, three
    environment entries, depends_on the previous service."""
    services: dict[str, Any] = {}
    for i in range(count):
        services[f"svc{i}"] = {
            "image": "nginx:1.0",
            "ports": [f"{8000 + i}:80", f"127.0.0.1:{9000 + i}:443"],
            "volumes": [f"./data{i}:/data", f"vol{i}:/var/lib/x"],
            "environment": {"A": "1", "B": "two", "C": "3"},
            **({"depends_on": [f"svc{i - 1}"]} if i else {}),
        }
    return {"services": services, "volumes": {f"vol{i}": None for i in range(count)}}


def test_a_large_generated_project_is_valid() -> None:
    data = generated_project(500)
    assert validate.schema_issues(data) == []
    data["services"]["svc250"]["ports"] = "80"
    assert [i.path for i in validate.schema_issues(data)] == [("services", "svc250", "ports")]


def test_the_schema_is_read_from_the_installed_package_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "compose.schema.json").write_text('{"title": "shipped"}')
    monkeypatch.setattr(importlib.resources, "files", lambda package: tmp_path)
    assert json.loads(validate.schema_text()) == {"title": "shipped"}


def test_the_schema_falls_back_to_the_repository_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.resources, "files", lambda package: tmp_path)
    repo_copy = Path(__file__).resolve().parents[4] / "schemas" / "compose.schema.json"
    assert validate.schema_text() == repo_copy.read_text(encoding="utf-8")


def test_an_unsupported_schema_keyword_is_refused() -> None:
    with pytest.raises(SchemaCompileError, match="not"):
        compile_schema({"type": "object", "not": {}})


def test_source_map_fallback_points_at_the_nearest_key() -> None:
    sources = SourceMap()
    sources.add(("services", "web"), Location("compose.yaml", 3))
    doc = ConfigDocument("/p/c.yaml", "c.yaml", "/p", {"services": {"web": {"ports": {}}}}, sources)
    with pytest.raises(ConfigError) as caught:
        validate.validate_document(doc, make_ctx())
    assert str(caught.value) == "compose.yaml:3: services.web.ports: must be a list, not a mapping"
