"""post_start and pre_stop hooks run in the real container, in order, around starts and stops."""

from __future__ import annotations

from pathlib import Path

from tests.integration.conftest import Composer, Podman

COMPOSE = """\
services:
  app:
    image: {image}
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    volumes: ["./log:/log"]
    post_start:
      - command: ["sh", "-c", "echo post_start $$(id -u) $$WHO >> /log/events"]
        user: "0"
        environment: {{WHO: hook}}
      - command: ["sh", "-c", "pwd >> /log/events"]
        working_dir: /tmp
    pre_stop:
      - command: ["sh", "-c", "echo pre_stop >> /log/events; {pre_stop_exit}"]
"""


def write(tmp_path: Path, image: str, pre_stop_exit: str = "true") -> Path:
    (tmp_path / "log").mkdir(exist_ok=True)
    compose = COMPOSE.format(image=image, pre_stop_exit=pre_stop_exit)
    (tmp_path / "compose.yaml").write_text(compose)
    return tmp_path / "log" / "events"


def test_hooks_around_up_stop_start_and_down(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    events = write(tmp_path, busybox_image)
    composer("up", "-d", cwd=tmp_path)
    assert events.read_text() == "post_start 0 hook\n/tmp\n"
    composer("stop", cwd=tmp_path)
    composer("start", cwd=tmp_path)
    composer("down", cwd=tmp_path)
    assert events.read_text().splitlines() == [
        "post_start 0 hook",
        "/tmp",
        "pre_stop",
        "post_start 0 hook",
        "/tmp",
        "pre_stop",
    ]


def test_a_failed_pre_stop_hook_warns_and_the_container_stops(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    events = write(tmp_path, busybox_image, pre_stop_exit="exit 4")
    composer("up", "-d", cwd=tmp_path)
    stopped = composer("stop", cwd=tmp_path)
    container = f"{project_name}-app-1"
    assert (
        f'warning: service "app": container {container}: pre_stop hook `sh -c \'echo pre_stop '
        ">> /log/events; exit 4'` exited with code 4; stopping it anyway"
    ) in stopped.stderr
    state = root_podman("inspect", "--format", "{{.State.Status}}", container).stdout.strip()
    assert state == "exited"
    assert events.read_text().splitlines()[-1] == "pre_stop"
    composer("down", cwd=tmp_path)


def test_a_failed_post_start_hook_fails_up(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  app:\n    image: {busybox_image}\n    command: [sleep, '300']\n"
        "    post_start: [{command: [sh, -c, 'echo not ready >&2; exit 2']}]\n"
    )
    result = composer("up", "-d", cwd=tmp_path, check=False)
    assert result.returncode == 1
    container = f"{project_name}-app-1"
    assert (
        f'error: service "app": container {container}: post_start hook `sh -c \'echo not '
        "ready >&2; exit 2'` exited with code 2: not ready"
    ) in result.stderr
    assert (
        "hint: the container keeps running; fix the hook, then "
        "`composer up -d --force-recreate app`" in result.stderr
    )
    composer("down", cwd=tmp_path)
