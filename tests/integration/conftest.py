"""Fixtures for tests against a real Podman: images, projects, and composer as root or user."""

from __future__ import annotations

import http.client
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from tests.ci import in_ci

HERE = Path(__file__).resolve().parent
BUSYBOX_IMAGE = "localhost/composer/busybox:latest"
DEBIAN_IMAGE = "localhost/composer/debian:bookworm"
POSTGRES_IMAGE = "localhost/composer/postgres:15"
TEST_USER = os.environ.get("COMPOSER_TEST_USER", "composer-test")
PROJECT_LABELS = ("com.docker.compose.project", "io.podman.compose.project")
COMMAND_TIMEOUT = 300
SETUP_HINT = "run scripts/setup-machine and scripts/build-test-images as root"


def missing(reason: str) -> NoReturn:
    """A prerequisite is missing: skip locally, fail in CI (integration tests must run there)."""
    message = f"{reason} ({SETUP_HINT})"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


NOT_APPLICABLE = "not applicable here: "


def not_applicable(reason: str) -> NoReturn:
    """Skip a check of something this machine lacks by design (kept as a skip under CI too).

    Only for a feature the installed versions do not have at all (Quadlet on Podman 4.3), with
    the version in the reason; a missing prerequisite is `missing()`, which fails in CI.
    """
    pytest.skip(NOT_APPLICABLE + reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything in this directory `podman`, and tests using the test user `rootless`."""
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.podman)
        if "test_user" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.rootless)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """In CI an integration test may not skip, whatever skipped it: a skip becomes a failure."""
    report = yield
    if in_ci() and report.skipped and HERE in item.path.parents and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        if str(reason).startswith(f"Skipped: {NOT_APPLICABLE}"):
            return report
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where integration tests must run: {reason}"
    return report


@dataclass(frozen=True)
class TestUser:
    """The unprivileged user scripts/setup-machine made, with composer in its own venv."""

    __test__ = False  # not a test class, whatever its name says

    name: str
    uid: int
    home: Path
    venv: Path

    @property
    def runtime_dir(self) -> Path:
        return Path(f"/run/user/{self.uid}")

    def argv(self, *command: str) -> list[str]:
        """The argv that runs `command` as this user with a clean, predictable environment."""
        return [
            "runuser",
            "-u",
            self.name,
            "--",
            "env",
            f"HOME={self.home}",
            f"XDG_RUNTIME_DIR={self.runtime_dir}",
            f"PATH={self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            *command,
        ]


def run(
    argv: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: float = COMMAND_TIMEOUT,
    input_text: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run an argv list, capturing text output; a failure shows the command and its output."""
    result = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"command failed ({result.returncode}): {' '.join(argv)}\n"
            f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}",
            pytrace=False,
        )
    return result


class Podman:
    """The podman CLI as root, or as the test user (argv lists only)."""

    def __init__(self, user: TestUser | None = None) -> None:
        self.user = user

    def argv(self, *args: str) -> list[str]:
        if self.user is None:
            return ["podman", *args]
        return self.user.argv("podman", *args)

    def __call__(
        self, *args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        return run(self.argv(*args), check=check, timeout=timeout)

    def ids(self, *args: str) -> list[str]:
        """IDs or names a listing command prints, one a line."""
        return self(*args).stdout.split()

    def image_exists(self, image: str) -> bool:
        return self("image", "exists", image, check=False).returncode == 0


# Variables that would make composer talk to another engine or load another project.
FOREIGN_ENV_PREFIXES = ("COMPOSE_", "COMPOSER_", "DOCKER_", "CONTAINER_HOST", "CONTAINER_SSHKEY")


def clean_environ() -> dict[str, str]:
    """Root's environment without anything that would steer composer elsewhere."""
    return {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV_PREFIXES)}


class Composer:
    """The composer CLI as a subprocess, for one project (`-p` is added to every call)."""

    def __init__(self, argv_prefix: list[str], project: str, base_env: dict[str, str]) -> None:
        self.argv_prefix = argv_prefix
        self.project = project
        self.base_env = base_env

    def __call__(
        self,
        *args: str,
        cwd: Path,
        env: dict[str, str] | None = None,
        check: bool = True,
        timeout: float = COMMAND_TIMEOUT,
        input_text: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**self.base_env, **(env or {})}
        argv = [*self.argv_prefix, "-p", self.project, *args]
        return run(argv, cwd=cwd, env=full_env, check=check, timeout=timeout, input_text=input_text)


def project_objects(podman: Podman, project: str) -> dict[str, list[str]]:
    """Everything in podman's storage that carries the project's label, by kind."""
    found: dict[str, list[str]] = {kind: [] for kind in ("container", "pod", "network", "volume")}
    for label in PROJECT_LABELS:
        selector = f"label={label}={project}"
        found["container"] += podman.ids("ps", "-a", "-q", "--filter", selector)
        found["pod"] += podman.ids("pod", "ps", "-q", "--filter", selector)
        found["network"] += podman.ids("network", "ls", "-q", "--filter", selector)
        found["volume"] += podman.ids("volume", "ls", "-q", "--filter", selector)
    found["pod"] += podman.ids("pod", "ps", "-q", "--filter", f"name=^pod_{project}$")
    return {kind: sorted(set(ids)) for kind, ids in found.items()}


def remove_project(podman: Podman, project: str) -> dict[str, list[str]]:
    """Remove the project's containers, pods, networks and volumes; return what is left."""
    objects = project_objects(podman, project)
    removals = {
        "container": ("rm", "--force", "--time", "0"),
        "pod": ("pod", "rm", "--force", "--time", "0"),
        "network": ("network", "rm", "--force"),
        "volume": ("volume", "rm", "--force"),
    }
    for kind, command in removals.items():
        if objects[kind]:
            podman(*command, *objects[kind], check=False)
    return {kind: ids for kind, ids in project_objects(podman, project).items() if ids}


def require_root_podman() -> None:
    if os.geteuid() != 0:
        missing("integration tests run as root")
    if shutil.which("podman") is None:
        missing("podman is not installed")
    if run(["podman", "info"], check=False, timeout=60).returncode != 0:
        missing("`podman info` fails")


@pytest.fixture(scope="session", autouse=True)
def root_podman() -> Podman:
    """Podman as root; every integration test needs it."""
    require_root_podman()
    return Podman()


def _image(podman: Podman, name: str) -> str:
    if not podman.image_exists(name):
        missing(f"image {name} is missing")
    return name


@pytest.fixture(scope="session")
def busybox_image(root_podman: Podman) -> str:
    """One-layer busybox with every applet and PATH set."""
    return _image(root_podman, BUSYBOX_IMAGE)


@pytest.fixture(scope="session")
def debian_image(root_podman: Podman) -> str:
    """Debian bookworm minbase from debootstrap."""
    return _image(root_podman, DEBIAN_IMAGE)


@pytest.fixture(scope="session")
def postgres_image(root_podman: Podman) -> str:
    """PostgreSQL 15 honouring POSTGRES_USER/PASSWORD/DB, data in /var/lib/postgresql/data."""
    return _image(root_podman, POSTGRES_IMAGE)


@pytest.fixture(scope="session")
def test_user() -> TestUser:
    """The rootless test user, with composer installed in its venv and its runtime dir."""
    try:
        entry = pwd.getpwnam(TEST_USER)
    except KeyError:
        missing(f"test user {TEST_USER} does not exist")
    user = TestUser(TEST_USER, entry.pw_uid, Path(entry.pw_dir), Path(entry.pw_dir) / "venv")
    if not (user.venv / "bin" / "composer").exists():
        missing(f"{user.venv} has no composer")
    if not user.runtime_dir.is_dir():
        missing(f"{user.runtime_dir} is missing")
    return user


@pytest.fixture(scope="session")
def user_podman(test_user: TestUser) -> Podman:
    """Podman as the test user, in that user's own storage."""
    podman = Podman(test_user)
    if podman("info", check=False, timeout=60).returncode != 0:
        missing(f"`podman info` fails for {test_user.name}")
    return podman


@pytest.fixture(scope="session")
def user_busybox_image(user_podman: Podman) -> str:
    """The busybox test image in the test user's storage."""
    return _image(user_podman, BUSYBOX_IMAGE)


@pytest.fixture(scope="session")
def user_postgres_image(user_podman: Podman) -> str:
    """The PostgreSQL test image in the test user's storage."""
    return _image(user_podman, POSTGRES_IMAGE)


def unique_project_name(test_name: str) -> str:
    """A valid, unique compose project name that still says which test made it."""
    stem = re.sub(r"[^a-z0-9]+", "-", test_name.lower()).strip("-")[:28].strip("-")
    return f"it-{stem}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def project_name(request: pytest.FixtureRequest, root_podman: Podman) -> Iterator[str]:
    """A unique project name; afterwards everything with its label is removed (root and user)."""
    name = unique_project_name(request.node.name)
    yield name
    podmans = {"root": root_podman}
    if "test_user" in request.fixturenames:
        podmans[TEST_USER] = Podman(request.getfixturevalue("test_user"))
    leftovers = {
        who: left for who, podman in podmans.items() if (left := remove_project(podman, name))
    }
    if leftovers:
        pytest.fail(f"could not remove project {name}: {leftovers}", pytrace=False)


@pytest.fixture
def project_labels(project_name: str) -> list[str]:
    """`--label` arguments that tie a hand-made podman object to the test's project."""
    return [arg for label in PROJECT_LABELS for arg in ("--label", f"{label}={project_name}")]


@pytest.fixture
def composer(project_name: str) -> Composer:
    """composer as root, from the checkout's own virtualenv."""
    return Composer([str(Path(sys.executable).parent / "composer")], project_name, clean_environ())


@pytest.fixture
def composer_rootless(test_user: TestUser, project_name: str) -> Composer:
    """composer as the test user, from that user's venv (Debian's python, editable install)."""
    # Nothing of root's environment reaches the user's composer: runuser keeps what it is given.
    user_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    argv = test_user.argv(str(test_user.venv / "bin" / "composer"))
    return Composer(argv, project_name, user_env)


@pytest.fixture
def user_workdir(test_user: TestUser) -> Iterator[Path]:
    """A project directory the test user owns (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="composer-it-", dir="/tmp"))
    os.chown(path, test_user.uid, -1)
    path.chmod(0o755)
    yield path
    # Files a rootless container wrote belong to sub-uids; root removes them all the same.
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def free_port() -> Callable[[], int]:
    """A function returning a TCP port nothing listens on at 127.0.0.1."""

    def pick() -> int:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])

    return pick


def http_get(port: int, path: str = "/", timeout: float = 20.0) -> str:
    """GET http://127.0.0.1:port/path, retrying until it answers or the timeout passes."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}{path}"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except (OSError, http.client.HTTPException) as exc:
            if time.monotonic() > deadline:
                pytest.fail(f"{url} did not answer within {timeout}s: {exc}", pytrace=False)
            time.sleep(0.25)


@pytest.fixture(name="http_get")
def http_get_fixture() -> Callable[..., str]:
    """http_get(port, path="/", timeout=20.0): the body of a page on 127.0.0.1."""
    return http_get
