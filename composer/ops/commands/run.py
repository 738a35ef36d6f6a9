"""`run`: a one-off container of a service, after its dependencies are up; its exit code.

Unless `--no-deps`, the services the one-off needs are brought up first, exactly as
`up -d <them>` does, and the one-off waits for their conditions (service_healthy,
service_completed_successfully). Then its image, the project's networks and volumes and the pod
are made where missing (an existing pod is joined as it is), and the one-off is created from the
service's own ContainerSpec with run's changes (`plan/oneoff.py`). Attached, it is started on
this terminal through the podman command line; `--rm` removes it afterwards, whatever happened.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from composer import console
from composer.errors import (
    ComposerError,
    NotFoundError,
    RunInterruptedError,
    WaitCancelledError,
)
from composer.graph import build_graph
from composer.model import Project
from composer.ops.commands.up import Up
from composer.ops.commands.up_plan import Prepared, UpOptions, check_host
from composer.ops.interrupt import run_interruptibly
from composer.ops.state import observe
from composer.ops.steps.containers import ContainerSteps
from composer.ops.steps.images import ensure_images, pull_policy
from composer.ops.steps.pod import PodSteps
from composer.ops.steps.resources import ResourceMaker, check_external, needed_resources
from composer.ops.waiting.conditions import Conditions
from composer.plan import labels
from composer.plan.converge import ConvergeOptions, pod_decision
from composer.plan.oneoff import RunOverrides, new_slug, oneoff_spec
from composer.plan.podmode import resolve_pod_mode
from composer.plan.translate import plan_project
from composer.plan.translate_context import PlanContext
from composer.progress import Progress
from composer.runtime.base import Runtime
from composer.specs import ContainerSpec


@dataclass(frozen=True)
class RunOptions:
    """`run` flags; `overrides` is what they change in the service's container."""

    service: str
    overrides: RunOverrides = field(default_factory=RunOverrides)
    detach: bool = False
    remove: bool = False  # --rm
    no_deps: bool = False
    build: str = "auto"  # "always" with --build
    pull: str | None = None
    quiet_pull: bool = False
    remove_orphans: bool = False
    ignore_orphans: bool = False
    limit: int | None = None


@dataclass(frozen=True)
class PreparedRun:
    """The project planned, the one-off's spec and the services to bring up first."""

    prepared: Prepared
    spec: ContainerSpec
    dependencies: tuple[str, ...]


def prepare_run(
    project: Project,
    options: RunOptions,
    *,
    pod_mode: str | None,
    environ: Mapping[str, str],
    slug: str | None = None,
) -> PreparedRun:
    """Check and plan everything before the host is touched (a bad flag changes nothing)."""
    service = project.service(options.service)
    pull_policy(None, options.pull)  # an unknown --pull value is refused before anything
    mode = resolve_pod_mode(project, flag=pod_mode, environ=environ)
    plan = plan_project(project, pod_mode=mode)
    # --rm attached: composer removes it after the attach (Podman's auto-removal races it).
    overrides = replace(options.overrides, auto_remove=options.remove and options.detach)
    spec = oneoff_spec(PlanContext(project, mode), service, overrides, slug or new_slug())
    needed: tuple[str, ...] = ()
    if not options.no_deps:
        chosen = build_graph(project).select([service.name])
        needed = tuple(name for name in chosen if name != service.name)
    return PreparedRun(Prepared(project, mode, plan), spec, needed)


class WithoutPulls(Progress):
    """`--quiet-pull`: the lines of another display, but none for images being pulled."""

    def __init__(self, inner: Progress) -> None:
        super().__init__()
        self.inner = inner

    def update(self, item: str, status: str, detail: str = "") -> None:
        if not (item.startswith("Image ") and status.startswith("Pull")):
            self.inner.update(item, status, detail)

    def message(self, text: str) -> None:
        self.inner.message(text)

    def close(self) -> None:
        self.inner.close()


@dataclass
class OneOffRun:
    """One `run`: prepare on a progress display, then run the container."""

    runtime: Runtime
    prepared: PreparedRun
    options: RunOptions
    progress: Callable[[], Progress]
    print_id: bool = True  # `-d` prints the container's id (not with -q)
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def project(self) -> Project:
        return self.prepared.prepared.project

    def run(self, *, podman_url: str | None = None) -> int:
        """The container's exit code (0 for `-d`, which prints the container's id)."""
        up_options = self._up_options()
        check_host(self.runtime, self.prepared.prepared, up_options, podman_url=podman_url)
        shown = self.progress()
        if self.options.quiet_pull:
            shown = WithoutPulls(shown)
        with shown:
            if self.prepared.dependencies:
                Up(self.runtime, self.prepared.prepared, up_options, shown).run()
            spec = self.prepare_own(shown)
            if not self.options.no_deps:
                self.await_dependencies(shown)
            steps = ContainerSteps(
                self.runtime, shown, services={spec.name: self.project.services[self.service]}
            )
            steps.create(spec, start=self.options.detach)
        if self.options.detach:
            if self.print_id:
                found = self.runtime.list_containers({labels.SLUG: spec.labels[labels.SLUG]})
                console.out(found[0].id if found else spec.name)
            return 0
        return self.attach(spec.name)

    @property
    def service(self) -> str:
        return self.options.service

    def _up_options(self) -> UpOptions:
        options = self.options
        return UpOptions(
            services=self.prepared.dependencies,
            detach=True,
            remove_orphans=options.remove_orphans,
            ignore_orphans=options.ignore_orphans,
            pull=options.pull,
            build=options.build,
            limit=options.limit,
        )

    def prepare_own(self, progress: Progress) -> ContainerSpec:
        """The one-off's image, the project's networks and volumes, and the pod to join."""
        prepared = self.prepared.prepared
        spec = self.prepared.spec
        image_ids = ensure_images(
            self.runtime,
            self.project,
            {self.service: spec.image},
            flag=self.options.pull,
            progress=progress,
            limit=self.options.limit,
            build=self.options.build,
        )
        resources = needed_resources(self.project, prepared.plan, [self.service])
        check_external(self.runtime, resources)
        ResourceMaker(self.runtime, self.project.name, progress).ensure(
            resources, self.options.limit
        )
        if prepared.plan.pod is not None:
            observed = observe(self.runtime, self.project.name, resources=False)
            existing = next((p for p in observed.pods if p.name == prepared.plan.pod.name), None)
            # Joined as it is: a one-off never recreates the pod its project's services run in.
            action = pod_decision(prepared.plan, existing, ConvergeOptions(no_recreate=True))
            steps = ContainerSteps(self.runtime, progress)
            PodSteps(self.runtime, progress, self.project, steps).apply(
                action, observed, start=True
            )
        image_id = image_ids.get(self.service)
        if not image_id:
            return spec
        return replace(spec, labels={**spec.labels, labels.IMAGE: image_id})

    def await_dependencies(self, progress: Progress) -> None:
        """The one-off's own dependency conditions (healthy, completed), as a service's."""
        plan = self.prepared.prepared.plan

        def report(name: str, status: str, detail: str) -> None:
            progress.update(f"Container {name}", status, detail)

        conditions = Conditions(self.runtime, plan.containers, self.cancel, report=report)

        def wait_all() -> None:
            for dep in self.project.services[self.service].dependencies():
                if dep.service not in plan.containers:
                    continue
                try:
                    conditions.wait(dep.service, dep.condition)
                except WaitCancelledError:
                    raise
                except ComposerError as error:
                    if dep.required:
                        raise
                    progress.message(f'warning: optional dependency "{dep.service}": {error}')

        try:
            run_interruptibly(wait_all, self.cancel, progress)
        except WaitCancelledError:
            raise RunInterruptedError(
                f"interrupted while {self.service} waited for its dependencies",
                hint="the dependencies keep running; see `composer ps`",
            ) from None

    def attach(self, name: str) -> int:
        """Start it on this terminal; `--rm` removes it afterwards, even after a failure."""
        try:
            return self.runtime.start_attached(name, interactive=self.prepared.spec.stdin_open)
        finally:
            if self.options.remove:
                with contextlib.suppress(NotFoundError):
                    self.runtime.remove_container(name, force=True, volumes=True)
