"""What the lifecycle commands act on: a service with what it needs, or with what needs it."""

from __future__ import annotations

from composer.ops.view import ProjectView
from tests.unit.runtime.fakes import FakeRuntime, service_box


def view() -> ProjectView:
    fake = FakeRuntime().add(
        service_box("p", "db"),
        service_box("p", "cache"),
        service_box("p", "api", depends="db:service_healthy:true,cache:service_started:false"),
        service_box("p", "web", depends="api:service_started:true,gone:service_started:true"),
        service_box("p", "tool", depends="db:service_started:false"),
    )
    return ProjectView.load(fake, "p", None)


def test_dependencies_are_followed_transitively_among_known_services() -> None:
    assert view().with_dependencies(["web"]) == ["api", "cache", "db", "web"]
    assert view().with_dependencies(["tool", "nowhere"]) == ["db", "tool"]
    assert view().with_dependencies([]) == ["api", "cache", "db", "tool", "web"]


def test_dependents_by_every_edge_or_by_restart_edges_only() -> None:
    assert view().with_dependents(["db"], restart_only=False) == ["api", "db", "tool", "web"]
    assert view().with_dependents(["db"], restart_only=True) == ["api", "db", "web"]
    assert view().with_dependents(["cache"], restart_only=True) == ["cache"]
