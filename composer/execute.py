"""The one executor: runs work over a dependency graph, in parallel as far as dependencies allow.

A node starts as soon as its own dependencies are done and their conditions hold (not level by
level). A failed or skipped dependency skips its dependents with the reason, unless the edge is
optional, which only warns. Teardown runs the same graph in reverse. Nodes are any hashable
values, so the executor is tested with plain strings.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

from composer.errors import DependencyError
from composer.graph import find_cycle

N = TypeVar("N", bound=Hashable)
R = TypeVar("R")


class State(Enum):
    """Where a node ended up."""

    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Edge(Generic[N]):
    """A dependency of a node on `target`.

    `wait` is called (in the dependent's worker) once the target's work is done; it blocks
    until the condition holds and raises to say it never will. Optional edges only warn.
    """

    target: N
    wait: Callable[[N], None] | None = None
    required: bool = True
    condition: str = "service_started"


@dataclass
class Result(Generic[N, R]):
    """What happened to one node."""

    node: N
    state: State
    value: R | None = None
    error: BaseException | None = None
    reason: str = ""


@dataclass(frozen=True)
class Event(Generic[N]):
    """A change in a node's life, for progress display: waiting, started, done, failed, ..."""

    node: N
    kind: str
    message: str = ""


@dataclass
class _Run(Generic[N, R]):
    nodes: Sequence[N]
    deps: Mapping[N, tuple[Edge[N], ...]]
    work: Callable[[N], R]
    on_event: Callable[[Event[N]], None]
    limit: threading.Semaphore | None
    cancel: threading.Event
    results: dict[N, Result[N, R]] = field(default_factory=dict)
    done_queue: queue.Queue[Result[N, R]] = field(default_factory=queue.Queue)

    def blocked_reason(self, node: N) -> str | None:
        """Why `node` must be skipped, or None; warns about optional dependencies that failed."""
        for edge in self.deps[node]:
            dep = self.results[edge.target]
            if dep.state is State.DONE:
                continue
            why = dep.reason or (str(dep.error) if dep.error else dep.state.value)
            if edge.required:
                return f"dependency {edge.target} {dep.state.value}: {why}"
            self.on_event(Event(node, "warning", f"optional dependency {edge.target} {why}"))
        return None

    def ready(self, node: N) -> bool:
        return all(edge.target in self.results for edge in self.deps[node])

    def task(self, node: N) -> None:
        try:
            self.await_conditions(node)
            if self.cancel.is_set():
                self.done_queue.put(Result(node, State.CANCELLED, reason="cancelled"))
                return
            self.on_event(Event(node, "started"))
            if self.limit is None:
                value = self.work(node)
            else:
                with self.limit:
                    value = self.work(node)
            self.done_queue.put(Result(node, State.DONE, value))
        except DependencyError as exc:
            self.done_queue.put(Result(node, State.SKIPPED, error=exc, reason=str(exc)))
        except Exception as exc:  # noqa: BLE001 - a node's failure is data, reported to the caller
            self.done_queue.put(Result(node, State.FAILED, error=exc, reason=str(exc)))

    def await_conditions(self, node: N) -> None:
        for edge in self.deps[node]:
            if edge.wait is None or self.results[edge.target].state is not State.DONE:
                continue
            self.on_event(Event(node, "waiting", f"{edge.target} {edge.condition}"))
            try:
                edge.wait(edge.target)
            except Exception as exc:
                if edge.required:
                    raise DependencyError(f"dependency failed: {exc}") from exc
                self.on_event(Event(node, "warning", f"optional dependency {edge.target}: {exc}"))


def _edges_of(
    nodes: Sequence[N], deps: Callable[[N], Iterable[Edge[N]]], reverse: bool
) -> dict[N, tuple[Edge[N], ...]]:
    """Each node's edges limited to the given nodes; reversed (no conditions) for teardown."""
    members = set(nodes)
    forward = {n: tuple(e for e in deps(n) if e.target in members) for n in nodes}
    if not reverse:
        return forward
    backward: dict[N, list[Edge[N]]] = {n: [] for n in nodes}
    for node, edges in forward.items():
        for edge in edges:
            backward[edge.target].append(Edge(node))
    return {n: tuple(e) for n, e in backward.items()}


def run_graph(
    nodes: Iterable[N],
    deps: Callable[[N], Iterable[Edge[N]]],
    work: Callable[[N], R],
    *,
    limit: int | None = None,
    reverse: bool = False,
    on_event: Callable[[Event[N]], None] | None = None,
    cancel: threading.Event | None = None,
) -> dict[N, Result[N, R]]:
    """Run `work` on every node once its dependencies allow; return each node's Result.

    `limit` caps how many `work` calls run at once (waiting for a condition does not count).
    Setting `cancel` stops new work from starting; running work finishes.
    """
    ordered = list(dict.fromkeys(nodes))
    run: _Run[N, R] = _Run(
        nodes=ordered,
        deps=_edges_of(ordered, deps, reverse),
        work=work,
        on_event=on_event or (lambda _event: None),
        limit=threading.Semaphore(limit) if limit and limit > 0 else None,
        cancel=cancel or threading.Event(),
    )
    _check_acyclic(run)
    pending = list(ordered)
    running = 0
    with ThreadPoolExecutor(max_workers=max(1, min(len(ordered), 64))) as pool:
        while pending or running:
            for node in [n for n in pending if run.ready(n)]:
                pending.remove(node)
                reason = "cancelled" if run.cancel.is_set() else run.blocked_reason(node)
                if reason is not None:
                    state = State.CANCELLED if run.cancel.is_set() else State.SKIPPED
                    run.results[node] = Result(node, state, reason=reason)
                    run.on_event(Event(node, state.value, run.results[node].reason))
                    continue
                running += 1
                pool.submit(run.task, node)
            if not running:
                continue
            result = run.done_queue.get()
            running -= 1
            run.results[result.node] = result
            run.on_event(Event(result.node, result.state.value, result.reason))
    return {n: run.results[n] for n in ordered}


def _check_acyclic(run: _Run[N, R]) -> None:
    """Refuse a cycle up front: the loop above would otherwise never finish."""
    cycle = find_cycle({node: [edge.target for edge in run.deps[node]] for node in run.nodes})
    if cycle is not None:
        members = sorted({str(node) for node in cycle})
        raise ValueError(f"dependency cycle among: {', '.join(members)}")
