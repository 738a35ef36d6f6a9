"""`up --wait` over stub conditions: the first failure ends every other wait."""

from __future__ import annotations

import threading
import time
from typing import cast

import pytest

from composer.errors import ComposerError, ConditionError, WaitCancelledError, WaitTimeoutError
from composer.ops.waiting.conditions import Conditions
from composer.ops.waiting.startup import WaitRun


class StubConditions:
    """`running_or_healthy` per service: fails, passes, or waits until `stop` is set."""

    def __init__(self, stop: threading.Event, outcomes: dict[str, str]) -> None:
        self.stop = stop
        self.outcomes = outcomes
        self.checked: list[str] = []

    def running_or_healthy(self, service: str, *, completes: bool, deadline: float) -> None:
        self.checked.append(service)
        outcome = self.outcomes[service]
        if outcome == "exits":
            raise ConditionError(f"container p-{service}-1 exited (2)")
        if outcome == "times out":
            raise WaitTimeoutError(f"container p-{service}-1 did not become healthy in time")
        if outcome == "slow" and self.stop.wait(10):
            raise WaitCancelledError(f"stopped waiting for container p-{service}-1")


def wait_run(stop: threading.Event, outcomes: dict[str, str]) -> WaitRun:
    stub = cast(Conditions, StubConditions(stop, outcomes))
    return WaitRun(stub, completes=(), timeout=3, stop=stop)


def test_first_failure_ends_the_other_waits_and_only_it_is_reported() -> None:
    stop = threading.Event()
    started = time.monotonic()
    with pytest.raises(ComposerError) as caught:
        wait_run(stop, {"web": "exits", "slow": "slow", "ok": "passes"}).run(["web", "slow", "ok"])
    assert caught.value.message == "container p-web-1 exited (2)"
    assert time.monotonic() - started < 5
    assert stop.is_set()


def test_a_timeout_is_docker_composes_message() -> None:
    with pytest.raises(ComposerError, match=r"^application not healthy after 3s$"):
        wait_run(threading.Event(), {"db": "times out", "slow": "slow"}).run(["db", "slow"])


def test_an_interrupted_wait_says_so() -> None:
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()  # what Ctrl-C does
    with pytest.raises(WaitCancelledError):
        wait_run(stop, {"a": "slow", "b": "slow"}).run(["a", "b"])


def test_all_passing_is_quiet() -> None:
    stop = threading.Event()
    run = wait_run(stop, {"a": "passes", "b": "passes"})
    run.run(["a", "b"])  # no error: every service held
    assert sorted(cast(StubConditions, run.conditions).checked) == ["a", "b"]
    assert not stop.is_set()  # nothing failed, so no other wait was ended
