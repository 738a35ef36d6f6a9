"""A stand-in for Gogs in composer's offline example: it is NOT Gogs.

Used only where docker.io/gogs/gogs cannot be pulled (compose.offline.yaml). It exercises what
the real deployment needs from the host: ports 3000 (HTTP) and 22 (SSH) published, the
`postgresql` link name, the PostgreSQL database, and data and logs in the bind mounts.

HTTP on :3000
  GET  /         what this is, and how many repositories the database holds
  GET  /healthz  200 when the database answers, else 503 (the healthcheck: `standin.py --check`)
  GET  /repos    the repositories, as JSON
  POST /repos    create one: form field or JSON key `name`; 201, 400 (bad name), 409 (exists)
SSH on :22: a listener that sends an SSH identification line and closes (no SSH service).

Runs as the image's `git` user (UID 1000, as in Gogs): compose.offline.yaml sets `user:` and
gives it NET_BIND_SERVICE for port 22. Started as root instead, it binds the ports, then drops
to that user.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg2

DB = {
    "host": os.environ.get("DB_HOST", "postgresql"),
    "port": int(os.environ.get("DB_PORT", "5432")),
    "dbname": os.environ.get("DB_NAME", "gogs"),
    "user": os.environ.get("DB_USER", "gogs"),
    "password": os.environ.get("DB_PASSWORD", ""),
    "connect_timeout": 3,
}
DATA = Path("/data")
REPOSITORIES = DATA / "git" / "gogs-repositories"
LOG = Path("/app/gogs/log/gogs.log")
RUN_AS = "git"
HTTP_PORT, SSH_PORT = 3000, 22
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - a container's service is reached through its ports
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS repository ("
    "id serial PRIMARY KEY, name text UNIQUE NOT NULL, created timestamptz NOT NULL DEFAULT now())"
)
_log_lock = threading.Lock()
_schema_ready = threading.Event()


def log(text: str) -> None:
    """One line to the container's output and to the log file in the mounted log directory."""
    line = f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {text}"
    print(line, flush=True)
    with _log_lock, LOG.open("a") as handle:
        handle.write(line + "\n")


def connect() -> Any:
    """A new connection per request: the database may have restarted since the last one."""
    conn = psycopg2.connect(**DB)
    if not _schema_ready.is_set():
        with conn, conn.cursor() as cur:
            cur.execute(SCHEMA)
        _schema_ready.set()
    return conn


def list_repositories() -> list[dict[str, str]]:
    conn = connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT name, created FROM repository ORDER BY name")
            return [{"name": name, "created": created.isoformat()} for name, created in cur]
    finally:
        conn.close()


def create_repository(name: str) -> dict[str, str] | None:
    """The new repository, or None when one of that name exists."""
    conn = connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO repository (name) VALUES (%s) ON CONFLICT (name) DO NOTHING "
                "RETURNING created",
                (name,),
            )
            row = cur.fetchone()
    finally:
        conn.close()
    if row is None:
        return None
    # Like Gogs, a bare repository directory under /data/git; HEAD only (no git binary here).
    repo = REPOSITORIES / f"{name}.git"
    repo.mkdir(parents=True, exist_ok=True)
    (repo / "HEAD").write_text("ref: refs/heads/main\n")
    return {"name": name, "created": row[0].isoformat()}


class Handler(BaseHTTPRequestHandler):
    """The HTTP routes listed in the module docstring."""

    server_version = "GogsStandIn/1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/":
            self.send_text(200, self.front_page())
        elif self.path == "/healthz":
            try:
                list_repositories()
            except psycopg2.Error as error:
                self.send_text(503, f"database unavailable: {error}".strip() + "\n")
            else:
                self.send_text(200, "ok\n")
        elif self.path == "/repos":
            try:
                self.send_json(200, list_repositories())
            except psycopg2.Error as error:
                self.send_json(503, {"error": f"database unavailable: {error}".strip()})
        else:
            self.send_text(404, "not found\n")

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        if self.path != "/repos":
            self.send_text(404, "not found\n")
            return
        name = self.posted_name()
        if not NAME.match(name):
            self.send_json(400, {"error": f"invalid repository name {name!r}"})
            return
        try:
            made = create_repository(name)
        except psycopg2.Error as error:
            self.send_json(503, {"error": f"database unavailable: {error}".strip()})
            return
        if made is None:
            self.send_json(409, {"error": f"repository {name!r} exists"})
            return
        log(f"created repository {name}")
        self.send_json(201, made)

    def front_page(self) -> str:
        try:
            found = len(list_repositories())
            noun = "repository" if found == 1 else "repositories"
            count = f"{found} {noun} in PostgreSQL at {DB['host']}"
        except psycopg2.Error:
            count = f"PostgreSQL at {DB['host']} does not answer yet"
        return (
            "Gogs stand-in from composer's offline example (not Gogs): "
            f"{count}\nGET /repos lists them, POST /repos with name=... creates one\n"
        )

    def posted_name(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        if self.headers.get_content_type() == "application/json":
            try:
                return str(json.loads(body).get("name", ""))
            except (ValueError, AttributeError):
                return ""
        return urllib.parse.parse_qs(body).get("name", [""])[0]

    def send_text(self, status: int, text: str) -> None:
        self.send_body(status, "text/plain; charset=utf-8", text.encode())

    def send_json(self, status: int, value: object) -> None:
        self.send_body(status, "application/json", (json.dumps(value) + "\n").encode())

    def send_body(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        log(f"{self.address_string()} {format % args}")


def serve_ssh_banner(listener: socket.socket) -> None:
    """Answer each connection on :22 with an SSH identification line, then close it."""
    while True:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"SSH-2.0-GogsStandIn_composer_example\r\n")


def drop_privileges() -> None:
    """Run as the git user once the ports are bound (when started as root)."""
    if os.getuid() != 0:
        return
    user = pwd.getpwnam(RUN_AS)
    os.setgroups([])
    os.setgid(user.pw_gid)
    os.setuid(user.pw_uid)


def require_writable() -> None:
    """The mounted directories must belong to the git user; say how, rather than fail later."""
    try:
        REPOSITORIES.mkdir(parents=True, exist_ok=True)
        with LOG.open("a"):
            pass
    except OSError as error:
        dirs = "gogs-data/gogs gogs-data/gogs-logs"
        print(
            f"standin: cannot write as UID {os.getuid()}: {error}\n"
            "standin: give the host directories to container UID 1000 (in the project directory):\n"
            f"standin:   rootless: podman unshare chown -R 1000:1000 {dirs}\n"
            f"standin:   as root:  chown -R 1000:1000 {dirs}",
            file=sys.stderr,
        )
        sys.exit(1)


def check() -> int:
    """The healthcheck: 0 when /healthz answers 200."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT}/healthz", timeout=3):
            return 0
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


def main() -> int:
    if sys.argv[1:] == ["--check"]:
        return check()
    # PID 1 gets no default SIGTERM action: stop at once when Podman stops the container.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    http = ThreadingHTTPServer((ALL_INTERFACES, HTTP_PORT), Handler)
    ssh = socket.create_server((ALL_INTERFACES, SSH_PORT))
    drop_privileges()
    require_writable()
    threading.Thread(target=serve_ssh_banner, args=(ssh,), daemon=True).start()
    log(f"listening on :{HTTP_PORT} (HTTP) and :{SSH_PORT} (SSH banner) as UID {os.getuid()}")
    http.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
