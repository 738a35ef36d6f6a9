"""A missing Podman fails the integration tests under CI=true, and only skips them elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = "tests/integration/test_machine.py"


def run_integration_without_podman(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    """pytest over one integration file with a PATH on which no podman can be found."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env |= {"PATH": str(tmp_path), "CI": ci}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", PROBE]
    return subprocess.run(
        argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def expected_reason() -> str:
    return "integration tests run as root" if os.geteuid() != 0 else "podman is not installed"


def test_missing_podman_fails_under_ci(tmp_path: Path) -> None:
    result = run_integration_without_podman(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    assert expected_reason() in result.stdout
    assert result.stdout.splitlines()[-1].startswith("1 error")


def test_missing_podman_skips_outside_ci(tmp_path: Path) -> None:
    result = run_integration_without_podman(tmp_path, "false")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].split()[1] == "skipped"
