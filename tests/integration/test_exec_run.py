"""exec and run against a real Podman: exit codes, a real TTY (Python's pty), replicas, one-off
containers, dependencies, published ports, and what is left on the host afterwards."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Composer, Podman, project_objects
from tests.integration.terminal import COLUMNS, ROWS, terminal
from tests.integration.updown import BUSYBOX, write_compose

SLEEPER = f"""\
services:
  web:
    image: {BUSYBOX}
    command: ["sleep", "3600"]
    environment: {{FROM_FILE: "file-value"}}
  job:
    image: {BUSYBOX}
    command: ["echo", "job-default"]
"""
# db answers HTTP only after a delay; its healthcheck says so. job reads db's page over the
# pod's localhost: "ready" in job's output means db was healthy before job ran.
HEALTHY_DEPENDENCY = f"""\
services:
  db:
    image: {BUSYBOX}
    command:
      - sh
      - -c
      - sleep 3; mkdir -p /www; echo ready > /www/index.html; exec httpd -f -p 8080 -h /www
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 1s
      retries: 30
  job:
    image: {BUSYBOX}
    command: ["wget", "-q", "-O", "-", "http://127.0.0.1:8080/"]
    depends_on:
      db: {{condition: service_healthy}}
"""


def one_offs(podman: Podman, project: str) -> list[str]:
    return podman.ids(
        "ps",
        "-a",
        "--format",
        "{{.Names}}",
        "--filter",
        f"label=com.docker.compose.project={project}",
        "--filter",
        "label=com.docker.compose.oneoff=True",
    )


def labels_of(podman: Podman, name: str) -> dict[str, str]:
    found: list[dict[str, Any]] = json.loads(podman("container", "inspect", name).stdout)
    return dict(found[0]["Config"]["Labels"])


def shell_argv(composer: Composer, *args: str) -> list[str]:
    return [*composer.argv_prefix, "-p", composer.project, *args]


# --- exec -------------------------------------------------------------------------------------


def test_exec_returns_the_commands_exit_code_and_applies_its_flags(
    composer: Composer, tmp_path: Path, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    composer("up", "-d", "web", cwd=tmp_path)
    failed = composer("exec", "web", "sh", "-c", "exit 3", cwd=tmp_path, check=False)
    assert failed.returncode == 3
    shown = composer(
        "exec", "-e", "A=from-flag", "-u", "1000", "-w", "/tmp", "web",
        "sh", "-c", 'echo "$A $FROM_FILE $(id -u) $(pwd)"',
        cwd=tmp_path,
    )  # fmt: skip
    assert shown.stdout.strip() == "from-flag file-value 1000 /tmp"
    # stdin reaches the command (no TTY here: stdin is a pipe).
    echoed = composer("exec", "web", "cat", cwd=tmp_path, input_text="piped in\n")
    assert echoed.stdout == "piped in\n"
    missing = composer("exec", "web", "nosuchcmd", cwd=tmp_path, check=False)
    assert missing.returncode == 127


def test_exec_in_a_terminal_is_an_interactive_shell(
    composer: Composer, tmp_path: Path, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    composer("up", "-d", "web", cwd=tmp_path)
    argv = shell_argv(composer, "exec", "web", "sh")
    with terminal(argv, cwd=tmp_path, env=composer.base_env) as screen:
        screen.read_until("# ")
        screen.type('echo "T=$TERM"; stty size; [ -t 1 ] && echo "TTY-$((6 * 7))"\r')
        screen.read_until("TTY-42\r\n")  # not the typed line: its result
        assert "T=xterm" in screen.text
        assert f"{ROWS} {COLUMNS}" in screen.text
        # The window changes size: the shell in the container sees it.
        screen.resize(30, 90)
        screen.type("stty size\r")
        screen.read_until("30 90")
        # Ctrl-C stops the command in the container, not the session.
        screen.type("sleep 60\r")
        screen.read_until("sleep 60\r\n")
        time.sleep(1)  # sleep has started in the container
        screen.type("\x03")
        screen.type('echo "after=$?"\r')
        screen.read_until("after=130")
        screen.type("exit 5\r")
        assert screen.wait() == 5


def test_exec_no_tty_has_none_even_in_a_terminal(
    composer: Composer, tmp_path: Path, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    composer("up", "-d", "web", cwd=tmp_path)
    check = "[ -t 0 ] || [ -t 1 ] && echo TTY || echo NO-TTY"
    argv = shell_argv(composer, "exec", "-T", "web", "sh", "-c", check)
    with terminal(argv, cwd=tmp_path, env=composer.base_env) as screen:
        assert screen.wait() == 0
        # (Podman sets TERM=xterm in every container, with a TTY or not: no test of it here.)
        assert screen.text.strip() == "NO-TTY"


def test_exec_index_reaches_that_replica(
    composer: Composer, tmp_path: Path, root_podman: Podman, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    composer("up", "-d", "--scale", "web=2", "web", cwd=tmp_path)
    project = composer.project
    for number in (1, 2):
        name = f"{project}-web-{number}"
        expected = root_podman("inspect", "--format", "{{.Config.Hostname}}", name).stdout
        shown = composer("exec", "--index", str(number), "web", "hostname", cwd=tmp_path)
        assert shown.stdout.strip() == expected.strip()
    assert (
        composer("exec", "web", "hostname", cwd=tmp_path).stdout
        == composer("exec", "--index", "1", "web", "hostname", cwd=tmp_path).stdout
    )
    beyond = composer("exec", "--index", "3", "web", "true", cwd=tmp_path, check=False)
    assert beyond.returncode == 1
    assert beyond.stderr.splitlines()[0] == 'error: service "web" is not running container #3'


def test_exec_errors_name_the_service_and_the_fix(
    composer: Composer, tmp_path: Path, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    composer("up", "-d", "web", cwd=tmp_path)
    composer("stop", "web", cwd=tmp_path)
    stopped = composer("exec", "web", "true", cwd=tmp_path, check=False)
    assert (stopped.returncode, stopped.stderr) == (
        1,
        'error: service "web" is not running\nhint: start it first: `composer start web`\n',
    )
    unknown = composer("exec", "nope", "true", cwd=tmp_path, check=False)
    assert (unknown.returncode, unknown.stderr) == (
        1,
        "error: no such service: nope\nhint: services: job, web\n",
    )
    never = composer("exec", "job", "true", cwd=tmp_path, check=False)
    assert never.stderr.splitlines() == [
        'error: service "job" is not running',
        "hint: start it first: `composer up -d job`",
    ]


# --- run --------------------------------------------------------------------------------------


def test_run_rm_returns_the_exit_code_and_leaves_no_container(
    composer: Composer, tmp_path: Path, root_podman: Podman, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    done = composer("run", "--rm", "job", "sh", "-c", "echo out; exit 7", cwd=tmp_path, check=False)
    assert done.returncode == 7
    assert done.stdout == "out\n"
    assert one_offs(root_podman, composer.project) == []
    default = composer("run", "--rm", "job", cwd=tmp_path)
    assert default.stdout == "job-default\n"
    assert one_offs(root_podman, composer.project) == []


def test_run_rm_of_a_missing_command_gives_127_and_leaves_nothing(
    composer: Composer, tmp_path: Path, root_podman: Podman, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    missing = composer("run", "--rm", "job", "nosuchcmd", cwd=tmp_path, check=False)
    assert missing.returncode == 127
    assert "executable file not found" in missing.stderr
    not_runnable = composer("run", "--rm", "job", "/etc/passwd", cwd=tmp_path, check=False)
    assert not_runnable.returncode == 126
    assert one_offs(root_podman, composer.project) == []


def test_run_starts_a_healthy_dependency_first(
    composer: Composer, tmp_path: Path, root_podman: Podman, busybox_image: str
) -> None:
    write_compose(tmp_path, HEALTHY_DEPENDENCY)
    done = composer("--progress", "plain", "run", "--rm", "job", cwd=tmp_path)
    assert done.stdout == "ready\n"
    project = composer.project
    health = root_podman("inspect", "--format", "{{.State.Health.Status}}", f"{project}-db-1")
    assert health.stdout.strip() == "healthy"
    assert "Container " + f"{project}-db-1  Healthy" in done.stderr
    # --no-deps starts nothing and waits for nothing: with db stopped, job finds no server.
    composer("stop", "db", cwd=tmp_path)
    alone = composer("run", "--rm", "--no-deps", "job", cwd=tmp_path, check=False)
    assert alone.returncode != 0
    db_state = root_podman("inspect", "--format", "{{.State.Status}}", f"{project}-db-1")
    assert db_state.stdout.strip() == "exited"


@pytest.mark.parametrize("pod_mode", ["separate", "none"])
def test_run_p_publishes_a_port_and_down_removes_the_detached_one_off(
    composer: Composer,
    tmp_path: Path,
    root_podman: Podman,
    busybox_image: str,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
    pod_mode: str,
) -> None:
    write_compose(tmp_path, SLEEPER)
    port = free_port()
    serve = "mkdir -p /www && echo from-run > /www/index.html && exec httpd -f -p 8080 -h /www"
    started = composer(
        "--pod-mode", pod_mode, "run", "-d", "-p", f"127.0.0.1:{port}:8080", "web",
        "sh", "-c", serve,
        cwd=tmp_path,
    )  # fmt: skip
    # -d returns while the container runs, and prints its id.
    (name,) = one_offs(root_podman, composer.project)
    info = json.loads(root_podman("container", "inspect", name).stdout)[0]
    assert started.stdout.strip() == info["Id"]
    assert info["State"]["Status"] == "running"
    assert http_get(port).strip() == "from-run"
    tags = labels_of(root_podman, name)
    assert tags["com.docker.compose.oneoff"] == "True"
    assert len(tags["com.docker.compose.slug"]) == 64
    assert name == f"{composer.project}-web-run-{tags['com.docker.compose.slug'][:12]}"
    assert "com.docker.compose.container-number" not in tags
    # ps shows it with -a only.
    listed = composer("ps", "--format", "json", cwd=tmp_path).stdout
    assert name not in listed
    assert name in composer("ps", "-a", "--format", "json", cwd=tmp_path).stdout
    composer("--pod-mode", pod_mode, "down", cwd=tmp_path)
    assert {k: v for k, v in project_objects(root_podman, composer.project).items() if v} == {}


def test_run_in_shared_mode_joins_the_pod_and_refuses_p(
    composer: Composer, tmp_path: Path, root_podman: Podman, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    composer("up", "-d", "web", cwd=tmp_path)
    project = composer.project
    pod = root_podman("pod", "inspect", "--format", "{{.Id}}", f"pod_{project}").stdout.strip()
    composer("run", "-d", "job", "sleep", "300", cwd=tmp_path)
    (name,) = one_offs(root_podman, project)
    assert root_podman("inspect", "--format", "{{.Pod}}", name).stdout.strip() == pod
    # With no replica of job running, exec reaches its running one-off.
    assert composer("exec", "job", "true", cwd=tmp_path).returncode == 0
    refused = composer("run", "--rm", "-p", "9999:80", "job", cwd=tmp_path, check=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        "error: run -p: in shared pod mode the project's pod owns every published port"
    )
    assert one_offs(root_podman, project) == [name]
    composer("down", cwd=tmp_path)
    assert {k: v for k, v in project_objects(root_podman, project).items() if v} == {}


def test_run_in_a_terminal_gets_a_tty_and_its_exit_code(
    composer: Composer, tmp_path: Path, root_podman: Podman, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    argv = shell_argv(composer, "--progress", "plain", "run", "--rm", "job", "sh")
    with terminal(argv, cwd=tmp_path, env=composer.base_env) as screen:
        screen.read_until("# ")
        screen.type('echo "T=$TERM"; stty size; [ -t 0 ] && echo "TTY-$((6 * 7))"\r')
        screen.read_until("TTY-42\r\n")  # not the typed line: its result
        assert "T=xterm" in screen.text
        assert f"{ROWS} {COLUMNS}" in screen.text
        screen.type("exit 4\r")
        assert screen.wait() == 4
    assert one_offs(root_podman, composer.project) == []


def test_run_no_tty_has_none_and_passes_stdin(
    composer: Composer, tmp_path: Path, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    argv = shell_argv(composer, "run", "--rm", "-T", "job", "sh", "-c", "[ -t 1 ] || echo NO-TTY")
    with terminal(argv, cwd=tmp_path, env=composer.base_env) as screen:
        assert screen.wait() == 0
        assert "NO-TTY" in screen.text
    piped = composer("run", "--rm", "job", "cat", cwd=tmp_path, input_text="to the one-off\n")
    assert piped.stdout == "to the one-off\n"


def test_a_finished_one_off_is_an_orphan_for_up_and_down_removes_it(
    composer: Composer, tmp_path: Path, root_podman: Podman, busybox_image: str
) -> None:
    write_compose(tmp_path, SLEEPER)
    composer("run", "job", "true", cwd=tmp_path)
    (name,) = one_offs(root_podman, composer.project)
    up = composer("up", "-d", "web", cwd=tmp_path)
    assert f"Found orphan containers ([{name}])" in up.stderr
    composer("down", cwd=tmp_path)
    assert one_offs(root_podman, composer.project) == []
