"""`down`: the project's containers (dependents first), its pod and networks; volumes with -v;
images with --rmi. Without a compose file the project comes from its labels alone.

Only objects carrying the project's label are touched: a pod that still holds someone else's
container, or a network another container uses, is kept with a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import partial

from composer.errors import ComposerError, InUseError
from composer.execute import run_graph
from composer.graph import closure, reverse_edges
from composer.model import Project
from composer.ops.results import raise_failures
from composer.ops.state import ObservedState, is_oneoff, observe
from composer.ops.steps.containers import ContainerSteps
from composer.ops.steps.hooks import services_of
from composer.ops.steps.ordered import needs_of, remove_in_order
from composer.plan import labels, names
from composer.progress import Progress
from composer.runtime.base import ContainerInfo, Runtime

RMI_CHOICES = ("local", "all")


@dataclass(frozen=True)
class DownOptions:
    """`down` flags."""

    services: tuple[str, ...] = ()
    volumes: bool = False
    remove_orphans: bool = False
    timeout: int | None = None
    rmi: str | None = None
    limit: int | None = None


def needs_from_labels(containers: Collection[ContainerInfo]) -> dict[str, list[str]]:
    """service -> services it needs, read from the depends_on label (`db:service_healthy:false`)."""
    found: dict[str, list[str]] = {}
    for info in containers:
        service = info.labels.get(labels.SERVICE, "")
        text = info.labels.get(labels.DEPENDS_ON, "")
        deps = [part.split(":", 1)[0] for part in text.split(",") if part]
        found.setdefault(service, [])
        found[service] = list(dict.fromkeys(found[service] + deps))
    return found


@dataclass
class Down:
    """One `down` run; `project` is None when no compose file was found (labels only)."""

    runtime: Runtime
    project_name: str
    project: Project | None
    options: DownOptions
    progress: Progress
    removed: list[str] = field(default_factory=list)

    def run(self) -> None:
        observed = observe(self.runtime, self.project_name)
        needs = needs_of(self.project) if self.project else needs_from_labels(observed.containers)
        targets, orphans = self.targets(observed, needs)
        if orphans and not self.options.remove_orphans:
            self.progress.message(
                f"warning: Found orphan containers ([{' '.join(orphans)}]) for this project. "
                "If you removed or renamed this service in your compose file, you can run this "
                "command with the --remove-orphans flag to clean it up."
            )
        steps = ContainerSteps(
            self.runtime,
            self.progress,
            self.options.timeout,
            services=services_of(self.project, observed),
        )
        remove_in_order(
            steps, needs, observed, targets, self.options.limit, volumes=self.options.volumes
        )
        self.removed += targets
        if not self.options.services:
            self.remove_pods(observed, set(targets))
            self.remove_networks(observed)
            if self.options.volumes:
                self.remove_volumes(observed)
        if self.options.rmi:
            self.remove_images(observed)
        if not self.removed:
            self.progress.message(
                f'warning: No resource found to remove for project "{self.project_name}".'
            )

    def targets(
        self, observed: ObservedState, needs: Mapping[str, Collection[str]]
    ) -> tuple[list[str], list[str]]:
        """(containers to remove, orphans kept).

        A service's one-off containers (`run`) go with it, running or not: left behind, they
        would keep the pod and the networks. docker compose removes them only with
        --remove-orphans (and then fails to remove a network a running one still uses).
        """
        known = self._known_services(observed)
        chosen = self.options.services
        wanted = set(chosen) | closure(reverse_edges(needs), chosen) if chosen else known
        targets, orphans = [], []
        for info in sorted(observed.containers, key=lambda c: c.name):
            service = info.labels.get(labels.SERVICE, "")
            if service in wanted:
                targets.append(info.name)
            elif service not in known:
                if self.options.remove_orphans and not self.options.services:
                    targets.append(info.name)
                elif not is_oneoff(info):
                    orphans.append(info.name)
        return targets, orphans

    def _known_services(self, observed: ObservedState) -> set[str]:
        if self.project is None:
            # From the labels alone, a service with only one-off containers is known too.
            return {c.labels.get(labels.SERVICE, "") for c in observed.containers}
        return set(self.project.services) | set(self.project.disabled)

    def remove_pods(self, observed: ObservedState, gone: set[str]) -> None:
        """The project's pod, unless a container that is not being removed is still in it."""
        for pod in observed.pods:
            members = [m for m in pod.containers if m and not m.endswith("-infra")]
            left = [m for m in members if m not in gone]
            if left:
                self.progress.message(
                    f"warning: pod {pod.name} kept: it still holds {', '.join(sorted(left))}"
                )
                continue
            self._remove(f"Pod {pod.name}", partial(self.runtime.remove_pod, pod.name))

    def remove_networks(self, observed: ObservedState) -> None:
        allowed = self._model_names("networks")
        chosen = [n.name for n in observed.networks if allowed is None or n.name in allowed]
        self._parallel("Network", chosen, self.runtime.remove_network)

    def remove_volumes(self, observed: ObservedState) -> None:
        allowed = self._model_names("volumes")
        chosen = [v.name for v in observed.volumes if allowed is None or v.name in allowed]
        self._parallel("Volume", chosen, self.runtime.remove_volume)

    def _model_names(self, kind: str) -> set[str] | None:
        """The non-external networks or volumes of the model (None: no model, take all)."""
        if self.project is None:
            return None
        objects = self.project.networks if kind == "networks" else self.project.volumes
        return {obj.name for obj in objects.values() if not obj.external}

    def remove_images(self, observed: ObservedState) -> None:
        chosen = sorted(self._images(observed))
        self._parallel("Image", chosen, self.runtime.remove_image)

    def _images(self, observed: ObservedState) -> set[str]:
        """--rmi local: images built for the project (no `image:`); --rmi all: every image."""
        every = self.options.rmi == "all"
        if self.project is not None:
            services = [*self.project.services.values(), *self.project.disabled.values()]
            return {
                svc.image or names.built_image_name(self.project_name, svc.name)
                for svc in services
                if every or not svc.image
            }
        built = {
            names.built_image_name(self.project_name, service) for service in observed.services()
        }
        images = {c.image for c in observed.containers if c.image}
        return images if every else {image for image in images if _bare(image) in built}

    def _parallel(self, kind: str, objects: list[str], remove: Callable[..., None]) -> None:
        def work(name: str) -> None:
            self._remove(f"{kind} {name}", lambda: remove(name), keep_busy=True)

        results = run_graph(objects, lambda _n: (), work, limit=self.options.limit)
        raise_failures(results)

    def _remove(self, item: str, remove: Callable[[], None], *, keep_busy: bool = False) -> None:
        self.progress.update(item, "Removing")
        try:
            remove()
        except InUseError:
            if not keep_busy:
                self.progress.update(item, "Error")
                raise
            self.progress.update(item, "Skipped", "still in use")
            return
        except ComposerError:
            self.progress.update(item, "Error")
            raise
        self.removed.append(item)
        self.progress.update(item, "Removed")


def _bare(image: str) -> str:
    """`localhost/proj-web:latest` -> `proj-web`."""
    last = image.rsplit("/", 1)[-1]
    return last.split("@", 1)[0].rsplit(":", 1)[0]
