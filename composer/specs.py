"""Runtime-neutral descriptions of what to create: pods, containers, networks, volumes.

The planner fills these from the model; a Runtime turns them into real objects. Durations are
seconds (float), sizes are bytes (int). Empty values mean "not set: keep Podman's default".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

MountType = Literal["bind", "volume", "tmpfs"]
RestartPolicyName = Literal["no", "always", "on-failure", "unless-stopped"]


@dataclass(frozen=True)
class PortSpec:
    """A published port: host_ip:host_port -> container_port/protocol, `range` ports wide."""

    container_port: int
    host_port: int = 0  # 0: Podman picks a free port
    host_ip: str = ""
    protocol: str = "tcp"
    range: int = 1  # consecutive ports, starting at both host_port and container_port


@dataclass(frozen=True)
class HostEntry:
    """One extra /etc/hosts line: name resolves to ip."""

    name: str
    ip: str


@dataclass(frozen=True)
class NetworkAttachment:
    """A network a container (or pod) joins, with its DNS aliases and static addresses."""

    name: str
    aliases: tuple[str, ...] = ()
    ipv4_address: str = ""
    ipv6_address: str = ""
    mac_address: str = ""
    interface_name: str = ""


@dataclass(frozen=True)
class MountSpec:
    """A bind mount, a named or anonymous volume (source ""), or a tmpfs."""

    type: MountType
    target: str
    source: str = ""
    read_only: bool = False
    selinux: Literal["", "z", "Z"] = ""  # relabel; only meaningful for binds and volumes
    propagation: str = ""  # rprivate, shared, ...
    nocopy: bool = False  # volumes: do not copy image content in
    tmpfs_size: int | None = None
    tmpfs_mode: int | None = None
    options: tuple[str, ...] = ()  # anything else, passed to Podman as mount options
    create_host_path: bool = False  # binds: the executor creates a missing source directory

    @property
    def anonymous(self) -> bool:
        return self.type == "volume" and not self.source


@dataclass(frozen=True)
class FileCopySpec:
    """A secret or config with no host file: its content is copied into the container."""

    what: str  # `secret "token"`, for messages
    target: str  # absolute path in the container
    content: bytes = field(repr=False)  # may be a secret: never printed
    mode: int = 0o444
    owner: str = ""  # the file's uid:gid as asked; Podman gives copies to the container's user


@dataclass(frozen=True)
class SecretRefSpec:
    """An external secret: a Podman secret object that Podman mounts into the container."""

    name: str  # the Podman secret's name
    target: str  # absolute path in the container
    uid: int = 0
    gid: int = 0
    mode: int = 0o444


@dataclass(frozen=True)
class DeviceRuleSpec:
    """A `device_cgroup_rules` entry ("c 1:3 mr"); None major/minor is the `*` wildcard."""

    type: str  # a (all), c (char) or b (block)
    major: int | None
    minor: int | None
    access: str  # some of r, w, m


@dataclass(frozen=True)
class HealthcheckSpec:
    """What Podman stores as the container's healthcheck; composer also runs it itself."""

    test: tuple[str, ...]  # ("CMD", "arg", ...) or ("CMD-SHELL", "command line")
    interval: float | None = None
    timeout: float | None = None
    retries: int | None = None
    start_period: float | None = None
    start_interval: float | None = None  # not stored by Podman 4.x; composer's own poller uses it
    disabled: bool = False  # `disable: true` / test NONE: also switches off the image's check


@dataclass(frozen=True)
class UlimitSpec:
    """A resource limit: nofile, nproc, core, ..."""

    name: str
    soft: int
    hard: int


@dataclass(frozen=True)
class DeviceSpec:
    """A host device made visible in the container."""

    host_path: str
    container_path: str = ""  # "" means the same path
    permissions: str = ""  # "rwm" when empty


@dataclass(frozen=True)
class RestartSpec:
    """Restart policy and, for on-failure, how often."""

    policy: RestartPolicyName = "no"
    max_retries: int = 0


@dataclass(frozen=True)
class LogSpec:
    """Log driver and its options (k8s-file, journald, json-file, none, passthrough)."""

    driver: str = ""
    options: Mapping[str, str] = field(default_factory=dict)


DeviceRate = tuple[str, int]  # (device path, weight or rate)


@dataclass(frozen=True)
class BlkioSpec:
    """`blkio_config`: a weight, per-device weights, and per-device byte and IO rate limits."""

    weight: int | None = None
    weight_device: tuple[DeviceRate, ...] = ()
    read_bps: tuple[DeviceRate, ...] = ()
    write_bps: tuple[DeviceRate, ...] = ()
    read_iops: tuple[DeviceRate, ...] = ()
    write_iops: tuple[DeviceRate, ...] = ()


@dataclass(frozen=True)
class ResourcesSpec:
    """cgroup limits (ignored by Podman where the host cannot apply them)."""

    memory_limit: int | None = None
    memory_reservation: int | None = None
    memory_swap: int | None = None
    cpus: float | None = None
    cpu_shares: int | None = None
    cpuset: str = ""
    pids_limit: int | None = None
    memory_swappiness: int | None = None
    cpu_period: int | None = None  # microseconds; with cpu_quota, instead of what cpus gives
    cpu_quota: int | None = None
    oom_kill_disable: bool = False
    cpu_rt_period: int | None = None
    cpu_rt_runtime: int | None = None
    blkio: BlkioSpec = field(default_factory=BlkioSpec)

    @property
    def empty(self) -> bool:
        return self == ResourcesSpec()


@dataclass(frozen=True)
class PodSpec:
    """A pod: in `shared` mode its infra container owns ports, hosts entries and DNS."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    infra: bool = True
    infra_image: str = ""  # "" means Podman's own pause image
    ports: tuple[PortSpec, ...] = ()
    hosts: tuple[HostEntry, ...] = ()
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_opt: tuple[str, ...] = ()
    share: tuple[str, ...] = ("net", "ipc")  # namespaces the containers share; no uts: own hostname
    userns: str = ""
    networks: tuple[NetworkAttachment, ...] = ()
    infra_ulimits: tuple[UlimitSpec, ...] = ()


@dataclass(frozen=True)
class ContainerSpec:
    """One container, with every compose service setting composer passes on."""

    name: str
    image: str
    pod: str = ""
    command: tuple[str, ...] | None = None  # None: the image's CMD
    entrypoint: tuple[str, ...] | None = None  # None: the image's; () clears it
    env: Mapping[str, str] = field(default_factory=dict)
    working_dir: str = ""
    user: str = ""
    hostname: str = ""
    domainname: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    privileged: bool = False
    devices: tuple[DeviceSpec, ...] = ()
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_opt: tuple[str, ...] = ()
    extra_hosts: tuple[HostEntry, ...] = ()
    init: bool = False
    ulimits: tuple[UlimitSpec, ...] = ()
    sysctls: Mapping[str, str] = field(default_factory=dict)
    security_opt: tuple[str, ...] = ()
    read_only: bool = False
    shm_size: int | None = None
    stop_signal: str = ""
    stop_timeout: int | None = None
    tty: bool = False
    stdin_open: bool = False
    restart: RestartSpec = field(default_factory=RestartSpec)
    healthcheck: HealthcheckSpec | None = None
    logging: LogSpec = field(default_factory=LogSpec)
    resources: ResourcesSpec = field(default_factory=ResourcesSpec)
    tmpfs: tuple[str, ...] = ()  # compose `tmpfs:` entries, "path" or "path:options"
    mounts: tuple[MountSpec, ...] = ()
    networks: tuple[NetworkAttachment, ...] = ()  # separate/none pod modes only
    ports: tuple[PortSpec, ...] = ()  # separate/none pod modes only
    expose: tuple[PortSpec, ...] = ()
    userns: str = ""
    network_mode: str = ""  # host, none, bridge, container:NAME, ns:PATH, slirp4netns, ...
    ipc: str = ""
    pid: str = ""
    group_add: tuple[str, ...] = ()
    volumes_from: tuple[str, ...] = ()  # "container[:ro|rw]"
    uts: str = ""  # host
    cgroupns: str = ""  # host, private
    cgroup_parent: str = ""
    oom_score_adj: int | None = None
    device_cgroup_rules: tuple[DeviceRuleSpec, ...] = ()
    oci_runtime: str = ""  # runc, crun, ...
    storage_opt: Mapping[str, str] = field(default_factory=dict)
    copies: tuple[FileCopySpec, ...] = ()  # written in after create, before the first start
    secrets: tuple[SecretRefSpec, ...] = ()  # external secrets, from Podman's secret store
    auto_remove: bool = False  # one-off containers (`run --rm -d`): Podman removes it on exit


@dataclass(frozen=True)
class SubnetSpec:
    """One IPAM pool of a network."""

    subnet: str
    gateway: str = ""
    ip_range: str = ""


@dataclass(frozen=True)
class NetworkSpec:
    """A project network."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    driver: str = "bridge"
    options: Mapping[str, str] = field(default_factory=dict)
    internal: bool = False
    ipv6: bool = False
    subnets: tuple[SubnetSpec, ...] = ()
    dns_enabled: bool = True


@dataclass(frozen=True)
class VolumeSpec:
    """A named volume."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    driver: str = "local"
    options: Mapping[str, str] = field(default_factory=dict)
