"""A fake Runtime for wiring tests of the operations and the CLI: containers and pods in memory,
every call recorded. Real effects are tested against Podman in tests/integration."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from composer.errors import ComposerError, InUseError
from composer.plan import labels
from composer.runtime.base import (
    BuildRequest,
    ContainerDetails,
    ContainerInfo,
    ContainerState,
    EngineInfo,
    ExecRequest,
    ExecResult,
    HealthcheckConfig,
    HealthResult,
    LabelFilter,
    LogLine,
    MountInfo,
    NetworkInfo,
    PodInfo,
    PublishedPort,
    Runtime,
    VersionInfo,
    VolumeInfo,
)
from composer.specs import ContainerSpec, HealthcheckSpec, NetworkSpec, PodSpec, VolumeSpec

CREATED = "2024-05-01T10:00:00.123456789Z"
STARTED = "2024-05-01T10:00:01Z"
FINISHED = "2024-05-01T10:00:02Z"
DATA = MountInfo("volume", "/data", name="demo_data", driver="local")


@dataclass
class Box:
    """One fake container."""

    name: str
    labels: dict[str, str]
    state: str = "running"
    exit_code: int = 0
    pod: str = ""
    ports: tuple[PublishedPort, ...] = ()
    lines: tuple[str, ...] = ()
    command: tuple[str, ...] = ("sh", "-c", "sleep 1000")
    image: str = "localhost/busybox:latest"
    healthcheck: HealthcheckConfig | None = None
    healthy: bool = True  # what its healthcheck answers
    mounts: tuple[MountInfo, ...] = (
        MountInfo("volume", "/data", name="demo_data", driver="local"),
    )
    requires: tuple[str, ...] = ()  # names of the containers Podman ties it to (`--requires`)
    health: str = ""  # what a listing shows: "", starting, healthy, unhealthy

    @property
    def id(self) -> str:
        return (self.name.encode().hex() * 8)[:64]


def service_box(project: str, service: str, number: int = 1, **kwargs: Any) -> Box:
    """A service container as composer labels it; `depends="db:service_started:true"`."""
    depends = kwargs.pop("depends", "")
    found = {
        labels.PROJECT: project,
        labels.SERVICE: service,
        labels.CONTAINER_NUMBER: str(number),
        labels.ONEOFF: "False",
    }
    if depends:
        found[labels.DEPENDS_ON] = depends
    return Box(f"{project}-{service}-{number}", found, **kwargs)


def podman_compose_box(project: str, service: str, *requires: str, pod: str = "") -> Box:
    """A container as podman-compose 1.6 makes it: no config hash, no depends_on label; its
    dependencies (all of them, transitively) are Podman's `--requires`."""
    found = {
        labels.PROJECT: project,
        labels.SERVICE: service,
        labels.CONTAINER_NUMBER: "1",
        labels.PODMAN_PROJECT: project,
        labels.PODMAN_SERVICE: service,
        "io.podman.compose.version": "1.6.0",
    }
    return Box(f"{project}_{service}_1", found, pod=pod, requires=requires)


@dataclass
class FakeRuntime:
    """Records (operation, name) in `calls`; containers change state as Podman's would.

    `failures[(operation, name)]` is raised by that call instead (e.g. `("start_pod", "pod_p")`).
    """

    boxes: dict[str, Box] = field(default_factory=dict)
    pods: list[PodInfo] = field(default_factory=list)
    infra_running: dict[str, bool] = field(default_factory=dict)
    networks: dict[str, NetworkInfo] = field(default_factory=dict)
    volumes: dict[str, VolumeInfo] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)  # local ref -> id; none: every ref local
    failures: dict[tuple[str, str], ComposerError] = field(default_factory=dict)
    unhealthy: set[str] = field(default_factory=set)  # containers made whose healthcheck fails
    calls: list[tuple[str, str]] = field(default_factory=list)
    log_calls: list[dict[str, Any]] = field(default_factory=list)
    specs: dict[str, ContainerSpec] = field(default_factory=dict)  # as created, by name
    exec_requests: list[tuple[str, ExecRequest]] = field(default_factory=list)
    exec_codes: dict[str, int] = field(default_factory=dict)  # container -> exec's exit code

    def _call(self, operation: str, name: str, shown: str | None = None) -> None:
        self.calls.append((operation, name if shown is None else shown))
        failure = self.failures.get((operation, name))
        if failure is not None:
            raise failure

    def add(self, *boxes: Box) -> FakeRuntime:
        for box in boxes:
            self.boxes[box.name] = box
        return self

    def ops(self, operation: str) -> list[str]:
        return [name for op, name in self.calls if op == operation]

    def _box(self, name: str) -> Box:
        if name in self.boxes:
            return self.boxes[name]
        raise AssertionError(f"unknown container {name}")

    # engine and listings
    def ping(self) -> bool:
        return True

    def version(self) -> VersionInfo:
        return VersionInfo("4.3.1", "4.3.1")

    def info(self) -> EngineInfo:
        return EngineInfo(version="4.3.1", rootless=False, oci_runtime="runc")

    def list_containers(self, labels: LabelFilter) -> list[ContainerInfo]:
        return [self._info(b) for b in self.boxes.values() if _matches(b.labels, labels)]

    def _info(self, box: Box) -> ContainerInfo:
        return ContainerInfo(
            name=box.name,
            id=box.id,
            labels=dict(box.labels),
            state=box.state,
            health=box.health,
            exit_code=box.exit_code,
            image=box.image,
            image_id="sha256:1",
            created=CREATED,
            pod=box.pod,
            ports=box.ports,
        )

    def list_pods(self, labels: LabelFilter) -> list[PodInfo]:
        return [p for p in self.pods if _matches(p.labels, labels)]

    def list_networks(self, labels: LabelFilter) -> list[NetworkInfo]:
        return [n for n in self.networks.values() if _matches(n.labels, labels)]

    def list_volumes(self, labels: LabelFilter) -> list[VolumeInfo]:
        return [v for v in self.volumes.values() if _matches(v.labels, labels)]

    # pods
    def create_pod(self, spec: PodSpec) -> str:
        self._call("create_pod", spec.name)
        infra = f"{spec.name}-infra" if spec.infra else ""
        if infra:
            self.infra_running[infra] = False
        pod_id = f"id-{spec.name}"
        self.pods.append(PodInfo(spec.name, pod_id, dict(spec.labels), "Created", infra, ()))
        return pod_id

    def start_pod(self, name: str) -> None:
        self._call("start_pod", name)
        for index, pod in enumerate(self.pods):
            if pod.name == name:
                self.pods[index] = replace(pod, state="Running")
                if pod.infra_id:
                    self.infra_running[pod.infra_id] = True

    def stop_pod(self, name: str, timeout: int | None = None) -> None:
        self._call("stop_pod", name)

    def remove_pod(self, name: str, force: bool = True) -> None:
        self._call("remove_pod", name)
        self.pods = [p for p in self.pods if p.name != name]

    def pod_exists(self, name: str) -> bool:
        return any(p.name == name for p in self.pods)

    # containers
    def create_container(self, spec: ContainerSpec, *, pull_missing: bool = True) -> str:
        self._call("create", spec.name)
        self.specs[spec.name] = spec
        pod = next((p.id for p in self.pods if p.name == spec.pod), "")
        box = Box(spec.name, dict(spec.labels), state="created", pod=pod, image=spec.image)
        box.healthcheck = _stored(spec.healthcheck)
        box.healthy = spec.name not in self.unhealthy
        box.mounts = tuple(
            MountInfo(m.type, m.target, name=m.source or f"anon-{spec.name}", source=m.source)
            for m in spec.mounts
        )
        self.add(box)
        return self.boxes[spec.name].id

    def start_container(self, name: str) -> None:
        self._call("start", name)
        if name in self.infra_running:
            self.infra_running[name] = True
        else:
            self._box(name).state = "running"

    def stop_container(self, name: str, timeout: int | None = None) -> None:
        self._call("stop", name, name if timeout is None else f"{name} -t {timeout}")
        if name in self.infra_running:
            self.infra_running[name] = False
        else:
            self._box(name).state = "exited"

    def kill_container(self, name: str, signal: str = "SIGKILL") -> None:
        self._call("kill", name, f"{name} {signal}")
        self._box(name).state = "exited"

    def restart_container(self, name: str, timeout: int | None = None) -> None:
        self._call("restart", name, name if timeout is None else f"{name} -t {timeout}")
        self._box(name).state = "running"

    def remove_container(self, name: str, force: bool = False, volumes: bool = False) -> None:
        self._call("remove", name, f"{name} volumes={volumes}")
        dependents = [b.name for b in self.boxes.values() if name in b.requires]
        if dependents:  # as Podman refuses it, even forced
            raise InUseError(
                f"container {name}: cannot remove: has dependent containers which must be "
                f"removed before it: {', '.join(dependents)}",
                kind="container",
                name=name,
            )
        del self.boxes[name]

    def pause_container(self, name: str) -> None:
        self._call("pause", name)
        self._box(name).state = "paused"

    def unpause_container(self, name: str) -> None:
        self._call("unpause", name)
        self._box(name).state = "running"

    def wait_container(self, name: str) -> int:
        return self._box(name).exit_code

    def container_exists(self, name: str) -> bool:
        return name in self.boxes

    def container_state(self, name: str) -> ContainerState:
        if name in self.infra_running:
            running = self.infra_running[name]
            return ContainerState("running" if running else "exited", running, "", 0, "", "")
        box = self._box(name)
        running = box.state == "running"
        return ContainerState(box.state, running, "", box.exit_code, STARTED, FINISHED)

    def inspect_container(self, name: str) -> ContainerDetails:
        box = self._box(name)
        return ContainerDetails(
            name=box.name,
            created=CREATED,
            command=box.command,
            state=self.container_state(name),
            healthcheck=box.healthcheck,
            mounts=box.mounts,
            networks=("demo_default",),
            dependencies=tuple(self._box(required).id for required in box.requires),
        )

    def run_healthcheck(self, name: str) -> HealthResult:
        self._call("healthcheck", name)
        box = self._box(name)
        return HealthResult(box.healthy, "healthy" if box.healthy else "unhealthy", 0)

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
        self.log_calls.append({"name": name, "follow": follow, "tail": tail, "since": since})
        lines = self._box(name).lines
        shown = lines if tail is None else lines[len(lines) - tail :] if tail else ()
        for text in shown:
            yield LogLine("stdout", f"{STARTED} {text}" if timestamps else text)

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
        return ExecResult(0, "", "")

    def exec_attached(self, name: str, request: ExecRequest) -> int:
        self._call("exec_attached", name)
        self.exec_requests.append((name, request))
        return self.exec_codes.get(name, 0)

    def start_attached(self, name: str, *, interactive: bool) -> int:
        self._call("start_attached", name, f"{name} interactive={interactive}")
        box = self._box(name)
        box.state = "exited"
        return box.exit_code

    # networks and volumes
    def create_network(self, spec: NetworkSpec) -> str:
        self._call("create_network", spec.name)
        self.networks[spec.name] = NetworkInfo(spec.name, f"id-{spec.name}", dict(spec.labels), "")
        return spec.name

    def remove_network(self, name: str, force: bool = False) -> None:
        self._call("remove_network", name)
        del self.networks[name]

    def network_exists(self, name: str) -> bool:
        return name in self.networks

    def create_volume(self, spec: VolumeSpec) -> str:
        self._call("create_volume", spec.name)
        self.volumes[spec.name] = VolumeInfo(spec.name, dict(spec.labels), "local", "")
        return spec.name

    def remove_volume(self, name: str, force: bool = False) -> None:
        self._call("remove_volume", name)
        del self.volumes[name]

    def volume_exists(self, name: str) -> bool:
        return name in self.volumes

    def secret_exists(self, name: str) -> bool:
        return False

    # images
    def image_exists(self, ref: str) -> bool:
        return self.image_id(ref) is not None

    def image_id(self, ref: str) -> str | None:
        return self.images.get(ref) if self.images else "sha256:1"

    def image_volumes(self, ref: str) -> tuple[str, ...]:
        return ()

    def pull_image(self, ref: str) -> str:
        self._call("pull", ref)
        self.images[ref] = f"sha256:{ref}"
        return self.images[ref]

    def build_image(self, request: BuildRequest) -> str:
        self._call("build", request.tag)
        self.images[request.tag] = f"sha256:{request.tag}"
        return self.images[request.tag]

    def remove_image(self, ref: str) -> None:
        self._call("remove_image", ref)


def _stored(spec: HealthcheckSpec | None) -> HealthcheckConfig | None:
    """The healthcheck Podman stores for a container made from `spec`."""
    if spec is None or spec.disabled or not spec.test:
        return None
    return HealthcheckConfig(
        spec.test,
        interval=spec.interval or 0.0,
        timeout=spec.timeout or 0.0,
        retries=spec.retries or 0,
        start_period=spec.start_period or 0.0,
    )


def _matches(found: Mapping[str, str], wanted: LabelFilter) -> bool:
    return all(
        key in found and (value is None or found[key] == value) for key, value in wanted.items()
    )


def as_runtime(fake: FakeRuntime) -> Runtime:
    """mypy checks here that the fake implements the Runtime protocol."""
    return fake
