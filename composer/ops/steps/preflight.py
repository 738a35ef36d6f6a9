"""The host checks `up` makes before creating anything, with facts from the Podman it talks to."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import cached_property

from composer.errors import ConfigError
from composer.model import Project
from composer.plan import idmap
from composer.plan.ownership import OwnershipNote, ownership_notes
from composer.plan.podman_secrets import missing_secrets
from composer.plan.podmode import PodMode
from composer.plan.preflight import check_host
from composer.runtime.base import EngineInfo, IdMapping, Runtime

PORT_START_FILE = "/proc/sys/net/ipv4/ip_unprivileged_port_start"
REMOTE_SCHEMES = ("ssh://", "tcp://", "http://", "https://")


def parse_version(text: str) -> tuple[int, int] | None:
    """`4.3.1` -> (4, 3)."""
    parts = text.split(".")
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), int(parts[1])


def is_local(podman_url: str | None) -> bool:
    """A Unix socket (or none named yet) is this machine's Podman: its sysctls are ours."""
    return not (podman_url or "").startswith(REMOTE_SCHEMES)


class RuntimeFacts:
    """HostFacts from `podman info`, asked for at most once and only when a check needs it."""

    def __init__(self, runtime: Runtime, *, local: bool) -> None:
        self.runtime = runtime
        self.local = local

    @cached_property
    def _info(self) -> EngineInfo:
        return self.runtime.info()

    @property
    def rootless(self) -> bool:
        return self._info.rootless

    @cached_property
    def uid_map(self) -> idmap.IdMap:
        return _id_map(self._info.uid_map)

    @cached_property
    def gid_map(self) -> idmap.IdMap:
        return _id_map(self._info.gid_map)

    @cached_property
    def podman_version(self) -> tuple[int, int] | None:
        return parse_version(self._info.version)

    @cached_property
    def unprivileged_port_start(self) -> int | None:
        if not self.local:
            return None
        try:
            with open(PORT_START_FILE, encoding="ascii") as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            return None


def _id_map(mappings: Iterable[IdMapping]) -> idmap.IdMap:
    return tuple(idmap.IdRange(m.container_id, m.host_id, m.size) for m in mappings)


def needs_note(note: OwnershipNote) -> bool:
    """Worth saying when the directory is missing or not yet the container user's on the host."""
    try:
        found = os.stat(note.source)
    except OSError:
        return True
    return os.path.isdir(note.source) and found.st_uid != note.host_uid


def preflight(
    runtime: Runtime,
    project: Project,
    pod_mode: PodMode,
    scales: Mapping[str, int] | None = None,
    *,
    podman_url: str | None = None,
) -> list[str]:
    """Raise for what this Podman refuses; return the ownership notes `up` should print."""
    facts = RuntimeFacts(runtime, local=is_local(podman_url))
    check_host(project, pod_mode, facts, scales)
    missing = missing_secrets(project, runtime.secret_exists)
    if missing:
        raise ConfigError(missing)
    return [
        f"{note.line()}; to let it write there, run `{note.fix()}`"
        for note in ownership_notes(project, facts, scales)
        if needs_note(note)
    ]
