"""Ctrl-C while a command works: the first one lets the steps in flight finish, a second quits."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from composer.progress import Progress

T = TypeVar("T")


def run_interruptibly(task: Callable[[], T], cancel: threading.Event, progress: Progress) -> T:
    """Run `task` in a thread; Ctrl-C sets `cancel` (work in flight finishes), twice quits."""
    box: dict[str, T] = {}
    failure: list[BaseException] = []
    finished = threading.Event()

    def target() -> None:
        try:
            box["value"] = task()
        except BaseException as error:  # noqa: BLE001 - handed to the main thread below
            failure.append(error)
        finally:
            finished.set()

    threading.Thread(target=target, daemon=True).start()
    # Not Thread.join(): on Python 3.11 a Ctrl-C inside join() can leave the thread looking
    # finished (is_alive() False) while it still runs. An Event survives the interruption.
    while not finished.is_set():
        try:
            finished.wait(0.2)
        except KeyboardInterrupt:
            if cancel.is_set():
                raise
            cancel.set()
            progress.message(
                "Interrupted: finishing the steps in flight, starting nothing new "
                "(press Ctrl+C again to quit at once)"
            )
    if failure:
        raise failure[0]
    return box["value"]
