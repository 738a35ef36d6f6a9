"""post_start / pre_stop hooks: what is run, and how a failure reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import pytest

from composer.errors import ComposerError, RuntimeOperationError
from composer.model import Service
from composer.model.parts import ServiceHook
from composer.ops.steps import hooks
from composer.runtime.base import ExecResult, Runtime


class ExecOnly:
    """Answers exec with the next canned result and records each call."""

    def __init__(self, *results: ExecResult | ComposerError) -> None:
        self.results = list(results)
        self.calls: list[dict[str, Any]] = []

    def exec(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        user: str = "",
        workdir: str = "",
        privileged: bool = False,
    ) -> ExecResult:
        self.calls.append(
            {"name": name, "command": list(command), "env": dict(env or {}), "user": user}
            | {"workdir": workdir, "privileged": privileged}
        )
        result = self.results.pop(0)
        if isinstance(result, ComposerError):
            raise result
        return result


def service(**fields: Any) -> Service:
    return Service(name="web", **fields)


OK = ExecResult(0, "", "")


def test_post_start_runs_each_hook_with_its_settings() -> None:
    first = ServiceHook(("touch", "/ready"), user="1000", working_dir="/srv", privileged=True)
    second = ServiceHook(("sh", "-c", "echo $A"), environment={"A": "1", "UNSET": None})
    fake = ExecOnly(OK, OK)
    hooks.post_start(cast(Runtime, fake), "p-web-1", service(post_start=(first, second)))
    assert fake.calls == [
        {"name": "p-web-1", "command": ["touch", "/ready"], "env": {}, "user": "1000"}
        | {"workdir": "/srv", "privileged": True},
        {"name": "p-web-1", "command": ["sh", "-c", "echo $A"], "env": {"A": "1"}, "user": ""}
        | {"workdir": "", "privileged": False},
    ]


def test_a_failed_post_start_hook_fails_the_start_and_stops_the_rest() -> None:
    failing = ServiceHook(("migrate", "--all"))
    never = ServiceHook(("never",))
    fake = ExecOnly(ExecResult(3, "step 1\n", "no database\n"))
    with pytest.raises(RuntimeOperationError) as caught:
        hooks.post_start(cast(Runtime, fake), "p-web-1", service(post_start=(failing, never)))
    assert caught.value.message == (
        'service "web": container p-web-1: post_start hook `migrate --all` exited with code 3: '
        "step 1 / no database"
    )
    assert caught.value.hint == (
        "the container keeps running; fix the hook, then `composer up -d --force-recreate web`"
    )
    assert len(fake.calls) == 1


def test_a_failed_pre_stop_hook_only_warns() -> None:
    warnings: list[str] = []
    fake = ExecOnly(ExecResult(1, "", ""), RuntimeOperationError("container p-web-1 is paused"))
    hook = ServiceHook(("flush",))
    hooks.pre_stop(cast(Runtime, fake), "p-web-1", service(pre_stop=(hook, hook)), warnings.append)
    assert warnings == [
        'warning: service "web": container p-web-1: pre_stop hook `flush` exited with code 1; '
        "stopping it anyway",
        'warning: service "web": container p-web-1: pre_stop hook could not run: '
        "container p-web-1 is paused; stopping it anyway",
    ]


def test_dry_run_shows_post_start_hooks_after_the_start() -> None:
    from composer.plan.render import hook_argv

    hook = ServiceHook(
        ("sh", "-c", "echo $A"), user="0", working_dir="/srv", environment={"A": "1"}
    )
    assert hook_argv("p-web-1", hook) == [
        "podman",
        "exec",
        "--user",
        "0",
        "--workdir",
        "/srv",
        "--env",
        "A=1",
        "p-web-1",
        "sh",
        "-c",
        "echo $A",
    ]
