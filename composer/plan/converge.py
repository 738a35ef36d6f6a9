"""Convergence: the plan against what the labels say exists -> what to do to each container.

Pure: the caller lists the project's containers and its pod (any record with the fields of the
protocols below, such as the runtime's ContainerInfo / PodInfo) and runs the actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from composer.plan import labels
from composer.plan.translate import ProjectPlan
from composer.specs import ContainerSpec, PodSpec

ActionKind = Literal["create", "recreate", "start", "noop", "remove", "restart"]
PodActionKind = Literal["create", "recreate", "keep", "remove"]
Strategy = Literal["diverged", "force", "never"]

# States in which a container counts as up: nothing to start.
UP_STATES = frozenset({"running", "paused", "restarting"})

ORPHANS_WARNING = (
    "Found orphan containers ([{names}]) for this project. If you removed or renamed this "
    "service in your compose file, you can run this command with the --remove-orphans flag to "
    "clean it up."
)


class ContainerRecord(Protocol):
    """What convergence reads of an existing container."""

    @property
    def name(self) -> str: ...
    @property
    def labels(self) -> Mapping[str, str]: ...
    @property
    def state(self) -> str: ...
    @property
    def image_id(self) -> str: ...


class PodRecord(Protocol):
    """What convergence reads of the existing pod."""

    @property
    def name(self) -> str: ...
    @property
    def labels(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class ObservedContainer:
    """A plain ContainerRecord (the runtime's ContainerInfo has the same fields)."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    state: str = "running"
    image_id: str = ""
    id: str = ""


@dataclass(frozen=True)
class ObservedPod:
    """A plain PodRecord."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    state: str = "Running"


@dataclass(frozen=True)
class ConvergeOptions:
    """The `up` / `create` flags that change what is done."""

    selected: tuple[str, ...] = ()  # services named on the command line; () means all
    no_deps: bool = False
    force_recreate: bool = False
    no_recreate: bool = False
    always_recreate_deps: bool = False
    remove_orphans: bool = False
    ignore_orphans: bool = False
    no_start: bool = False


KEPT_BY_NO_RECREATE = "changed, kept by --no-recreate"
# The reason of a container recreated because the pod it must be in (or out of) changed.
POD_CHANGED = "pod changed"


@dataclass(frozen=True)
class ContainerAction:
    """One step for one container; `existing` is the current container's name, if any."""

    kind: ActionKind
    service: str
    name: str
    number: int | None = None
    reason: str = ""
    spec: ContainerSpec | None = None  # create and recreate
    existing: str = ""
    start: bool = False  # create and recreate: start it afterwards


@dataclass(frozen=True)
class PodAction:
    kind: PodActionKind
    name: str
    spec: PodSpec | None = None
    reason: str = ""


@dataclass(frozen=True)
class Convergence:
    """The pod step, the container steps (orphans first, then services in start order)."""

    pod: PodAction | None
    actions: tuple[ContainerAction, ...]
    orphans: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def for_service(self, service: str) -> tuple[ContainerAction, ...]:
        return tuple(action for action in self.actions if action.service == service)

    @property
    def kinds(self) -> dict[str, ActionKind]:
        """Container name -> action kind: a compact view for tests and summaries."""
        return {action.name: action.kind for action in self.actions}


def converge(
    plan: ProjectPlan,
    containers: Iterable[ContainerRecord],
    pod: PodRecord | None = None,
    options: ConvergeOptions | None = None,
    image_ids: Mapping[str, str] | None = None,
) -> Convergence:
    """Decide, per container, create / recreate / start / noop / remove / restart."""
    options = options or ConvergeOptions()
    pod_action = pod_decision(plan, pod, options)
    replaced = pod_action is not None and pod_action.kind in ("recreate", "remove")
    # Containers outside a new pod must move into it, unless --no-recreate keeps them as they are.
    created = pod_action is not None and pod_action.kind == "create"
    pod_changed = replaced or (created and not options.no_recreate)
    mine = [c for c in containers if _project_of(c) == plan.project]
    orphans = sorted((c for c in mine if _is_orphan(plan, c)), key=lambda c: c.name)
    actions = _orphan_actions(orphans, options, replaced)
    targets = set(options.selected) or set(plan.services)
    scope = set(plan.services) if replaced else _scope(plan, targets, options.no_deps)
    orphan_names = {c.name for c in orphans}
    by_service = _by_service(c for c in mine if c.name not in orphan_names)
    for service in plan.services:
        if service not in scope:
            continue
        decider = _Decider(options, _strategy(service in targets, options), pod_changed)
        actions.extend(
            decider.service_actions(
                service,
                plan.containers[service],
                by_service.get(service, []),
                (image_ids or {}).get(service, ""),
            )
        )
    if not options.no_start:
        actions = _restart_dependents(plan, actions, by_service)
    warnings = []
    if orphans and not (options.remove_orphans or options.ignore_orphans or replaced):
        warnings.append(ORPHANS_WARNING.format(names=" ".join(c.name for c in orphans)))
    return Convergence(pod_action, tuple(actions), tuple(c.name for c in orphans), tuple(warnings))


def pod_decision(
    plan: ProjectPlan, pod: PodRecord | None, options: ConvergeOptions
) -> PodAction | None:
    """Create a missing pod, recreate one whose config hash differs, remove one in `none` mode."""
    if plan.pod is None:
        return PodAction("remove", pod.name, reason="pod mode none") if pod else None
    if pod is None:
        return PodAction("create", plan.pod.name, plan.pod)
    if pod.labels.get(labels.POD_HASH) == plan.pod_hash:
        return PodAction("keep", pod.name, plan.pod)
    if options.no_recreate:
        return PodAction("keep", pod.name, plan.pod, reason="changed, kept by --no-recreate")
    return PodAction("recreate", plan.pod.name, plan.pod, reason="pod configuration changed")


def _project_of(record: ContainerRecord) -> str:
    tags = record.labels
    return tags.get(labels.PROJECT) or tags.get(labels.PODMAN_PROJECT) or ""


def _service_of(record: ContainerRecord) -> str:
    tags = record.labels
    return tags.get(labels.SERVICE) or tags.get(labels.PODMAN_SERVICE) or ""


def _is_oneoff(record: ContainerRecord) -> bool:
    return record.labels.get(labels.ONEOFF) == "True"


def _is_orphan(plan: ProjectPlan, record: ContainerRecord) -> bool:
    """A service the project no longer has (profile-disabled ones are known), or a finished run."""
    if _is_oneoff(record):
        return record.state.lower() == "exited"
    return _service_of(record) not in plan.known_services


def _by_service(records: Iterable[ContainerRecord]) -> dict[str, list[ContainerRecord]]:
    found: dict[str, list[ContainerRecord]] = {}
    for record in records:
        if not _is_oneoff(record):
            found.setdefault(_service_of(record), []).append(record)
    return found


def _orphan_actions(
    orphans: Sequence[ContainerRecord], options: ConvergeOptions, replaced: bool
) -> list[ContainerAction]:
    """Orphans go with --remove-orphans, or when their pod is replaced (they would die with it)."""
    if not (options.remove_orphans or replaced):
        return []
    reason = "orphan" if options.remove_orphans else "orphan in the replaced pod"
    return [
        ContainerAction("remove", _service_of(c), c.name, reason=reason, existing=c.name)
        for c in orphans
    ]


def _scope(plan: ProjectPlan, targets: set[str], no_deps: bool) -> set[str]:
    """The targeted services plus, unless --no-deps, everything they need."""
    scope = {name for name in targets if name in plan.containers}
    pending = [] if no_deps else list(scope)
    while pending:
        for dependency in plan.needs.get(pending.pop(), {}):
            if dependency in plan.containers and dependency not in scope:
                scope.add(dependency)
                pending.append(dependency)
    return scope


def _strategy(targeted: bool, options: ConvergeOptions) -> Strategy:
    """When to recreate, as docker compose decides it.

    Targeted services follow --force-recreate / --no-recreate, their dependencies
    --always-recreate-deps; otherwise only what diverged is recreated.
    """
    if targeted:
        if options.force_recreate:
            return "force"
        return "never" if options.no_recreate else "diverged"
    return "force" if options.always_recreate_deps else "diverged"


def _number(record: ContainerRecord) -> int | None:
    value = record.labels.get(labels.CONTAINER_NUMBER, "")
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class _Decider:
    """Decides the actions of one service's containers."""

    options: ConvergeOptions
    strategy: Strategy
    pod_changed: bool

    def service_actions(
        self,
        service: str,
        specs: tuple[ContainerSpec, ...],
        existing: list[ContainerRecord],
        image_id: str,
    ) -> list[ContainerAction]:
        """Removals first (highest numbers first), then replicas 1..scale in order."""
        slots, extra = _slots(specs, existing)
        actions = [
            ContainerAction("remove", service, c.name, _number(c), "scaled down", existing=c.name)
            for c in sorted(extra, key=lambda c: (_number(c) or 0, c.name), reverse=True)
        ]
        for number, spec in enumerate(specs, start=1):
            record = slots.get(number)
            if record is None:
                actions.append(self._create(service, number, spec))
            else:
                actions.append(self._existing(service, number, spec, record, image_id))
        return actions

    def _create(self, service: str, number: int, spec: ContainerSpec) -> ContainerAction:
        return ContainerAction(
            "create", service, spec.name, number, "missing", spec, start=not self.options.no_start
        )

    def _existing(
        self,
        service: str,
        number: int,
        spec: ContainerSpec,
        record: ContainerRecord,
        image_id: str,
    ) -> ContainerAction:
        reason = self._recreate_reason(spec, record, image_id)
        if reason:
            return ContainerAction(
                "recreate",
                service,
                spec.name,
                number,
                reason,
                spec,
                existing=record.name,
                start=not self.options.no_start,
            )
        kept = KEPT_BY_NO_RECREATE if self._diverged(spec, record, image_id) else ""
        if record.state.lower() in UP_STATES or self.options.no_start:
            return ContainerAction("noop", service, record.name, number, kept, existing=record.name)
        return ContainerAction(
            "start", service, record.name, number, kept or "stopped", existing=record.name
        )

    def _recreate_reason(self, spec: ContainerSpec, record: ContainerRecord, image_id: str) -> str:
        if self.pod_changed:
            return POD_CHANGED
        if self.strategy == "force":
            return "forced"
        if self.strategy == "never":
            return ""
        return self._diverged(spec, record, image_id)

    @staticmethod
    def _diverged(spec: ContainerSpec, record: ContainerRecord, image_id: str) -> str:
        """Why the container no longer matches the file, or "" when it does."""
        if record.labels.get(labels.CONFIG_HASH) != spec.labels.get(labels.CONFIG_HASH):
            return "configuration changed"
        current = record.labels.get(labels.IMAGE) or record.image_id
        if image_id and current != image_id:
            return "image changed"
        return ""


def _slots(
    specs: tuple[ContainerSpec, ...], existing: list[ContainerRecord]
) -> tuple[dict[int, ContainerRecord], list[ContainerRecord]]:
    """Existing containers by replica number (label, else name); the rest are surplus."""
    numbers = {spec.name: n for n, spec in enumerate(specs, start=1)}
    slots: dict[int, ContainerRecord] = {}
    extra: list[ContainerRecord] = []
    for record in sorted(existing, key=lambda c: c.name):
        number = _number(record) or numbers.get(record.name)
        if number is not None and number <= len(specs) and number not in slots:
            slots[number] = record
        else:
            extra.append(record)
    return slots, extra


def _restart_dependents(
    plan: ProjectPlan,
    actions: list[ContainerAction],
    by_service: Mapping[str, list[ContainerRecord]],
) -> list[ContainerAction]:
    """Running dependents with `depends_on: {restart: true}` on a recreated service restart.

    Transitively: a restarted service restarts its own such dependents. Services outside the
    command's scope are restarted too: their dependency changed under them.
    """
    changed = {a.service: "recreated" for a in actions if a.kind == "recreate"}
    acted = {a.service for a in actions if a.kind != "remove"}
    result = list(actions)
    for service in plan.services:
        causes = sorted(d for d, restart in plan.needs.get(service, {}).items() if restart)
        cause = next((d for d in causes if d in changed), None)
        if cause is None or changed.get(service) == "recreated":
            continue
        reason = f'dependency "{cause}" was {changed[cause]}'
        if service in acted:
            result = [_as_restart(a, reason) if a.service == service else a for a in result]
        else:
            result.extend(_restarts_outside_scope(service, by_service.get(service, []), reason))
        if any(a.service == service and a.kind == "restart" for a in result):
            changed[service] = "restarted"
    return result


def _as_restart(action: ContainerAction, reason: str) -> ContainerAction:
    """A running container left as is restarts; created, recreated or started ones are fresh."""
    if action.kind != "noop":
        return action
    return replace(action, kind="restart", reason=reason)


def _restarts_outside_scope(
    service: str, records: list[ContainerRecord], reason: str
) -> list[ContainerAction]:
    return [
        ContainerAction("restart", service, c.name, _number(c), reason, existing=c.name)
        for c in sorted(records, key=lambda c: c.name)
        if c.state.lower() in UP_STATES
    ]
