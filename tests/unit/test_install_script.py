"""scripts/install and scripts/setup-machine: options, and what README says they install.

Running them for real needs root and changes the host; that is done by `scripts/check` (CI)
and by hand. Here: argument parsing (answered before the root check, so nothing is changed)
and the package lists, which README.md must name as the scripts do.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "scripts" / "install"
SETUP = REPO / "scripts" / "setup-machine"
README = REPO / "README.md"


def run(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=30, check=False
    )


def bash_array(name: str) -> list[str]:
    """The words of `NAME=(...)` in scripts/setup-machine."""
    match = re.search(rf"^{name}=\((.*?)\)", SETUP.read_text(), re.MULTILINE | re.DOTALL)
    assert match, name
    return match.group(1).split()


def readme_section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_install_help_names_both_ways() -> None:
    result = run(INSTALL, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Install composer and Podman on a Debian 12 machine")
    assert "Usage: scripts/install [--minimal]" in result.stdout
    assert "--minimal    only Podman and composer" in result.stdout
    assert "set -e" not in result.stdout
    assert run(INSTALL, "-h").stdout == result.stdout


@pytest.mark.parametrize("args", [["--bogus"], ["--minimal", "extra"]])
def test_install_refuses_unknown_arguments_before_doing_anything(args: list[str]) -> None:
    result = run(INSTALL, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"scripts/install: unknown argument: {args[-1]}\nInstall")
    assert "=== " not in result.stdout


def test_setup_machine_help_and_a_bad_argument() -> None:
    result = run(SETUP, "--help")
    assert result.returncode == 0
    assert "Usage: scripts/setup-machine [--minimal] [--skip-apt]" in result.stdout
    assert "--minimal   only what Podman needs" in result.stdout
    assert "set -" not in result.stdout
    result = run(SETUP, "--bogus")
    assert (result.returncode, result.stderr) == (2, "unknown argument: --bogus\n")


def test_the_minimal_packages_are_podmans_and_the_full_set_adds_the_test_tools() -> None:
    podman, tests = bash_array("PODMAN_PACKAGES"), bash_array("TEST_PACKAGES")
    assert {"podman", "runc", "catatonit", "python3-venv"} <= set(podman)
    assert not set(podman) & set(tests)
    # The test images are made from these; a minimal install makes none.
    assert {"busybox-static", "debootstrap"} <= set(tests)
    assert 'PACKAGES=("${PODMAN_PACKAGES[@]}" "${TEST_PACKAGES[@]}")' in SETUP.read_text()


def test_readme_names_every_package_in_its_group() -> None:
    text = readme_section("What scripts/install changes on the host")
    packages = text[text.index("**installs Debian packages**") : text.index("**writes files")]
    for_podman, _, for_tests = packages.partition("for the tests")
    assert [p for p in bash_array("PODMAN_PACKAGES") if p not in for_podman] == []
    assert [p for p in bash_array("TEST_PACKAGES") if p not in for_tests] == []


def test_readme_shows_the_minimal_install_and_the_pip_line() -> None:
    text = readme_section("Installing only composer and Podman")
    assert "scripts/install --minimal" in text
    assert "pip install ." in text
