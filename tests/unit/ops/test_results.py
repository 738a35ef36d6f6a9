"""The executor's results as commands report them; a bug in a worker keeps its traceback."""

from __future__ import annotations

import traceback

import pytest

from composer.errors import ComposerError, ConditionError, DependencyError
from composer.execute import Edge, Result, State, run_graph
from composer.ops.results import (
    failure_messages,
    first_bug,
    not_started,
    raise_failures,
    root_causes,
)


def broken_work(node: str) -> None:
    if node == "db":
        raise ComposerError("container p-db-1: cannot start: boom")
    if node == "web":
        known: dict[str, int] = {}
        known["missing"] += 1  # a bug, as composer's own code might have one


def test_a_bug_in_a_worker_is_the_cause_of_the_error_raised() -> None:
    results = run_graph(["db", "web", "ok"], lambda _n: (), broken_work)
    with pytest.raises(ComposerError) as caught:
        raise_failures(results)
    assert caught.value.message == "container p-db-1: cannot start: boom\n'missing'"
    assert isinstance(caught.value.__cause__, KeyError)
    # COMPOSER_DEBUG=1 prints this: the worker's own frame is in it
    shown = "".join(traceback.format_exception(caught.value))
    assert "in broken_work" in shown


def test_nothing_failed_raises_nothing() -> None:
    raise_failures(run_graph(["a", "b"], lambda _n: (), lambda _n: None))


def test_root_causes_are_failures_and_conditions_that_never_held() -> None:
    held = ConditionError("dependency failed to start: container p-db-1 is unhealthy")
    skipped = DependencyError("dependency failed: x")
    skipped.__cause__ = held
    results: dict[str, Result[str, None]] = {
        "db": Result("db", State.DONE),
        "web": Result("web", State.SKIPPED, error=skipped),
        "api": Result("api", State.FAILED, error=ValueError("bad")),
        "worker": Result("worker", State.SKIPPED, reason="dependency api failed"),
        "late": Result("late", State.CANCELLED),
    }
    assert root_causes(results) == [held, results["api"].error]
    assert failure_messages(results) == [
        "dependency failed to start: container p-db-1 is unhealthy",
        'service "api": ValueError: bad',
    ]
    assert first_bug(root_causes(results)) is results["api"].error
    assert not_started(results) == ["late", "web", "worker"]


def test_a_condition_failure_reaches_the_dependents_result() -> None:
    def wait(_target: str) -> None:
        raise ConditionError("dependency failed to start: container p-db-1 is unhealthy")

    results = run_graph(
        ["db", "web"], lambda n: [Edge("db", wait=wait)] if n == "web" else [], lambda _n: None
    )
    assert [type(e) for e in root_causes(results)] == [ConditionError]
