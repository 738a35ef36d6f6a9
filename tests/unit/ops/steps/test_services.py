"""How `up` words the failure of one service's container step."""

from __future__ import annotations

from composer.errors import ComposerError
from composer.execute import Result, State
from composer.ops.results import failure_hint
from composer.ops.steps.services import for_service


def test_a_container_error_is_prefixed_with_its_service_once() -> None:
    error = ComposerError("container p-web-1: cannot start: port 80/tcp is taken", hint="free it")
    named = for_service("web", error)
    assert named.message == 'service "web": container p-web-1: cannot start: port 80/tcp is taken'
    assert named.hint == "free it"
    assert for_service("web", named) is named


def test_the_hint_of_the_one_failure_is_kept() -> None:
    results: dict[str, Result[str, None]] = {
        "web": Result("web", State.FAILED, error=ComposerError("x", hint="free the port")),
        "db": Result("db", State.DONE),
    }
    assert failure_hint(results) == "free the port"
    results["api"] = Result("api", State.FAILED, error=ComposerError("y", hint="other"))
    assert failure_hint(results) is None
