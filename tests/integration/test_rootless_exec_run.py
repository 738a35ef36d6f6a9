"""exec and run as an unprivileged user: the podman command line they hand the terminal to
talks to the user's own Podman service, and nothing lands in root's storage."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.integration.conftest import Composer, Podman, TestUser, project_objects
from tests.integration.terminal import COLUMNS, ROWS, terminal
from tests.integration.test_exec_run import HEALTHY_DEPENDENCY, SLEEPER, one_offs
from tests.integration.test_rootless import nothing_left, write_project


def test_exec_exit_code_flags_and_a_terminal_session(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    root_podman: Podman,
    user_busybox_image: str,
) -> None:
    write_project(user_workdir, SLEEPER, test_user)
    composer_rootless("up", "-d", "web", cwd=user_workdir)
    failed = composer_rootless("exec", "web", "sh", "-c", "exit 3", cwd=user_workdir, check=False)
    assert failed.returncode == 3
    shown = composer_rootless(
        "exec", "-e", "A=from-flag", "-u", "1000", "web", "sh", "-c", 'echo "$A $(id -u)"',
        cwd=user_workdir,
    )  # fmt: skip
    assert shown.stdout.strip() == "from-flag 1000"
    argv = [*composer_rootless.argv_prefix, "-p", composer_rootless.project, "exec", "web", "sh"]
    with terminal(argv, cwd=user_workdir, env=composer_rootless.base_env) as screen:
        screen.read_until("# ")
        screen.type('echo "T=$TERM"; stty size; [ -t 1 ] && echo "TTY-$((6 * 7))"\r')
        screen.read_until("TTY-42\r\n")  # not the typed line: its result
        assert "T=xterm" in screen.text
        assert f"{ROWS} {COLUMNS}" in screen.text
        screen.type("exit 5\r")
        assert screen.wait() == 5
    assert nothing_left(root_podman, composer_rootless.project) == {}
    composer_rootless("down", cwd=user_workdir)
    assert nothing_left(user_podman, composer_rootless.project) == {}


def test_run_rm_exit_code_missing_command_and_a_healthy_dependency(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    user_busybox_image: str,
) -> None:
    write_project(user_workdir, SLEEPER, test_user)
    project = composer_rootless.project
    done = composer_rootless(
        "run", "--rm", "job", "sh", "-c", "echo out; exit 7", cwd=user_workdir, check=False
    )
    assert (done.returncode, done.stdout) == (7, "out\n")
    missing = composer_rootless("run", "--rm", "job", "nosuchcmd", cwd=user_workdir, check=False)
    assert missing.returncode == 127
    assert one_offs(user_podman, project) == []

    write_project(user_workdir, HEALTHY_DEPENDENCY, test_user)
    ready = composer_rootless("run", "--rm", "job", cwd=user_workdir)
    assert ready.stdout == "ready\n"
    composer_rootless("down", cwd=user_workdir)
    assert nothing_left(user_podman, project) == {}


def test_run_p_publishes_a_port_and_down_removes_the_one_off(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    root_podman: Podman,
    user_busybox_image: str,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    write_project(user_workdir, SLEEPER, test_user)
    port = free_port()
    serve = "mkdir -p /www && echo rootless-run > /www/index.html && exec httpd -f -p 8080 -h /www"
    started = composer_rootless(
        "--pod-mode", "separate", "run", "-d", "-p", f"{port}:8080", "web", "sh", "-c", serve,
        cwd=user_workdir,
    )  # fmt: skip
    project = composer_rootless.project
    (name,) = one_offs(user_podman, project)
    info = json.loads(user_podman("container", "inspect", name).stdout)[0]
    assert started.stdout.strip() == info["Id"]
    assert http_get(port).strip() == "rootless-run"
    assert project_objects(root_podman, project)["container"] == []
    composer_rootless("--pod-mode", "separate", "down", cwd=user_workdir)
    assert nothing_left(user_podman, project) == {}
