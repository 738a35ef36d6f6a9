"""The Runtime on the Podman REST API through podman-py: the only module that imports podman."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import podman
import requests
from podman.errors import APIError, BuildError, PodmanError

from composer import console
from composer.errors import PodmanUnavailableError, RuntimeOperationError
from composer.plan.specs import ContainerSpec, NetworkSpec, PodSpec, VolumeSpec
from composer.runtime import convert, specgen
from composer.runtime.base import (
    BuildRequest,
    ContainerInfo,
    ContainerState,
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

STOP_GRACE = 30  # seconds added to a stop timeout before the HTTP request gives up


def _log_request(method: str, path: str, status: int, started: float) -> None:
    # Method, path and status only: request bodies carry environment values (secrets).
    elapsed = (time.monotonic() - started) * 1000
    console.debug(f"podman API: {method.upper()} {path} -> {status} ({elapsed:.0f} ms)")


class PodmanRuntime:
    """A Runtime talking to one Podman API service; URL from composer.runtime.socket."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = podman.PodmanClient(base_url=url)
        self._api = self._client.api

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]

    # -- plumbing -----------------------------------------------------------------------------

    def _request(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        """Send one request; turn every failure into a composer error that names `what`."""
        started = time.monotonic()
        try:
            response = getattr(self._api, method)(path, **kwargs)
            _log_request(method, path, response.status_code, started)
            response.raise_for_status()
        except APIError as error:
            self._fail(what, convert.podman_message(error.explanation, str(error)))
        except requests.exceptions.ConnectionError as error:
            raise PodmanUnavailableError(
                f"{what}: lost the connection to the Podman service at {self.url}: {error}",
                hint="run the command again; composer restarts its Podman service if needed",
            ) from None
        except PodmanError as error:
            self._fail(what, str(error))
        return response

    def _fail(self, what: str, said: str) -> NoReturn:
        port = convert.port_in_use(said)
        if port is not None:
            raise RuntimeOperationError(
                f"{what}: port {port} is already in use on the host ({said})",
                hint="stop what uses that port, or publish the service on another host port",
            )
        raise RuntimeOperationError(f"{what}: {said}")

    def _exists(self, path: str, found: int = 204) -> bool:
        started = time.monotonic()
        try:
            response = self._api.get(path)
        except requests.exceptions.ConnectionError as error:
            raise PodmanUnavailableError(
                f"lost the connection to Podman at {self.url}: {error}"
            ) from None
        _log_request("get", path, response.status_code, started)
        return bool(response.status_code == found)

    def _json(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        return self._request(method, path, what, **kwargs).json()

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

    def info(self) -> Mapping[str, Any]:
        result: Mapping[str, Any] = self._json("get", "/info", "podman info")
        return result

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
        body = json.dumps(specgen.pod_body(spec))
        raw = self._json("post", "/pods/create", f"pod {spec.name}: cannot create", data=body)
        return str(raw.get("Id", ""))

    def start_pod(self, name: str) -> None:
        self._request("post", f"/pods/{name}/start", f"pod {name}: cannot start")

    def stop_pod(self, name: str, timeout: int | None = None) -> None:
        params, wait = _stop_params(timeout)
        self._request(
            "post", f"/pods/{name}/stop", f"pod {name}: cannot stop", params=params, timeout=wait
        )

    def remove_pod(self, name: str, force: bool = True) -> None:
        self._request(
            "delete", f"/pods/{name}", f"pod {name}: cannot remove", params={"force": force}
        )

    def pod_exists(self, name: str) -> bool:
        return self._exists(f"/pods/{name}/exists")

    # -- containers ---------------------------------------------------------------------------

    def create_container(self, spec: ContainerSpec, *, pull_missing: bool = True) -> str:
        what = f"container {spec.name}"
        if not self.image_exists(spec.image):
            if not pull_missing:
                raise RuntimeOperationError(
                    f'{what}: image "{spec.image}" not found locally',
                    hint="build or pull the image first",
                )
            self._pull(spec.image, what=f'{what}: image "{spec.image}" not found locally')
        body = json.dumps(specgen.container_body(spec))
        raw = self._json("post", "/containers/create", f"{what}: cannot create", data=body)
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
        self._request("post", f"/containers/{name}/start", f"container {name}: cannot start")

    def stop_container(self, name: str, timeout: int | None = None) -> None:
        params, wait = _stop_params(timeout)
        self._request(
            "post",
            f"/containers/{name}/stop",
            f"container {name}: cannot stop",
            params=params,
            timeout=wait,
        )

    def kill_container(self, name: str, signal: str = "SIGKILL") -> None:
        self._request(
            "post",
            f"/containers/{name}/kill",
            f"container {name}: cannot kill",
            params={"signal": signal},
        )

    def restart_container(self, name: str, timeout: int | None = None) -> None:
        params, wait = _stop_params(timeout)
        self._request(
            "post",
            f"/containers/{name}/restart",
            f"container {name}: cannot restart",
            params=params,
            timeout=wait,
        )

    def remove_container(self, name: str, force: bool = False, volumes: bool = False) -> None:
        # libpod reads "volumes"; "v" is the docker-compatible name and is ignored here.
        params = {"force": force, "volumes": volumes}
        self._request(
            "delete", f"/containers/{name}", f"container {name}: cannot remove", params=params
        )

    def pause_container(self, name: str) -> None:
        self._request("post", f"/containers/{name}/pause", f"container {name}: cannot pause")

    def unpause_container(self, name: str) -> None:
        self._request("post", f"/containers/{name}/unpause", f"container {name}: cannot unpause")

    def wait_container(self, name: str) -> int:
        what = f"container {name}: cannot wait for it to exit"
        raw = self._json(
            "post", f"/containers/{name}/wait", what, params={"condition": "stopped"}, timeout=None
        )
        return int(raw)

    def container_exists(self, name: str) -> bool:
        return self._exists(f"/containers/{name}/exists")

    def inspect_container(self, name: str) -> Mapping[str, Any]:
        result: Mapping[str, Any] = self._json(
            "get", f"/containers/{name}/json", f"container {name}: cannot inspect"
        )
        return result

    def container_state(self, name: str) -> ContainerState:
        return convert.container_state(self.inspect_container(name))

    def run_healthcheck(self, name: str) -> HealthResult:
        what = f"container {name}: cannot run its healthcheck"
        run = self._json("get", f"/containers/{name}/healthcheck", what)
        # The run answers only pass/fail; streak and status live in the container's state.
        return convert.health_result(run, self.inspect_container(name))

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
        response = self._request(
            "get",
            f"/containers/{name}/logs",
            f"container {name}: cannot read logs",
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
        what = f"container {name}: cannot exec {command[0] if command else ''}".rstrip()
        body = {
            "Cmd": list(command),
            "AttachStdout": True,
            "AttachStderr": True,
            "Env": [f"{k}={v}" for k, v in (env or {}).items()],
            "User": user,
            "WorkingDir": workdir,
            "Privileged": privileged,
        }
        created = self._json("post", f"/containers/{name}/exec", what, data=json.dumps(body))
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

    # -- networks and volumes -----------------------------------------------------------------

    def create_network(self, spec: NetworkSpec) -> str:
        body = json.dumps(specgen.network_body(spec))
        raw = self._json(
            "post", "/networks/create", f"network {spec.name}: cannot create", data=body
        )
        return str(raw.get("id", ""))

    def remove_network(self, name: str, force: bool = False) -> None:
        self._request(
            "delete", f"/networks/{name}", f"network {name}: cannot remove", params={"force": force}
        )

    def network_exists(self, name: str) -> bool:
        return self._exists(f"/networks/{name}/exists")

    def create_volume(self, spec: VolumeSpec) -> str:
        body = json.dumps(specgen.volume_body(spec))
        raw = self._json("post", "/volumes/create", f"volume {spec.name}: cannot create", data=body)
        return str(raw.get("Name", ""))

    def remove_volume(self, name: str, force: bool = False) -> None:
        self._request(
            "delete", f"/volumes/{name}", f"volume {name}: cannot remove", params={"force": force}
        )

    def volume_exists(self, name: str) -> bool:
        return self._exists(f"/volumes/{name}/exists")

    def secret_exists(self, name: str) -> bool:
        # Podman 4.3 has no /secrets/{name}/exists; inspecting answers 404 for a missing one.
        return self._exists(f"/secrets/{name}/json", found=200)

    # -- images -------------------------------------------------------------------------------

    def image_exists(self, ref: str) -> bool:
        return self._exists(f"/images/{ref}/exists")

    def image_id(self, ref: str) -> str | None:
        if not self.image_exists(ref):
            return None
        raw = self._json("get", f"/images/{ref}/json", f'image "{ref}": cannot inspect')
        return str(raw.get("Id", ""))

    def image_volumes(self, ref: str) -> tuple[str, ...]:
        if not self.image_exists(ref):
            return ()
        raw = self._json("get", f"/images/{ref}/json", f'image "{ref}": cannot inspect')
        return convert.image_volumes(raw)

    def pull_image(self, ref: str) -> str:
        return self._pull(ref, what=f'image "{ref}" is not available locally')

    def _pull(self, ref: str, what: str) -> str:
        params = {"reference": ref, "policy": "missing"}
        response = self._request(
            "post",
            "/images/pull",
            f"{what} and could not be pulled",
            params=params,
            stream=True,
            timeout=None,
        )
        image_id, error = convert.pull_outcome(response.iter_lines())
        if error or not image_id:
            raise RuntimeOperationError(
                f"{what} and could not be pulled: {error or 'Podman reported no image'}",
                hint="check the image name, or build the image locally first",
            )
        return image_id

    def build_image(self, request: BuildRequest) -> str:
        what = f'image "{request.tag}": build failed'
        options: dict[str, Any] = {
            "path": str(request.context),
            "tag": request.tag,
            "buildargs": dict(request.args),
            "labels": dict(request.labels),
            "pull": request.pull,
            "nocache": request.no_cache,
            # The podman CLI's default; the API's leaves a failed build's container behind.
            "forcerm": True,
        }
        options["dockerfile"] = request.containerfile or _default_containerfile(request.context)
        if request.target:
            options["target"] = request.target
        if request.network:
            options["network_mode"] = request.network
        try:
            image, _ = self._client.images.build(**options)
        except APIError as error:
            self._fail(what, convert.podman_message(error.explanation, str(error)))
        except BuildError as error:
            reason = str(getattr(error, "msg", "") or error)
            self._fail(what, convert.build_failure(reason, getattr(error, "build_log", None) or ()))
        except PodmanError as error:
            self._fail(what, str(getattr(error, "msg", "") or error))
        return str(image.id)


def _default_containerfile(context: Path) -> str:
    """Podman's own choice: Containerfile, else Dockerfile (podman-py would invent a name)."""
    if not (context / "Containerfile").exists() and (context / "Dockerfile").exists():
        return "Dockerfile"
    return "Containerfile"


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
