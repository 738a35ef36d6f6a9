"""The real host's readings, on files and commands the test makes itself."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from composer.doctor.host import NOT_FOUND_RC, LocalHost


def test_read_text_and_listdir(tmp_path: Path) -> None:
    (tmp_path / "b.conf").write_text("b")
    (tmp_path / "a.conf").write_text("a")
    host = LocalHost({})
    assert host.read_text(str(tmp_path / "a.conf")) == "a"
    assert host.read_text(str(tmp_path / "missing")) is None
    assert host.listdir(str(tmp_path)) == ["a.conf", "b.conf"]
    assert host.listdir(str(tmp_path / "missing")) == []


def test_stat_and_access(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("")
    host = LocalHost({})
    found = host.stat(str(path))
    assert found is not None
    assert found.uid == os.geteuid()
    assert host.stat(str(tmp_path / "missing")) is None
    assert host.access(str(path), os.R_OK)
    assert not host.has_file_capabilities(str(path))


def test_run_reports_output_and_missing_programs() -> None:
    host = LocalHost({"PATH": os.defpath})
    done = host.run([sys.executable, "-c", "import sys; print('out'); sys.exit(3)"])
    assert (done.returncode, done.stdout) == (3, "out\n")
    assert host.run(["/nonexistent/program"]).returncode == NOT_FOUND_RC


def test_run_passes_the_given_environment_only() -> None:
    host = LocalHost({"DOCTOR_PROBE": "yes"})
    done = host.run([sys.executable, "-c", "import os; print(os.environ.get('DOCTOR_PROBE'))"])
    assert done.stdout == "yes\n"


def test_which_uses_the_given_path(tmp_path: Path) -> None:
    tool = tmp_path / "mytool"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    assert LocalHost({"PATH": str(tmp_path)}).which("mytool") == str(tool)
    assert LocalHost({"PATH": "/nonexistent"}).which("mytool") is None


def test_getrlimit() -> None:
    host = LocalHost({})
    found = host.getrlimit("nofile")
    assert found is not None
    assert found[0] <= found[1] or found[1] == -1
    assert host.getrlimit("nosuchlimit") is None


def test_write_text_creates_directories_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "x.conf"
    host = LocalHost({})
    host.write_text(str(target), "one\n")
    host.write_text(str(target), "two\n")
    assert target.read_text() == "two\n"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.conf"]


def test_identity_uses_home_from_the_environment() -> None:
    who = LocalHost({"HOME": "/somewhere"}).identity()
    assert who.uid == os.geteuid()
    assert who.home == "/somewhere"
