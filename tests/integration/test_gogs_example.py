"""examples/gogs-postgres end to end, with its offline override, as root and rootless.

The example's fixed container names and ports (10800, 10022, 5432) allow one copy at a time:
the tests run one after the other, and each removes its project before the next starts. The
two images are built once per test session and per storage (root's, the test user's) by a
session fixture; the tests then check that `up` reuses them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.conftest import (
    Composer,
    Podman,
    TestUser,
    clean_environ,
    project_objects,
    remove_project,
    run,
    unique_project_name,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "gogs-postgres"
FILES = ("-f", "compose.yaml", "-f", "compose.offline.yaml")
IMAGES = ("localhost/gogs-app/postgresql:offline", "localhost/gogs-app/gogs:offline")
CONTAINERS = ("gogs", "gogs-postgresql")
WEB, SSH, DATABASE = 10800, 10022, 5432
POSTGRES_UID, GIT_UID = 999, 1000
BUILD_TIMEOUT = 900  # a first build installs PostgreSQL and Python from the Debian mirror


@dataclass
class Variant:
    """How one side (root, or the test user) runs composer and podman, and owns files."""

    name: str
    podman: Podman
    composer_argv: list[str]
    env: dict[str, str]
    user: TestUser | None = None

    def composer(self, project: str) -> Composer:
        return Composer(self.composer_argv, project, self.env)

    def host_uid(self, container_uid: int) -> int:
        """The host UID a container UID writes as: itself as root, rootless per /etc/subuid."""
        if self.user is None:
            return container_uid
        start = subuid_start(self.user.name)
        return start + container_uid - 1


def subuid_start(user: str) -> int:
    """The start of the user's first subordinate UID range."""
    for line in Path("/etc/subuid").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name == user:
            return int(rest.split(":")[0])
    raise AssertionError(f"{user} has no range in /etc/subuid")


def root_variant(root_podman: Podman) -> Variant:
    argv = [str(REPO / ".venv" / "bin" / "composer")]
    if not Path(argv[0]).exists():
        argv = [shutil.which("composer") or "composer"]
    return Variant("root", root_podman, argv, clean_environ())


def user_variant(test_user: TestUser, user_podman: Podman) -> Variant:
    argv = test_user.argv(str(test_user.venv / "bin" / "composer"))
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    return Variant("rootless", user_podman, argv, env, test_user)


def require_example_absent(variant: Variant) -> None:
    """Another copy of the example (scripts/demo's gogs-app) would hold the names and ports."""
    names = variant.podman("ps", "-a", "--format", "{{.Names}}").stdout.split()
    running = sorted(set(CONTAINERS) & set(names))
    if running:
        pytest.fail(
            f"containers {', '.join(running)} exist ({variant.name}): the example runs already; "
            "stop it first (cd examples/gogs-postgres && composer -p gogs-app "
            "-f compose.yaml -f compose.offline.yaml down)",
            pytrace=False,
        )
    for port in (WEB, SSH, DATABASE):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                pytest.fail(f"port {port} is in use on 127.0.0.1", pytrace=False)


def copy_example(variant: Variant, workdir: Path) -> None:
    """The example's files (not a data directory a demo left there), owned by the variant."""
    shutil.copytree(
        EXAMPLE, workdir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("gogs-data")
    )
    if variant.user is not None:
        for path in [workdir, *workdir.rglob("*")]:
            os.chown(path, variant.user.uid, -1)


def make_data_directories(variant: Variant, workdir: Path) -> dict[str, Path]:
    """As the README says: create them, then give them to the container users."""
    data = {name: workdir / "gogs-data" / name for name in ("postgresql", "gogs", "gogs-logs")}
    owners = {"postgresql": POSTGRES_UID, "gogs": GIT_UID, "gogs-logs": GIT_UID}
    if variant.user is None:
        for name, path in data.items():
            path.mkdir(parents=True)
            os.chown(path, owners[name], owners[name])
        return data
    run(variant.user.argv("mkdir", "-p", *map(str, data.values())))
    for name, path in data.items():
        owner = f"{owners[name]}:{owners[name]}"
        variant.podman("unshare", "chown", owner, str(path))
    return data


@dataclass(frozen=True)
class Built:
    """The example's images in one storage, and how long composer took to build them."""

    image_ids: dict[str, str]
    seconds: float


def image_ids(podman: Podman) -> dict[str, str]:
    found = {}
    for image in IMAGES:
        done = podman("image", "inspect", "--format", "{{.Id}}", image, check=False)
        found[image] = done.stdout.strip() if done.returncode == 0 else ""
    return found


def build_images(variant: Variant, workdir: Path, report: Callable[[str], None]) -> Built:
    """`up --no-start --build` on a throwaway project: composer builds both images."""
    require_example_absent(variant)
    copy_example(variant, workdir)
    project = unique_project_name(f"gogs-build-{variant.name}")
    composer = variant.composer(project)
    started = time.monotonic()
    try:
        composer(*FILES, "up", "--no-start", "--build", cwd=workdir, timeout=BUILD_TIMEOUT)
        seconds = time.monotonic() - started
        composer(*FILES, "down", cwd=workdir)
    finally:
        left = remove_project(variant.podman, project)
    assert not left, f"the build project left {left}"
    ids = image_ids(variant.podman)
    assert all(ids.values()), f"composer did not build every image: {ids}"
    report(f"gogs example: composer built {', '.join(IMAGES)} ({variant.name}) in {seconds:.0f}s")
    return Built(ids, seconds)


def reporter(config: pytest.Config) -> Callable[[str], None]:
    """A line on the terminal, whatever pytest captures (build times belong in the output)."""
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")

    def say(text: str) -> None:
        if terminal is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            terminal.write_line(text)

    return say


@pytest.fixture(scope="session")
def root_images(root_podman: Podman, pytestconfig: pytest.Config) -> Iterator[Built]:
    """The example's two images in root's storage, built once per session."""
    workdir = Path(tempfile.mkdtemp(prefix="composer-gogs-build-"))
    try:
        yield build_images(root_variant(root_podman), workdir, reporter(pytestconfig))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def user_images(
    test_user: TestUser, user_podman: Podman, pytestconfig: pytest.Config
) -> Iterator[Built]:
    """The example's two images in the test user's storage, built once per session."""
    workdir = Path(tempfile.mkdtemp(prefix="composer-gogs-build-", dir="/tmp"))
    workdir.chmod(0o755)
    try:
        yield build_images(user_variant(test_user, user_podman), workdir, reporter(pytestconfig))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def post_repository(name: str) -> tuple[int, dict[str, str]]:
    """POST /repos name=...: the status and the JSON answer."""
    body = urllib.parse.urlencode({"name": name}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{WEB}/repos", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def repositories(http_get: Callable[..., str]) -> list[str]:
    """The names GET /repos lists (retried until the service and its database answer)."""
    return [repo["name"] for repo in json.loads(http_get(WEB, "/repos", timeout=60))]


def in_database(variant: Variant) -> list[str]:
    """The repository names psql finds in the postgresql container."""
    sql = "SELECT name FROM repository ORDER BY name"
    done = variant.podman(
        "exec", "gogs-postgresql", "psql", "-U", "gogs", "-d", "gogs", "-tA", "-c", sql
    )
    return done.stdout.split()


def ssh_banner() -> bytes:
    with socket.create_connection(("127.0.0.1", SSH), timeout=10) as conn:
        return conn.recv(64)


def refuses(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def container_states(variant: Variant) -> list[str]:
    """The example's containers' states (running, exited, ...), as Podman has them."""
    done = variant.podman("inspect", "--format", "{{.State.Status}}", *CONTAINERS)
    return done.stdout.split()


def exercise_example(
    variant: Variant,
    composer: Composer,
    project: str,
    workdir: Path,
    built: Built,
    http_get: Callable[..., str],
) -> None:
    """The README's walk-through, each step checked by its effect."""
    require_example_absent(variant)
    copy_example(variant, workdir)
    data = make_data_directories(variant, workdir)

    up = composer(*FILES, "up", "-d", "--wait", cwd=workdir)
    assert "Building" not in up.stderr, "up rebuilt the images the session fixture built"
    assert image_ids(variant.podman) == built.image_ids
    assert "Gogs stand-in" in http_get(WEB, "/", timeout=60)
    assert ssh_banner().startswith(b"SSH-2.0-")
    listed = composer(*FILES, "ps", cwd=workdir).stdout
    assert all(name in listed for name in CONTAINERS), listed

    name = f"repo-{project[-6:]}"
    status, answer = post_repository(name)
    assert (status, answer["name"]) == (201, name)
    assert post_repository(name)[0] == 409
    assert in_database(variant) == [name]
    # The data is in the bind mounts, written by the container users' host UIDs.
    repo_dir = data["gogs"] / "git" / "gogs-repositories" / f"{name}.git"
    assert repo_dir.stat().st_uid == variant.host_uid(GIT_UID)
    assert (data["postgresql"] / "data" / "PG_VERSION").stat().st_uid == variant.host_uid(
        POSTGRES_UID
    )
    assert f"created repository {name}" in (data["gogs-logs"] / "gogs.log").read_text()

    composer(*FILES, "stop", cwd=workdir)
    assert container_states(variant) == ["exited", "exited"]
    assert refuses(WEB)
    composer(*FILES, "start", cwd=workdir)
    assert repositories(http_get) == [name]

    composer(*FILES, "down", cwd=workdir)
    assert refuses(WEB)
    assert not any(project_objects(variant.podman, project).values())
    composer(*FILES, "up", "-d", "--wait", cwd=workdir)
    assert repositories(http_get) == [name]
    assert in_database(variant) == [name]

    composer(*FILES, "down", cwd=workdir)
    left = project_objects(variant.podman, project)
    assert left == {"container": [], "pod": [], "network": [], "volume": []}


def test_gogs_example_as_root(
    composer: Composer,
    root_podman: Podman,
    root_images: Built,
    project_name: str,
    tmp_path: Path,
    http_get: Callable[..., str],
) -> None:
    variant = root_variant(root_podman)
    exercise_example(variant, composer, project_name, tmp_path / "gogs", root_images, http_get)


def test_gogs_example_rootless(
    composer_rootless: Composer,
    test_user: TestUser,
    user_podman: Podman,
    user_images: Built,
    project_name: str,
    user_workdir: Path,
    http_get: Callable[..., str],
) -> None:
    variant = user_variant(test_user, user_podman)
    exercise_example(variant, composer_rootless, project_name, user_workdir, user_images, http_get)
