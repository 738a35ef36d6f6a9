"""What exists for a project, found by its labels (labels are composer's only state)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from composer.plan import labels
from composer.plan.names import pod_name
from composer.runtime.base import ContainerInfo, NetworkInfo, PodInfo, Runtime, VolumeInfo


def container_number(info: ContainerInfo) -> int:
    """The replica number from the label (0 for one-off containers)."""
    try:
        return int(info.labels.get(labels.CONTAINER_NUMBER, "0"))
    except ValueError:
        return 0


def is_oneoff(info: ContainerInfo) -> bool:
    return info.labels.get(labels.ONEOFF, "False") == "True"


def labels_tell_needs(info: ContainerInfo) -> bool:
    """Whether the labels say what the container needs: composer (and docker compose) write the
    depends_on label along with the config hash. podman-compose writes neither; it ties a
    container to its dependencies with Podman's `--requires` instead."""
    return labels.CONFIG_HASH in info.labels


@dataclass
class ObservedState:
    """A project's containers (by service, in replica order), pod, networks and volumes."""

    project: str
    containers: list[ContainerInfo] = field(default_factory=list)
    pods: list[PodInfo] = field(default_factory=list)
    networks: list[NetworkInfo] = field(default_factory=list)
    volumes: list[VolumeInfo] = field(default_factory=list)

    def by_service(self, *, oneoff: bool = False) -> dict[str, list[ContainerInfo]]:
        """Service name -> its containers sorted by replica number (one-offs excluded)."""
        grouped: dict[str, list[ContainerInfo]] = defaultdict(list)
        for info in self.containers:
            if is_oneoff(info) and not oneoff:
                continue
            grouped[info.labels.get(labels.SERVICE, "")].append(info)
        return {s: sorted(c, key=container_number) for s, c in sorted(grouped.items())}

    def services(self) -> list[str]:
        return list(self.by_service())

    def project_pod(self) -> PodInfo | None:
        """The pod `pod_<project>`, whatever mode made it: `up` in another mode (none included)
        must see it to replace or remove it."""
        name = pod_name(self.project)
        return next((pod for pod in self.pods if pod.name == name), None)


def _project_filter(project: str) -> dict[str, str | None]:
    return {labels.PROJECT: project}


def observe(runtime: Runtime, project: str, *, resources: bool = True) -> ObservedState:
    """List everything carrying the project's label; networks/volumes only when asked."""
    selector = _project_filter(project)
    state = ObservedState(project, containers=runtime.list_containers(selector))
    state.pods = runtime.list_pods(selector)
    adopted = adoptable_pod(runtime, state)
    if adopted is not None:
        state.pods.append(adopted)
    if resources:
        state.networks = runtime.list_networks(selector)
        state.volumes = runtime.list_volumes(selector)
    return state


def adoptable_pod(runtime: Runtime, state: ObservedState) -> PodInfo | None:
    """podman-compose's unlabelled `pod_<project>`, when only the project's containers are in it.

    podman-compose labels its containers (which composer finds) but not its pod; adopting the
    pod lets `up` replace it and `down` remove it instead of failing on the taken name.
    """
    name = pod_name(state.project)
    if not state.containers or any(pod.name == name for pod in state.pods):
        return None
    ours = {info.name for info in state.containers}
    for pod in runtime.list_pods({}):
        if pod.name != name:
            continue
        members = {member for member in pod.containers if member != f"{pod.id[:12]}-infra"}
        return pod if members and members <= ours else None
    return None
