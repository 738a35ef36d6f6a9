"""Turn Podman API answers (JSON, log frames, error texts) into composer's records and messages."""

from __future__ import annotations

import io
import json
import re
import struct
import tarfile
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

from composer.errors import InUseError, NotFoundError, PortInUseError, RuntimeOperationError
from composer.runtime.base import (
    ContainerDetails,
    ContainerInfo,
    ContainerState,
    EngineInfo,
    HealthcheckConfig,
    HealthResult,
    IdMapping,
    LabelFilter,
    LogLine,
    MountInfo,
    NetworkInfo,
    PodInfo,
    PublishedPort,
    VolumeInfo,
)
from composer.specs import FileCopySpec

PORT_IN_USE = re.compile(
    r"listen (?P<proto>tcp|udp|sctp)[46]? (?P<addr>\S*?):(?P<port>\d+): "
    r"bind: address already in use"
)
BUSY = re.compile(r"\bis being used\b|\bin use\b")
USERS = re.compile(r"following container\(s\): (?P<ids>[0-9a-f]+(?:[, ]+[0-9a-f]+)*)")
# Podman 4.x lists the bare health ("healthy") as Status; docker style is "Up 3s (healthy)".
HEALTH_IN_STATUS = re.compile(
    r"^\(?(healthy|unhealthy|starting)\)?$|\((healthy|unhealthy|starting)\)"
)
STREAMS: dict[int, Literal["stdout", "stderr"]] = {1: "stdout", 2: "stderr"}
NANOSECONDS = 1_000_000_000
NOT_FOUND = 404  # HTTP status


def label_filters(labels: LabelFilter) -> dict[str, list[str]]:
    """Podman's `filters` for a label selection: every label must match."""
    wanted = [key if value is None else f"{key}={value}" for key, value in labels.items()]
    return {"label": wanted} if wanted else {}


def filters_param(labels: LabelFilter) -> dict[str, str]:
    """The query parameters carrying a label selection."""
    filters = label_filters(labels)
    return {"filters": json.dumps(filters)} if filters else {}


def _ports(raw: Iterable[Mapping[str, Any]] | None) -> tuple[PublishedPort, ...]:
    result: list[PublishedPort] = []
    for item in raw or ():
        width = int(item.get("range") or 1)
        for offset in range(width):
            result.append(
                PublishedPort(
                    container_port=int(item.get("container_port", 0)) + offset,
                    protocol=str(item.get("protocol") or "tcp"),
                    host_ip=str(item.get("host_ip") or ""),
                    host_port=int(item.get("host_port", 0)) + offset,
                )
            )
    return tuple(result)


def container_info(raw: Mapping[str, Any]) -> ContainerInfo:
    """A record from one entry of GET /libpod/containers/json."""
    names = raw.get("Names") or [""]
    health = HEALTH_IN_STATUS.search(str(raw.get("Status") or ""))
    return ContainerInfo(
        name=str(names[0]),
        id=str(raw.get("Id", "")),
        labels=dict(raw.get("Labels") or {}),
        state=str(raw.get("State", "")),
        health=(health.group(1) or health.group(2)) if health else "",
        exit_code=int(raw.get("ExitCode") or 0),
        image=str(raw.get("Image", "")),
        image_id=str(raw.get("ImageID", "")),
        created=str(raw.get("Created", "")),
        pod=str(raw.get("Pod") or ""),
        ports=_ports(raw.get("Ports")),
    )


def pod_info(raw: Mapping[str, Any]) -> PodInfo:
    """A record from one entry of GET /libpod/pods/json."""
    members = tuple(str(c.get("Names", "")) for c in raw.get("Containers") or ())
    return PodInfo(
        name=str(raw.get("Name", "")),
        id=str(raw.get("Id", "")),
        labels=dict(raw.get("Labels") or {}),
        state=str(raw.get("Status", "")),
        infra_id=str(raw.get("InfraId") or ""),
        containers=members,
    )


def network_info(raw: Mapping[str, Any]) -> NetworkInfo:
    """A record from one entry of GET /libpod/networks/json."""
    return NetworkInfo(
        name=str(raw.get("name", "")),
        id=str(raw.get("id", "")),
        labels=dict(raw.get("labels") or {}),
        driver=str(raw.get("driver", "")),
    )


def volume_info(raw: Mapping[str, Any]) -> VolumeInfo:
    """A record from one entry of GET /libpod/volumes/json."""
    return VolumeInfo(
        name=str(raw.get("Name", "")),
        labels=dict(raw.get("Labels") or {}),
        driver=str(raw.get("Driver", "")),
        mountpoint=str(raw.get("Mountpoint", "")),
    )


def _health(state: Mapping[str, Any]) -> Mapping[str, Any]:
    # Podman 4.3 calls it Healthcheck; later versions (and docker) call it Health.
    found: Mapping[str, Any] = state.get("Health") or state.get("Healthcheck") or {}
    return found


def container_state(inspect: Mapping[str, Any]) -> ContainerState:
    """The State part of a container inspect."""
    state = inspect.get("State") or {}
    health = _health(state)
    return ContainerState(
        status=str(state.get("Status", "")),
        running=bool(state.get("Running")),
        health=str(health.get("Status", "")),
        exit_code=int(state.get("ExitCode") or 0),
        started_at=str(state.get("StartedAt", "")),
        finished_at=str(state.get("FinishedAt", "")),
        error=str(state.get("Error") or ""),
    )


def container_details(inspect: Mapping[str, Any]) -> ContainerDetails:
    """A record from GET /libpod/containers/{name}/json."""
    path = str(inspect.get("Path") or "")
    networks = (inspect.get("NetworkSettings") or {}).get("Networks") or {}
    return ContainerDetails(
        name=str(inspect.get("Name") or ""),
        created=str(inspect.get("Created") or ""),
        command=(path, *(str(a) for a in inspect.get("Args") or ())) if path else (),
        state=container_state(inspect),
        healthcheck=healthcheck_config((inspect.get("Config") or {}).get("Healthcheck") or {}),
        mounts=tuple(_mount(raw) for raw in inspect.get("Mounts") or ()),
        networks=tuple(sorted(str(name) for name in networks)),
        dependencies=tuple(str(dep) for dep in inspect.get("Dependencies") or ()),
    )


def _mount(raw: Mapping[str, Any]) -> MountInfo:
    return MountInfo(
        type=str(raw.get("Type") or ""),
        destination=str(raw.get("Destination") or ""),
        name=str(raw.get("Name") or ""),
        source=str(raw.get("Source") or ""),
        driver=str(raw.get("Driver") or ""),
    )


def healthcheck_config(raw: Mapping[str, Any]) -> HealthcheckConfig | None:
    """A stored healthcheck (durations in nanoseconds); None when there is none or it is NONE."""
    test = tuple(str(part) for part in raw.get("Test") or ())
    if not test or test[0] == "NONE":
        return None
    return HealthcheckConfig(
        test=test,
        interval=_seconds(raw.get("Interval")),
        timeout=_seconds(raw.get("Timeout")),
        retries=int(raw.get("Retries") or 0),
        start_period=_seconds(raw.get("StartPeriod")),
    )


def _seconds(nanoseconds: Any) -> float:
    return float(nanoseconds) / NANOSECONDS if nanoseconds else 0.0


def engine_info(raw: Mapping[str, Any]) -> EngineInfo:
    """A record from GET /libpod/info."""
    host = raw.get("host")
    host = host if isinstance(host, Mapping) else {}
    security = host.get("security")
    rootless = bool(isinstance(security, Mapping) and security.get("rootless"))
    version = raw.get("version")
    runtime = host.get("ociRuntime")
    mappings = host.get("idMappings")
    mappings = mappings if rootless and isinstance(mappings, Mapping) else {}
    return EngineInfo(
        version=str((version.get("Version") if isinstance(version, Mapping) else None) or ""),
        rootless=rootless,
        oci_runtime=str((runtime.get("name") if isinstance(runtime, Mapping) else None) or ""),
        uid_map=id_mappings(mappings.get("uidmap")),
        gid_map=id_mappings(mappings.get("gidmap")),
    )


def id_mappings(raw: object) -> tuple[IdMapping, ...]:
    """`host.idMappings.uidmap` (container_id/host_id/size entries); () when any is malformed."""
    if not isinstance(raw, list):
        return ()
    entries = [item for item in raw if isinstance(item, Mapping)]
    try:
        return tuple(
            IdMapping(int(e["container_id"]), int(e["host_id"]), int(e["size"])) for e in entries
        )
    except (KeyError, TypeError, ValueError):
        return ()


def healthcheck_timed_out(said: str) -> bool:
    """Podman's error for a healthcheck command that ran longer than its timeout."""
    return "healthcheck command exceeded timeout" in said


def health_result(run: Mapping[str, Any], inspect: Mapping[str, Any]) -> HealthResult:
    """A healthcheck run's answer plus the health Podman recorded (streak, last output)."""
    health = _health(inspect.get("State") or {})
    log = health.get("Log") or []
    output = str(log[-1].get("Output", "")) if log else ""
    return HealthResult(
        passed=run.get("Status") == "healthy",
        status=str(health.get("Status") or run.get("Status") or ""),
        failing_streak=int(health.get("FailingStreak") or 0),
        output=output.rstrip("\n"),
    )


def log_lines(chunks: Iterable[bytes]) -> Iterator[LogLine]:
    """Split a multiplexed log stream (8-byte frame headers) into lines per stream."""
    buffer = b""
    pending: dict[int, bytes] = {1: b"", 2: b""}
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= 8:
            kind, size = struct.unpack(">BxxxL", buffer[:8])
            if len(buffer) < 8 + size:
                break
            payload, buffer = buffer[8 : 8 + size], buffer[8 + size :]
            stream = 2 if kind == 2 else 1
            *complete, pending[stream] = (pending[stream] + payload).split(b"\n")
            for line in complete:
                yield LogLine(STREAMS[stream], line.decode(errors="replace"))
    for stream, rest in pending.items():
        if rest:
            yield LogLine(STREAMS[stream], rest.decode(errors="replace"))


def podman_message(explanation: str | None, fallback: str) -> str:
    """The human part of a Podman error body (JSON with message/Errs, or plain text)."""
    text = (explanation or "").strip()
    try:
        body = json.loads(text)
    except ValueError:
        return text or fallback
    if isinstance(body, dict):
        errs = body.get("Errs") or body.get("errs")
        if errs:
            return "; ".join(str(e) for e in errs)
        return str(body.get("message") or body.get("cause") or fallback)
    return text or fallback


def port_in_use(message: str) -> tuple[str, int, str] | None:
    """(host ip, port, protocol) when Podman's message says a host port is taken ("": any ip)."""
    found = PORT_IN_USE.search(message)
    if not found:
        return None
    host_ip = found.group("addr").removeprefix("[").removesuffix("]")
    return host_ip, int(found.group("port")), found.group("proto")


def in_use(message: str) -> bool:
    """Podman refuses to remove a network, volume or image something still uses.

    Networks and volumes say "... is being used", images "image is in use by a container".
    """
    return bool(BUSY.search(message))


def in_use_by(message: str) -> tuple[str, ...]:
    """The containers a refusal names (volumes: "used by the following container(s): ID, ...")."""
    found = USERS.search(message)
    return tuple(found.group("ids").replace(",", " ").split()) if found else ()


def operation_error(
    what: str,
    said: str,
    *,
    kind: str = "",
    name: str = "",
    status: int | None = None,
    removing: bool = False,
) -> RuntimeOperationError:
    """The error for Podman's answer `said` to `what`; typed where callers act on it.

    A taken host port is a PortInUseError; a 404 about the `kind` object `name` a NotFoundError;
    its removal refused because something still uses it an InUseError.
    """
    taken = port_in_use(said)
    if taken is not None:
        host_ip, port, protocol = taken
        return PortInUseError(what, said, host_ip=host_ip, port=port, protocol=protocol)
    message = f"{what}: {said}"
    if kind and status == NOT_FOUND:
        return NotFoundError(message, kind=kind, name=name)
    if kind and removing and in_use(said):
        return InUseError(message, kind=kind, name=name, users=in_use_by(said))
    return RuntimeOperationError(message)


def pull_outcome(lines: Iterable[bytes]) -> tuple[str, str]:
    """(image id, error) from the JSON lines of POST /libpod/images/pull."""
    image_id, error = "", ""
    for raw in lines:
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except ValueError:
            continue
        if item.get("error"):
            error = str(item["error"])
        if item.get("id"):
            image_id = str(item["id"])
    return image_id, error


BUILD_LOG_TAIL = 15  # lines of build output a build failure shows


def build_failure(reason: str, log: Iterable[bytes]) -> str:
    """Podman's reason for a failed build, with the last lines of output that led to it."""
    lines: list[str] = []
    for raw in log:
        try:
            item = json.loads(raw)
        except ValueError:
            continue
        if isinstance(item, dict):
            lines += str(item.get("stream", "")).splitlines()
    tail = [line for line in lines if line.strip()][-BUILD_LOG_TAIL:]
    return "\n".join([reason.strip(), *(f"  {line}" for line in tail)])


def image_volumes(inspect: Mapping[str, Any]) -> tuple[str, ...]:
    """The VOLUME paths of a libpod image inspect answer, sorted."""
    config = inspect.get("Config") or {}
    volumes = config.get("Volumes") or {}
    return tuple(sorted(str(path) for path in volumes))


def files_tar(copies: Iterable[FileCopySpec]) -> bytes:
    """A tar of files at absolute paths, for Podman's copy API to unpack at `/`.

    Podman creates missing parent directories and makes the container's user own the files
    (it ignores the tar's owners), so only the mode is set here.
    """
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for copy in copies:
            add_file(tar, copy.target.lstrip("/"), copy.content, copy.mode)
    return buffer.getvalue()


def add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
    """One regular file made from bytes, dated now."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, time.time()
    tar.addfile(info, io.BytesIO(data))
