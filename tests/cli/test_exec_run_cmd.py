"""exec and run: the CLI wiring of their flags over a fake runtime (their real effects, a TTY
included, are tested against Podman in tests/integration/test_exec_run.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from composer import cli
from composer.cli.session import Session
from composer.plan import labels
from composer.runtime.base import ExecRequest
from tests.cli.conftest import run_cli
from tests.unit.runtime.fakes import FakeRuntime, service_box

COMPOSE = """\
name: demo
services:
  db:
    image: localhost/busybox
  web:
    image: localhost/busybox
    command: ["httpd", "-f"]
    environment: {FROM_FILE: "yes"}
    depends_on: [db]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / ".env").write_text("FROM_DOTENV=dotenv-value\n")
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES", "COMPOSER_POD_MODE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeRuntime:
    runtime = FakeRuntime()

    def session(*args: Any, **kwargs: Any) -> Session:
        made = Session(*args, **kwargs)
        made.set_runtime(runtime)
        return made

    monkeypatch.setattr(cli, "Session", session)
    return runtime


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--progress", "plain", *args)


def up(fake: FakeRuntime) -> FakeRuntime:
    return fake.add(service_box("demo", "db"), *(service_box("demo", "web", n) for n in (1, 2)))


# --- exec -------------------------------------------------------------------------------------


def test_exec_keeps_the_containers_own_flags(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    up(fake)
    code, _, _ = run(capsys, "exec", "web", "ls", "-l", "--dry-run", "-e", "X")
    assert code == 0
    # Not a terminal here: no TTY; stdin is passed on.
    assert fake.exec_requests == [
        ("demo-web-1", ExecRequest(("ls", "-l", "--dry-run", "-e", "X"), interactive=True))
    ]


def test_exec_flags_reach_the_request(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    up(fake)
    (project / "extra.env").write_text("FROM_ENV_FILE=file\nA=not-this-one\n")
    args = ["-T", "-e", "A=1", "-e", "FROM_DOTENV", "-e", "UNSET", "--env-file", "extra.env"]
    args += ["-u", "1000", "-w", "/tmp", "--privileged", "--index", "2", "--no-interactive"]
    assert run(capsys, "exec", *args, "web", "env")[0] == 0
    name, request = fake.exec_requests[0]
    assert name == "demo-web-2"
    assert request == ExecRequest(
        ("env",),
        env={"A": "1", "FROM_DOTENV": "dotenv-value", "FROM_ENV_FILE": "file"},
        user="1000",
        workdir="/tmp",
        privileged=True,
        interactive=False,
    )


def test_exec_detached_and_exit_codes(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    up(fake).exec_codes["demo-web-1"] = 3
    assert run(capsys, "exec", "web", "sh", "-c", "exit 3")[0] == 3
    assert run(capsys, "exec", "-d", "web", "sleep", "9")[0] == 3
    assert fake.exec_requests[-1][1] == ExecRequest(("sleep", "9"), interactive=False, detach=True)


def test_exec_errors(project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]) -> None:
    fake.add(service_box("demo", "web", 1, state="exited"))
    assert run(capsys, "exec", "nope", "sh")[:3:2] == (
        1,
        "error: no such service: nope\nhint: services: db, web\n",
    )
    assert run(capsys, "exec", "web", "sh")[:3:2] == (
        1,
        'error: service "web" is not running\nhint: start it first: `composer start web`\n',
    )
    assert run(capsys, "exec", "web")[0] == 2  # no command: a usage error
    assert fake.exec_requests == []


@pytest.mark.parametrize("where", ["global", "own"])
def test_exec_dry_run_does_nothing(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    up(fake)
    args = (
        ["--dry-run", "exec", "web", "ls"]
        if where == "global"
        else ["exec", "--dry-run", "web", "ls"]
    )
    code, _, err = run(capsys, *args)
    assert (code, err) == (0, "warning: --dry-run: exec would run ls in web; nothing done\n")
    assert fake.exec_requests == []


# --- run --------------------------------------------------------------------------------------


def test_run_keeps_the_containers_own_flags_and_starts_attached(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "run", "--rm", "web", "ls", "-l", "--rm")
    assert code == 0
    (name,) = fake.specs.keys() - {"demo-db-1"}
    assert name.startswith("demo-web-run-")
    spec = fake.specs[name]
    assert spec.command == ("ls", "-l", "--rm")
    assert spec.labels[labels.ONEOFF] == "True"
    assert fake.ops("start_attached") == [f"{name} interactive=True"]
    assert name not in fake.boxes  # --rm
    assert fake.boxes["demo-db-1"].state == "running"  # its dependency, brought up first


def test_run_flags_reach_the_one_off(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--no-deps", "-T", "-e", "A=1", "-l", "team=ops", "-u", "1000", "-w", "/srv"]
    args += ["--name", "custom", "--entrypoint", "sh -c", "-v", "./data:/data:ro"]
    args += ["--cap-add", "NET_ADMIN,SYS_TIME", "--cap-drop", "CHOWN", "--no-interactive"]
    assert run(capsys, "--pod-mode", "none", "run", *args, "web", "echo hi")[0] == 0
    spec = fake.specs["custom"]
    assert (spec.entrypoint, spec.command) == (("sh", "-c"), ("echo hi",))
    assert spec.env == {"FROM_FILE": "yes", "A": "1"}
    assert spec.labels["team"] == "ops"
    assert (spec.user, spec.working_dir, spec.tty, spec.stdin_open) == (
        "1000",
        "/srv",
        False,
        False,
    )
    assert spec.cap_add == ("NET_ADMIN", "SYS_TIME")
    assert spec.cap_drop == ("CHOWN",)
    assert [(m.source, m.target, m.read_only) for m in spec.mounts] == [
        (str(project / "data"), "/data", True)
    ]
    assert "demo-db-1" not in fake.boxes  # --no-deps


def test_run_ports(project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--pod-mode", "separate", "run", "--no-deps", "-p", "9090:80", "web")[0] == 0
    (spec,) = fake.specs.values()
    assert [(p.host_port, p.container_port) for p in spec.ports] == [(9090, 80)]
    code, _, err = run(capsys, "run", "--no-deps", "-p", "9090:80", "web")  # shared mode
    assert code == 1
    assert err.startswith("error: run -p: in shared pod mode the project's pod owns")
    code, _, err = run(capsys, "run", "-p", "1:1", "-P", "web")
    assert (code, err) == (1, "error: --service-ports and --publish are incompatible\n")


def test_run_detached_prints_the_id(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "run", "-d", "--no-deps", "web")
    (name,) = fake.specs
    assert (code, out) == (0, f"{fake.boxes[name].id}\n")
    assert fake.boxes[name].state == "running"
    code, out, err = run(capsys, "run", "-d", "-q", "--no-deps", "web")
    assert (code, out, err) == (0, "", "")


def test_run_returns_the_containers_exit_code(
    project: Path,
    fake: FakeRuntime,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def exits_7(name: str, *, interactive: bool) -> int:
        fake.boxes[name].state = "exited"
        return 7

    monkeypatch.setattr(fake, "start_attached", exits_7)
    assert run(capsys, "run", "--no-deps", "web", "sh", "-c", "exit 7")[0] == 7


def test_run_errors_change_nothing(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = {
        ("run", "nope"): "error: no such service: nope",
        (
            "run",
            "-l",
            "bad",
            "web",
        ): 'error: invalid -l value "bad": label must be set as KEY=VALUE',
        ("run", "--pull", "sometimes", "web"): 'error: invalid --pull value "sometimes"',
        ("run", "-e", "=x", "web"): 'error: invalid -e value "=x": use KEY=VALUE or KEY',
    }
    for args, first_line in cases.items():
        code, _, err = run(capsys, *args)
        assert (code, err.splitlines()[0]) == (1, first_line)
    assert fake.calls == []


def test_run_dry_run_does_nothing(
    project: Path, fake: FakeRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "run", "--dry-run", "web")
    assert code == 0
    assert err == (
        "warning: --dry-run: run would start web's dependencies and a one-off container; "
        "nothing done\n"
    )
    assert fake.calls == []
