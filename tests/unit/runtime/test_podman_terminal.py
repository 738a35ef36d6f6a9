"""The podman command lines of `exec` and `run`'s attach, run against a stand-in `podman` script
that records what it was given (the real terminal sessions are tested in
tests/integration/test_exec_run.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.runtime.base import ExecRequest
from composer.runtime.podman_terminal import TerminalPodman, exec_flags, failed_command_code

URL = "unix:///run/test/podman.sock"
NOT_FOUND = (
    "Error: unable to start container 8279: preparing container 8279 for attach: runc: exec: "
    '"nosuch": executable file not found in $PATH: OCI runtime attempted to invoke a command '
    "that was not found"
)


def stand_in(tmp_path: Path, *, code: int, stderr: str = "") -> tuple[Path, Path]:
    """A `podman` that writes its argv and SECRET_VALUE to a file, prints stderr, exits code."""
    record = tmp_path / "record.json"
    script = tmp_path / "podman"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps("
        "{'argv': sys.argv[1:], 'secret': os.environ.get('SECRET_VALUE')}))\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({code})\n"
    )
    script.chmod(0o755)
    return script, record


def recorded(record: Path) -> dict[str, object]:
    found: dict[str, object] = json.loads(record.read_text())
    return found


def test_exec_flags_follow_the_request() -> None:
    request = ExecRequest(
        command=("sh",),
        env={"A": "1", "B": "two words"},
        user="1000",
        workdir="/tmp",
        privileged=True,
        tty=True,
    )
    assert exec_flags(request) == [
        "--interactive",
        "--tty",
        "--env",
        "A",
        "--env",
        "B",
        "--user",
        "1000",
        "--workdir",
        "/tmp",
        "--privileged",
    ]
    assert exec_flags(ExecRequest(("true",), interactive=False)) == []
    # Detached: no stdin, no TTY.
    assert exec_flags(ExecRequest(("true",), tty=True, detach=True)) == ["--detach"]


def test_exec_goes_to_composers_service_and_keeps_values_off_the_command_line(
    tmp_path: Path,
) -> None:
    script, record = stand_in(tmp_path, code=3)
    request = ExecRequest(("sh", "-c", "exit 3"), env={"SECRET_VALUE": "hunter2"})
    code = TerminalPodman(URL, binary=str(script)).exec("demo-web-1", request)
    assert code == 3
    found = recorded(record)
    assert found["argv"] == [
        "--remote",
        "--url",
        URL,
        "exec",
        "--interactive",
        "--env",
        "SECRET_VALUE",
        "demo-web-1",
        "sh",
        "-c",
        "exit 3",
    ]
    assert found["secret"] == "hunter2"  # from podman's environment, not its argv
    assert "SECRET_VALUE" not in os.environ


def test_start_attaches_and_returns_the_containers_code(tmp_path: Path) -> None:
    script, record = stand_in(tmp_path, code=7)
    code = TerminalPodman(URL, binary=str(script)).start("demo-job-run-1", interactive=True)
    assert code == 7
    assert recorded(record)["argv"] == [
        "--remote",
        "--url",
        URL,
        "start",
        "--attach",
        "--interactive",
        "demo-job-run-1",
    ]


@pytest.mark.parametrize(
    ("said", "expected"),
    [(NOT_FOUND, 127), ('Error: runc: exec: "/etc": OCI permission denied', 126), ("", 125)],
)
def test_a_command_that_cannot_run_gives_podman_runs_exit_codes(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], said: str, expected: int
) -> None:
    script, _ = stand_in(tmp_path, code=125, stderr=said)
    code = TerminalPodman(URL, binary=str(script)).start("demo-job-run-1", interactive=False)
    assert code == expected
    # podman's own words still reach the user's terminal.
    assert said in capfd.readouterr().err


def test_failed_command_code_reads_podmans_error_words() -> None:
    assert failed_command_code(NOT_FOUND) == 127
    assert failed_command_code("OCI permission denied") == 126
    assert failed_command_code("Error: no such container") is None


def test_without_podman_on_path_the_error_says_what_is_needed() -> None:
    with pytest.raises(ComposerError) as caught:
        TerminalPodman(URL, binary="").argv("exec")
    assert caught.value.message.startswith("podman is not on PATH")
