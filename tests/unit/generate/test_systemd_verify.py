"""`systemd-analyze verify` accepts every unit composer writes, with no warning at all.

systemd is installed on the test machines although it is not PID 1 (scripts/setup-machine);
`verify` works without a running manager. It exits 0 on unknown keys and bad values unless
`--recursive-errors=` is given, so any line on stderr counts as a failure here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ci import in_ci
from tests.unit.generate.systemd_support import FIXTURES, GOGS, generate_files

CASES = {
    "gogs-shared": (GOGS, ("compose.yaml", "compose.offline.yaml"), None, (4, 3)),
    "gogs-separate": (GOGS, ("compose.yaml",), "separate", (4, 6)),
    "every-none": (FIXTURES / "every", ("compose.yaml",), None, (4, 3)),
    "every-none-4.6": (FIXTURES / "every", ("compose.yaml",), None, (4, 6)),
}


def analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        message = "systemd-analyze is not installed (scripts/setup-machine installs systemd)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    if shutil.which("podman") is None:
        # verify checks that every ExecStart binary exists
        message = "podman is not installed (scripts/setup-machine installs it)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def verify(directory: Path, scope: str) -> subprocess.CompletedProcess[str]:
    units = sorted(str(p) for p in directory.iterdir())
    argv = [analyze(), "verify", "--man=no", "--recursive-errors=no", *units]
    env = dict(os.environ)
    if scope == "user":
        argv.insert(1, "--user")
        runtime = directory.parent / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(runtime)
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize("scope", ["system", "user"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_systemd_analyze_verify_is_silent(name: str, scope: str, tmp_path: Path) -> None:
    directory, files, pod_mode, version = CASES[name]
    project = "gogs-app" if directory == GOGS else None
    generated = generate_files(
        directory, files=files, project=project, pod_mode=pod_mode, version=version, scope=scope
    )
    out = tmp_path / "units"
    out.mkdir()
    for file in generated.files:
        (out / file.name).write_text(file.text())
    done = verify(out, scope)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr


def test_the_check_catches_a_bad_unit(tmp_path: Path) -> None:
    """The recipe itself: a misspelt value is reported (so a silent verify means something)."""
    out = tmp_path / "units"
    out.mkdir()
    (out / "bad.service").write_text("[Service]\nType=notfy\nExecStart=/bin/true\n")
    done = verify(out, "system")
    assert "notfy" in done.stderr
