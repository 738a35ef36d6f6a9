"""Find the Podman API socket, or start a private `podman system service` that exits when idle."""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from composer import console
from composer.errors import PodmanUnavailableError

ROOTFUL_SOCKET = "/run/podman/podman.sock"
USER_RUNTIME_ROOT = "/run/user"  # systemd-logind's per-user runtime directories
SERVICE_IDLE_SECONDS = 120
START_TIMEOUT_SECONDS = 20.0
PING_TIMEOUT_SECONDS = 2.0
LOG_TAIL_LINES = 15

# Processes this module started; kept referenced so Python does not reap or warn about them.
_started: list[subprocess.Popen[bytes]] = []


@dataclass(frozen=True)
class Candidate:
    """A URL to try and where it came from (for messages)."""

    url: str
    origin: str


def unix_url(path: str | Path) -> str:
    """The unix:// URL podman and podman-py understand for a socket path."""
    return f"unix://{path}"


def socket_path(url: str) -> str | None:
    """The filesystem path of a unix:// URL, None for other schemes."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("unix", "http+unix"):
        return None
    # unix:///run/x.sock parses to path=/run/x.sock; unix://run/x.sock (relative) keeps netloc.
    return urllib.parse.unquote(parsed.netloc + parsed.path) or None


class _UnixConnection(http.client.HTTPConnection):
    """An HTTP connection over an AF_UNIX socket."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def _connection(url: str, timeout: float) -> http.client.HTTPConnection | None:
    path = socket_path(url)
    if path is not None:
        return _UnixConnection(path, timeout)
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("tcp", "http") and parsed.hostname:
        return http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=timeout)
    return None


def ping(url: str, timeout: float = PING_TIMEOUT_SECONDS) -> bool:
    """True when the Podman service at url answers `GET /_ping` with OK."""
    conn = _connection(url, timeout)
    if conn is None:
        return False
    try:
        conn.request("GET", "/_ping")
        response = conn.getresponse()
        return response.status == 200 and response.read().strip() == b"OK"
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def can_ping(url: str) -> bool:
    """Whether ping() can check this URL at all (ssh:// cannot be checked locally)."""
    return socket_path(url) is not None or urllib.parse.urlparse(url).scheme in ("tcp", "http")


def reported_socket(podman: str, environ: Mapping[str, str]) -> str | None:
    """The socket path `podman info` reports, or None when podman cannot tell."""
    argv = [podman, "info", "--format", "{{.Host.RemoteSocket.Path}}"]
    try:
        done = subprocess.run(
            argv, env=dict(environ), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.strip()
    if done.returncode != 0 or not value:
        return None
    return value if "://" in value else unix_url(value)


def _owned_private_dir(path: Path, uid: int) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == uid


def runtime_dir(environ: Mapping[str, str], uid: int) -> Path:
    """The user's runtime directory: XDG_RUNTIME_DIR, /run/user/UID, else a /tmp dir of ours."""
    for value in (environ.get("XDG_RUNTIME_DIR", ""), f"{USER_RUNTIME_ROOT}/{uid}"):
        if value and _owned_private_dir(Path(value), uid):
            return Path(value)
    fallback = Path(tempfile.gettempdir()) / f"composer-{uid}"
    with contextlib.suppress(FileExistsError):
        fallback.mkdir(mode=0o700)
    if _owned_private_dir(fallback, uid) and not fallback.lstat().st_mode & 0o077:
        return fallback
    # Someone else owns the usual name (or opened it up): never put our socket there.
    return Path(tempfile.mkdtemp(prefix=f"composer-{uid}-"))


def private_socket(environ: Mapping[str, str], uid: int) -> Path:
    """Where composer's own API service listens for this user."""
    return runtime_dir(environ, uid) / "composer" / "podman.sock"


def candidates(
    environ: Mapping[str, str], uid: int, reported: Callable[[], str | None]
) -> Iterator[Candidate]:
    """Known socket URLs in the order they are tried; `reported` is only called if reached."""
    seen: set[str] = set()

    def fresh(url: str) -> bool:
        new = url not in seen
        seen.add(url)
        return new

    if uid == 0 and fresh(unix_url(ROOTFUL_SOCKET)):
        yield Candidate(unix_url(ROOTFUL_SOCKET), "the rootful Podman socket")
    xdg = environ.get("XDG_RUNTIME_DIR", "")
    xdg_url = unix_url(Path(xdg) / "podman" / "podman.sock")
    if xdg and fresh(xdg_url):
        yield Candidate(xdg_url, "XDG_RUNTIME_DIR")
    url = reported()
    if url and fresh(url):
        yield Candidate(url, "`podman info`")
    own = unix_url(private_socket(environ, uid))
    if fresh(own):
        yield Candidate(own, "composer's own service")


def _log_tail(log_path: Path) -> str:
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-LOG_TAIL_LINES:])


@contextlib.contextmanager
def _start_lock(sock: Path) -> Iterator[None]:
    # Two composer runs starting at once would fight over one socket path.
    with open(sock.with_name("podman.sock.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start_service(
    podman: str, sock: Path, environ: Mapping[str, str], idle_seconds: int
) -> tuple[subprocess.Popen[bytes], Path]:
    """Start `podman system service` on sock, detached, logging to a file next to it."""
    log_path = sock.with_name("podman-service.log")
    argv = [podman, "system", "service", f"--time={idle_seconds}", unix_url(sock)]
    with open(log_path, "wb") as log:
        # Own session: a Ctrl-C meant for composer must not kill the service mid-call.
        # cwd "/": the service outlives this command, and conmon cannot start a container
        # ("Failed to get working directory") once the directory composer ran in is deleted.
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(environ),
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )
    _started.append(proc)
    return proc, log_path


def wait_until_answers(
    url: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    """Poll url until it answers; on failure raise PodmanUnavailableError with the log tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ping(url, timeout=1.0):
            return
        if proc.poll() is not None:
            reason = f"exited with code {proc.returncode}"
            break
        time.sleep(0.05)
    else:
        proc.terminate()
        reason = f"did not answer within {timeout:g}s"
    tail = _log_tail(log_path)
    message = f"podman system service on {url} {reason}"
    if tail:
        message += f"; its log ({log_path}) ends with:\n{tail}"
    raise PodmanUnavailableError(
        message,
        hint="check that `podman info` works for this user, or start the service yourself "
        "(`podman system service --time=0 unix:///path/podman.sock`) and pass --podman-url",
    )


def _explicit(podman_url: str | None, environ: Mapping[str, str]) -> Candidate | None:
    if podman_url:
        return Candidate(podman_url, "--podman-url")
    if environ.get("CONTAINER_HOST"):
        return Candidate(environ["CONTAINER_HOST"], "CONTAINER_HOST")
    return None


def _require(candidate: Candidate) -> str:
    if not can_ping(candidate.url) or ping(candidate.url):
        return candidate.url
    raise PodmanUnavailableError(
        f"no Podman API service answers at {candidate.url} (from {candidate.origin})",
        hint="start it with `podman system service --time=0 <url>`, or leave the URL unset "
        "so that composer finds or starts a service itself",
    )


def resolve_url(
    podman_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    uid: int | None = None,
    idle_seconds: int = SERVICE_IDLE_SECONDS,
    start_timeout: float = START_TIMEOUT_SECONDS,
) -> str:
    """The URL of a Podman API service that answers, starting a private one if needed."""
    env = dict(os.environ if environ is None else environ)
    user = os.geteuid() if uid is None else uid
    explicit = _explicit(podman_url, env)
    if explicit is not None:
        # The user named a service: falling back to another one would hide their mistake.
        url = _require(explicit)
        console.debug(f"Podman service: {url} (from {explicit.origin})")
        return url
    podman = shutil.which("podman", path=env.get("PATH"))
    if podman is None:
        raise PodmanUnavailableError(
            "podman is not installed (not found on PATH)", hint="install podman 4.3 or newer"
        )
    found = candidates(env, user, lambda: _own_or_reported(podman, env, user))
    for candidate in found:
        if ping(candidate.url):
            console.debug(f"Podman service: {candidate.url} ({candidate.origin} answers)")
            return candidate.url
        console.debug(f"Podman service: nothing answers at {candidate.url} ({candidate.origin})")
    return start_private(podman, env, user, idle_seconds, start_timeout)


def _own_or_reported(podman: str, environ: Mapping[str, str], uid: int) -> str | None:
    """composer's own service when it runs already, else the socket `podman info` reports.

    Without a system socket (no systemd, CI, WSL) every command would otherwise spend a
    `podman info` (about 0.4 s) learning nothing before it reaches its own service.
    """
    own = unix_url(private_socket(environ, uid))
    return own if ping(own) else reported_socket(podman, environ)


def start_private(
    podman: str, environ: Mapping[str, str], uid: int, idle_seconds: int, start_timeout: float
) -> str:
    """Start (or reuse, if another composer just started it) the private service."""
    sock = private_socket(environ, uid)
    sock.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    url = unix_url(sock)
    with _start_lock(sock):
        if ping(url):
            return url
        with contextlib.suppress(FileNotFoundError):
            sock.unlink()  # a stale socket from a service that exited
        proc, log_path = start_service(podman, sock, environ, idle_seconds)
        wait_until_answers(url, proc, log_path, start_timeout)
        console.debug(
            f"Podman service: started `podman system service --time={idle_seconds}` "
            f"at {url} (log {log_path})"
        )
    return url
