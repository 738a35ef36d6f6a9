"""`up` and `create`: images, networks and volumes, the pod, then the services in dependency order;
then `--wait`, or the attached logs.

The project was loaded and planned before this runs (`up_plan.prepare`: a bad file changes
nothing), and this run keeps that plan, only adding the images' ids to it. Every step
reads the labels of what exists and changes only what differs, so after any failure or Ctrl-C
the next `up` carries on from where this one stopped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from composer.errors import (
    ComposerError,
    ServiceFailedError,
    UpInterruptedError,
    WaitCancelledError,
)
from composer.model import Project
from composer.model.parts import SERVICE_COMPLETED_SUCCESSFULLY
from composer.ops.commands.attach import Attached, Attachment, stop_gracefully
from composer.ops.commands.up_plan import Prepared, UpOptions, check_host
from composer.ops.interrupt import run_interruptibly
from composer.ops.results import failure_hint, failure_messages, first_bug, not_started, root_causes
from composer.ops.state import ObservedState, observe
from composer.ops.steps.containers import ContainerSteps
from composer.ops.steps.hooks import services_of_plan
from composer.ops.steps.images import ensure_images
from composer.ops.steps.ordered import stop_project
from composer.ops.steps.pod import PodSteps
from composer.ops.steps.resources import (
    ResourceMaker,
    check_external,
    create_host_paths,
    needed_resources,
)
from composer.ops.steps.services import ServiceRun
from composer.ops.waiting.conditions import Conditions
from composer.ops.waiting.early_exits import EarlyExits
from composer.ops.waiting.startup import WaitRun
from composer.plan.converge import KEPT_BY_NO_RECREATE, Convergence, converge
from composer.plan.podmode import PodMode
from composer.plan.translate import ProjectPlan
from composer.progress import Progress, lines_only
from composer.runtime.base import Runtime


def scope_of(project: Project, options: UpOptions) -> list[str]:
    """The services `up` acts on: the named ones and (unless --no-deps) what they need."""
    from composer.graph import build_graph

    return build_graph(project).select(options.services, include_deps=not options.no_deps)


def nothing_to_do(convergence: Convergence) -> str:
    """The line for an `up` that changed nothing; it names what --no-recreate kept as it was."""
    noops = [a for a in convergence.actions if a.kind == "noop"]
    kept = [a.name for a in noops if a.reason == KEPT_BY_NO_RECREATE]
    if not kept:
        return f"Nothing to do: all {_containers(len(noops))} up to date."
    return (
        f"Nothing to do: {_containers(len(noops) - len(kept))} up to date, {len(kept)} kept as "
        f"they are by --no-recreate although the file changed them ({', '.join(kept)})."
    )


def _containers(count: int) -> str:
    return f"{count} container is" if count == 1 else f"{count} containers are"


def up(
    runtime: Runtime,
    prepared: Prepared,
    options: UpOptions,
    progress: Callable[[], Progress],
    *,
    podman_url: str | None = None,
) -> int:
    """`up` and `create` after `prepare`: the host checks, then the run, shown on a display made
    only once the checks have passed (their notes come first)."""
    check_host(runtime, prepared, options, podman_url=podman_url)
    with progress() as shown:
        return Up(runtime, prepared, options, shown).run()


@dataclass
class Up:
    """One `up` run of a prepared (loaded, checked and planned) project."""

    runtime: Runtime
    prepared: Prepared
    options: UpOptions
    progress: Progress
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def project(self) -> Project:
        return self.prepared.project

    @property
    def pod_mode(self) -> PodMode:
        return self.prepared.pod_mode

    def run(self) -> int:
        """Bring the project up; the exit code (attached mode returns the containers')."""
        plan, observed, convergence = self.resolve()
        steps = ContainerSteps(
            self.runtime,
            self.progress,
            self.options.timeout,
            services=services_of_plan(self.project, plan),
        )
        try:
            changed = run_interruptibly(
                lambda: self.converge(plan, observed, convergence, steps),
                self.cancel,
                self.progress,
            )
        except UpInterruptedError:
            if self.attached:
                # Attached `up` owns its containers: Ctrl-C stops them, as after the attach.
                stop_gracefully(self._stopper(plan), self.progress.message)
            raise
        if not changed and not self.options.no_start:
            self.progress.message(nothing_to_do(convergence))
        if self.options.no_start:
            return 0
        if self.options.wait:
            self.wait_interruptibly(plan)
            return 0
        if self.options.detach:
            self.watch_started(steps)
            return 0
        return self.attach(plan)

    @property
    def attached(self) -> bool:
        options = self.options
        return not (options.detach or options.wait or options.no_start)

    def watch_started(self, steps: ContainerSteps) -> None:
        """`up -d`: the containers this run started, through their first seconds; Ctrl-C ends
        the watch (exit 130), the containers keep running."""
        stop = threading.Event()
        watch = EarlyExits(self.runtime, self.project, self.pod_mode, self.progress, stop=stop)
        run_interruptibly(lambda: watch.check(steps.started, steps.running), stop, self.progress)

    def wait_interruptibly(self, plan: ProjectPlan) -> None:
        """`--wait`; Ctrl-C ends it as an interruption (exit 130), not as a failed wait."""
        stop = threading.Event()  # Ctrl-C, or the first service that fails
        try:
            run_interruptibly(lambda: self.wait_for(plan, stop), stop, self.progress)
        except WaitCancelledError:
            raise UpInterruptedError(
                "interrupted while waiting for the services",
                hint="the containers keep running; see `composer ps`",
            ) from None

    def _stopper(self, plan: ProjectPlan) -> Callable[[bool], None]:
        scope = scope_of(self.project, self.options)

        def stop_all(force: bool) -> None:
            stop_project(
                self.runtime,
                self.project,
                plan,
                scope,
                self.progress,
                force=force,
                timeout=self.options.timeout,
            )

        return stop_all

    def resolve(self) -> tuple[ProjectPlan, ObservedState, Convergence]:
        """Images (pulled if needed), the plan with their ids, what exists, what to do."""
        scope = scope_of(self.project, self.options)
        draft = self.prepared.plan
        images = {name: draft.containers[name][0].image for name in scope if draft.containers[name]}
        image_ids = ensure_images(
            self.runtime,
            self.project,
            images,
            flag=self.options.pull,
            build=self.options.build,
            progress=self.progress,
            limit=self.options.limit,
        )
        plan = draft.with_image_ids(image_ids)
        observed = observe(self.runtime, self.project.name)
        convergence = converge(
            plan,
            observed.containers,
            observed.project_pod(),
            self.options.converge_options(),
            image_ids,
        )
        for warning in convergence.warnings:
            self.progress.message(f"warning: {warning}")
        return plan, observed, convergence

    def converge(
        self,
        plan: ProjectPlan,
        observed: ObservedState,
        convergence: Convergence,
        steps: ContainerSteps,
    ) -> bool:
        """Make it so; True when anything was created, removed, started or restarted."""
        services = [a.service for a in convergence.actions if a.kind != "remove"]
        resources = needed_resources(self.project, plan, services)
        check_external(self.runtime, resources)
        maker = ResourceMaker(self.runtime, self.project.name, self.progress)
        maker.ensure(resources, self.options.limit)
        create_host_paths((a.service, a.spec) for a in convergence.actions if a.spec is not None)
        pod = PodSteps(self.runtime, self.progress, self.project, steps)
        pod.remove_before(convergence, observed, self.options.limit)
        pod.apply(convergence.pod, observed, start=not self.options.no_start)
        self.start_services(plan, observed, convergence, steps)
        acted = any(a.kind != "noop" for a in convergence.actions)
        pod_acted = convergence.pod is not None and convergence.pod.kind != "keep"
        return acted or pod_acted or maker.created > 0 or pod.started_infra

    def start_services(
        self,
        plan: ProjectPlan,
        observed: ObservedState,
        convergence: Convergence,
        steps: ContainerSteps,
    ) -> None:
        conditions = Conditions(
            self.runtime, plan.containers, self.cancel, report=self._report_container
        )
        run = ServiceRun(
            project=self.project,
            convergence=convergence,
            steps=steps,
            conditions=conditions,
            progress=self.progress,
            cancel=self.cancel,
            states={c.name: c.state for c in observed.containers},
            limit=self.options.limit,
            wait_conditions=not self.options.no_start,
        )
        results = run.run()
        if self.cancel.is_set():
            skipped = not_started(results)
            listed = f": {', '.join(skipped)} not started" if skipped else ""
            raise UpInterruptedError(
                f"interrupted{listed}", hint="run `composer up` again to carry on from here"
            )
        messages = failure_messages(results)
        if messages:
            causes = root_causes(results)
            hint = failure_hint(results) if len(messages) == 1 else None
            raise ComposerError(
                "\n".join(messages), hint=hint or _failure_hint(causes)
            ) from first_bug(causes)

    def _report_container(self, name: str, status: str, detail: str) -> None:
        self.progress.update(f"Container {name}", status, detail)

    def wait_for(self, plan: ProjectPlan, stop: threading.Event) -> None:
        completes = {
            dep.service
            for service in self.project.services.values()
            for dep in service.dependencies()
            if dep.condition == SERVICE_COMPLETED_SUCCESSFULLY
        }
        conditions = Conditions(self.runtime, plan.containers, stop, report=self._report_container)
        services = [s for s in scope_of(self.project, self.options) if plan.containers.get(s)]
        timeout, limit = self.options.wait_timeout, self.options.limit
        WaitRun(conditions, completes, timeout, limit, stop=stop).run(services)

    def attach(self, plan: ProjectPlan) -> int:
        """Follow the logs of the services shown (named ones, or all), stop them on Ctrl-C."""
        self.progress = lines_only(self.progress)
        shown = set(self.options.services) if self.options.services else set(plan.services)
        if self.options.attach_dependencies:
            shown |= set(scope_of(self.project, self.options))
        targets = [
            Attached(service, spec.name, _label(self.project, service, number, spec.name))
            for service in plan.services
            if service in shown and self.project.services[service].attach
            for number, spec in enumerate(plan.containers[service], start=1)
        ]
        return Attachment(self.runtime, targets, self.options.attach, self._stopper(plan)).run()


def _label(project: Project, service: str, number: int, container: str) -> str:
    """The log prefix: `web-1`, or the container_name when the file sets one."""
    return container if project.services[service].container_name else f"{service}-{number}"


def _failure_hint(causes: list[BaseException]) -> str:
    if any(isinstance(cause, ServiceFailedError) for cause in causes):
        return "see the service's logs with `composer logs SERVICE`; fix it and run `up` again"
    return "fix the cause and run `composer up` again: it carries on from here"
