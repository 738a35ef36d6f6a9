"""depends_on conditions on real Podman: the order of events shows that `up` waited.

There is no systemd on the test machines, so Podman runs no healthcheck by itself: every check
in a container's health log was run by composer while it waited (design.md).
"""

from __future__ import annotations

from pathlib import Path

from tests.integration.conftest import Composer, Podman
from tests.integration.updown import (
    BUSYBOX,
    error_lines,
    exists,
    inspect,
    output,
    when,
    write_compose,
)

DELAY = 2  # seconds before a dependency becomes ready


def test_dependent_is_created_only_after_the_dependency_is_healthy(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(
        tmp_path,
        f"""
        services:
          db:
            image: {BUSYBOX}
            init: true
            command: ["sh", "-c", "sleep {DELAY} && touch /tmp/ready && exec sleep 600"]
            healthcheck:
              test: ["CMD", "test", "-f", "/tmp/ready"]
              interval: 400ms
              timeout: 5s
              retries: 30
          app:
            image: {BUSYBOX}
            init: true
            command: ["sleep", "600"]
            depends_on:
              db: {{condition: service_healthy}}
        """,
    )
    up = composer("up", "-d", cwd=tmp_path)
    db = inspect(root_podman, f"{project_name}-db-1")
    app = inspect(root_podman, f"{project_name}-app-1")
    log = db["State"]["Health"]["Log"]
    passed = [entry for entry in log if entry["ExitCode"] == 0]
    assert passed, log
    assert any(entry["ExitCode"] != 0 for entry in log)  # it was checked before it was ready
    assert db["State"]["Health"]["Status"] == "healthy"
    assert when(app["Created"]) >= when(passed[0]["End"])
    assert when(app["Created"]) - when(db["State"]["StartedAt"]) >= DELAY
    assert f"Container {project_name}-app-1  Waiting for db healthy" in up.stderr


def test_dependent_starts_only_after_the_job_completed(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(
        tmp_path,
        f"""
        services:
          job:
            image: {BUSYBOX}
            command: ["sh", "-c", "sleep {DELAY}; echo migrated"]
          app:
            image: {BUSYBOX}
            init: true
            command: ["sleep", "600"]
            depends_on:
              job: {{condition: service_completed_successfully}}
        """,
    )
    composer("up", "-d", cwd=tmp_path)
    job = inspect(root_podman, f"{project_name}-job-1")
    app = inspect(root_podman, f"{project_name}-app-1")
    assert job["State"]["Status"] == "exited"
    assert job["State"]["ExitCode"] == 0
    assert when(app["State"]["StartedAt"]) >= when(job["State"]["FinishedAt"])
    assert when(app["Created"]) >= when(job["State"]["FinishedAt"])
    assert app["State"]["Running"]


def test_a_failed_job_fails_up_and_its_dependent_is_not_created(
    composer: Composer, root_podman: Podman, project_name: str, tmp_path: Path
) -> None:
    write_compose(
        tmp_path,
        f"""
        services:
          job:
            image: {BUSYBOX}
            command: ["sh", "-c", "sleep 1; echo migration failed; exit 1"]
          app:
            image: {BUSYBOX}
            init: true
            command: ["sleep", "600"]
            depends_on:
              job: {{condition: service_completed_successfully}}
        """,
    )
    up = composer("up", "-d", cwd=tmp_path, check=False)
    assert up.returncode == 1, output(up)
    assert error_lines(up) == ['error: service "job" didn\'t complete successfully: exit 1']
    assert not exists(root_podman, "container", f"{project_name}-app-1")
    assert inspect(root_podman, f"{project_name}-job-1")["State"]["ExitCode"] == 1
