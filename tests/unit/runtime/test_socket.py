"""Finding the Podman API socket and starting a private service, with a fake `podman`."""

from __future__ import annotations

import http.server
import json
import os
import socketserver
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from composer.errors import PodmanUnavailableError
from composer.runtime import socket as podman_socket
from composer.runtime.socket import Candidate, candidates, ping, resolve_url, socket_path

FAKE_PODMAN = f"""#!{sys.executable}
import http.server, json, os, socketserver, sys, time
args = sys.argv[1:]
with open(os.environ["FAKE_PODMAN_LOG"], "a") as log:
    log.write(json.dumps({{"argv": args, "pid": os.getpid(), "sid": os.getsid(0)}}) + "\\n")
if args[:1] == ["info"]:
    answer = os.environ.get("FAKE_PODMAN_INFO", "")
    print(answer)
    sys.exit(0 if answer else 125)
mode = os.environ.get("FAKE_PODMAN_MODE", "serve")
if mode == "fail":
    print("Error: cannot set up the service: boom")
    sys.exit(3)
if mode == "hang":
    time.sleep(30)
    sys.exit(0)

class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")
    def log_message(self, *args):
        pass

server = socketserver.UnixStreamServer(args[-1].removeprefix("unix://"), Ok)
server.timeout = 0.1
deadline = time.monotonic() + int(args[2].removeprefix("--time="))
while time.monotonic() < deadline:
    server.handle_request()
"""


class OkHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"OK" if self.path == "/_ping" else b"nope"
        self.send_response(200 if self.path == "/_ping" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(path: Path, handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[Path]:
    """An HTTP server on the Unix socket `path`, in a thread, for the block's duration."""
    server = socketserver.UnixStreamServer(str(path), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def answering_socket(tmp_path: Path) -> Iterator[Path]:
    with serving(tmp_path / "ok.sock", OkHandler) as path:
        yield path


@pytest.fixture
def fake_podman(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """An environment whose PATH has a fake podman; kills what it started afterwards."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "podman"
    script.write_text(FAKE_PODMAN)
    script.chmod(0o755)
    runtime_dir = tmp_path / "xdg"
    runtime_dir.mkdir(mode=0o700)
    # Whatever this machine runs on the real rootful socket must not answer these tests.
    monkeypatch.setattr(podman_socket, "ROOTFUL_SOCKET", str(tmp_path / "no-rootful.sock"))
    before = list(podman_socket._started)
    yield {
        "PATH": str(bindir),
        "XDG_RUNTIME_DIR": str(runtime_dir),
        "FAKE_PODMAN_LOG": str(tmp_path / "calls.jsonl"),
    }
    for proc in podman_socket._started:
        if proc not in before and proc.poll() is None:
            proc.kill()
            proc.wait()


def calls(environ: dict[str, str]) -> list[dict[str, Any]]:
    lines = Path(environ["FAKE_PODMAN_LOG"]).read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_socket_path_of_urls() -> None:
    assert socket_path("unix:///run/podman/podman.sock") == "/run/podman/podman.sock"
    assert socket_path("http+unix:///tmp/x.sock") == "/tmp/x.sock"
    assert socket_path("tcp://127.0.0.1:8888") is None
    assert socket_path("ssh://core@host/run/podman/podman.sock") is None


def test_candidates_for_root_in_order() -> None:
    env = {"XDG_RUNTIME_DIR": "/run/user/0"}
    found = list(candidates(env, 0, lambda: "unix:///var/info.sock"))
    assert [c.url for c in found[:3]] == [
        "unix:///run/podman/podman.sock",
        "unix:///run/user/0/podman/podman.sock",
        "unix:///var/info.sock",
    ]
    assert [c.origin for c in found[:3]] == [
        "the rootful Podman socket",
        "XDG_RUNTIME_DIR",
        "`podman info`",
    ]
    assert found[3].origin == "composer's own service"


def test_candidates_for_a_user_skip_the_rootful_socket_and_repeat_nothing(
    tmp_path: Path,
) -> None:
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)
    env = {"XDG_RUNTIME_DIR": str(xdg)}
    reported = f"unix://{xdg}/podman/podman.sock"
    found = list(candidates(env, os.getuid() or 1000, lambda: reported))
    urls = [c.url for c in found]
    assert "unix:///run/podman/podman.sock" not in urls
    assert urls[0] == reported
    assert len(urls) == len(set(urls))


def test_podman_info_is_asked_only_when_reached() -> None:
    asked: list[bool] = []

    def reported() -> str | None:
        asked.append(True)
        return None

    first = next(iter(candidates({}, 0, reported)))
    assert first == Candidate("unix:///run/podman/podman.sock", "the rootful Podman socket")
    assert asked == []


def test_runtime_dir_prefers_an_owned_xdg_runtime_dir(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)
    assert podman_socket.runtime_dir({"XDG_RUNTIME_DIR": str(xdg)}, os.getuid()) == xdg
    own = podman_socket.private_socket({"XDG_RUNTIME_DIR": str(xdg)}, os.getuid())
    assert own == xdg / "composer" / "podman.sock"


def test_runtime_dir_falls_back_to_a_private_tmp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # No /run/user/UID: whether this machine has one must not decide the test.
    monkeypatch.setattr(podman_socket, "USER_RUNTIME_ROOT", str(tmp_path / "no-run-user"))
    uid = os.getuid()
    chosen = podman_socket.runtime_dir({"XDG_RUNTIME_DIR": str(tmp_path / "missing")}, uid)
    assert chosen == tmp_path / f"composer-{uid}"
    assert chosen.stat().st_mode & 0o777 == 0o700


def test_runtime_dir_never_uses_a_tmp_dir_someone_else_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # No /run/user/UID: whether this machine has one must not decide the test.
    monkeypatch.setattr(podman_socket, "USER_RUNTIME_ROOT", str(tmp_path / "no-run-user"))
    uid = os.getuid()
    shared = tmp_path / f"composer-{uid}"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    chosen = podman_socket.runtime_dir({}, uid)
    assert chosen != shared
    assert chosen.name.startswith(f"composer-{uid}-")


def test_ping_answers_only_for_a_podman_like_service(
    answering_socket: Path, tmp_path: Path
) -> None:
    assert ping(f"unix://{answering_socket}")
    assert not ping(f"unix://{tmp_path / 'missing.sock'}")
    assert not ping("ssh://core@example.invalid/run/podman/podman.sock")


def test_explicit_url_that_does_not_answer_is_an_error(tmp_path: Path) -> None:
    url = f"unix://{tmp_path / 'none.sock'}"
    with pytest.raises(PodmanUnavailableError) as caught:
        resolve_url(url, {})
    assert str(caught.value) == f"no Podman API service answers at {url} (from --podman-url)"
    assert caught.value.hint is not None
    with pytest.raises(PodmanUnavailableError) as from_env:
        resolve_url(None, {"CONTAINER_HOST": url})
    assert str(from_env.value) == f"no Podman API service answers at {url} (from CONTAINER_HOST)"


def test_explicit_url_wins_over_container_host(answering_socket: Path) -> None:
    url = f"unix://{answering_socket}"
    assert resolve_url(url, {"CONTAINER_HOST": "unix:///nowhere.sock"}) == url
    assert resolve_url(None, {"CONTAINER_HOST": url}) == url
    # ssh cannot be pinged from here: it is handed to podman-py as given.
    assert resolve_url("ssh://core@host/run/podman.sock", {}) == "ssh://core@host/run/podman.sock"


def test_missing_podman_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PodmanUnavailableError) as caught:
        resolve_url(None, {"PATH": str(tmp_path)})
    assert str(caught.value) == "podman is not installed (not found on PATH)"


def test_a_known_socket_that_answers_is_used(
    fake_podman: dict[str, str], answering_socket: Path
) -> None:
    env = fake_podman | {"FAKE_PODMAN_INFO": str(answering_socket)}
    assert resolve_url(None, env, uid=os.getuid()) == f"unix://{answering_socket}"
    assert [c["argv"] for c in calls(env)] == [["info", "--format", "{{.Host.RemoteSocket.Path}}"]]


def test_starts_a_detached_private_service_when_nothing_answers(
    fake_podman: dict[str, str],
) -> None:
    url = resolve_url(None, fake_podman, uid=os.getuid(), idle_seconds=20)
    sock = Path(fake_podman["XDG_RUNTIME_DIR"]) / "composer" / "podman.sock"
    assert url == f"unix://{sock}"
    assert ping(url)
    service = calls(fake_podman)[-1]
    assert service["argv"] == ["system", "service", "--time=20", url]
    # Its own session: a Ctrl-C for composer does not reach it.
    assert service["sid"] != os.getsid(0)
    assert service["sid"] == service["pid"]
    # The next run finds it instead of starting another one.
    assert resolve_url(None, fake_podman, uid=os.getuid()) == url
    assert sum(c["argv"][:2] == ["system", "service"] for c in calls(fake_podman)) == 1


def test_a_running_private_service_is_used_without_asking_podman_info(
    fake_podman: dict[str, str],
) -> None:
    url = resolve_url(None, fake_podman, uid=os.getuid(), idle_seconds=20)
    asked = sum(c["argv"][:1] == ["info"] for c in calls(fake_podman))
    assert resolve_url(None, fake_podman, uid=os.getuid()) == url
    assert sum(c["argv"][:1] == ["info"] for c in calls(fake_podman)) == asked


def test_a_stale_socket_file_is_replaced(fake_podman: dict[str, str]) -> None:
    sock = Path(fake_podman["XDG_RUNTIME_DIR"]) / "composer" / "podman.sock"
    sock.parent.mkdir(mode=0o700)
    sock.write_text("left over by a service that exited")
    assert resolve_url(None, fake_podman, uid=os.getuid()) == f"unix://{sock}"


def test_a_service_that_exits_is_reported_with_its_log(fake_podman: dict[str, str]) -> None:
    env = fake_podman | {"FAKE_PODMAN_MODE": "fail"}
    sock = Path(env["XDG_RUNTIME_DIR"]) / "composer" / "podman.sock"
    with pytest.raises(PodmanUnavailableError) as caught:
        resolve_url(None, env, uid=os.getuid())
    log = sock.with_name("podman-service.log")
    assert str(caught.value) == (
        f"podman system service on unix://{sock} exited with code 3; its log ({log}) ends with:\n"
        "Error: cannot set up the service: boom"
    )
    assert caught.value.hint is not None
    assert "--podman-url" in caught.value.hint


def test_a_service_that_never_answers_times_out_and_is_stopped(
    fake_podman: dict[str, str],
) -> None:
    env = fake_podman | {"FAKE_PODMAN_MODE": "hang"}
    sock = Path(env["XDG_RUNTIME_DIR"]) / "composer" / "podman.sock"
    with pytest.raises(PodmanUnavailableError) as caught:
        resolve_url(None, env, uid=os.getuid(), start_timeout=0.5)
    assert str(caught.value) == f"podman system service on unix://{sock} did not answer within 0.5s"
    started = podman_socket._started[-1]
    assert started.wait(timeout=5) is not None


def test_reported_socket_reads_podman_info(fake_podman: dict[str, str]) -> None:
    podman = str(Path(fake_podman["PATH"]) / "podman")
    env = fake_podman | {"FAKE_PODMAN_INFO": "/run/user/1000/podman/podman.sock"}
    assert podman_socket.reported_socket(podman, env) == "unix:///run/user/1000/podman/podman.sock"
    assert podman_socket.reported_socket(podman, fake_podman) is None
