"""Pod mode: where it comes from, and what shared mode refuses before anything is created."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from composer.errors import ComposerError, ConfigError
from composer.model import Project
from composer.plan.podmode import check_shared_mode, resolve_pod_mode
from composer.plan.translate import plan_project

ProjectLoader = Callable[..., Project]  # the `project` fixture of conftest.py

HINT = "Use --pod-mode separate (or x-podman: {pod_mode: separate}) to give each its own."
SIMPLE = "services:\n  web:\n    image: x\n"


def with_extension(body: str) -> str:
    return f"x-podman:\n{body}{SIMPLE}"


def test_default_is_shared(project: ProjectLoader) -> None:
    assert resolve_pod_mode(project(SIMPLE), flag=None, environ={}) == "shared"


def test_flag_wins_over_environment_and_file(project: ProjectLoader) -> None:
    loaded = project(with_extension("  pod_mode: none\n"))
    environ = {"COMPOSER_POD_MODE": "shared"}
    assert resolve_pod_mode(loaded, flag="separate", environ=environ) == "separate"


def test_environment_wins_over_file(project: ProjectLoader) -> None:
    loaded = project(with_extension("  pod_mode: none\n"))
    environ = {"COMPOSER_POD_MODE": "separate"}
    assert resolve_pod_mode(loaded, flag=None, environ=environ) == "separate"


def test_empty_environment_variable_counts_as_unset(project: ProjectLoader) -> None:
    loaded = project(with_extension("  pod_mode: none\n"))
    assert resolve_pod_mode(loaded, environ={"COMPOSER_POD_MODE": ""}) == "none"


def test_file_pod_mode(project: ProjectLoader) -> None:
    assert resolve_pod_mode(project(with_extension("  pod_mode: separate\n"))) == "separate"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("false", "none"), ("true", "shared"), ('"false"', "none"), ('"1"', "shared")],
)
def test_podman_compose_in_pod(project: ProjectLoader, value: str, expected: str) -> None:
    assert resolve_pod_mode(project(with_extension(f"  in_pod: {value}\n"))) == expected


def test_pod_mode_wins_over_in_pod(project: ProjectLoader) -> None:
    loaded = project(with_extension("  in_pod: false\n  pod_mode: separate\n"))
    assert resolve_pod_mode(loaded) == "separate"


def test_bad_flag_names_its_source(project: ProjectLoader) -> None:
    with pytest.raises(ComposerError) as caught:
        resolve_pod_mode(project(SIMPLE), flag="pods")
    assert caught.value.message == (
        'invalid pod mode "pods" (from --pod-mode): use shared, separate or none'
    )


def test_bad_environment_value_names_its_source(project: ProjectLoader) -> None:
    with pytest.raises(ComposerError) as caught:
        resolve_pod_mode(project(SIMPLE), environ={"COMPOSER_POD_MODE": "Shared"})
    assert caught.value.message == (
        'invalid pod mode "Shared" (from COMPOSER_POD_MODE): use shared, separate or none'
    )


def test_bad_file_value_names_its_source(project: ProjectLoader) -> None:
    with pytest.raises(ComposerError) as caught:
        resolve_pod_mode(project(with_extension("  pod_mode: single\n")))
    assert caught.value.message == (
        'invalid pod mode "single" (from x-podman.pod_mode): use shared, separate or none'
    )


def test_custom_in_pod_name_is_refused(project: ProjectLoader) -> None:
    with pytest.raises(ComposerError) as caught:
        resolve_pod_mode(project(with_extension("  in_pod: mypod\n")))
    assert caught.value.message == 'invalid x-podman.in_pod "mypod": use true or false'
    assert caught.value.hint is not None


def refusal(project: ProjectLoader, text: str, scales: dict[str, int] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        check_shared_mode(project(text), scales)
    return caught.value.message


def test_two_services_publishing_the_same_container_port(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, ports: ["8080:80"]}
  api: {image: x, ports: ["8081:80"]}
"""
    assert refusal(project, text) == (
        'services "api" and "web" both use container port 80/tcp; in shared pod mode all '
        f"services share one network namespace. {HINT}"
    )


def test_published_and_exposed_port_clash(project: ProjectLoader) -> None:
    text = """
services:
  a: {image: x, expose: ["5000-5001/udp"]}
  b: {image: x, ports: ["5001:5001/udp"]}
  c: {image: x, expose: ["5001/udp"]}
"""
    assert refusal(project, text) == (
        'services "a", "b" and "c" all use container port 5001/udp; in shared pod mode all '
        f"services share one network namespace. {HINT}"
    )


def test_same_port_with_other_protocol_is_fine(project: ProjectLoader) -> None:
    text = """
services:
  dns: {image: x, ports: ["53:53/udp"]}
  web: {image: x, ports: ["53:53"]}
"""
    check_shared_mode(project(text))


def test_one_service_publishing_a_port_twice_is_fine(project: ProjectLoader) -> None:
    check_shared_mode(project("services:\n  web: {image: x, ports: ['80:80', '8080:80']}\n"))


def test_scaled_service_with_ports(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x, scale: 2, ports: ['80'], expose: ['443']}\n"
    assert refusal(project, text) == (
        'service "web" runs 2 replicas and uses container ports 80/tcp, 443/tcp; in shared '
        f"pod mode its replicas share one network namespace. {HINT}"
    )


def test_scale_override_is_checked(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x, ports: ['80']}\n"
    assert refusal(project, text, {"web": 3}).startswith('service "web" runs 3 replicas')
    scaled = project("services:\n  web: {image: x, scale: 3, ports: ['80']}\n")
    check_shared_mode(scaled, {"web": 1})


def test_scaled_service_without_ports_is_fine(project: ProjectLoader) -> None:
    check_shared_mode(project("services:\n  worker: {image: x, scale: 3}\n"))


def test_scale_zero_takes_no_port(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, ports: ["80"]}
  old: {image: x, ports: ["80"], scale: 0}
"""
    check_shared_mode(project(text))


def test_disjoint_networks(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, networks: [front]}
  db: {image: x, networks: [back]}
  app: {image: x, networks: [front, back]}
networks: {front: {}, back: {}}
"""
    assert refusal(project, text) == (
        'services "db" (networks: back) and "web" (networks: front) have no network in '
        "common; in shared pod mode all services share one network namespace, so they cannot "
        f"be kept apart. {HINT}"
    )


def test_static_addresses(project: ProjectLoader) -> None:
    text = """
services:
  web:
    image: x
    networks:
      front: {ipv4_address: 10.5.0.5, ipv6_address: "fd00::5"}
networks:
  front:
    ipam: {config: [{subnet: 10.5.0.0/24}]}
"""
    suffix = f"in shared pod mode the pod owns the network addresses. {HINT}"
    assert refusal(project, text).splitlines() == [
        f'service "web" sets ipv4_address 10.5.0.5 on network "front"; {suffix}',
        f'service "web" sets ipv6_address fd00::5 on network "front"; {suffix}',
    ]


@pytest.mark.parametrize("mode", ["host", "none", "bridge", "service:db"])
def test_any_network_mode(project: ProjectLoader, mode: str) -> None:
    text = f"services:\n  web: {{image: x, network_mode: '{mode}'}}\n  db: {{image: x}}\n"
    assert refusal(project, text) == (
        f'service "web" sets network_mode "{mode}"; in shared pod mode every service uses the '
        f"pod's network namespace. {HINT}"
    )


def test_userns_disagreement(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, userns_mode: keep-id}
  db: {image: x}
  app: {image: x, userns_mode: keep-id}
"""
    assert refusal(project, text) == (
        'services do not agree on userns_mode: none (db); "keep-id" (app, web); Podman '
        "refuses --userns for a container in a pod (the user namespace must be the pod's), so "
        f"in shared pod mode all services need the same userns_mode. {HINT}"
    )


def test_userns_agreement_goes_to_the_pod(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, userns_mode: keep-id}
  db: {image: x, userns_mode: keep-id}
"""
    plan = plan_project(project(text), pod_mode="shared")
    assert plan.pod is not None
    assert plan.pod.userns == "keep-id"
    assert all(spec.userns == "" for specs in plan.containers.values() for spec in specs)


def test_dns_disagreement(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, dns: 1.1.1.1}
  db: {image: x, dns: [8.8.8.8, 8.8.4.4]}
  cache: {image: x}
"""
    assert refusal(project, text) == (
        'services disagree on dns: "db" sets 8.8.8.8 8.8.4.4, "web" sets 1.1.1.1; in shared '
        f"pod mode DNS settings belong to the pod. {HINT}"
    )


def test_extra_hosts_disagreement(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, extra_hosts: ["api=10.0.0.1"]}
  db: {image: x, extra_hosts: ["api=10.0.0.2", "other=10.0.0.3"]}
"""
    assert refusal(project, text) == (
        'services disagree on extra_hosts "api": "db" maps it to 10.0.0.2, "web" maps it to '
        f"10.0.0.1; in shared pod mode /etc/hosts belongs to the pod. {HINT}"
    )


def test_all_problems_at_once(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, ports: ["80"], network_mode: host}
  api: {image: x, ports: ["80"]}
"""
    with pytest.raises(ConfigError) as caught:
        check_shared_mode(project(text))
    assert len(caught.value.problems) == 2


def test_plan_project_refuses_in_shared_mode_only(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x, network_mode: host}\n"
    loaded = project(text)
    with pytest.raises(ConfigError):
        plan_project(loaded, pod_mode="shared")
    assert plan_project(loaded, pod_mode="separate").containers["web"][0].network_mode == "host"
