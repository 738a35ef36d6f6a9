"""`ps`: the project's containers as docker compose lists them, as a table or JSON lines.

The listing gives names, states and published ports; an inspect of each container adds what
docker compose shows besides (command, start and exit times, health, mounts, networks). In shared
pod mode every container reports the pod's published ports, which belong to its infra container.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from composer.errors import NotFoundError
from composer.ops.state import is_oneoff
from composer.ops.view import ProjectView, docker_state
from composer.plan import labels
from composer.runtime.base import ContainerDetails, ContainerInfo, PublishedPort, Runtime

# docker compose's --status values.
STATUSES = ("paused", "restarting", "removing", "running", "dead", "created", "exited")
# What `ps` lists without --all: what docker's engine calls running (paused ones included).
UP_STATES = frozenset({"running", "paused", "restarting"})
COLUMNS = ("NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS")
MIN_WIDTH, PADDING = 10, 3  # docker's tabwriter settings
COMMAND_WIDTH, MOUNT_WIDTH, SHORT_ID = 20, 15, 12
LOCAL = ("local", "")  # the volume drivers docker counts as LocalVolumes
ANY_ADDRESS = "0.0.0.0"  # noqa: S104 - how docker shows a port published on every address


@dataclass(frozen=True)
class Publisher:
    """A published port, with docker compose's JSON field names in `as_json`."""

    url: str
    target_port: int
    published_port: int
    protocol: str

    def as_json(self) -> dict[str, Any]:
        return {
            "URL": self.url,
            "TargetPort": self.target_port,
            "PublishedPort": self.published_port,
            "Protocol": self.protocol,
        }


@dataclass(frozen=True)
class Row:
    """One container as `ps` shows it; times are epoch seconds (None: never)."""

    id: str
    name: str
    image: str
    command: str
    project: str
    service: str
    state: str  # docker's vocabulary: running, exited, created, paused, ...
    health: str
    exit_code: int
    created: float | None
    started: float | None
    finished: float | None
    publishers: tuple[Publisher, ...] = ()
    networks: tuple[str, ...] = ()
    mounts: tuple[str, ...] = ()
    local_volumes: int = 0
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PsOptions:
    """`ps` flags that choose the containers."""

    services: tuple[str, ...] = ()
    all: bool = False
    statuses: tuple[str, ...] = ()
    orphans: bool = True


def parse_time(text: str) -> float | None:
    """RFC 3339 (nanoseconds allowed) as epoch seconds; None for Go's zero time or nothing."""
    if not text or text.startswith("0001-"):
        return None
    head, dot, rest = text.partition(".")
    if dot:
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def human_duration(seconds: float) -> str:
    """A duration as docker words it: `Less than a second`, `5 seconds`, `About an hour`, ..."""
    whole = int(seconds)
    if whole < 1:
        return "Less than a second"
    if whole == 1:
        return "1 second"
    if whole < 60:
        return f"{whole} seconds"
    minutes = whole // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / 3600 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def _since(moment: float | None, now: float) -> str:
    return human_duration(max(now - (moment or now), 0.0))


def status_text(row: Row, now: float) -> str:
    """docker's STATUS column: `Up 5 seconds (healthy)`, `Exited (0) 2 minutes ago`, ..."""
    if row.state == "paused":
        return f"Up {_since(row.started, now)} (Paused)"
    if row.state == "restarting":
        return f"Restarting ({row.exit_code}) {_since(row.finished, now)} ago"
    if row.state == "running":
        health = {"starting": "health: starting"}.get(row.health, row.health)
        suffix = f" ({health})" if health else ""
        return f"Up {_since(row.started, now)}{suffix}"
    if row.state == "removing":
        return "Removal In Progress"
    if row.state == "dead":
        return "Dead"
    if row.started is None:
        return "Created"
    if row.finished is None:
        return ""
    return f"Exited ({row.exit_code}) {_since(row.finished, now)} ago"


def _host(url: str) -> str:
    """An address as it precedes `:port`: IPv6 in brackets."""
    return f"[{url}]" if ":" in url else url


def ports_text(publishers: Iterable[Publisher]) -> str:
    """docker's PORTS column: `127.0.0.1:8080->80/tcp`, runs of ports joined into ranges."""
    ordered = sorted(publishers, key=lambda p: (p.url, p.protocol, p.target_port))
    runs: list[list[Publisher]] = []
    for port in ordered:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and (last.url, last.protocol) == (port.url, port.protocol)
            and port.target_port == last.target_port + 1
            and port.published_port == last.published_port + 1
        ):
            runs[-1].append(port)
        else:
            runs.append([port])
    parts = []
    for run in runs:
        first, end = run[0], run[-1]
        target = str(first.target_port)
        published = str(first.published_port)
        if len(run) > 1:
            target += f"-{end.target_port}"
            published += f"-{end.published_port}"
        if not first.published_port:
            parts.append(f"{target}/{first.protocol}")
        else:
            parts.append(f"{_host(first.url)}:{published}->{target}/{first.protocol}")
    return ", ".join(parts)


def ellipsis(text: str, width: int) -> str:
    """Cut `text` to `width` characters, the last one `…`, as docker truncates."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _publishers(ports: Iterable[PublishedPort]) -> tuple[Publisher, ...]:
    found = {
        Publisher(p.host_ip or ANY_ADDRESS, p.container_port, p.host_port, p.protocol)
        for p in ports
    }
    return tuple(sorted(found, key=lambda p: (p.target_port, p.protocol, p.url)))


def make_row(info: ContainerInfo, details: ContainerDetails) -> Row:
    """One row from a listing entry and the container's inspect."""
    state = details.state
    current = docker_state(info.state)
    return Row(
        id=info.id,
        name=info.name,
        image=info.image,
        command=" ".join(details.command),
        project=info.labels.get(labels.PROJECT, ""),
        service=info.labels.get(labels.SERVICE, ""),
        state=current,
        health=state.health or info.health,
        exit_code=state.exit_code or info.exit_code,
        created=parse_time(details.created or info.created),
        started=parse_time(state.started_at),
        finished=parse_time(state.finished_at),
        publishers=_publishers(info.ports) if current in UP_STATES else (),
        networks=details.networks,
        mounts=tuple(m.name or m.source for m in details.mounts),
        local_volumes=sum(1 for m in details.mounts if m.type == "volume" and m.driver in LOCAL),
        labels=dict(info.labels),
    )


def chosen_containers(view: ProjectView, options: PsOptions) -> list[ContainerInfo]:
    """The containers `ps` lists, by name: one-offs and stopped ones only with --all/--status."""
    every = options.all or bool(options.statuses)
    wanted = set(options.services)
    if not wanted and not options.orphans and view.project is not None:
        wanted = set(view.project.services)
    found = []
    for info in view.observed.containers:
        if is_oneoff(info) and not every:
            continue
        if wanted and info.labels.get(labels.SERVICE, "") not in wanted:
            continue
        state = docker_state(info.state)
        if not every and state not in UP_STATES:
            continue
        if options.statuses and state not in options.statuses:
            continue
        found.append(info)
    return sorted(found, key=lambda c: c.name)


def list_rows(runtime: Runtime, view: ProjectView, options: PsOptions) -> list[Row]:
    """The rows `ps` prints; a container removed meanwhile is left out."""
    rows = []
    for info in chosen_containers(view, options):
        try:
            details = runtime.inspect_container(info.name)
        except NotFoundError:
            continue
        rows.append(make_row(info, details))
    return rows


def _command(row: Row, no_trunc: bool) -> str:
    return json.dumps(
        row.command if no_trunc else ellipsis(row.command, COMMAND_WIDTH), ensure_ascii=False
    )


def table_lines(
    rows: Sequence[Row], *, now: float | None = None, no_trunc: bool = False
) -> list[str]:
    """docker compose's table: columns at least 10 wide, 3 spaces apart; the last unpadded."""
    moment = time.time() if now is None else now
    cells = [list(COLUMNS)] + [
        [
            row.name,
            row.image,
            _command(row, no_trunc),
            row.service,
            f"{_since(row.created, moment)} ago",
            status_text(row, moment),
            ports_text(row.publishers),
        ]
        for row in rows
    ]
    widths = [max(MIN_WIDTH, max(len(line[i]) for line in cells) + PADDING) for i in range(6)]
    return [
        "".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)) + line[6]
        for line in cells
    ]


def _created_at(moment: float | None) -> str:
    """Go's time.String() of the creation second, in local time: `2024-05-01 10:00:00 +0000 UTC`."""
    if moment is None:
        return ""
    local = datetime.fromtimestamp(int(moment)).astimezone()
    return local.strftime("%Y-%m-%d %H:%M:%S %z %Z")


def json_record(row: Row, *, now: float | None = None, no_trunc: bool = False) -> dict[str, Any]:
    """One container with docker compose's `ps --format json` fields and value shapes."""
    moment = time.time() if now is None else now
    mounts = row.mounts if no_trunc else tuple(ellipsis(m, MOUNT_WIDTH) for m in row.mounts)
    return {
        "Command": _command(row, no_trunc),
        "CreatedAt": _created_at(row.created),
        "ExitCode": row.exit_code,
        "Health": row.health,
        "ID": row.id if no_trunc else row.id[:SHORT_ID],
        "Image": row.image,
        "Labels": ",".join(f"{k}={v}" for k, v in sorted(row.labels.items())),
        "LocalVolumes": str(row.local_volumes),
        "Mounts": ",".join(mounts),
        "Name": row.name,
        "Names": row.name,
        "Networks": ",".join(row.networks),
        "Ports": ports_text(row.publishers),
        "Project": row.project,
        "Publishers": [p.as_json() for p in row.publishers],
        "RunningFor": f"{_since(row.created, moment)} ago",
        "Service": row.service,
        "Size": "0B",
        "State": row.state,
        "Status": status_text(row, moment),
    }


def json_lines(
    rows: Sequence[Row], *, now: float | None = None, no_trunc: bool = False
) -> list[str]:
    """One JSON object a line, as docker compose prints `ps --format json`."""
    return [go_json(json_record(row, now=now, no_trunc=no_trunc)) for row in rows]


def go_json(value: Any) -> str:
    """Compact JSON with `<`, `>` and `&` escaped, byte for byte as Go's encoder writes it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def service_names(rows: Iterable[Row]) -> list[str]:
    """`ps --services`: each listed container's service once, in listing order."""
    return list(dict.fromkeys(row.service for row in rows))
