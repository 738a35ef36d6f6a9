"""Consistency checks: docker compose's wording, every problem at once, each with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.finish.consistency import check
from composer.loader.read.yaml12 import read_yaml

CONFORMANCE = Path(__file__).resolve().parents[4] / "../shared/conformance"


def document(text: str, file: str = "compose.yaml") -> ConfigDocument:
    ((data, sources),) = read_yaml(textwrap.dedent(text), file)
    return ConfigDocument(f"/srv/{file}", file, "/srv", data, sources)


def context() -> LoadContext:
    return LoadContext(LoadOptions(cwd="/srv", environ={}), Discovery("/srv", [], {}, [], ()))


def failure(text: str, disabled: dict[str, Any] | None = None) -> ConfigError | None:
    try:
        check(document(text), disabled or {}, context())
    except ConfigError as error:
        return error
    return None


def problems(text: str, disabled: dict[str, Any] | None = None) -> list[str]:
    """The lines of the ConfigError the check raises (none: an empty list)."""
    error = failure(text, disabled)
    return str(error).splitlines() if error else []


def test_a_consistent_project_passes() -> None:
    assert (
        problems("""
            services:
              web:
                image: nginx
                depends_on: {db: {condition: service_healthy, required: true}}
                networks: {front: null}
                volumes:
                  - {type: volume, source: data, target: /data}
                  - {type: volume, target: /anon}
                  - {type: bind, source: /srv, target: /srv}
                secrets: [{source: token, target: /run/secrets/token}]
                configs: [{source: conf}]
                healthcheck: {test: [CMD, "true"]}
                scale: 2
                deploy: {replicas: 2, resources: {limits: {memory: "1073741824"}}}
                mem_limit: 1g
              db:
                build: {context: ., secrets: [{source: token}]}
                container_name: database
                network_mode: host
              proxy:
                provider: {type: tunnel}
            networks: {front: {}}
            volumes: {data: {}}
            secrets: {token: {file: ./token}}
            configs: {conf: {content: x}}
        """)
        == []
    )


def test_every_problem_of_a_service_at_once() -> None:
    assert problems("""
        services:
          web:
            command: serve
            networks: [back]
            volumes:
              - {type: volume, source: data, target: /data}
            secrets: [token]
            configs: [{source: conf}]
            build_secrets_too: {}
            models: [llm]
    """) == [
        'compose.yaml:3: services.web: service "web" has neither an image nor a build context'
        " specified",
        'compose.yaml:5: services.web.networks[0]: service "web" refers to undefined network back',
        'compose.yaml:7: services.web.volumes[0]: service "web" refers to undefined volume data',
        'compose.yaml:8: services.web.secrets[0]: service "web" refers to undefined secret token',
        'compose.yaml:9: services.web.configs[0]: service "web" refers to undefined config conf',
        'compose.yaml:11: services.web.models[0]: service "web" refers to undefined model llm',
    ]


def test_undefined_build_secret() -> None:
    assert problems("""
        services:
          web:
            build:
              context: .
              secrets:
                - source: npmrc
    """) == [
        "compose.yaml:7: services.web.build.secrets[0]: "
        'service "web" refers to undefined build secret npmrc'
    ]


def test_network_mode_and_networks_are_exclusive() -> None:
    assert problems("""
        services:
          web:
            image: nginx
            network_mode: host
            networks: {nowhere: null}
    """) == [
        "compose.yaml:5: services.web.network_mode: "
        "service web declares mutually exclusive `network_mode` and `networks`"
    ]


def test_dependencies_of_every_kind_must_exist() -> None:
    assert problems("""
        services:
          web:
            image: nginx
            depends_on:
              db: {condition: service_started, required: false}
            links: [cache:redis]
            volumes_from: [data:ro, "container:outside"]
            ipc: service:shm
            network_mode: service:db
    """) == [
        "compose.yaml:6: services.web.depends_on.db: "
        'service "web" depends on undefined service "db"',
        'compose.yaml:7: services.web.links[0]: service "web" depends on undefined service "cache"',
        "compose.yaml:8: services.web.volumes_from[0]: "
        'service "web" depends on undefined service "data"',
        'compose.yaml:9: services.web.ipc: service "web" depends on undefined service "shm"',
    ]


DEPENDS_ON_DISABLED = """
    services:
      web:
        image: nginx
        depends_on:
          debug: {condition: service_started, required: REQUIRED}
"""


def test_a_disabled_optional_dependency_is_allowed() -> None:
    text = DEPENDS_ON_DISABLED.replace("REQUIRED", "false")
    assert problems(text, {"debug": {"image": "busybox", "profiles": ["dev"]}}) == []


def test_a_disabled_required_dependency_names_its_profile() -> None:
    text = DEPENDS_ON_DISABLED.replace("REQUIRED", "true")
    error = failure(text, {"debug": {"image": "busybox", "profiles": ["dev", "ops"]}})
    assert error is not None
    assert str(error) == (
        'compose.yaml:6: services.web.depends_on.debug: service "web" depends on undefined'
        ' service "debug"'
    )
    assert error.hint == 'service "debug" is disabled by its profiles: enable it with --profile dev'


def test_healthcheck_test_must_start_with_a_known_word() -> None:
    assert problems("""
        services:
          web:
            image: nginx
            healthcheck:
              disable: true
              test: [RUN, "true"]
    """) == [
        "compose.yaml:7: services.web.healthcheck.test: "
        'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"'
    ]


def test_service_and_deploy_forms_must_agree() -> None:
    assert problems("""
        services:
          web:
            image: nginx
            scale: 2
            cpus: 1.5
            mem_limit: "1048576"
            mem_reservation: 1m
            pids_limit: 10
            deploy:
              replicas: 3
              resources:
                limits: {cpus: 2, memory: 1m, pids: 20}
                reservations: {memory: "1048576"}
    """) == [
        "compose.yaml:5: services.web: can't set distinct values on 'scale' and 'deploy.replicas'",
        "compose.yaml:6: services.web: "
        "can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus'",
        "compose.yaml:9: services.web: "
        "can't set distinct values on 'pids_limit' and 'deploy.resources.limits.pids'",
    ]


@pytest.mark.parametrize(
    ("scale", "line", "key"),
    [("scale: 2", 6, "scale"), ("deploy: {replicas: 3}", 6, "deploy.replicas")],
)
def test_container_name_forbids_more_than_one_replica(scale: str, line: int, key: str) -> None:
    assert problems(f"""
        services:
          web:
            image: nginx
            container_name: web
            {scale}
    """) == [
        f"compose.yaml:{line}: services.web: "
        f"can't set container_name and {key} as container name must be unique"
    ]


def test_container_names_are_unique_across_services() -> None:
    assert problems("""
        services:
          test:
            image: alpine
            container_name: test
          another_test:
            image: alpine
            container_name: test
    """) == [
        "compose.yaml:5: services.test.container_name: "
        'container name "test" is already in use by service "another_test"'
    ]


def test_mount_targets_are_unique_within_a_service() -> None:
    assert problems("""
        services:
          web:
            image: nginx
            tmpfs: [/run]
            volumes:
              - {type: bind, source: /a, target: /x}
              - {type: bind, source: /b, target: /x/}
              - {type: tmpfs, target: /run/./}
    """) == [
        "compose.yaml:8: services.web.volumes[1]: "
        "target /x already mounted as services.web.volumes[0]",
        "compose.yaml:9: services.web.volumes[2]: "
        "target /run already mounted as services.web.tmpfs[0]",
    ]


def test_a_cycle_over_any_reference_kind_is_named_from_the_sorted_first_service() -> None:
    assert problems("""
        services:
          web:
            image: nginx
            volumes_from: [api]
          api:
            image: api
            network_mode: service:web
    """) == [
        "compose.yaml:8: services.api.network_mode: dependency cycle detected: api -> web -> api"
    ]


@pytest.mark.parametrize(
    "name",
    [
        "compose-depends-on-cycle.yaml",
        "compose-depends-on-profile-no-cycle.yaml",
    ],
)
def test_the_reference_cycle_files(name: str) -> None:
    path = CONFORMANCE / "compose-go/loader/testdata" / name
    doc = document(path.read_text(), name)
    with pytest.raises(ConfigError) as caught:
        check(doc, {}, context())
    assert str(caught.value) == (
        f"{name}:6: services.service1.depends_on[0]: "
        "dependency cycle detected: service1 -> service2 -> service3 -> service1"
    )


def test_the_reference_self_dependency() -> None:
    name = "compose-depends-on-self.yaml"
    path = CONFORMANCE / "compose-go/loader/testdata" / name
    with pytest.raises(ConfigError, match="dependency cycle detected: service1 -> service1$"):
        check(document(path.read_text(), name), {}, context())


def test_the_reference_duplicate_container_name_file() -> None:
    path = CONFORMANCE / "docker-compose-e2e/container_name/compose.yaml"
    error = failure(path.read_text())
    assert error is not None
    assert [p.message for p in error.problems] == [
        'container name "test" is already in use by service "another_test"'
    ]


def test_problems_of_several_services_come_in_file_order() -> None:
    assert problems("""
        services:
          zeta:
            command: serve
          alpha:
            image: nginx
            networks: [nowhere]
    """) == [
        'compose.yaml:3: services.zeta: service "zeta" has neither an image nor a build context'
        " specified",
        "compose.yaml:7: services.alpha.networks[0]: "
        'service "alpha" refers to undefined network nowhere',
    ]
