"""start, stop, restart, ps, logs (and pause, kill, rm) against a real Podman: ports, data,
start times, log output and project isolation checked from outside composer."""

from __future__ import annotations

import json
import signal
import subprocess
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Composer, Podman, remove_project, unique_project_name

BUSYBOX = "localhost/composer/busybox:latest"


def write_compose(directory: Path, text: str) -> None:
    (directory / "compose.yaml").write_text(textwrap.dedent(text).lstrip())


def answers(port: int) -> bool:
    """Whether an HTTP server answers on 127.0.0.1:port right now (one short try)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # an HTTP answer, even 404, is an answer
    except OSError:
        return False


def stays_silent(port: int, seconds: float = 2.0) -> bool:
    """Nothing answers on the port, checked a few times over `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(port):
            return False
        time.sleep(0.25)
    return True


def inspect(podman: Podman, name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = json.loads(podman("container", "inspect", name).stdout)
    return found[0]


def status(podman: Podman, name: str) -> str:
    return str(inspect(podman, name)["State"]["Status"])


def seconds(stamp: str) -> float:
    """A Podman RFC 3339 timestamp (nanoseconds) as epoch seconds."""
    from composer.ops.commands.listing import parse_time

    found = parse_time(stamp)
    assert found is not None, stamp
    return found


def ps_json(composer: Composer, cwd: Path, *args: str) -> dict[str, dict[str, Any]]:
    listed = composer("ps", "--format", "json", *args, cwd=cwd).stdout
    records = [json.loads(line) for line in listed.splitlines() if line.strip()]
    return {record["Service"]: record for record in records}


@pytest.fixture
def web_project(
    tmp_path: Path, free_port: Callable[[], int], busybox_image: str
) -> tuple[Path, int]:
    """web (httpd on a published port, files from a bind mount, one line added per start),
    depending on db (healthy once its command has run for two seconds)."""
    port = free_port()
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "index.html").write_text("hello\n")
    write_compose(
        tmp_path,
        f"""
        services:
          web:
            image: {busybox_image}
            command: ["sh", "-c", "date +%s.%N >> /www/starts.txt; exec httpd -f -p 8080 -h /www"]
            ports: ["127.0.0.1:{port}:8080"]
            volumes: ["./www:/www"]
            stop_grace_period: 1s
            depends_on:
              db: {{condition: service_healthy}}
          db:
            image: {busybox_image}
            command: ["sh", "-c", "rm -f /tmp/ready; sleep 2; touch /tmp/ready; exec sleep 3600"]
            stop_grace_period: 1s
            healthcheck:
              test: ["CMD", "test", "-f", "/tmp/ready"]
              interval: 1s
              retries: 30
        """,
    )
    return tmp_path, port


def test_stop_then_start_frees_and_restores_the_port_and_keeps_bind_data(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    web_project: tuple[Path, int],
    http_get: Callable[..., str],
) -> None:
    work, port = web_project
    composer("up", "-d", cwd=work)
    assert http_get(port) == "hello\n"

    stopped = composer("--progress", "plain", "stop", cwd=work)
    assert f"Pod pod_{project_name}  Stopped" in stopped.stderr
    pod = root_podman("pod", "inspect", "--format", "{{.State}}", f"pod_{project_name}")
    assert pod.stdout.strip() == "Exited"  # its infra container, which held the port, too
    states = {s: r["State"] for s, r in ps_json(composer, work, "-a").items()}
    assert states == {"web": "exited", "db": "exited"}
    assert composer("ps", "-q", cwd=work).stdout == ""
    assert stays_silent(port)

    composer("start", cwd=work)
    assert http_get(port) == "hello\n"
    starts = (work / "www" / "starts.txt").read_text().splitlines()
    assert len(starts) == 2  # the line of the first start is still there, and a new one


def test_start_waits_for_a_healthy_dependency(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    web_project: tuple[Path, int],
    http_get: Callable[..., str],
) -> None:
    work, port = web_project
    composer("up", "-d", cwd=work)
    composer("stop", cwd=work)
    composer("start", cwd=work)
    http_get(port)
    db_started = seconds(inspect(root_podman, f"{project_name}-db-1")["State"]["StartedAt"])
    web_started = seconds(inspect(root_podman, f"{project_name}-web-1")["State"]["StartedAt"])
    # db touches its ready file two seconds after it starts; only then is it healthy. Without
    # the wait, web would start a fraction of a second after db.
    assert web_started - db_started >= 2.0


def test_stop_of_one_service_leaves_the_others_running(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    web_project: tuple[Path, int],
    http_get: Callable[..., str],
) -> None:
    work, port = web_project
    composer("up", "-d", cwd=work)
    http_get(port)
    composer("stop", "web", cwd=work)
    assert status(root_podman, f"{project_name}-web-1") == "exited"
    assert status(root_podman, f"{project_name}-db-1") == "running"
    listed = composer("ps", "--services", cwd=work).stdout
    assert listed == "db\n"


def test_restart_changes_started_at(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    web_project: tuple[Path, int],
    http_get: Callable[..., str],
) -> None:
    work, port = web_project
    composer("up", "-d", cwd=work)
    http_get(port)
    name = f"{project_name}-web-1"
    before = inspect(root_podman, name)["State"]["StartedAt"]
    composer("restart", "-t", "1", "web", cwd=work)
    after = inspect(root_podman, name)["State"]
    assert after["Status"] == "running"
    assert seconds(after["StartedAt"]) > seconds(before)
    assert http_get(port) == "hello\n"


def test_ps_json_fields(
    composer: Composer,
    project_name: str,
    tmp_path: Path,
    free_port: Callable[[], int],
    busybox_image: str,
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    write_compose(
        tmp_path,
        f"""
        services:
          web:
            image: {busybox_image}
            command: ["httpd", "-f", "-p", "8080", "-h", "/etc"]
            ports: ["127.0.0.1:{port}:8080"]
          job:
            image: {busybox_image}
            command: ["sh", "-c", "exit 3"]
        """,
    )
    composer("up", "-d", "web", cwd=tmp_path)
    composer("up", "-d", "job", cwd=tmp_path, check=False)  # exits 3 at once: up says so
    http_get(port, "/passwd")
    records = ps_json(composer, tmp_path, "-a")
    web, job = records["web"], records["job"]
    for record in (web, job):
        assert {
            "Name",
            "Image",
            "Command",
            "Project",
            "Service",
            "State",
            "Health",
            "ExitCode",
            "Publishers",
            "Status",
            "ID",
            "CreatedAt",
            "Ports",
            "Labels",
        } <= set(record)
        assert record["Project"] == project_name
        assert record["Image"] == busybox_image
    assert (web["Name"], web["State"], web["ExitCode"]) == (f"{project_name}-web-1", "running", 0)
    assert web["Publishers"] == [
        {"URL": "127.0.0.1", "TargetPort": 8080, "PublishedPort": port, "Protocol": "tcp"}
    ]
    assert web["Ports"] == f"127.0.0.1:{port}->8080/tcp"
    assert web["Command"] == '"httpd -f -p 8080 -h…"'  # cut at 20 characters, as docker does
    assert web["Status"].startswith("Up ")
    assert (job["State"], job["ExitCode"], job["Publishers"]) == ("exited", 3, [])
    assert job["Status"].startswith("Exited (3) ")
    assert set(ps_json(composer, tmp_path)) == {"web"}  # without -a: running ones only
    table = composer("ps", "-a", cwd=tmp_path).stdout.splitlines()
    assert table[0].split() == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]
    assert table[2].startswith(f"{project_name}-web-1 ")
    assert table[2].endswith(f"127.0.0.1:{port}->8080/tcp")


LOGGER = """
services:
  talker:
    image: {image}
    command: ["sh", "-c", "for i in 1 2 3 4 5; do echo line $$i; done; exec sleep 3600"]
    stop_grace_period: 1s
  ticker:
    image: {image}
    # Longer than the 3 s `up -d` watches a container it started, so `logs -f` still follows.
    command: ["sh", "-c", "for i in 1 2 3 4 5 6; do echo tick $$i; sleep 1; done; exit 4"]
"""


def test_logs_tail_prints_the_last_lines_with_the_prefix(
    composer: Composer, project_name: str, tmp_path: Path, busybox_image: str
) -> None:
    write_compose(tmp_path, LOGGER.format(image=busybox_image))
    composer("up", "-d", "talker", cwd=tmp_path)
    deadline = time.monotonic() + 20
    while "line 5" not in composer("logs", "talker", cwd=tmp_path).stdout:
        assert time.monotonic() < deadline, "talker printed nothing"
        time.sleep(0.3)
    shown = composer("logs", "--tail", "2", "talker", cwd=tmp_path).stdout
    assert shown == "talker-1  | line 4\ntalker-1  | line 5\n"
    bare = composer("logs", "--no-log-prefix", "-n", "1", cwd=tmp_path).stdout
    assert bare == "line 5\n"


def test_logs_follow_ends_when_the_container_exits(
    composer: Composer, project_name: str, tmp_path: Path, busybox_image: str
) -> None:
    write_compose(tmp_path, LOGGER.format(image=busybox_image))
    composer("up", "-d", "ticker", cwd=tmp_path, check=False)
    began = time.monotonic()
    followed = composer("logs", "-f", "ticker", cwd=tmp_path, timeout=60)
    assert followed.returncode == 0
    assert followed.stdout.splitlines() == [
        "ticker-1  | tick 1",
        "ticker-1  | tick 2",
        "ticker-1  | tick 3",
        "ticker-1  | tick 4",
        "ticker-1  | tick 5",
        "ticker-1  | tick 6",
        "ticker-1 exited with code 4",
    ]
    assert time.monotonic() - began >= 1.0  # it followed: the ticks outlast up's watch


def test_logs_follow_ends_cleanly_on_ctrl_c(
    composer: Composer, project_name: str, tmp_path: Path, busybox_image: str
) -> None:
    write_compose(tmp_path, LOGGER.format(image=busybox_image))
    composer("up", "-d", "talker", cwd=tmp_path)
    argv = [*composer.argv_prefix, "-p", project_name, "logs", "-f", "talker"]
    with subprocess.Popen(
        argv,
        cwd=tmp_path,
        env=composer.base_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        shown = [process.stdout.readline() for _ in range(5)]
        # talker keeps running: only Ctrl-C ends this follow.
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)
    assert shown == [f"talker-1  | line {n}\n" for n in range(1, 6)]
    assert process.returncode == 0, errors
    assert "Traceback" not in errors


def test_pause_kill_and_rm(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    busybox_image: str,
) -> None:
    write_compose(tmp_path, LOGGER.format(image=busybox_image))
    composer("up", "-d", "talker", cwd=tmp_path)
    name = f"{project_name}-talker-1"
    composer("pause", cwd=tmp_path)
    assert status(root_podman, name) == "paused"
    assert "(Paused)" in composer("ps", cwd=tmp_path).stdout
    composer("unpause", cwd=tmp_path)
    assert status(root_podman, name) == "running"
    composer("kill", "-s", "SIGKILL", cwd=tmp_path)
    assert inspect(root_podman, name)["State"]["ExitCode"] == 137
    removed = composer("rm", "-f", cwd=tmp_path)
    assert removed.stdout == f"Going to remove {name}\n"
    assert root_podman("container", "exists", name, check=False).returncode == 1


@pytest.fixture
def other_project(root_podman: Podman) -> Iterator[str]:
    """A second project's name; everything with its label is removed afterwards."""
    name = unique_project_name("lifecycle-other")
    yield name
    left = remove_project(root_podman, name)
    assert not left, f"could not remove project {name}: {left}"


def test_commands_of_one_project_leave_another_alone(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    other_project: str,
    tmp_path: Path,
    busybox_image: str,
) -> None:
    write_compose(tmp_path, LOGGER.format(image=busybox_image))
    other = Composer(composer.argv_prefix, other_project, composer.base_env)
    composer("up", "-d", "talker", cwd=tmp_path)
    other("up", "-d", "talker", cwd=tmp_path)
    theirs = f"{other_project}-talker-1"
    started = inspect(root_podman, theirs)["State"]["StartedAt"]

    for command in (["pause"], ["unpause"], ["restart"], ["stop"], ["kill"], ["start"]):
        composer(*command, cwd=tmp_path)
    composer("stop", cwd=tmp_path)
    composer("rm", "-f", cwd=tmp_path)

    assert inspect(root_podman, theirs)["State"]["Status"] == "running"
    assert inspect(root_podman, theirs)["State"]["StartedAt"] == started
    assert set(ps_json(composer, tmp_path, "-a")) == set()
    assert set(ps_json(other, tmp_path)) == {"talker"}
    assert "line 1" not in composer("logs", cwd=tmp_path).stdout
    pod_state = root_podman("pod", "inspect", "--format", "{{.State}}", f"pod_{other_project}")
    assert pod_state.stdout.strip() == "Running"
