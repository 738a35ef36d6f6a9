"""The API floor: a project's containers created, started and removed straight through Podman's API.

Called like a compose tool, from the directory of a project's floor.json (written by the runner
from the same shape as the compose file, benchmarks/projects.py):

    python benchmarks/api_floor.py --url unix:///run/composer-bench/podman.sock -p NAME up -d
    python benchmarks/api_floor.py --url ... -p NAME ps
    python benchmarks/api_floor.py --url ... -p NAME down -v

It creates what composer's default (shared pod) mode creates, with the same names and labels:
the project network and volume, the pod with its infra container (the published ports, the
host entries and network aliases of every service), and one container per service in the pod;
each service is created and started as soon as its dependencies run, with up to 64 at once
(composer's executor). `down` stops each container once its dependents are stopped, removes
it, then the pod, the network and the volume. An `up` that finds every container running does
one container listing and nothing else; `ps` is one listing. Standard library only, so that the
floor pays nothing for start-up beyond the interpreter's own.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import socket
import sys
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

API = "/v4.0.0/libpod"
MAX_WORKERS = 64
REQUEST_TIMEOUT = 120.0
Json = dict[str, Any]


class ApiError(Exception):
    """Podman answered with an error status."""


class UnixConnection(http.client.HTTPConnection):
    """An HTTP connection over an AF_UNIX socket."""

    def __init__(self, path: str, timeout: float = REQUEST_TIMEOUT) -> None:
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


def socket_path(url: str) -> str:
    if not url.startswith("unix://"):
        raise ValueError(f"not a unix:// URL: {url}")
    return url.removeprefix("unix://")


def ping(url: str, timeout: float = 2.0) -> bool:
    """True when the Podman service at url answers `GET /_ping` with OK."""
    conn = UnixConnection(socket_path(url), timeout)
    try:
        conn.request("GET", "/_ping")
        response = conn.getresponse()
        return response.status == 200 and response.read().strip() == b"OK"
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


class Api:
    """Podman's libpod API; one keep-alive connection per thread."""

    def __init__(self, url: str) -> None:
        self._path = socket_path(url)
        self._local = threading.local()

    def call(self, method: str, path: str, body: Json | None = None, **params: str) -> Any:
        conn: UnixConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = UnixConnection(self._path)
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        conn.request(method, f"{API}{path}{query}", body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        if response.status >= 400:
            raise ApiError(f"{method} {path}: {response.status} {raw.decode(errors='replace')}")
        return json.loads(raw) if raw.strip() else None


# -- the objects, as composer's shared pod mode makes them --------------------------------------


def names(project: str) -> dict[str, str]:
    return {"pod": f"pod_{project}", "network": f"{project}_default"}


def container_name(project: str, service: str) -> str:
    return f"{project}-{service}-1"


def project_labels(project: str) -> dict[str, str]:
    return {"com.docker.compose.project": project, "io.podman.compose.project": project}


def container_body(project: str, service: Json, spec: Json, workdir: str) -> Json:
    """The SpecGenerator of one service's container: in the pod, with composer's labels."""
    name = service["name"]
    labels = project_labels(project) | {
        "com.docker.compose.service": name,
        "io.podman.compose.service": name,
        "com.docker.compose.oneoff": "False",
        "com.docker.compose.project.working_dir": workdir,
        "com.docker.compose.project.config_files": f"{workdir}/compose.yaml",
        "com.docker.compose.container-number": "1",
        "com.docker.compose.config-hash": hashlib.sha256(json.dumps(service).encode()).hexdigest(),
    }
    if service["deps"]:
        started = (f"{dep}:service_started:false" for dep in service["deps"])
        labels["com.docker.compose.depends_on"] = ",".join(started)
    body: Json = {
        "name": container_name(project, name),
        "image": spec["image"],
        "pod": names(project)["pod"],
        "labels": labels,
        "command": service["command"],
        "init": True,
    }
    if service["volume"]:
        body["volumes"] = [{"Name": f"{project}_{spec['volume']}", "Dest": "/www", "Options": []}]
    return body


def pod_body(project: str, spec: Json) -> Json:
    """The pod: infra sharing net and ipc, every published port, host entries and aliases."""
    services = spec["services"]
    aliases = [a for s in services for a in (s["name"], container_name(project, s["name"]))]
    ports = [
        {
            "container_port": s["port"],
            "host_port": s["host_port"],
            "host_ip": "127.0.0.1",
            "protocol": "tcp",
        }
        for s in services
        if s["host_port"]
    ]
    return {
        "name": names(project)["pod"],
        "labels": project_labels(project),
        "portmappings": ports,
        "hostadd": [f"{alias}:127.0.0.1" for alias in sorted(aliases)],
        "Networks": {names(project)["network"]: {"aliases": aliases}},
        "netns": {"nsmode": "bridge"},
        "shared_namespaces": ["net", "ipc"],
    }


def dependents(services: list[Json]) -> dict[str, list[str]]:
    """service -> the services that depend on it."""
    found: dict[str, list[str]] = {s["name"]: [] for s in services}
    for service in services:
        for dep in service["deps"]:
            found[dep].append(service["name"])
    return found


def topological(services: list[Json]) -> list[Json]:
    """The services with every dependency before its dependents (stable otherwise)."""
    by_name = {s["name"]: s for s in services}
    done: set[str] = set()
    ordered: list[Json] = []

    def visit(name: str) -> None:
        if name in done:
            return
        done.add(name)
        for dep in by_name[name]["deps"]:
            visit(dep)
        ordered.append(by_name[name])

    for service in services:
        visit(service["name"])
    return ordered


def run_graph(
    order: list[str], waits_for: Mapping[str, list[str]], work: Callable[[str], None]
) -> None:
    """`work` on every node, each once the nodes it waits for are done; as many at once as
    the graph allows (up to MAX_WORKERS). `order` puts every node after those it waits for, so
    a worker never waits for a node that has no worker yet."""
    events = {name: threading.Event() for name in order}
    failed: list[BaseException] = []

    def task(name: str) -> None:
        try:
            for other in waits_for[name]:
                events[other].wait()
            if not failed:
                work(name)
        except BaseException as error:  # recorded, raised below once every worker is done
            failed.append(error)
        finally:
            events[name].set()

    with ThreadPoolExecutor(max_workers=max(1, min(len(order), MAX_WORKERS))) as pool:
        for name in order:
            pool.submit(task, name)
    if failed:
        raise failed[0]


# -- the commands -----------------------------------------------------------------------------


def listing(api: Api, project: str) -> list[Json]:
    filters = json.dumps({"label": [f"com.docker.compose.project={project}"]})
    found = api.call("GET", "/containers/json", all="true", filters=filters) or []
    return [c for c in found if not c.get("IsInfra")]


def up(api: Api, project: str, spec: Json) -> None:
    services = spec["services"]
    existing = listing(api, project)
    if len(existing) == len(services) and all(c.get("State") == "running" for c in existing):
        return
    if existing:
        raise ApiError(f"{len(existing)} of the project's containers exist already")
    parallel(
        [
            lambda: api.call("POST", "/networks/create", network_body(project)),
            lambda: api.call("POST", "/volumes/create", volume_body(project, spec)),
        ]
    )
    api.call("POST", "/pods/create", pod_body(project, spec))
    api.call("POST", f"/pods/{names(project)['pod']}/start")
    by_name = {s["name"]: s for s in services}
    workdir = str(Path.cwd())

    def create_and_start(name: str) -> None:
        api.call(
            "POST", "/containers/create", container_body(project, by_name[name], spec, workdir)
        )
        api.call("POST", f"/containers/{container_name(project, name)}/start")

    order = [s["name"] for s in topological(services)]
    run_graph(order, {s["name"]: list(s["deps"]) for s in services}, create_and_start)


def down(api: Api, project: str, spec: Json) -> None:
    services = spec["services"]
    present = {c.get("Labels", {}).get("com.docker.compose.service") for c in listing(api, project)}

    def stop_and_remove(name: str) -> None:
        if name in present:
            container = container_name(project, name)
            api.call("POST", f"/containers/{container}/stop")
            api.call("DELETE", f"/containers/{container}")

    order = [s["name"] for s in reversed(topological(services))]
    run_graph(order, dependents(services), stop_and_remove)
    api.call("DELETE", f"/pods/{names(project)['pod']}", force="true")
    parallel(
        [
            lambda: api.call("DELETE", f"/networks/{names(project)['network']}"),
            lambda: api.call("DELETE", f"/volumes/{project}_{spec['volume']}"),
        ]
    )


def network_body(project: str) -> Json:
    labels = project_labels(project) | {"com.docker.compose.network": "default"}
    return {"name": names(project)["network"], "driver": "bridge", "labels": labels}


def volume_body(project: str, spec: Json) -> Json:
    labels = project_labels(project) | {"com.docker.compose.volume": spec["volume"]}
    return {"Name": f"{project}_{spec['volume']}", "Driver": "local", "Labels": labels}


def parallel(calls: list[Callable[[], object]]) -> None:
    """Run independent calls at once; the first failure is raised."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        for future in [pool.submit(call) for call in calls]:
            future.result()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("-p", "--project-name", required=True)
    parser.add_argument("command", choices=("up", "down", "ps"))
    # What the floor always does: up detached, down with the volume.
    parser.add_argument("-d", "--detach", action="store_true")
    parser.add_argument("-v", "--volumes", action="store_true")
    args = parser.parse_args(argv)
    spec = json.loads(Path("floor.json").read_text())
    api = Api(args.url)
    try:
        if args.command == "up":
            up(api, args.project_name, spec)
        elif args.command == "down":
            down(api, args.project_name, spec)
        else:
            for container in listing(api, args.project_name):
                print(container.get("Names", [""])[0], container.get("State", ""))
    except (ApiError, OSError, http.client.HTTPException) as error:
        print(f"api floor: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
