"""The Runtime protocol: everything composer asks of a container engine, and the records it gets."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from composer.specs import ContainerSpec, NetworkSpec, PodSpec, VolumeSpec

# Label filters: key -> value, or key -> None for "has this label, any value".
LabelFilter = Mapping[str, str | None]


@dataclass(frozen=True)
class PublishedPort:
    """A port published on the host, as the engine reports it."""

    container_port: int
    protocol: str
    host_ip: str
    host_port: int


@dataclass(frozen=True)
class ContainerInfo:
    """One container from a listing."""

    name: str
    id: str
    labels: Mapping[str, str]
    state: str  # created, running, paused, exited, ...
    health: str  # "" when the container has no healthcheck
    exit_code: int
    image: str
    image_id: str
    created: str  # RFC 3339
    pod: str  # pod id, "" outside a pod
    ports: tuple[PublishedPort, ...] = ()


@dataclass(frozen=True)
class PodInfo:
    """One pod from a listing."""

    name: str
    id: str
    labels: Mapping[str, str]
    state: str
    infra_id: str
    containers: tuple[str, ...]


@dataclass(frozen=True)
class NetworkInfo:
    """One network from a listing."""

    name: str
    id: str
    labels: Mapping[str, str]
    driver: str


@dataclass(frozen=True)
class VolumeInfo:
    """One volume from a listing."""

    name: str
    labels: Mapping[str, str]
    driver: str
    mountpoint: str


@dataclass(frozen=True)
class ContainerState:
    """What `inspect` says about a container's life."""

    status: str
    running: bool
    health: str  # "", starting, healthy, unhealthy
    exit_code: int
    started_at: str
    finished_at: str
    error: str = ""


@dataclass(frozen=True)
class HealthcheckConfig:
    """The healthcheck Podman stored for a container (the image's or the service's).

    Durations in seconds; 0 (and retries 0) means not set, so Podman's default applies.
    """

    test: tuple[str, ...]
    interval: float = 0.0
    timeout: float = 0.0
    retries: int = 0
    start_period: float = 0.0


@dataclass(frozen=True)
class MountInfo:
    """One mount of a container, as `inspect` reports it."""

    type: str  # volume, bind, tmpfs, ...
    destination: str
    name: str = ""  # a volume's name
    source: str = ""
    driver: str = ""


@dataclass(frozen=True)
class ContainerDetails:
    """What `inspect` says about one container, as far as composer reads it."""

    name: str
    created: str  # RFC 3339
    command: tuple[str, ...]  # the entrypoint's path, then its arguments
    state: ContainerState
    healthcheck: HealthcheckConfig | None  # None: the container has none (or it is disabled)
    mounts: tuple[MountInfo, ...] = ()
    networks: tuple[str, ...] = ()  # names, sorted
    # ids of the containers Podman keeps this one tied to (`--requires`, a namespace or
    # volumes_from source): Podman refuses to remove those while this one exists
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdMapping:
    """One line of a user namespace's ID map: `size` IDs from `container_id` are `host_id`..."""

    container_id: int
    host_id: int
    size: int


@dataclass(frozen=True)
class EngineInfo:
    """What `podman info` says about the engine, as far as composer reads it."""

    version: str
    rootless: bool
    oci_runtime: str = ""
    uid_map: tuple[IdMapping, ...] = ()  # Podman's own user namespace; () when rootful
    gid_map: tuple[IdMapping, ...] = ()


@dataclass(frozen=True)
class HealthResult:
    """One healthcheck run: did it pass, and the container's health as Podman now records it."""

    passed: bool
    status: str  # the container's health after this run: starting, healthy, unhealthy
    failing_streak: int
    output: str = ""  # what the check printed


@dataclass(frozen=True)
class LogLine:
    """One line of container output; text keeps no trailing newline."""

    stream: Literal["stdout", "stderr"]
    text: str


@dataclass(frozen=True)
class ExecResult:
    """Exit code and output of a command run in a container."""

    exit_code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class ExecRequest:
    """A command run in a running container on this process's terminal (`composer exec`)."""

    command: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)  # values stay out of argv
    user: str = ""
    workdir: str = ""
    privileged: bool = False
    tty: bool = False
    interactive: bool = True  # stdin passed to the command
    detach: bool = False


@dataclass(frozen=True)
class VersionInfo:
    """Engine and API versions."""

    version: str
    api_version: str


@dataclass(frozen=True)
class BuildRequest:
    """An image build: context dir, Containerfile (relative to it), tag and options."""

    context: Path
    tag: str
    containerfile: str = ""
    args: Mapping[str, str] = field(default_factory=dict)
    target: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    pull: bool = False
    no_cache: bool = False
    network: str = ""  # network mode of the build's RUN steps (host, none, ...); "" = Podman's
    inline_containerfile: str = ""  # `dockerfile_inline`: used instead of a file


class Runtime(Protocol):
    """A container engine. Errors are composer.errors.RuntimeOperationError naming the object,
    typed where callers act on them: PortInUseError, NotFoundError, InUseError."""

    # engine
    def ping(self) -> bool: ...
    def version(self) -> VersionInfo: ...
    def info(self) -> EngineInfo: ...

    # listings (by label)
    def list_containers(self, labels: LabelFilter) -> list[ContainerInfo]:
        """All containers (any state) with these labels, pod infra containers excluded."""
        ...

    def list_pods(self, labels: LabelFilter) -> list[PodInfo]: ...
    def list_networks(self, labels: LabelFilter) -> list[NetworkInfo]: ...
    def list_volumes(self, labels: LabelFilter) -> list[VolumeInfo]: ...

    # pods
    def create_pod(self, spec: PodSpec) -> str: ...
    def start_pod(self, name: str) -> None: ...
    def stop_pod(self, name: str, timeout: int | None = None) -> None: ...
    def remove_pod(self, name: str, force: bool = True) -> None: ...
    def pod_exists(self, name: str) -> bool: ...

    # containers
    def create_container(self, spec: ContainerSpec, *, pull_missing: bool = True) -> str: ...
    def start_container(self, name: str) -> None: ...
    def stop_container(self, name: str, timeout: int | None = None) -> None: ...
    def kill_container(self, name: str, signal: str = "SIGKILL") -> None: ...
    def restart_container(self, name: str, timeout: int | None = None) -> None: ...
    def remove_container(self, name: str, force: bool = False, volumes: bool = False) -> None: ...
    def pause_container(self, name: str) -> None: ...
    def unpause_container(self, name: str) -> None: ...
    def wait_container(self, name: str) -> int: ...
    def container_exists(self, name: str) -> bool: ...
    def container_state(self, name: str) -> ContainerState: ...
    def inspect_container(self, name: str) -> ContainerDetails: ...
    def run_healthcheck(self, name: str) -> HealthResult: ...
    def logs(
        self,
        name: str,
        *,
        follow: bool = False,
        tail: int | None = None,
        since: str | None = None,
        until: str | None = None,
        timestamps: bool = False,
    ) -> Iterator[LogLine]: ...
    def exec(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        user: str = "",
        workdir: str = "",
        privileged: bool = False,
    ) -> ExecResult: ...

    # on this process's terminal (stdin, stdout, stderr): interactive work
    def exec_attached(self, name: str, request: ExecRequest) -> int:
        """Run the command in the running container, attached; its exit code (0 once started
        with `detach`; 126/127 when it cannot run or does not exist, as Podman gives)."""
        ...

    def start_attached(self, name: str, *, interactive: bool) -> int:
        """Start a created container attached (stdin too when `interactive`); the container's
        exit code, or 126/127 when its command cannot run or does not exist."""
        ...

    # networks and volumes
    def create_network(self, spec: NetworkSpec) -> str: ...
    def remove_network(self, name: str, force: bool = False) -> None: ...
    def network_exists(self, name: str) -> bool: ...
    def create_volume(self, spec: VolumeSpec) -> str: ...
    def remove_volume(self, name: str, force: bool = False) -> None: ...
    def volume_exists(self, name: str) -> bool: ...
    def secret_exists(self, name: str) -> bool: ...

    # images
    def image_exists(self, ref: str) -> bool: ...
    def image_id(self, ref: str) -> str | None: ...
    def image_volumes(self, ref: str) -> tuple[str, ...]:
        """The paths the local image declares as VOLUME (none when it is not local)."""
        ...

    def pull_image(self, ref: str) -> str: ...
    def build_image(self, request: BuildRequest) -> str: ...
    def remove_image(self, ref: str) -> None:
        """Remove the image (untag `ref` when the image has other names); InUseError while a
        container uses it."""
        ...
