"""`composer up` / `create` / `down` on real Podman: ports, names in the pod, bind mounts,
convergence, and what `down` removes (and what it leaves alone)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman, clean_environ, project_objects
from tests.integration.conftest import remove_project as remove_everything
from tests.integration.updown import BUSYBOX, container_ids, exists, inspect, output, write_compose

# Services run under `init: true` so that SIGTERM stops them at once (a shell or httpd as PID 1
# ignores it, and every stop would wait the 10 s grace period).
WEB_DB = f"""
services:
  web:
    image: {BUSYBOX}
    init: true
    command:
      - sh
      - -c
      - mkdir -p /www && echo web-page > /www/index.html && echo from-web > /data/out.txt
        && exec httpd -f -p 8080 -h /www
    ports: ["127.0.0.1:{{port}}:8080"]
    volumes: ["./data:/data:Z"]
    links: ["db:database"]
    depends_on: [db]
  db:
    image: {BUSYBOX}
    init: true
    command:
      - sh
      - -c
      - mkdir -p /w && echo db-page > /w/index.html && exec httpd -f -p 9000 -h /w
"""


def test_web_and_db_in_the_shared_pod(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    write_compose(tmp_path, WEB_DB.format(port=port))
    (tmp_path / "data").mkdir()
    web, db = f"{project_name}-web-1", f"{project_name}-db-1"

    composer("create", cwd=tmp_path)
    # The `Z` of a bind mount given as a mount option shows in HostConfig.Binds until the
    # container starts (docs/runtime.md); `create` leaves it unstarted.
    binds = inspect(root_podman, web)["HostConfig"]["Binds"]
    options = [b.split(":")[2].split(",") for b in binds if b.startswith(f"{tmp_path}/data:/data:")]
    assert len(options) == 1, binds
    assert "Z" in options[0], binds
    assert inspect(root_podman, web)["State"]["Status"] == "created"

    composer("up", "-d", cwd=tmp_path)
    assert http_get(port) == "web-page\n"
    pod = inspect(root_podman, web)["Pod"]
    assert pod
    assert inspect(root_podman, db)["Pod"] == pod
    for host in ("db", "database"):  # the service name and the links alias, over localhost
        fetched = root_podman("exec", web, "wget", "-q", "-O", "-", f"http://{host}:9000/")
        assert fetched.stdout == "db-page\n"
    assert (tmp_path / "data" / "out.txt").read_text() == "from-web\n"


def colour_file(colour: str) -> str:
    return f"""
    services:
      app:
        image: {BUSYBOX}
        init: true
        command: ["sleep", "600"]
        environment: {{COLOUR: "{colour}"}}
      cache:
        image: {BUSYBOX}
        init: true
        command: ["sleep", "600"]
    """


def test_up_twice_changes_nothing_and_a_change_recreates_only_its_service(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(tmp_path, colour_file("blue"))
    app, cache = f"{project_name}-app-1", f"{project_name}-cache-1"
    composer("up", "-d", cwd=tmp_path)
    first = container_ids(root_podman, project_name)
    assert set(first) == {app, cache}

    again = composer("up", "-d", cwd=tmp_path)
    assert container_ids(root_podman, project_name) == first
    assert "Nothing to do: all 2 containers are up to date." in again.stderr
    assert "Creat" not in again.stderr

    write_compose(tmp_path, colour_file("green"))
    changed = composer("up", "-d", cwd=tmp_path)
    after = container_ids(root_podman, project_name)
    assert after[cache] == first[cache]
    assert after[app] != first[app]
    assert f"Container {app}  Recreated" in changed.stderr
    assert f"Container {cache}  Running" in changed.stderr
    env = inspect(root_podman, app)["Config"]["Env"]
    assert "COLOUR=green" in env

    # --no-recreate keeps a changed container; --force-recreate replaces an unchanged one.
    write_compose(tmp_path, colour_file("red"))
    kept = composer("up", "-d", "--no-recreate", cwd=tmp_path)
    assert container_ids(root_podman, project_name) == after
    assert (
        "Nothing to do: 1 container is up to date, 1 kept as they are by --no-recreate "
        f"although the file changed them ({app})."
    ) in kept.stderr
    composer("up", "-d", "--force-recreate", "cache", cwd=tmp_path)
    forced = container_ids(root_podman, project_name)
    assert forced[cache] != after[cache]
    assert forced[app] == after[app]


def _other_project(project_name: str) -> Composer:
    composer_path = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "composer"
    return Composer([str(composer_path)], f"{project_name}-other", clean_environ())


@pytest.fixture
def other_project(project_name: str, root_podman: Podman) -> Iterator[Composer]:
    """A second composer project next to the test's own; removed afterwards."""
    other = _other_project(project_name)
    yield other
    left = remove_everything(root_podman, other.project)
    assert not left, f"could not remove {other.project}: {left}"


VOLUME_PROJECT = f"""
services:
  app:
    image: {BUSYBOX}
    init: true
    command: ["sh", "-c", "date +%s%N >> /keep/runs && exec sleep 600"]
    volumes: ["keep:/keep"]
    networks: [default, back]
  db:
    image: {BUSYBOX}
    init: true
    command: ["sleep", "600"]
    networks: [back]
networks:
  back: {{}}
volumes:
  keep: {{}}
"""


def test_down_removes_the_project_and_nothing_else_and_volumes_with_v(
    composer: Composer,
    other_project: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    for directory in (mine, theirs):
        directory.mkdir()
        write_compose(directory, VOLUME_PROJECT)
    composer("up", "-d", cwd=mine)
    other_project("up", "-d", cwd=theirs)
    # A container no compose project made; the io.podman.compose label only lets the test's
    # cleanup find it (composer reads com.docker.compose.project).
    bystander = f"{project_name}-bystander"
    root_podman(
        "run", "-d", "--name", bystander, "--label", f"io.podman.compose.project={project_name}",
        BUSYBOX, "sleep", "600",
    )  # fmt: skip
    assert set(container_ids(root_podman, project_name)) == {
        f"{project_name}-app-1",
        f"{project_name}-db-1",
    }
    objects = project_objects(root_podman, project_name)
    assert len(objects["pod"]) == 1
    assert len(objects["network"]) == 2
    assert len(objects["volume"]) == 1
    first_run = _runs(root_podman, f"{project_name}-app-1")
    assert len(first_run) == 1

    composer("down", cwd=mine)

    left = project_objects(root_podman, project_name)
    assert left["container"] == [inspect(root_podman, bystander)["Id"][:12]]
    assert left["pod"] == []
    assert left["network"] == []
    assert not exists(root_podman, "pod", f"pod_{project_name}")
    assert left["volume"] == [f"{project_name}_keep"]  # named volumes stay without -v
    assert inspect(root_podman, bystander)["State"]["Status"] == "running"
    theirs_ids = container_ids(root_podman, other_project.project)
    assert len(theirs_ids) == 2
    assert all(inspect(root_podman, c)["State"]["Status"] == "running" for c in theirs_ids)
    assert exists(root_podman, "pod", f"pod_{other_project.project}")
    assert exists(root_podman, "network", f"{other_project.project}_back")

    # The named volume's data survived `down`; `down -v` removes it.
    app, volume = f"{project_name}-app-1", f"{project_name}_keep"
    composer("up", "-d", cwd=mine)
    assert _runs(root_podman, app)[:-1] == first_run  # the first run's line, then this one's
    down = composer("down", "-v", cwd=mine)
    assert f"Volume {volume}  Removed" in down.stderr
    assert not exists(root_podman, "volume", volume)
    assert project_objects(root_podman, project_name)["volume"] == []
    assert len(container_ids(root_podman, other_project.project)) == 2


def _runs(root_podman: Podman, container: str) -> list[str]:
    """The start times the service wrote into its named volume, one per run."""
    return root_podman("exec", container, "cat", "/keep/runs").stdout.split()


def test_down_keeps_orphans_unless_asked_and_honours_t(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    services = f"""
    services:
      keep:
        image: {BUSYBOX}
        command: ["sleep", "600"]
        stop_grace_period: 30s
      gone:
        image: {BUSYBOX}
        init: true
        command: ["sleep", "600"]
    """
    write_compose(tmp_path, services)
    composer("up", "-d", cwd=tmp_path)
    write_compose(tmp_path, services.split("      gone:", maxsplit=1)[0])
    gone = f"{project_name}-gone-1"

    # `sleep` as PID 1 ignores SIGTERM: only -t 1 makes this quick (30 s grace otherwise).
    down = composer("down", "-t", "1", cwd=tmp_path, timeout=25)
    assert f"Found orphan containers ([{gone}])" in down.stderr
    assert inspect(root_podman, gone)["State"]["Status"] == "running"
    # The pod and network still serve the orphan: kept, and that is no error.
    assert f"warning: pod pod_{project_name} kept: it still holds {gone}" in down.stderr
    assert f"Network {project_name}_default  Skipped: still in use" in down.stderr
    assert not exists(root_podman, "container", f"{project_name}-keep-1")

    composer("down", "--remove-orphans", cwd=tmp_path)
    assert project_objects(root_podman, project_name) == dict.fromkeys(
        ("container", "pod", "network", "volume"), []
    )


def test_no_deps_no_start_and_remove_orphans(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    services = f"""
    services:
      web:
        image: {BUSYBOX}
        init: true
        command: ["sleep", "600"]
        depends_on: [db]
      db:
        image: {BUSYBOX}
        init: true
        command: ["sleep", "600"]
      extra:
        image: {BUSYBOX}
        init: true
        command: ["sleep", "600"]
    """
    write_compose(tmp_path, services)
    web, db, extra = (f"{project_name}-{s}-1" for s in ("web", "db", "extra"))

    composer("up", "-d", "--no-deps", "web", cwd=tmp_path)
    assert set(container_ids(root_podman, project_name)) == {web}

    composer("up", "--no-start", cwd=tmp_path)
    assert {n: inspect(root_podman, n)["State"]["Status"] for n in (web, db, extra)} == {
        web: "running",
        db: "created",
        extra: "created",
    }

    composer("up", "-d", cwd=tmp_path)
    assert all(inspect(root_podman, n)["State"]["Running"] for n in (web, db, extra))

    # A service removed from the file: --remove-orphans takes its container away.
    write_compose(tmp_path, services.split("      extra:", maxsplit=1)[0])
    up = composer("up", "-d", "--remove-orphans", cwd=tmp_path)
    assert f"Container {extra}  Removed" in up.stderr
    assert set(container_ids(root_podman, project_name)) == {web, db}


def test_attached_up_returns_the_exit_code(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(
        tmp_path,
        f"""
        services:
          server:
            image: {BUSYBOX}
            init: true
            command: ["sleep", "600"]
          tester:
            image: {BUSYBOX}
            command: ["sh", "-c", "sleep 1; echo testing done; exit 7"]
        """,
    )
    server = f"{project_name}-server-1"
    aborted = composer("up", "--abort-on-container-exit", cwd=tmp_path, check=False, timeout=60)
    assert aborted.returncode == 7, output(aborted)
    assert "tester-1  | testing done" in aborted.stdout
    assert "tester-1 exited with code 7" in aborted.stdout
    assert "Aborting on container exit..." in aborted.stdout
    assert inspect(root_podman, server)["State"]["Status"] == "exited"

    chosen = composer("up", "--exit-code-from", "tester", cwd=tmp_path, check=False, timeout=60)
    assert chosen.returncode == 7, output(chosen)
    assert inspect(root_podman, server)["State"]["Status"] == "exited"


def test_wait_returns_once_healthy(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(
        tmp_path,
        f"""
        services:
          slow:
            image: {BUSYBOX}
            init: true
            command: ["sh", "-c", "sleep 2 && touch /tmp/ready && exec sleep 600"]
            healthcheck:
              test: ["CMD", "test", "-f", "/tmp/ready"]
              interval: 500ms
              retries: 20
        """,
    )
    result = composer("up", "--wait", cwd=tmp_path)
    health = inspect(root_podman, f"{project_name}-slow-1")["State"]["Health"]
    assert health["Status"] == "healthy", result.stderr
    assert health["Log"][-1]["ExitCode"] == 0


def _psql(podman: Podman, container: str, sql: str) -> str:
    """Run SQL over TCP with the password (the service's POSTGRES_* settings at work)."""
    argv = ["exec", "-e", "PGPASSWORD=pg-test-pw", container]
    argv += ["psql", "-h", "127.0.0.1", "-U", "app", "-d", "appdb", "-tAc", sql]
    return podman(*argv).stdout.strip()


def _wait_ready(podman: Podman, container: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    ready = ["exec", container, "pg_isready", "-h", "127.0.0.1", "-U", "app", "-d", "appdb"]
    while podman(*ready, check=False).returncode != 0:
        assert time.monotonic() < deadline, f"{container} did not accept connections"
        time.sleep(0.3)


def test_postgres_rows_survive_stop_start_and_down_up(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    postgres_image: str,
) -> None:
    write_compose(
        tmp_path,
        f"""
        services:
          db:
            image: {postgres_image}
            environment:
              POSTGRES_USER: app
              POSTGRES_PASSWORD: pg-test-pw
              POSTGRES_DB: appdb
            volumes: ["pgdata:/var/lib/postgresql/data"]
            healthcheck:
              test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "app", "-d", "appdb"]
              interval: 500ms
              timeout: 5s
              retries: 120
        volumes:
          pgdata: {{}}
        """,
    )
    db = f"{project_name}-db-1"
    composer("up", "--wait", cwd=tmp_path, timeout=120)
    _psql(root_podman, db, "CREATE TABLE notes (id int, body text)")
    _psql(root_podman, db, "INSERT INTO notes VALUES (1, 'first'), (2, 'second')")
    rows = "1|first\n2|second"
    first_id = inspect(root_podman, db)["Id"]

    composer("stop", cwd=tmp_path, timeout=60)
    assert inspect(root_podman, db)["State"]["Status"] == "exited"
    composer("start", cwd=tmp_path, timeout=60)
    _wait_ready(root_podman, db)
    assert _psql(root_podman, db, "SELECT * FROM notes ORDER BY id") == rows
    assert inspect(root_podman, db)["Id"] == first_id

    composer("down", cwd=tmp_path, timeout=60)
    assert not exists(root_podman, "container", db)
    composer("up", "--wait", cwd=tmp_path, timeout=120)
    assert inspect(root_podman, db)["Id"] != first_id  # a new container, the same volume
    assert _psql(root_podman, db, "SELECT * FROM notes ORDER BY id") == rows


def test_down_without_the_compose_file_works_from_the_labels(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    write_compose(project, VOLUME_PROJECT)
    composer("up", "-d", cwd=project)
    assert len(container_ids(root_podman, project_name)) == 2

    composer("down", "-v", cwd=elsewhere)  # `-p NAME` alone: services come from the labels
    assert project_objects(root_podman, project_name) == dict.fromkeys(
        ("container", "pod", "network", "volume"), []
    )
