"""`-v/--verbose`: the files loaded, the Podman service chosen and each API request, on stderr."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer import cli, console
from composer.runtime.podman_api import PodmanRuntime
from composer.runtime.socket import resolve_url, unix_url
from tests.unit.runtime.test_socket import OkHandler, serving

SECRET = "hunter2-not-for-logs"


class CreateHandler(OkHandler):
    """Also answers POST .../containers/create with 201, other POSTs with 404."""

    def do_POST(self) -> None:  # noqa: N802 - http.server calls it by this name
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        created = self.path.endswith("/containers/create")
        body = b'{"Id": "abc"}' if created else b'{"message": "no such thing"}'
        self.send_response(201 if created else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def api_socket(tmp_path: Path) -> Iterator[Path]:
    with serving(tmp_path / "api.sock", CreateHandler) as path:
        yield path


@pytest.fixture
def verbose() -> Iterator[None]:
    console.set_verbose(True)
    yield
    console.set_verbose(False)


def test_debug_lines_only_when_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    console.debug("hidden")
    console.set_verbose(True)
    try:
        console.debug("shown")
    finally:
        console.set_verbose(False)
    assert capsys.readouterr().err == "debug: shown\n"


@pytest.mark.usefixtures("verbose")
def test_a_request_is_logged_by_method_path_and_status_never_its_body(
    api_socket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = PodmanRuntime(unix_url(api_socket))
    body = json.dumps({"env": {"PASSWORD": SECRET}})
    runtime._request("post", "/containers/create", "container a: cannot create", data=body)
    runtime.close()
    err = capsys.readouterr().err
    assert re.fullmatch(r"debug: podman API: POST /containers/create -> 201 \(\d+ ms\)\n", err)
    assert SECRET not in err


@pytest.mark.usefixtures("verbose")
def test_a_failed_request_is_logged_before_its_error(
    api_socket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = PodmanRuntime(unix_url(api_socket))
    with pytest.raises(Exception, match="pod p: cannot start"):
        runtime._request("post", "/pods/p/start", "pod p: cannot start")
    runtime.close()
    assert "debug: podman API: POST /pods/p/start -> 404 (" in capsys.readouterr().err


@pytest.mark.usefixtures("verbose")
def test_the_chosen_service_and_why(api_socket: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = unix_url(api_socket)
    assert resolve_url(url, {}) == url
    assert capsys.readouterr().err == f"debug: Podman service: {url} (from --podman-url)\n"


def test_verbose_config_names_the_project_and_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x\n")
    for argv in (["config", "-q"], ["-v", "config", "-q"]):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(argv)
        assert exit_info.value.code == 0
    console.set_verbose(False)
    err = capsys.readouterr().err
    compose = tmp_path / "compose.yaml"
    assert err == f"debug: project {tmp_path.name}: {compose} (working directory {tmp_path})\n"
