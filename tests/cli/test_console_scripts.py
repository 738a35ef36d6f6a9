"""Both console scripts, `composer` and `podman-composer`, are installed and run the same program.

`podman-composer` is there for hosts where PHP's Composer (/usr/bin/composer) comes first on
PATH. Each is run as installed in this environment, and names itself in its usage lines.
"""

from __future__ import annotations

import os
import subprocess
import sysconfig
import tomllib
from importlib.metadata import distribution
from pathlib import Path

import pytest

from composer import __version__

REPO = Path(__file__).resolve().parents[2]
NAMES = ("composer", "podman-composer")
ENTRY = "composer.cli:main"


def run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sysconfig.get_path("scripts")) / name
    env = os.environ | {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(
        [str(script), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_pyproject_declares_both_scripts() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert {name: scripts.get(name) for name in NAMES} == dict.fromkeys(NAMES, ENTRY)


def test_the_installed_distribution_has_both_scripts() -> None:
    points = {ep.name: ep.value for ep in distribution("composer").entry_points}
    assert {name: points.get(name) for name in NAMES} == dict.fromkeys(NAMES, ENTRY)


@pytest.mark.parametrize("name", NAMES)
def test_the_script_runs(name: str) -> None:
    script = Path(sysconfig.get_path("scripts")) / name
    assert script.is_file(), f"{script} is not installed: pip install -e . again"
    result = run(name, "version")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"composer version {__version__}\n",
        "",
    )


@pytest.mark.parametrize("name", NAMES)
def test_help_names_the_program_as_it_was_called(name: str) -> None:
    result = run(name, "--help")
    assert result.returncode == 0, result.stderr
    assert f"Usage: {name} [OPTIONS] COMMAND [ARGS]..." in result.stdout
    result = run(name, "up", "--help")
    assert result.returncode == 0, result.stderr
    assert f"Usage: {name} up [OPTIONS]" in result.stdout


@pytest.mark.parametrize("name", NAMES)
def test_a_usage_error_names_the_program_as_it_was_called(name: str) -> None:
    result = run(name, "frobnicate")
    assert result.returncode == 2
    assert f"Usage: {name} [OPTIONS] COMMAND [ARGS]..." in result.stderr
    assert f"Try '{name} -h' for help." in result.stderr
