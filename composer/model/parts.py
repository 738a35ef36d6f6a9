"""The parts of a service: ports, mounts, networks, dependencies, healthcheck and friends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Conditions a dependency can wait for (compose specification `depends_on.condition`).
SERVICE_STARTED = "service_started"
SERVICE_HEALTHY = "service_healthy"
SERVICE_COMPLETED_SUCCESSFULLY = "service_completed_successfully"


@dataclass(frozen=True, slots=True)
class PortMapping:
    """One `ports` entry; `published` is a string because it may be a range (`8080-8081`)."""

    target: int
    published: str | None = None
    host_ip: str | None = None
    protocol: str = "tcp"
    mode: str = "ingress"
    name: str | None = None
    app_protocol: str | None = None

    @property
    def published_range(self) -> tuple[int, int] | None:
        """The published ports as (first, last), or None when the host port is ephemeral."""
        if not self.published:
            return None
        first, _, last = self.published.partition("-")
        return int(first), int(last or first)


@dataclass(frozen=True, slots=True)
class BindOptions:
    """`volumes[].bind`: propagation, SELinux relabelling (`z`/`Z`), host path creation."""

    propagation: str | None = None
    create_host_path: bool = False
    selinux: str | None = None
    recursive: str | None = None


@dataclass(frozen=True, slots=True)
class VolumeOptions:
    """`volumes[].volume`: do not copy image data in; mount a sub-path of the volume."""

    nocopy: bool = False
    subpath: str | None = None


@dataclass(frozen=True, slots=True)
class TmpfsOptions:
    """`volumes[].tmpfs`: size in bytes and the file mode of the mount point."""

    size: int | None = None
    mode: int | None = None


@dataclass(frozen=True, slots=True)
class Mount:
    """One `volumes` entry in long syntax: a bind, a named or anonymous volume, a tmpfs, ..."""

    type: str
    target: str
    source: str | None = None
    read_only: bool = False
    consistency: str | None = None
    bind: BindOptions | None = None
    volume: VolumeOptions | None = None
    tmpfs: TmpfsOptions | None = None
    image_subpath: str | None = None

    @property
    def is_anonymous(self) -> bool:
        """A volume without a source: created fresh for the container."""
        return self.type == "volume" and not self.source


@dataclass(frozen=True, slots=True)
class ServiceNetwork:
    """How a service attaches to one network (`networks.<name>`; null means all defaults)."""

    aliases: tuple[str, ...] = ()
    ipv4_address: str | None = None
    ipv6_address: str | None = None
    link_local_ips: tuple[str, ...] = ()
    mac_address: str | None = None
    priority: int = 0
    gw_priority: int = 0
    interface_name: str | None = None
    driver_opts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DependsOn:
    """One `depends_on` entry: wait for `condition`; `restart` follows the dependency's restarts."""

    condition: str = SERVICE_STARTED
    required: bool = True
    restart: bool = False


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """`healthcheck`, durations in seconds; `test` starts with CMD, CMD-SHELL or NONE."""

    test: tuple[str, ...] = ()
    interval: float | None = None
    timeout: float | None = None
    retries: int | None = None
    start_period: float | None = None
    start_interval: float | None = None
    disable: bool = False

    @property
    def disabled(self) -> bool:
        """`disable: true` and `test: [NONE]` both turn the image's healthcheck off."""
        return self.disable or self.test[:1] == ("NONE",)


@dataclass(frozen=True, slots=True)
class Ulimit:
    """One `ulimits` entry; a single number in the file sets both limits."""

    soft: int
    hard: int


@dataclass(frozen=True, slots=True)
class Logging:
    """`logging`: the log driver and its options."""

    driver: str | None = None
    options: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FileReference:
    """What a service's `secrets` and `configs` entries share; `mode` is an int (0o440)."""

    source: str
    target: str | None = None
    uid: str | None = None
    gid: str | None = None
    mode: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceSecret(FileReference):
    """A secret a service mounts (default target `/run/secrets/<source>`)."""


@dataclass(frozen=True, slots=True)
class ServiceConfig(FileReference):
    """A config a service mounts (default target `/<source>`)."""


@dataclass(frozen=True, slots=True)
class Device:
    """One `devices` entry: host path, container path, cgroup permissions."""

    source: str
    target: str
    permissions: str = "rwm"


@dataclass(frozen=True, slots=True)
class ExtraHost:
    """One `extra_hosts` entry: a name and the address it resolves to."""

    hostname: str
    address: str


@dataclass(frozen=True, slots=True)
class DeviceRequest:
    """A GPU or device reservation (`gpus`, `deploy.resources.reservations.devices`).

    `count` -1 means all devices.
    """

    capabilities: tuple[str, ...] = ()
    driver: str | None = None
    count: int | None = None
    device_ids: tuple[str, ...] = ()
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ServiceHook:
    """A `post_start` / `pre_stop` hook: a command run inside the service container."""

    command: tuple[str, ...]
    user: str | None = None
    privileged: bool = False
    working_dir: str | None = None
    environment: Mapping[str, str | None] = field(default_factory=dict)
