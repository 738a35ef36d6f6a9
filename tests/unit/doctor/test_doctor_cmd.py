"""`composer doctor` through the command line, on a fake host."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer import cli
from composer.doctor import host as host_module
from tests.unit.doctor.fakes import FakeHost, rootless_host


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeHost:
    """The command sees this host instead of the machine; the cwd holds no compose file."""
    host = rootless_host()
    monkeypatch.setattr(host_module, "LocalHost", lambda environ: host)
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES"):
        monkeypatch.delenv(name, raising=False)
    return host


def run_cli(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    return int(exit_info.value.code or 0)


def test_doctor_prints_one_line_per_check(
    fake: FakeHost, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ok       podman: 4.3.1 (/usr/bin/podman)"
    assert out[-1] == "no problems, 1 warning"
    assert not any(line.startswith("ok       project") for line in out)


def test_doctor_exits_1_on_a_problem(fake: FakeHost, capsys: pytest.CaptureFixture[str]) -> None:
    fake.files["/etc/subuid"] = ""
    assert run_cli(["doctor"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 problem, 1 warning"


def test_doctor_json_with_a_compose_file(
    fake: FakeHost, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: x\n    ports: ['80:80']\n"
    )
    assert run_cli(["doctor", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == 1
    (ports,) = [check for check in report["checks"] if check["name"] == "project-ports"]
    assert ports["status"] == "problem"
    assert ports["message"].startswith("compose.yaml:4: services.web.ports[0]: published port 80")


def test_doctor_with_a_missing_file_is_an_error(
    fake: FakeHost, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["-f", "nothere.yaml", "doctor"]) == 1
    assert capsys.readouterr().err.startswith("error: ")


def test_doctor_refuses_an_unknown_format(
    fake: FakeHost, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["doctor", "--format", "xml"]) == 1
    assert capsys.readouterr().err == (
        'error: unsupported format "xml"\nhint: use --format pretty or json\n'
    )


def test_doctor_fix_applies_and_reports(fake: FakeHost, capsys: pytest.CaptureFixture[str]) -> None:
    fake.files["/etc/containers/containers.conf"] = (
        '[containers]\ndefault_ulimits = ["nofile=1048576:1048576"]\n'
    )
    assert run_cli(["doctor", "--fix"]) == 0
    out = capsys.readouterr().out.splitlines()
    dropin = "/home/alice/.config/containers/containers.conf.d/50-composer-ulimits.conf"
    assert out[0] == (
        f"fixed    ulimits: wrote {dropin} "
        '([containers] default_ulimits = ["nofile=524288:524288"])'
    )
    assert list(fake.written) == [dropin]
