"""The Runtime on the Podman REST API through podman-py (composer.runtime alone imports podman)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import requests
from podman.errors import PodmanError

from composer import console
from composer.errors import NotFoundError, RuntimeOperationError
from composer.runtime import convert, specgen, specgen_objects
from composer.runtime.base import (
    ContainerDetails,
    ContainerInfo,
    ContainerState,
    EngineInfo,
    ExecRequest,
    ExecResult,
    HealthResult,
    LabelFilter,
    LogLine,
    NetworkInfo,
    PodInfo,
    Runtime,
    VersionInfo,
    VolumeInfo,
)
from composer.runtime.podman_images import PodmanImages
from composer.runtime.podman_terminal import TerminalPodman
from composer.runtime.podman_transport import Subject
from composer.specs import ContainerSpec, NetworkSpec, PodSpec, VolumeSpec

STOP_GRACE = 30  # seconds added to a stop timeout before the HTTP request gives up


class PodmanRuntime(PodmanImages):
    """A Runtime talking to one Podman API service; URL from composer.runtime.socket."""

    # -- engine -------------------------------------------------------------------------------

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except (PodmanError, requests.exceptions.RequestException):
            return False

    def version(self) -> VersionInfo:
        raw = self._json("get", "/version", "podman version")
        engine: dict[str, Any] = next(iter(raw.get("Components") or []), {})
        api = (engine.get("Details") or {}).get("APIVersion") or raw.get("ApiVersion", "")
        return VersionInfo(str(raw.get("Version", "")), str(api))

    def info(self) -> EngineInfo:
        return convert.engine_info(self._json("get", "/info", "podman info"))

    # -- listings -----------------------------------------------------------------------------

    def list_containers(self, labels: LabelFilter) -> list[ContainerInfo]:
        params = {"all": True} | convert.filters_param(labels)
        raw = self._json("get", "/containers/json", "listing containers", params=params)
        # Pod infra containers carry the pod's labels but belong to no service: leave them out.
        return [convert.container_info(item) for item in raw or [] if not item.get("IsInfra")]

    def list_pods(self, labels: LabelFilter) -> list[PodInfo]:
        params = convert.filters_param(labels)
        raw = self._json("get", "/pods/json", "listing pods", params=params)
        return [convert.pod_info(item) for item in raw or []]

    def list_networks(self, labels: LabelFilter) -> list[NetworkInfo]:
        params = convert.filters_param(labels)
        raw = self._json("get", "/networks/json", "listing networks", params=params)
        return [convert.network_info(item) for item in raw or []]

    def list_volumes(self, labels: LabelFilter) -> list[VolumeInfo]:
        params = convert.filters_param(labels)
        raw = self._json("get", "/volumes/json", "listing volumes", params=params)
        return [convert.volume_info(item) for item in raw or []]

    # -- pods ---------------------------------------------------------------------------------

    def create_pod(self, spec: PodSpec) -> str:
        body = json.dumps(specgen_objects.pod_body(spec))
        raw = self._json("post", "/pods/create", f"pod {spec.name}: cannot create", data=body)
        return str(raw.get("Id", ""))

    def start_pod(self, name: str) -> None:
        self._on(Subject("pod", name), "post", "/start", "cannot start")

    def stop_pod(self, name: str, timeout: int | None = None) -> None:
        params, wait = _stop_params(timeout)
        self._on(Subject("pod", name), "post", "/stop", "cannot stop", params=params, timeout=wait)

    def remove_pod(self, name: str, force: bool = True) -> None:
        self._on(Subject("pod", name), "delete", "", "cannot remove", params={"force": force})

    def pod_exists(self, name: str) -> bool:
        return self._exists(f"/pods/{name}/exists")

    # -- containers ---------------------------------------------------------------------------

    def create_container(self, spec: ContainerSpec, *, pull_missing: bool = True) -> str:
        what = f"container {spec.name}"
        if not self.image_exists(spec.image):
            if not pull_missing:
                raise NotFoundError(
                    f'{what}: image "{spec.image}" not found locally',
                    hint="build or pull the image first",
                    kind="image",
                    name=spec.image,
                )
            self._pull(spec.image, what=f'{what}: image "{spec.image}" not found locally')
        body = json.dumps(specgen.container_body(spec))
        raw = self._json("post", "/containers/create", f"{what}: cannot create", data=body)
        # What Podman dropped because the host cannot do it (a blkio weight without the knob).
        for warning in raw.get("Warnings") or ():
            console.warn(f"{what}: Podman: {warning}")
        if spec.copies:
            self._copy_in(spec)
        return str(raw.get("Id", ""))

    def _copy_in(self, spec: ContainerSpec) -> None:
        """Write secrets and configs into the new container; without them it must not stay."""
        what = f"container {spec.name}: cannot copy in {', '.join(c.what for c in spec.copies)}"
        try:
            self._request(
                "put",
                f"/containers/{spec.name}/archive",
                what,
                params={"path": "/"},
                data=convert.files_tar(spec.copies),
            )
        except RuntimeOperationError:
            self._request("delete", f"/containers/{spec.name}", what, params={"force": True})
            raise

    def start_container(self, name: str) -> None:
        self._on(Subject("container", name), "post", "/start", "cannot start")

    def stop_container(self, name: str, timeout: int | None = None) -> None:
        params, wait = _stop_params(timeout)
        about = Subject("container", name)
        self._on(about, "post", "/stop", "cannot stop", params=params, timeout=wait)

    def kill_container(self, name: str, signal: str = "SIGKILL") -> None:
        self._on(
            Subject("container", name), "post", "/kill", "cannot kill", params={"signal": signal}
        )

    def restart_container(self, name: str, timeout: int | None = None) -> None:
        params, wait = _stop_params(timeout)
        about = Subject("container", name)
        self._on(about, "post", "/restart", "cannot restart", params=params, timeout=wait)

    def remove_container(self, name: str, force: bool = False, volumes: bool = False) -> None:
        # libpod reads "volumes"; "v" is the docker-compatible name and is ignored here.
        params = {"force": force, "volumes": volumes}
        self._on(Subject("container", name), "delete", "", "cannot remove", params=params)

    def pause_container(self, name: str) -> None:
        self._on(Subject("container", name), "post", "/pause", "cannot pause")

    def unpause_container(self, name: str) -> None:
        self._on(Subject("container", name), "post", "/unpause", "cannot unpause")

    def wait_container(self, name: str) -> int:
        response = self._on(
            Subject("container", name),
            "post",
            "/wait",
            "cannot wait for it to exit",
            params={"condition": "stopped"},
            timeout=None,
        )
        return int(response.json())

    def container_exists(self, name: str) -> bool:
        return self._exists(f"/containers/{name}/exists")

    def _inspect(self, name: str) -> Mapping[str, Any]:
        found: Mapping[str, Any] = self._on(
            Subject("container", name), "get", "/json", "cannot inspect"
        ).json()
        return found

    def inspect_container(self, name: str) -> ContainerDetails:
        return convert.container_details(self._inspect(name))

    def container_state(self, name: str) -> ContainerState:
        return convert.container_state(self._inspect(name))

    def run_healthcheck(self, name: str) -> HealthResult:
        about = Subject("container", name)
        try:
            run = self._on(about, "get", "/healthcheck", "cannot run its healthcheck").json()
        except RuntimeOperationError as error:
            # Podman answers a check that outran its timeout with an error, yet records it as
            # one failed run (its docs: "a timeout marks the healthcheck as failed").
            if not convert.healthcheck_timed_out(str(error)):
                raise
            run = {"Status": "unhealthy"}
        # The run answers only pass/fail; streak and status live in the container's state.
        return convert.health_result(run, self._inspect(name))

    def logs(
        self,
        name: str,
        *,
        follow: bool = False,
        tail: int | None = None,
        since: str | None = None,
        until: str | None = None,
        timestamps: bool = False,
    ) -> Iterator[LogLine]:
        params: dict[str, Any] = {
            "stdout": True,
            "stderr": True,
            "follow": follow,
            "timestamps": timestamps,
        }
        optional = {"tail": tail, "since": since, "until": until}
        params |= {key: value for key, value in optional.items() if value is not None}
        response = self._on(
            Subject("container", name),
            "get",
            "/logs",
            "cannot read logs",
            params=params,
            stream=True,
            timeout=None,
        )
        try:
            yield from convert.log_lines(response.iter_content(chunk_size=None))
        finally:
            response.close()

    def exec(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        user: str = "",
        workdir: str = "",
        privileged: bool = False,
    ) -> ExecResult:
        about = Subject("container", name)
        action = f"cannot exec {command[0] if command else ''}".rstrip()
        what = f"{about}: {action}"
        body = {
            "Cmd": list(command),
            "AttachStdout": True,
            "AttachStderr": True,
            "Env": [f"{k}={v}" for k, v in (env or {}).items()],
            "User": user,
            "WorkingDir": workdir,
            "Privileged": privileged,
        }
        created = self._on(about, "post", "/exec", action, data=json.dumps(body)).json()
        exec_id = created["Id"]
        start = json.dumps({"Detach": False, "Tty": False})
        response = self._request(
            "post", f"/exec/{exec_id}/start", what, data=start, stream=True, timeout=None
        )
        out: list[str] = []
        err: list[str] = []
        for line in convert.log_lines(response.iter_content(chunk_size=None)):
            (out if line.stream == "stdout" else err).append(line.text)
        status = self._json("get", f"/exec/{exec_id}/json", what)
        return ExecResult(int(status.get("ExitCode") or 0), _joined(out), _joined(err))

    # -- on this terminal (the podman CLI, pointed at this service) -----------------------

    def exec_attached(self, name: str, request: ExecRequest) -> int:
        return TerminalPodman(self.url).exec(name, request)

    def start_attached(self, name: str, *, interactive: bool) -> int:
        return TerminalPodman(self.url).start(name, interactive=interactive)

    # -- networks and volumes -----------------------------------------------------------------

    def create_network(self, spec: NetworkSpec) -> str:
        body = json.dumps(specgen_objects.network_body(spec))
        raw = self._json(
            "post", "/networks/create", f"network {spec.name}: cannot create", data=body
        )
        return str(raw.get("id", ""))

    def remove_network(self, name: str, force: bool = False) -> None:
        self._on(Subject("network", name), "delete", "", "cannot remove", params={"force": force})

    def network_exists(self, name: str) -> bool:
        return self._exists(f"/networks/{name}/exists")

    def create_volume(self, spec: VolumeSpec) -> str:
        body = json.dumps(specgen_objects.volume_body(spec))
        raw = self._json("post", "/volumes/create", f"volume {spec.name}: cannot create", data=body)
        return str(raw.get("Name", ""))

    def remove_volume(self, name: str, force: bool = False) -> None:
        self._on(Subject("volume", name), "delete", "", "cannot remove", params={"force": force})

    def volume_exists(self, name: str) -> bool:
        return self._exists(f"/volumes/{name}/exists")

    def secret_exists(self, name: str) -> bool:
        # Podman 4.3 has no /secrets/{name}/exists; inspecting answers 404 for a missing one.
        return self._exists(f"/secrets/{name}/json", found=200)


def _stop_params(timeout: int | None) -> tuple[dict[str, int], float | None]:
    """Query params and an HTTP timeout long enough for Podman's own stop timeout."""
    if timeout is None:
        return {}, None
    return {"timeout": timeout}, float(timeout + STOP_GRACE)


def _joined(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _is_a_runtime(runtime: PodmanRuntime) -> Runtime:
    """Never called: mypy checks here that PodmanRuntime implements the Runtime protocol."""
    return runtime
