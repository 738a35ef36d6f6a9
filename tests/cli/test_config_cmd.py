"""`composer config`: every flag, end to end through the command line (no reference needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli

COMPOSE = """\
name: demo
services:
  web:
    image: "nginx:${TAG:-1.0}"
    command: echo "$$HOME"
    depends_on: [db]
    volumes: ["data:/data"]
    networks: [front]
  db:
    image: db
  tool:
    build: .
    profiles: [tools]
networks:
  front: {}
volumes:
  data: {}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    for name in ("TAG", "COMPOSE_PROFILES", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, *args)


def test_yaml_is_the_default(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert out.startswith("name: demo\nservices:\n  db:\n")
    assert "image: nginx:1.0\n" in out
    assert "- $$HOME\n" in out


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert not out.endswith("\n")
    assert data["services"]["db"]["command"] is None
    assert "tool" not in data["services"]


def test_unknown_format_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "config", "--format", "toml")
    assert code == 1
    assert out == ""
    assert err == 'error: unsupported format "toml"\nhint: use --format yaml or json\n'


def test_quiet_prints_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "config", "-q") == (0, "", "")
    assert run(capsys, "config", "--quiet", "--services") == (0, "", "")


def test_quiet_still_fails_on_a_bad_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text("services:\n  web:\n    image: [a\n")
    code, out, err = run(capsys, "config", "-q")
    assert code == 1
    assert out == ""
    assert err.startswith("error: compose.yaml:")


def test_output_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "-o", "out.json", "--format", "json")
    assert (code, out) == (0, "")
    assert json.loads((project / "out.json").read_text())["name"] == "demo"


def test_output_to_a_missing_directory(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "config", "--output", "nope/out.yaml")
    assert code == 1
    assert err == "error: cannot write nope/out.yaml: No such file or directory\n"


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("--services", "db\nweb\n"),
        ("--volumes", "data\n"),
        ("--networks", "default\nfront\n"),
        ("--images", "db\nnginx:1.0\n"),
        ("--models", ""),
    ],
)
def test_listings(
    project: Path, capsys: pytest.CaptureFixture[str], flag: str, expected: str
) -> None:
    assert run(capsys, "config", flag) == (0, expected, "")


def test_profiles_lists_disabled_services_too(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "config", "--profiles") == (0, "tools\n", "")


def test_images_of_a_built_service(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--profile", "tools", "config", "--images")
    assert (code, out) == (0, "db\ndemo-tool\nnginx:1.0\n")  # by service: db, tool, web


def test_hash(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "--hash", "*")
    lines = out.splitlines()
    assert code == 0
    assert [line.split()[0] for line in lines] == ["db", "web"]
    assert all(len(line.split()[1]) == 64 for line in lines)
    assert run(capsys, "config", "--hash", "web,db")[1] == out
    assert run(capsys, "config", "--hash", "web")[1] == lines[1] + "\n"


def test_hash_of_an_unknown_service(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "config", "--hash", "nope") == (1, "", "error: no such service: nope\n")


def test_variables(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "--variables")
    assert code == 0
    assert out.splitlines()[1].split() == ["TAG", "false", "1.0"]
    data = json.loads(run(capsys, "config", "--variables", "--format", "json")[1])
    assert data == {
        "TAG": {"Name": "TAG", "DefaultValue": "1.0", "PresenceValue": "", "Required": False}
    }


def test_environment(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAG", "7")
    code, out, _ = run(capsys, "config", "--environment")
    assert code == 0
    assert "TAG=7\n" in out
    assert out.splitlines() == sorted(out.splitlines())


def test_no_interpolate_prints_the_raw_values(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "config", "--no-interpolate")
    assert code == 0
    assert "image: nginx:${TAG:-1.0}\n" in out


def test_selected_services_bring_their_dependencies(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "config", "--format", "json", "web")
    assert code == 0
    assert sorted(json.loads(out)["services"]) == ["db", "web"]


def test_consistency_flag(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text("services:\n  a:\n    image: a\n    networks: [gone]\n")
    code, _, err = run(capsys, "config")
    assert code == 1
    assert err.startswith("error: compose.yaml:4:")
    assert run(capsys, "config", "--no-consistency")[0] == 0


def test_path_resolution_flag(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text("services:\n  a:\n    build: ./ctx\n")
    assert f"context: {project}/ctx\n" in run(capsys, "config")[1]
    assert "context: ./ctx\n" in run(capsys, "config", "--no-path-resolution")[1]


def test_digest_flags_need_a_registry(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "config", "--resolve-image-digests")
    assert code == 1
    assert err.startswith("error: image digests need a registry")
