"""The frozen model: dependencies over every edge kind, lookups, derived values."""

from __future__ import annotations

import dataclasses

import pytest

from composer.errors import ComposerError
from composer.model import (
    SERVICE_HEALTHY,
    Dependency,
    DependsOn,
    Healthcheck,
    PortMapping,
    Project,
    Service,
)


def project(*services: Service, disabled: tuple[Service, ...] = ()) -> Project:
    return Project(
        name="demo",
        working_dir="/srv/demo",
        services={svc.name: svc for svc in services},
        disabled={svc.name: svc for svc in disabled},
    )


def test_service_is_frozen() -> None:
    web = Service(name="web", image="nginx")
    with pytest.raises(dataclasses.FrozenInstanceError):
        web.image = "httpd"  # type: ignore[misc]


def test_dependencies_merge_every_reference_kind_per_service() -> None:
    web = Service(
        name="web",
        depends_on={"db": DependsOn(condition=SERVICE_HEALTHY, required=False)},
        links=("db:database", "cache"),
        volumes_from=("data:ro", "container:other"),
        network_mode="service:proxy",
        ipc="service:proxy",
        pid="host",
    )
    assert web.dependencies() == (
        Dependency("db", ("depends_on", "links"), SERVICE_HEALTHY, required=False, restart=False),
        Dependency("cache", ("links",), restart=True),
        Dependency("data", ("volumes_from",), restart=False),
        Dependency("proxy", ("network_mode", "ipc"), restart=True),
    )
    assert web.dependency_names() == ("db", "cache", "data", "proxy")


def test_service_lookup_names_the_unknown_service() -> None:
    proj = project(Service(name="web"), Service(name="db"))
    assert proj.service("db").name == "db"
    with pytest.raises(ComposerError) as caught:
        proj.service("nope")
    assert str(caught.value) == "no such service: nope"
    assert caught.value.hint == "services: db, web"


def test_service_lookup_of_a_disabled_service_hints_at_its_profile() -> None:
    proj = project(Service(name="web"), disabled=(Service(name="debug", profiles=("dev",)),))
    with pytest.raises(ComposerError) as caught:
        proj.service("debug")
    assert caught.value.hint == 'service "debug" is disabled: enable it with --profile dev'


def test_port_published_range() -> None:
    assert PortMapping(target=80, published="8080-8081").published_range == (8080, 8081)
    assert PortMapping(target=80, published="8080").published_range == (8080, 8080)
    assert PortMapping(target=80).published_range is None


def test_healthcheck_disabled_by_flag_or_none_test() -> None:
    assert Healthcheck(test=("NONE",)).disabled
    assert Healthcheck(disable=True).disabled
    assert not Healthcheck(test=("CMD", "true")).disabled
