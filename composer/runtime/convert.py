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

from composer.runtime.base import (
    ContainerInfo,
    ContainerState,
    HealthResult,
    LabelFilter,
    LogLine,
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
# Podman 4.x lists the bare health ("healthy") as Status; docker style is "Up 3s (healthy)".
HEALTH_IN_STATUS = re.compile(
    r"^\(?(healthy|unhealthy|starting)\)?$|\((healthy|unhealthy|starting)\)"
)
STREAMS: dict[int, Literal["stdout", "stderr"]] = {1: "stdout", 2: "stderr"}


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


def container_state(inspect: Mapping[str, Any]) -> ContainerState:
    """The State part of a container inspect."""
    state = inspect.get("State") or {}
    # Podman 4.3 calls it Healthcheck; later versions (and docker) call it Health.
    health = state.get("Health") or state.get("Healthcheck") or {}
    return ContainerState(
        status=str(state.get("Status", "")),
        running=bool(state.get("Running")),
        health=str(health.get("Status", "")),
        exit_code=int(state.get("ExitCode") or 0),
        started_at=str(state.get("StartedAt", "")),
        finished_at=str(state.get("FinishedAt", "")),
        error=str(state.get("Error") or ""),
    )


def healthcheck_timed_out(said: str) -> bool:
    """Podman's error for a healthcheck command that ran longer than its timeout."""
    return "healthcheck command exceeded timeout" in said


def health_result(run: Mapping[str, Any], inspect: Mapping[str, Any]) -> HealthResult:
    """A healthcheck run's answer plus the health Podman recorded (streak, last output)."""
    state = inspect.get("State") or {}
    health = state.get("Health") or state.get("Healthcheck") or {}
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


def port_in_use(message: str) -> str | None:
    """ "127.0.0.1:8080/tcp" when Podman's message says a host port is taken."""
    found = PORT_IN_USE.search(message)
    if not found:
        return None
    addr = found.group("addr")
    where = f"{addr}:" if addr else ""
    return f"{where}{found.group('port')}/{found.group('proto')}"


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
