"""Ctrl-C while `up` works in a helper thread: a real SIGINT reaches the main thread."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import pytest

from composer.ops.interrupt import run_interruptibly
from composer.progress import Progress


@pytest.fixture(autouse=True)
def ctrl_c_raises() -> Iterator[None]:
    """Python's own SIGINT handler, even where the suite was started with SIGINT ignored (a
    background job of a non-interactive shell), so that the signal raises KeyboardInterrupt."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def interrupt_main_after(seconds: float) -> threading.Timer:
    """A real SIGINT to the main thread, as Ctrl-C sends it (it interrupts a blocking wait)."""
    main = threading.main_thread().ident
    assert main is not None
    timer = threading.Timer(seconds, signal.pthread_kill, args=(main, signal.SIGINT))
    timer.start()
    return timer


def test_first_ctrl_c_cancels_and_the_task_still_returns_its_value() -> None:
    cancel = threading.Event()

    def task() -> str:
        # Work in flight finishes after the cancel, a moment later.
        cancel.wait(5)
        time.sleep(0.3)
        return "finished"

    progress = Progress()
    interrupt_main_after(0.2)
    assert run_interruptibly(task, cancel, progress) == "finished"
    assert cancel.is_set()


def test_the_task_error_reaches_the_caller_after_a_ctrl_c() -> None:
    cancel = threading.Event()

    def task() -> str:
        cancel.wait(5)
        time.sleep(0.3)
        raise ValueError("stopped waiting")

    interrupt_main_after(0.2)
    with pytest.raises(ValueError, match="stopped waiting"):
        run_interruptibly(task, cancel, Progress())


def test_a_second_ctrl_c_quits_at_once() -> None:
    cancel = threading.Event()
    release = threading.Event()

    def task() -> str:
        release.wait(5)
        return "late"

    interrupt_main_after(0.2)
    interrupt_main_after(0.6)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_interruptibly(task, cancel, Progress())
    finally:
        release.set()
    assert time.monotonic() - started < 3
