"""The executor, with plain strings as nodes and no containers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import pytest

from composer.execute import Edge, Event, State, run_graph

GRAPH = {"web": ["db", "cache"], "db": [], "cache": [], "worker": ["db"]}


def deps_of(graph: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def deps(node: str) -> Iterable[Edge[str]]:
        return [Edge(d) for d in graph[node]]

    return deps


def test_runs_every_node_after_its_dependencies() -> None:
    order: list[str] = []
    lock = threading.Lock()

    def work(node: str) -> str:
        with lock:
            order.append(node)
        return node.upper()

    results = run_graph(GRAPH, deps_of(GRAPH), work)
    assert {n: r.state for n, r in results.items()} == dict.fromkeys(GRAPH, State.DONE)
    assert results["web"].value == "WEB"
    assert order.index("db") < order.index("web")
    assert order.index("cache") < order.index("web")
    assert order.index("db") < order.index("worker")


def test_a_node_starts_as_soon_as_its_own_dependencies_are_done() -> None:
    # worker needs only db; it must not wait for the slow cache that web needs.
    finished: dict[str, float] = {}
    started: dict[str, float] = {}

    def work(node: str) -> None:
        started[node] = time.monotonic()
        if node == "cache":
            time.sleep(0.4)
        finished[node] = time.monotonic()

    run_graph(GRAPH, deps_of(GRAPH), work)
    assert started["worker"] < finished["cache"]
    assert started["web"] >= finished["cache"]


def test_failed_dependency_skips_dependents_with_the_reason() -> None:
    def work(node: str) -> None:
        if node == "db":
            raise RuntimeError("image not found")

    results = run_graph(GRAPH, deps_of(GRAPH), work)
    assert results["db"].state is State.FAILED
    assert results["web"].state is State.SKIPPED
    assert results["web"].reason == "dependency db failed: image not found"
    assert results["worker"].state is State.SKIPPED
    assert results["cache"].state is State.DONE


def test_optional_dependency_failure_only_warns() -> None:
    events: list[Event[str]] = []

    def deps(node: str) -> list[Edge[str]]:
        return [Edge("db", required=False)] if node == "web" else []

    def work(node: str) -> None:
        if node == "db":
            raise RuntimeError("boom")

    results = run_graph(["web", "db"], deps, work, on_event=events.append)
    assert results["web"].state is State.DONE
    assert any(e.node == "web" and e.kind == "warning" and "db" in e.message for e in events)


def test_condition_wait_runs_after_dependency_work_and_before_dependent() -> None:
    log: list[str] = []

    def wait_healthy(node: str) -> None:
        log.append(f"wait {node}")

    def deps(node: str) -> list[Edge[str]]:
        return [Edge("db", wait=wait_healthy, condition="service_healthy")] if node == "web" else []

    results = run_graph(["web", "db"], deps, log.append)
    assert log == ["db", "wait db", "web"]
    assert results["web"].state is State.DONE


def test_condition_that_fails_skips_the_dependent() -> None:
    def never(node: str) -> None:
        raise TimeoutError(f"{node} did not become healthy")

    def deps(node: str) -> list[Edge[str]]:
        return [Edge("db", wait=never)] if node == "web" else []

    results = run_graph(["web", "db"], deps, lambda n: None)
    assert results["web"].state is State.SKIPPED
    assert results["web"].reason == "dependency failed: db did not become healthy"


def test_reverse_runs_dependents_first() -> None:
    order: list[str] = []
    lock = threading.Lock()

    def work(node: str) -> None:
        with lock:
            order.append(node)

    run_graph(GRAPH, deps_of(GRAPH), work, reverse=True)
    assert order.index("web") < order.index("db")
    assert order.index("web") < order.index("cache")
    assert order.index("worker") < order.index("db")


def test_limit_caps_concurrent_work() -> None:
    nodes = [f"s{i}" for i in range(8)]
    active = 0
    peak = 0
    lock = threading.Lock()

    def work(node: str) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1

    run_graph(nodes, lambda n: [], work, limit=2)
    assert peak == 2


def test_unlimited_runs_independent_nodes_in_parallel() -> None:
    nodes = [f"s{i}" for i in range(6)]
    barrier = threading.Barrier(6, timeout=5)
    results = run_graph(nodes, lambda n: [], lambda n: barrier.wait())
    assert all(r.state is State.DONE for r in results.values())


def test_cancel_stops_new_work() -> None:
    cancel = threading.Event()

    def work(node: str) -> None:
        if node == "db":
            cancel.set()

    results = run_graph(GRAPH, deps_of(GRAPH), work, cancel=cancel, limit=1)
    assert results["db"].state is State.DONE
    assert results["web"].state is State.CANCELLED
    assert results["worker"].state is State.CANCELLED


def test_cycle_is_refused() -> None:
    graph = {"a": ["b"], "b": ["a"]}
    with pytest.raises(ValueError, match="dependency cycle among: a, b"):
        run_graph(graph, deps_of(graph), lambda n: None)


def test_edges_to_nodes_outside_the_selection_are_ignored() -> None:
    results = run_graph(["web"], deps_of(GRAPH), lambda n: n)
    assert results["web"].state is State.DONE
