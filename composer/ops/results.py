"""The executor's results as a command reports them: the root causes, their hint, what did not run.

A failure that is not a ComposerError is a bug in composer: the error a command raises for it is
chained to it (`raise ... from`), so that COMPOSER_DEBUG=1 shows the worker thread's traceback.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TypeVar

from composer.errors import ComposerError, DependencyError
from composer.execute import Result, State

N = TypeVar("N", bound=Hashable)
R = TypeVar("R")


def failures(results: Mapping[N, Result[N, R]]) -> list[BaseException]:
    """The errors of the nodes whose work failed, in node order."""
    return [r.error for r in results.values() if r.state is State.FAILED and r.error is not None]


def _causes(results: Mapping[N, Result[N, R]]) -> Iterator[tuple[N, BaseException, bool]]:
    """(node, error, whether it is the node's own failure) for each failed node, and for each
    node skipped because a condition never held; a node skipped because a dependency failed adds
    nothing: that failure is listed already."""
    for node, result in results.items():
        if result.state is State.FAILED and result.error is not None:
            yield node, result.error, True
        elif result.state is State.SKIPPED and isinstance(result.error, DependencyError):
            cause = result.error.__cause__
            if cause is not None:
                yield node, cause, False


def root_causes(results: Mapping[N, Result[N, R]]) -> list[BaseException]:
    """Each failed node's error, and each condition that never held (why a node was skipped)."""
    return [error for _, error, _ in _causes(results)]


def first_bug(errors: Iterable[BaseException]) -> BaseException | None:
    """The first error that is not a ComposerError: a bug, whose traceback must not be lost."""
    return next((e for e in errors if not isinstance(e, ComposerError)), None)


def raise_failures(results: Mapping[N, Result[N, R]]) -> None:
    """Raise one ComposerError with every failed node's error, one a line (none failed: return)."""
    errors = failures(results)
    if errors:
        raise ComposerError("\n".join(str(e) for e in errors)) from first_bug(errors)


def failure_messages(results: Mapping[str, Result[str, R]]) -> list[str]:
    """The root causes' messages, each once; a service's bug is named with its service and type."""
    found = [_message(s, error) if own else str(error) for s, error, own in _causes(results)]
    return list(dict.fromkeys(found))


def _message(service: str, error: BaseException) -> str:
    text = str(error)
    if isinstance(error, ComposerError):
        return text
    # A bug rather than a user error, but one service's bug must not hide the others' state.
    return f'service "{service}": {type(error).__name__}: {text}'


def failure_hint(results: Mapping[str, Result[str, R]]) -> str | None:
    """The hint of the one service that failed (e.g. what to do about a taken port), if any."""
    hints = {error.hint for error in failures(results) if isinstance(error, ComposerError)}
    return hints.pop() if len(hints) == 1 else None


def not_started(results: Mapping[str, Result[str, R]]) -> list[str]:
    """Services that were skipped or cancelled, by name."""
    return sorted(
        name for name, result in results.items() if result.state in (State.SKIPPED, State.CANCELLED)
    )
