"""`up -d`'s watch of the containers it started, over the fake runtime and a fake clock."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from composer.errors import ComposerError, UpInterruptedError
from composer.ops.waiting.early_exits import EARLY_EXIT_WINDOW, EarlyExits
from composer.ops.waiting.health import started_at
from composer.plan.podmode import PodMode
from composer.runtime.base import ContainerInfo, ContainerState, LabelFilter
from tests.unit.ops.conftest import ProjectLoader, Recorder
from tests.unit.runtime.fakes import STARTED, Box, FakeRuntime, service_box

COMPOSE = """\
services:
  web: {image: localhost/web}
  api: {image: localhost/api}
  job: {image: localhost/job, restart: on-failure}
"""
BEGUN = started_at(STARTED) or 0.0


class Clock(threading.Event):
    """A stop event whose wait() moves a fake clock on instead of sleeping."""

    def __init__(self, now: float) -> None:
        super().__init__()
        self.now = now

    def __call__(self) -> float:
        return self.now

    def wait(self, timeout: float | None = None) -> bool:
        self.now += timeout or 0.0
        return self.is_set()


Change = tuple[float, str, Callable[[Box], None]]


class Timeline(FakeRuntime):
    """Each listing first applies the changes due by then: (time, container, change)."""

    def __init__(self, clock: Clock, changes: list[Change]) -> None:
        super().__init__()
        self.clock = clock
        self.changes = changes
        self.listings = 0
        self.finished: dict[str, float] = {}

    def list_containers(self, labels: LabelFilter) -> list[ContainerInfo]:
        self.listings += 1
        for when, name, change in [c for c in self.changes if c[0] <= self.clock.now]:
            change(self.boxes[name])
            if self.boxes[name].state == "exited":
                self.finished[name] = when
            self.changes.remove((when, name, change))
        return super().list_containers(labels)

    def container_state(self, name: str) -> ContainerState:
        state = super().container_state(name)
        when = datetime.fromtimestamp(self.finished[name], tz=UTC).isoformat()
        return replace(state, finished_at=when)


def exits(code: int) -> Callable[[Box], None]:
    def change(box: Box) -> None:
        box.state, box.exit_code = "exited", code

    return change


def runs(box: Box) -> None:
    box.state = "running"


def watch(
    project: ProjectLoader,
    changes: list[Change],
    *,
    mode: PodMode = "shared",
    **boxes: Mapping[str, Any],
) -> tuple[Timeline, Clock, EarlyExits]:
    """The three services' containers, running; `changes` at seconds after BEGUN."""
    clock = Clock(BEGUN)
    fake = Timeline(clock, [(BEGUN + t, name, change) for t, name, change in changes])
    for service in ("web", "api", "job"):
        fake.add(service_box("demo", service, **boxes.get(service, {})))
    shown = Recorder()
    return (
        fake,
        clock,
        EarlyExits(
            fake, project(COMPOSE), mode, shown, stop=clock, window=EARLY_EXIT_WINDOW, clock=clock
        ),
    )


def test_a_container_that_dies_two_seconds_after_its_start_fails_up(
    project: ProjectLoader,
) -> None:
    lines = {"lines": ("starting", "cannot open /etc/app.conf")}
    fake, clock, exits_watch = watch(project, [(2.0, "demo-web-1", exits(3))], web=lines)
    with pytest.raises(ComposerError) as caught:
        exits_watch.check({"demo-web-1": BEGUN, "demo-api-1": BEGUN})
    assert caught.value.message == (
        'service "web" exited 2.0s after it started, with code 3: '
        "starting / cannot open /etc/app.conf"
    )
    assert caught.value.hint == "see `composer logs SERVICE`"
    assert clock.now == pytest.approx(BEGUN + EARLY_EXIT_WINDOW)  # api watched to its end


def test_a_running_container_is_watched_through_its_window_only(project: ProjectLoader) -> None:
    fake, clock, exits_watch = watch(project, [])
    exits_watch.check({"demo-web-1": BEGUN, "demo-api-1": BEGUN - 10})
    assert clock.now == pytest.approx(BEGUN + EARLY_EXIT_WINDOW)
    fake.listings = 0
    clock.now = BEGUN + 60  # both past their windows already: one look, no wait
    exits_watch.check({"demo-web-1": BEGUN, "demo-api-1": BEGUN})
    assert (fake.listings, clock.now) == (1, BEGUN + 60)


def test_nothing_started_means_nothing_watched(project: ProjectLoader) -> None:
    fake, clock, exits_watch = watch(project, [])
    exits_watch.check({})
    assert (fake.listings, clock.now) == (0, BEGUN)


def test_healthy_and_finished_containers_are_judged_at_once(project: ProjectLoader) -> None:
    fake, clock, exits_watch = watch(
        project, [], web={"health": "healthy"}, api={"state": "exited"}
    )
    exits_watch.check({"demo-web-1": BEGUN, "demo-api-1": BEGUN})
    assert (fake.listings, clock.now) == (1, BEGUN)


def test_a_restart_policy_gets_the_whole_window_to_bring_it_back(project: ProjectLoader) -> None:
    restarted = [(0.5, "demo-job-1", exits(1)), (1.0, "demo-job-1", runs)]
    _fake, clock, exits_watch = watch(project, restarted)
    exits_watch.check({"demo-job-1": BEGUN})
    assert clock.now == pytest.approx(BEGUN + EARLY_EXIT_WINDOW)

    _fake, _clock, exits_watch = watch(project, [(0.5, "demo-job-1", exits(1))])
    with pytest.raises(ComposerError, match='^service "job" exited 0.5s after it started'):
        exits_watch.check({"demo-job-1": BEGUN})


@pytest.mark.parametrize("mode", ["shared", "separate"])
def test_an_address_in_use_points_to_separate_mode_in_shared_mode(
    project: ProjectLoader, mode: PodMode
) -> None:
    said = {"lines": ("httpd: bind: Address already in use",)}
    _fake, _clock, exits_watch = watch(
        project, [(1.0, "demo-api-1", exits(1))], mode=mode, api=said
    )
    with pytest.raises(ComposerError) as caught:
        exits_watch.check({"demo-api-1": BEGUN})
    base = (
        'service "api" exited 1.0s after it started, with code 1: '
        "httpd: bind: Address already in use"
    )
    if mode == "separate":
        assert caught.value.message == base
    else:
        assert caught.value.message == (
            f"{base}. In shared pod mode all services share one network namespace, so a port "
            "another service listens on is taken. Use --pod-mode separate (or x-podman: "
            "{pod_mode: separate}) to give each its own."
        )


def test_ctrl_c_ends_the_watch(project: ProjectLoader) -> None:
    _fake, clock, exits_watch = watch(project, [])
    clock.set()
    with pytest.raises(UpInterruptedError, match="interrupted while watching"):
        exits_watch.check({"demo-web-1": BEGUN})
