"""`up` when something is wrong: one clear line naming the service and the cause, a non-zero
exit, and a state the next `up` carries on from. Also Ctrl-C, and the refusals of shared mode."""

from __future__ import annotations

import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman, project_objects
from tests.integration.updown import (
    BUSYBOX,
    background,
    container_ids,
    error_lines,
    exists,
    inspect,
    output,
    write_compose,
)

NOTHING: dict[str, list[str]] = dict.fromkeys(("container", "pod", "network", "volume"), [])


def web_file(image: str, command: str = '["sleep", "600"]', ports: str = "[]") -> str:
    return f"""
    services:
      web:
        image: {image}
        init: true
        command: {command}
        ports: {ports}
    """


def test_missing_image_changes_nothing_and_names_the_service(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    # A localhost name: the pull that fails goes to 127.0.0.1 only.
    image = f"localhost/composer/missing-{uuid.uuid4().hex[:8]}:latest"
    write_compose(tmp_path, web_file(image))
    up = composer("up", "-d", cwd=tmp_path, check=False)
    assert up.returncode == 1, output(up)
    errors = error_lines(up)
    assert len(errors) == 1
    assert errors[0].startswith(
        f'error: service "web": image "{image}" is not available locally and could not be pulled: '
    )
    # Images are resolved before anything is made.
    assert project_objects(root_podman, project_name) == NOTHING

    write_compose(tmp_path, web_file(BUSYBOX))
    composer("up", "-d", cwd=tmp_path)
    assert inspect(root_podman, f"{project_name}-web-1")["State"]["Running"]


@pytest.fixture
def taken_port(free_port: Callable[[], int]) -> Iterator[tuple[int, socket.socket]]:
    """A port on 127.0.0.1 that this test listens on."""
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        yield port, sock


def test_host_port_in_use_names_the_service_and_up_carries_on(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    taken_port: tuple[int, socket.socket],
    http_get: Callable[..., str],
) -> None:
    port, sock = taken_port
    httpd = '["sh", "-c", "mkdir -p /w && echo up > /w/index.html && exec httpd -f -p 80 -h /w"]'
    write_compose(tmp_path, web_file(BUSYBOX, httpd, f'["127.0.0.1:{port}:80"]'))
    up = composer("up", "-d", cwd=tmp_path, check=False)
    assert up.returncode == 1, output(up)
    errors = error_lines(up)
    assert len(errors) == 1
    assert errors[0].startswith(
        f'error: service "web": pod pod_{project_name}: cannot start: '
        f"port 127.0.0.1:{port}/tcp is already in use on the host ("
    )
    assert not exists(root_podman, "container", f"{project_name}-web-1")

    sock.close()
    composer("up", "-d", cwd=tmp_path)
    assert http_get(port) == "up\n"


def test_host_port_in_use_in_separate_mode_names_the_service(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    taken_port: tuple[int, socket.socket],
    http_get: Callable[..., str],
) -> None:
    port, sock = taken_port
    httpd = '["sh", "-c", "mkdir -p /w && echo up > /w/index.html && exec httpd -f -p 80 -h /w"]'
    write_compose(tmp_path, web_file(BUSYBOX, httpd, f'["127.0.0.1:{port}:80"]'))
    web = f"{project_name}-web-1"
    up = composer("--pod-mode", "separate", "up", "-d", cwd=tmp_path, check=False)
    assert up.returncode == 1, output(up)
    errors = error_lines(up)
    assert len(errors) == 1
    assert errors[0].startswith(
        f'error: service "web": container {web}: cannot start: '
        f"port 127.0.0.1:{port}/tcp is already in use on the host ("
    )
    assert "hint: stop what uses that port, or publish the service on another host port" in (
        up.stderr
    )
    assert inspect(root_podman, web)["State"]["Status"] in ("created", "exited")

    sock.close()
    composer("--pod-mode", "separate", "up", "-d", cwd=tmp_path)
    assert http_get(port) == "up\n"


def test_container_that_exits_at_once(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    failing = '["sh", "-c", "echo cannot open config >&2; exit 3"]'
    write_compose(tmp_path, web_file(BUSYBOX, failing))
    for _attempt in range(2):  # the second run shows only its own output, not the first's too
        up = composer("up", "-d", cwd=tmp_path, check=False)
        assert up.returncode == 1, output(up)
        errors = error_lines(up)
        assert len(errors) == 1, output(up)
        assert re.fullmatch(
            r'error: service "web" exited 0\.\ds after it started, with code 3: cannot open config',
            errors[0],
        ), errors

    write_compose(tmp_path, web_file(BUSYBOX))
    composer("up", "-d", cwd=tmp_path)
    assert inspect(root_podman, f"{project_name}-web-1")["State"]["Running"]


def test_container_that_dies_two_seconds_after_its_start(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    failing = '["sh", "-c", "echo connecting; sleep 2; echo lost the database >&2; exit 4"]'
    write_compose(tmp_path, web_file(BUSYBOX, failing))
    up = composer("up", "-d", cwd=tmp_path, check=False)
    assert up.returncode == 1, output(up)
    errors = error_lines(up)
    assert len(errors) == 1, output(up)
    assert re.fullmatch(
        r'error: service "web" exited 2\.\ds after it started, with code 4: '
        r"connecting / lost the database",
        errors[0],
    ), errors
    assert "hint: see `composer logs SERVICE`" in up.stderr
    assert inspect(root_podman, f"{project_name}-web-1")["State"]["ExitCode"] == 4


def two_on_one_port(image: str) -> str:
    """Two services listening on container port 7000, which neither declares; `late` starts
    its server a second after its start, as a slower program would."""
    return f"""
    services:
      early:
        image: {image}
        command: ["httpd", "-f", "-p", "7000", "-h", "/tmp"]
        stop_signal: SIGKILL
      late:
        image: {image}
        command: ["sh", "-c", "sleep 1; exec httpd -f -p 7000 -h /tmp"]
        stop_signal: SIGKILL
        depends_on: [early]
    """


def test_a_port_taken_inside_the_shared_pod_points_to_separate_mode(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(tmp_path, two_on_one_port(BUSYBOX))
    up = composer("up", "-d", cwd=tmp_path, check=False)
    assert up.returncode == 1, output(up)
    errors = error_lines(up)
    assert len(errors) == 1, output(up)
    assert re.fullmatch(
        r'error: service "late" exited 1\.\ds after it started, with code 1: '
        r"httpd: bind: Address already in use\. In shared pod mode all services share one "
        r"network namespace, so a port another service listens on is taken\. Use --pod-mode "
        r"separate \(or x-podman: \{pod_mode: separate\}\) to give each its own\.",
        errors[0],
    ), errors

    composer("--pod-mode", "separate", "up", "-d", cwd=tmp_path)
    for service in ("early", "late"):
        assert inspect(root_podman, f"{project_name}-{service}-1")["State"]["Running"]


def unhealthy_file(check: str) -> str:
    return f"""
    services:
      db:
        image: {BUSYBOX}
        init: true
        command: ["sleep", "600"]
        healthcheck:
          test: ["CMD", "{check}"]
          interval: 300ms
          timeout: 2s
          retries: 2
      app:
        image: {BUSYBOX}
        init: true
        command: ["sleep", "600"]
        depends_on:
          db: {{condition: service_healthy}}
    """


def test_dependency_that_never_becomes_healthy(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(tmp_path, unhealthy_file("false"))
    db, app = f"{project_name}-db-1", f"{project_name}-app-1"
    up = composer("up", "-d", cwd=tmp_path, check=False, timeout=60)
    assert up.returncode == 1, output(up)
    assert error_lines(up) == [f"error: dependency failed to start: container {db} is unhealthy"]
    assert not exists(root_podman, "container", app)
    assert inspect(root_podman, db)["State"]["Health"]["Status"] == "unhealthy"

    write_compose(tmp_path, unhealthy_file("true"))
    composer("up", "-d", cwd=tmp_path, timeout=60)
    assert inspect(root_podman, app)["State"]["Running"]
    assert inspect(root_podman, db)["State"]["Health"]["Status"] == "healthy"


def test_unreachable_podman_socket(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(tmp_path, web_file(BUSYBOX))
    for command in (("up", "-d"), ("down",)):
        result = composer(
            "--podman-url", "unix:///nonexistent.sock", *command, cwd=tmp_path, check=False
        )
        assert result.returncode == 1, output(result)
        assert error_lines(result) == [
            "error: no Podman API service answers at unix:///nonexistent.sock (from --podman-url)"
        ]
    assert project_objects(root_podman, project_name) == NOTHING


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f'services:\n  web:\n    image: {BUSYBOX}\n    ports: ["80:80:80"]\n',
            'error: compose.yaml:4: services.web.ports[0]: invalid port "80:80:80": '
            "invalid IP address: 80",
        ),
        (
            f"services:\n  web:\n    image: {BUSYBOX}\n    depends_on: [nothere]\n",
            'error: compose.yaml:4: services.web.depends_on.nothere: service "web" depends on '
            'undefined service "nothere"',
        ),
    ],
    ids=["bad-port", "unknown-dependency"],
)
def test_config_error_changes_nothing(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    text: str,
    message: str,
) -> None:
    (tmp_path / "compose.yaml").write_text(text)
    up = composer("up", "-d", cwd=tmp_path, check=False)
    assert up.returncode == 1, output(up)
    assert error_lines(up) == [message]
    assert project_objects(root_podman, project_name) == NOTHING


ATTACHED = f"""
services:
  db:
    image: {BUSYBOX}
    init: true
    command: ["sh", "-c", "sleep {{delay}} && touch /tmp/ready && exec sleep 600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 300ms
      retries: 100
  web:
    image: {BUSYBOX}
    init: true
    command: ["sh", "-c", "echo web says hello && exec sleep 600"]
    depends_on:
      db: {{{{condition: service_healthy}}}}
"""


def test_ctrl_c_in_attached_up_stops_the_containers(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(tmp_path, ATTACHED.format(delay=0))
    db, web = f"{project_name}-db-1", f"{project_name}-web-1"
    with background(composer, "up", cwd=tmp_path) as up:
        up.wait_for_line("web-1  | web says hello")
        code = up.interrupt()
    assert code == 130, up.text
    assert "Gracefully stopping... (press Ctrl+C again to force)" in up.text
    for name in (db, web):
        stopped = inspect(root_podman, name)["State"]
        assert stopped["Status"] == "exited"
        assert stopped["ExitCode"] == 143  # SIGTERM: stopped, not killed

    composer("up", "-d", cwd=tmp_path, timeout=60)
    assert inspect(root_podman, db)["State"]["Running"]
    assert inspect(root_podman, web)["State"]["Running"]


def test_ctrl_c_while_up_waits_for_a_dependency(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(tmp_path, ATTACHED.format(delay=4))
    db, web = f"{project_name}-db-1", f"{project_name}-web-1"
    with background(composer, "up", cwd=tmp_path) as up:
        up.wait_for_line(f"Container {web}  Waiting for db healthy")
        code = up.interrupt()
    assert code == 130, up.text
    assert "error: interrupted: web not started" in up.text
    assert "Traceback" not in up.text
    assert inspect(root_podman, db)["State"]["Status"] == "exited"
    assert not exists(root_podman, "container", web)

    composer("up", "-d", cwd=tmp_path, timeout=60)
    assert inspect(root_podman, web)["State"]["Running"]


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (
            f"""
            services:
              a:
                image: {BUSYBOX}
                ports: ["127.0.0.1::80"]
              b:
                image: {BUSYBOX}
                expose: ["80"]
            """,
            (),
            'error: services "a" and "b" both use container port 80/tcp; in shared pod mode all '
            "services share one network namespace. Use --pod-mode separate (or x-podman: "
            "{pod_mode: separate}) to give each its own.",
        ),
        (
            f"""
            services:
              web:
                image: {BUSYBOX}
                ports: ["127.0.0.1::80"]
            """,
            ("--scale", "web=2"),
            'error: service "web" runs 2 replicas and uses container port 80/tcp; in shared pod '
            "mode its replicas share one network namespace. Use --pod-mode separate (or "
            "x-podman: {pod_mode: separate}) to give each its own.",
        ),
        (
            f"""
            services:
              web:
                image: {BUSYBOX}
                network_mode: host
            """,
            (),
            'error: service "web" sets network_mode "host"; in shared pod mode every service '
            "uses the pod's network namespace. Use --pod-mode separate (or x-podman: "
            "{pod_mode: separate}) to give each its own.",
        ),
        (
            f"""
            services:
              a:
                image: {BUSYBOX}
                networks: [front]
              b:
                image: {BUSYBOX}
                networks: [back]
            networks:
              front: {{}}
              back: {{}}
            """,
            (),
            'error: services "a" (networks: front) and "b" (networks: back) have no network in '
            "common; in shared pod mode all services share one network namespace, so they cannot "
            "be kept apart. Use --pod-mode separate (or x-podman: {pod_mode: separate}) to give "
            "each its own.",
        ),
    ],
    ids=["same-port", "scaled-with-ports", "network-mode", "disjoint-networks"],
)
def test_shared_mode_refusals_come_before_anything_is_created(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    text: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    write_compose(tmp_path, text)
    up = composer("up", "-d", *args, cwd=tmp_path, check=False)
    assert up.returncode == 1, output(up)
    assert error_lines(up) == [message]
    assert not exists(root_podman, "pod", f"pod_{project_name}")
    assert project_objects(root_podman, project_name) == NOTHING


def test_separate_mode_runs_what_shared_mode_refuses(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    ports = {"a": free_port(), "b": free_port()}
    services = "".join(
        f"""
      {name}:
        image: {BUSYBOX}
        init: true
        command: ["sh", "-c", "mkdir /w; echo {name} > /w/index.html; exec httpd -f -p 80 -h /w"]
        ports: ["127.0.0.1:{port}:80"]
    """
        for name, port in ports.items()
    )
    write_compose(tmp_path, "services:" + services)
    composer("--pod-mode", "separate", "up", "-d", cwd=tmp_path)
    assert http_get(ports["a"]) == "a\n"
    assert http_get(ports["b"]) == "b\n"
    assert set(container_ids(root_podman, project_name)) == {
        f"{project_name}-a-1",
        f"{project_name}-b-1",
    }


def test_wait_fails_at_the_first_container_that_exits(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(
        tmp_path,
        f"""
        services:
          web:
            image: {BUSYBOX}
            command: ["sh", "-c", "sleep 1; exit 2"]
            healthcheck:
              test: ["CMD", "test", "-f", "/never"]
              interval: 300ms
              retries: 200
          slow:
            image: {BUSYBOX}
            init: true
            command: ["sleep", "600"]
            healthcheck:
              test: ["CMD", "false"]
              interval: 300ms
              retries: 200
        """,
    )
    started = time.monotonic()
    up = composer("up", "--wait", cwd=tmp_path, check=False, timeout=90)
    # Both would take a minute to be declared unhealthy: web's exit ends the wait at once.
    assert time.monotonic() - started < 30, output(up)
    assert up.returncode == 1, output(up)
    assert error_lines(up) == [f"error: container {project_name}-web-1 exited (2)"]
    assert inspect(root_podman, f"{project_name}-slow-1")["State"]["Running"]
