"""start, stop, restart, ps, logs, pause, unpause, kill, rm: CLI wiring over a fake runtime
(the real effects are tested against Podman in tests/integration/test_lifecycle.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from composer import cli
from composer.cli.session import Session
from composer.plan import labels
from composer.runtime.base import PodInfo, PublishedPort
from tests.cli.conftest import run_cli
from tests.unit.runtime.fakes import FakeRuntime, service_box

COMPOSE = """\
name: demo
services:
  db:
    image: localhost/busybox
  web:
    image: localhost/busybox
    depends_on:
      db: {condition: service_started, restart: true}
  tool:
    image: localhost/busybox
    depends_on: [db]
"""
WEB_PORT = PublishedPort(container_port=80, protocol="tcp", host_ip="127.0.0.1", host_port=8080)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeRuntime:
    """The runtime every command of the test gets, through Session.set_runtime."""
    runtime = FakeRuntime()

    def session(*args: Any, **kwargs: Any) -> Session:
        made = Session(*args, **kwargs)
        made.set_runtime(runtime)
        return made

    monkeypatch.setattr(cli, "Session", session)
    return runtime


def demo(fake: FakeRuntime, *, db: str = "running", web: str = "running") -> FakeRuntime:
    return fake.add(
        service_box("demo", "db", state=db, lines=("one", "two", "three")),
        service_box("demo", "web", state=web, depends="db:service_started:true", ports=(WEB_PORT,)),
        service_box("other", "db", lines=("not ours",)),
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--progress", "plain", *args)


def test_start_goes_in_dependency_order_and_skips_running_ones(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake, db="exited", web="exited").add(service_box("demo", "tool", state="running"))
    code, _, err = run(capsys, "start")
    assert code == 0
    assert fake.ops("start") == ["demo-db-1", "demo-web-1"]
    assert err.index("Container demo-db-1  Started") < err.index("Container demo-web-1  Starting")


def test_start_of_a_service_starts_what_it_needs(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake, db="exited", web="exited")
    assert run(capsys, "start", "web")[0] == 0
    assert fake.ops("start") == ["demo-db-1", "demo-web-1"]


def test_start_starts_the_pod_infra_first(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake, db="exited", web="exited")
    fake.pods.append(PodInfo("pod_demo", "p1", {labels.PROJECT: "demo"}, "Exited", "infra1", ()))
    fake.infra_running["infra1"] = False
    assert run(capsys, "start")[0] == 0
    assert fake.ops("start") == ["infra1", "demo-db-1", "demo-web-1"]


def test_start_without_containers_is_an_error(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake, db="exited")
    assert run(capsys, "start", "tool") == (
        1,
        "",
        'error: service "tool" has no container to start\n'
        "hint: create it with `composer up` (or `composer create`)\n",
    )
    assert fake.calls == []


def test_unknown_service_is_an_error(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("start", "stop", "restart", "ps", "logs", "kill"):
        code, _, err = run(capsys, command, "nope")
        assert (code, err.splitlines()[0]) == (1, "error: no such service: nope")


def test_stop_goes_dependents_first_then_stops_the_idle_pod(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake)
    fake.pods.append(PodInfo("pod_demo", "p1", {labels.PROJECT: "demo"}, "Running", "infra1", ()))
    fake.infra_running["infra1"] = True
    for box in fake.boxes.values():
        box.pod = "p1" if box.labels[labels.PROJECT] == "demo" else ""
    code, _, err = run(capsys, "stop", "-t", "3")
    assert code == 0
    assert fake.ops("stop") == ["demo-web-1 -t 3", "demo-db-1 -t 3", "infra1 -t 3"]
    assert "Pod pod_demo  Stopped" in err
    assert fake.boxes["other-db-1"].state == "running"


def test_stop_of_one_service_leaves_the_others_and_the_pod(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake)
    fake.pods.append(PodInfo("pod_demo", "p1", {labels.PROJECT: "demo"}, "Running", "infra1", ()))
    fake.infra_running["infra1"] = True
    fake.boxes["demo-db-1"].pod = fake.boxes["demo-web-1"].pod = "p1"
    assert run(capsys, "stop", "web")[0] == 0
    assert fake.ops("stop") == ["demo-web-1"]
    assert fake.boxes["demo-db-1"].state == "running"


def test_restart_takes_the_dependents_that_ask_for_it(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake).add(service_box("demo", "tool"))
    assert run(capsys, "restart", "-t", "1", "db")[0] == 0
    assert fake.ops("restart") == ["demo-db-1 -t 1", "demo-web-1 -t 1"]
    fake.calls.clear()
    assert run(capsys, "restart", "--no-deps", "db")[0] == 0
    assert fake.ops("restart") == ["demo-db-1"]


def test_commands_work_from_labels_alone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeRuntime,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    demo(fake, db="exited", web="exited")
    assert run(capsys, "-p", "demo", "start")[0] == 0
    assert fake.ops("start") == ["demo-db-1", "demo-web-1"]
    assert run(capsys, "-p", "demo", "restart", "db")[0] == 0
    assert fake.ops("restart") == ["demo-db-1", "demo-web-1"]
    code, _, err = run(capsys, "-p", "demo", "start", "nope")
    assert (code, err) == (1, "error: no such service: nope\n")


def test_ps_lists_running_containers_as_a_table(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake, db="exited")
    code, out, _ = run(capsys, "ps")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]
    assert len(lines) == 2
    assert lines[1].startswith("demo-web-1   localhost/busybox:latest   ")
    assert lines[1].endswith("   127.0.0.1:8080->80/tcp")
    assert '"sh -c sleep 1000"' in lines[1]


def test_ps_all_quiet_services_and_status(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake, db="exited")
    assert len(run(capsys, "ps", "-a")[1].splitlines()) == 3
    assert run(capsys, "ps", "-a", "-q")[1] == (
        f"{fake.boxes['demo-db-1'].id}\n{fake.boxes['demo-web-1'].id}\n"
    )
    assert run(capsys, "ps", "-a", "--services")[1] == "db\nweb\n"
    assert run(capsys, "ps", "--status", "exited", "--services")[1] == "db\n"
    assert run(capsys, "ps", "--filter", "status=running", "--services")[1] == "web\n"


def test_ps_json_has_docker_compose_fields(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake)
    code, out, _ = run(capsys, "ps", "--format", "json", "web")
    record = json.loads(out)
    assert code == 0
    assert record["Name"] == "demo-web-1"
    assert (record["Project"], record["Service"], record["State"]) == ("demo", "web", "running")
    assert record["Publishers"] == [
        {"URL": "127.0.0.1", "TargetPort": 80, "PublishedPort": 8080, "Protocol": "tcp"}
    ]
    assert record["Ports"] == "127.0.0.1:8080->80/tcp"
    assert (record["ExitCode"], record["Health"], record["ID"]) == (0, "", record["ID"][:12])
    assert record["Command"] == '"sh -c sleep 1000"'
    assert '"Ports":"127.0.0.1:8080-\\u003e80/tcp"' in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--filter", "status"], "error: arguments to --filter should be in form KEY=VAL"),
        (["--filter", "name=x"], "error: unknown filter name"),
        (["--status", "up"], 'error: invalid status "up"'),
        (["--format", "yaml"], 'error: unsupported format "yaml"'),
    ],
)
def test_ps_refusals(
    project: Path,
    fake: FakeRuntime,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, _, err = run(capsys, "ps", *args)
    assert (code, err.splitlines()[0]) == (1, message)


def test_logs_prefix_and_tail(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake)
    fake.boxes["demo-web-1"].lines = ("hello",)
    code, out, _ = run(capsys, "logs", "--tail", "2")
    assert code == 0
    assert out == "db-1   | two\ndb-1   | three\nweb-1  | hello\n"
    assert [c["tail"] for c in fake.log_calls] == [2, 2]
    assert run(capsys, "logs", "--no-log-prefix", "-n", "1", "db")[1] == "three\n"
    assert run(capsys, "logs", "--tail", "all", "db")[1].count("db-1  | ") == 3
    assert "not ours" not in out


def test_logs_refusals(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake)
    assert (
        run(capsys, "logs", "--tail", "x")[2].splitlines()[0] == 'error: invalid --tail value "x"'
    )
    assert run(capsys, "logs", "--index", "1")[2] == (
        "error: --index requires one service to be selected\n"
    )
    assert run(capsys, "logs", "--index", "2", "db")[2] == (
        'error: service "db" is not running container #2\n'
    )


def test_logs_follow_ends_when_the_containers_end(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake)
    code, out, _ = run(capsys, "logs", "-f", "db")
    assert code == 0
    assert out == "db-1  | one\ndb-1  | two\ndb-1  | three\ndb-1 exited with code 0\n"
    assert fake.log_calls[0]["follow"] is True


def test_pause_unpause_and_kill(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake, db="exited")
    assert run(capsys, "pause")[0] == 0
    assert fake.ops("pause") == ["demo-web-1"]
    assert run(capsys, "unpause")[0] == 0
    assert fake.ops("unpause") == ["demo-web-1"]
    code, _, err = run(capsys, "kill", "-s", "SIGTERM")
    assert (code, fake.ops("kill")) == (0, ["demo-web-1 SIGTERM"])
    assert "Container demo-web-1  Killed" in err
    assert run(capsys, "kill")[2] == "no container to kill\n"


def test_rm_removes_stopped_containers_after_asking(
    project: Path,
    fake: FakeRuntime,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo(fake, db="exited")
    monkeypatch.setattr("sys.stdin", _Input(""))
    assert run(capsys, "rm")[2] == "Going to remove demo-db-1\nAre you sure? [yN] \n"
    assert fake.ops("remove") == []
    monkeypatch.setattr("sys.stdin", _Input("y\n"))
    assert run(capsys, "rm", "-v")[0] == 0
    assert fake.ops("remove") == ["demo-db-1 volumes=True"]
    code, out, _ = run(capsys, "rm", "-f", "-s", "web")
    assert (code, out) == (0, "Going to remove demo-web-1\n")
    assert fake.ops("stop") == ["demo-web-1"]
    assert run(capsys, "rm", "-f")[2] == "No stopped containers\n"
    assert list(fake.boxes) == ["other-db-1"]


def test_dry_run_touches_nothing(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    demo(fake, db="exited")
    for command in ("start", "stop", "restart", "pause", "unpause", "kill", "rm"):
        code, _, err = run(capsys, "--dry-run", command)
        assert code == 0
        assert err.startswith("warning: --dry-run: ")
        # docker compose takes --dry-run after the command too
        assert run(capsys, command, "--dry-run")[:3] == (0, "", err)
    assert fake.calls == []


class _Input:
    """A stand-in stdin holding one answer."""

    def __init__(self, text: str) -> None:
        self.text = text

    def readline(self) -> str:
        text, self.text = self.text, ""
        return text
