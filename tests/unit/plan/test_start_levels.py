"""The start order level by level, as `up --dry-run` shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.cli.session import GlobalOptions, Session
from composer.errors import PodmanUnavailableError
from composer.ops.commands.up_plan import UpOptions, dry_run, prepare
from composer.plan.start_levels import start_levels, start_order_lines
from composer.runtime.base import Runtime

NEEDS = {"web": {"db": True, "cache": False}, "cache": {"db": False}, "db": {}, "tool": {}}


def test_levels_group_what_can_start_together() -> None:
    assert start_levels(["db", "cache", "tool", "web"], NEEDS) == [
        ["db", "tool"],
        ["cache"],
        ["web"],
    ]


def test_dependencies_outside_the_services_do_not_count() -> None:
    assert start_levels(["web", "cache"], NEEDS) == [["cache"], ["web"]]
    assert start_levels([], NEEDS) == []


def test_the_lines_are_shell_comments() -> None:
    assert start_order_lines(["db", "web"], {"web": {"db": True}}) == [
        "# start order (each level starts once what it needs from the levels above is up):",
        "#   1. db",
        "#   2. web",
    ]
    assert start_order_lines([], {}) == []


class NoPodman(Session):
    def runtime(self) -> Runtime:
        raise PodmanUnavailableError("no Podman here")


def test_dry_run_prints_the_levels_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web: {image: a, depends_on: [db]}\n  db: {image: b}\n"
    )
    session = NoPodman(GlobalOptions(project_name="lv"), environ={}, cwd=str(tmp_path))
    options = UpOptions()
    prepared = prepare(session.load().model(), options, pod_mode=None, environ={})
    dry_run(session.runtime, prepared, options, podman_url=None)
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "# start order (each level starts once what it needs from the levels above is up):",
        "#   1. db",
        "#   2. web",
    ]
    assert out[3].startswith("podman network create")
