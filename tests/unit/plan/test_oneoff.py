"""A `run` container: the service's ContainerSpec with docker compose's run changes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from composer.errors import ComposerError
from composer.model import Project
from composer.model.bind.cli_values import mounts, port_mappings
from composer.plan import labels
from composer.plan.oneoff import RunOverrides, oneoff_spec
from composer.plan.translate import plan_project
from composer.plan.translate_context import PlanContext
from composer.specs import PortSpec, RestartSpec
from tests.unit.plan.conftest import ProjectLoader

COMPOSE = """\
services:
  db:
    image: localhost/db
  web:
    image: localhost/web
    container_name: the-web
    command: ["httpd", "-f"]
    entrypoint: ["/init"]
    restart: always
    environment: {A: from-file, B: kept}
    labels: {team: web}
    cap_add: [NET_ADMIN]
    cap_drop: [CHOWN]
    ports: ["8080:80"]
    volumes: ["./data:/data", "./logs:/logs"]
    networks:
      default: {aliases: [www]}
    depends_on: [db]
"""
SLUG = "0123456789abcdef" * 4


@pytest.fixture
def demo(project: ProjectLoader) -> Project:
    return project(COMPOSE)


def test_the_one_off_is_named_and_labelled_as_docker_compose_does(demo: Project) -> None:
    spec = oneoff_spec(PlanContext(demo, "separate"), demo.services["web"], RunOverrides(), SLUG)
    assert spec.name == "demo-web-run-0123456789ab"  # never the service's container_name
    assert spec.labels[labels.ONEOFF] == "True"
    assert spec.labels[labels.SLUG] == SLUG
    assert labels.CONTAINER_NUMBER not in spec.labels
    assert spec.labels[labels.SERVICE] == "web"
    assert spec.labels[labels.DEPENDS_ON] == "db:service_started:false"
    assert spec.labels["team"] == "web"
    assert spec.restart == RestartSpec()
    # The service's own settings are kept.
    assert spec.command == ("httpd", "-f")
    assert spec.entrypoint == ("/init",)
    assert spec.env == {"A": "from-file", "B": "kept"}
    assert spec.image == "localhost/web"


def test_it_is_the_services_container_apart_from_what_run_changes(demo: Project) -> None:
    service = plan_project(demo, pod_mode="separate").containers["web"][0]
    spec = oneoff_spec(PlanContext(demo, "separate"), demo.services["web"], RunOverrides(), SLUG)
    changed = {"name", "labels", "restart", "tty", "stdin_open", "networks", "ports"}
    assert replace(spec, **{key: getattr(service, key) for key in changed}) == service


def test_no_ports_unless_asked(demo: Project) -> None:
    plain = oneoff_spec(PlanContext(demo, "separate"), demo.services["web"], RunOverrides(), SLUG)
    assert plain.ports == ()
    ctx = PlanContext(demo, "separate")
    service_ports = oneoff_spec(ctx, demo.services["web"], RunOverrides(service_ports=True), SLUG)
    assert service_ports.ports == (PortSpec(80, 8080),)
    given = RunOverrides(publish=port_mappings(("127.0.0.1:9090:90/udp",)))
    published = oneoff_spec(ctx, demo.services["web"], given, SLUG)
    assert published.ports == (PortSpec(90, 9090, "127.0.0.1", "udp"),)


def test_p_is_refused_in_shared_mode_where_the_pod_owns_the_ports(demo: Project) -> None:
    given = RunOverrides(publish=port_mappings(("9090:90",)))
    with pytest.raises(ComposerError) as caught:
        oneoff_spec(PlanContext(demo, "shared"), demo.services["web"], given, SLUG)
    assert caught.value.message.startswith("run -p: in shared pod mode the project's pod owns")
    assert "--pod-mode separate" in (caught.value.hint or "")
    # -P is no refusal there: the pod publishes the service's ports already.
    ctx = PlanContext(demo, "shared")
    shared = oneoff_spec(ctx, demo.services["web"], RunOverrides(service_ports=True), SLUG)
    assert shared.pod == "pod_demo"
    assert shared.ports == ()
    pod = plan_project(demo, pod_mode="shared").pod
    assert pod is not None
    assert pod.ports == (PortSpec(80, 8080),)


def test_the_one_off_is_known_by_its_own_name_unless_use_aliases(demo: Project) -> None:
    ctx = PlanContext(demo, "separate")
    plain = oneoff_spec(ctx, demo.services["web"], RunOverrides(), SLUG)
    assert [n.aliases for n in plain.networks] == [("demo-web-run-0123456789ab",)]
    aliased = oneoff_spec(ctx, demo.services["web"], RunOverrides(use_aliases=True), SLUG)
    assert aliased.networks[0].aliases == ("web", "demo-web-run-0123456789ab", "www")


def test_command_entrypoint_env_user_workdir_and_labels_are_overridden(demo: Project) -> None:
    ctx = PlanContext(demo, "none")
    run = RunOverrides(
        command=("ls", "-l"),
        env={"A": "from-run", "C": "new"},
        labels={"team": "ops", labels.ONEOFF: "False"},
        user="1000",
        workdir="/srv",
        name="custom",
        tty=True,
        interactive=False,
        auto_remove=True,
    )
    spec = oneoff_spec(ctx, demo.services["web"], run, SLUG)
    assert spec.command == ("ls", "-l")
    assert spec.env == {"A": "from-run", "B": "kept", "C": "new"}
    assert spec.labels["team"] == "ops"
    assert spec.labels[labels.ONEOFF] == "True"  # composer's own labels cannot be overridden
    assert (spec.user, spec.working_dir, spec.name) == ("1000", "/srv", "custom")
    assert (spec.tty, spec.stdin_open, spec.auto_remove) == (True, False, True)


def test_an_entrypoint_without_a_command_drops_the_services_command(demo: Project) -> None:
    ctx = PlanContext(demo, "none")
    spec = oneoff_spec(ctx, demo.services["web"], RunOverrides(entrypoint=("sh", "-c")), SLUG)
    assert (spec.entrypoint, spec.command) == (("sh", "-c"), ())
    cleared = oneoff_spec(ctx, demo.services["web"], RunOverrides(entrypoint=()), SLUG)
    assert cleared.entrypoint == ()
    with_command = RunOverrides(entrypoint=("sh", "-c"), command=("echo hi",))
    assert oneoff_spec(ctx, demo.services["web"], with_command, SLUG).command == ("echo hi",)


def test_capabilities_added_and_dropped_as_docker_compose_does(demo: Project) -> None:
    ctx = PlanContext(demo, "none")
    run = RunOverrides(cap_add=("CHOWN", "SYS_TIME"), cap_drop=("NET_ADMIN",))
    spec = oneoff_spec(ctx, demo.services["web"], run, SLUG)
    assert spec.cap_add == ("CHOWN", "SYS_TIME")
    assert spec.cap_drop == ("NET_ADMIN",)


def test_a_volume_at_a_mounted_target_replaces_the_services(demo: Project) -> None:
    ctx = PlanContext(demo, "none")
    extra = mounts(("./other:/data:ro", "cache:/cache"), demo.working_dir)
    spec = oneoff_spec(ctx, demo.services["web"], RunOverrides(mounts=extra), SLUG)
    by_target = {m.target: m for m in spec.mounts}
    assert by_target["/data"].source == f"{demo.working_dir}/other"
    assert by_target["/data"].read_only
    assert by_target["/logs"].source == f"{demo.working_dir}/logs"
    assert by_target["/cache"].type == "volume"
