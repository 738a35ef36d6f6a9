"""Labels on everything composer creates: docker compose's and podman-compose's, so tools see it.

Labels are composer's only state: what exists is found by them, never by a state file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
CONTAINER_NUMBER = "com.docker.compose.container-number"
CONFIG_HASH = "com.docker.compose.config-hash"
ONEOFF = "com.docker.compose.oneoff"
WORKING_DIR = "com.docker.compose.project.working_dir"
CONFIG_FILES = "com.docker.compose.project.config_files"
DEPENDS_ON = "com.docker.compose.depends_on"
IMAGE = "com.docker.compose.image"
NETWORK = "com.docker.compose.network"
VOLUME = "com.docker.compose.volume"
SLUG = "com.docker.compose.slug"
PODMAN_PROJECT = "io.podman.compose.project"
PODMAN_SERVICE = "io.podman.compose.service"
POD_HASH = "io.composer.pod-config-hash"

PROJECT_LABELS = (PROJECT, PODMAN_PROJECT)


def project_labels(project: str) -> dict[str, str]:
    """The labels that tie any object to a project (docker compose's and podman-compose's)."""
    return {PROJECT: project, PODMAN_PROJECT: project}


def project_filter(project: str) -> list[str]:
    """A Podman label filter selecting one project's objects."""
    return [f"{PROJECT}={project}"]


def container_labels(
    *,
    project: str,
    service: str,
    number: int | None,
    config_hash: str,
    working_dir: str,
    config_files: Iterable[str],
    depends_on: Mapping[str, tuple[str, bool]] | None = None,
    image_id: str | None = None,
    oneoff: bool = False,
    user_labels: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """All labels of a service container; the user's own labels cannot override ours."""
    labels = dict(user_labels or {})
    labels.update(project_labels(project))
    labels.update(
        {
            SERVICE: service,
            PODMAN_SERVICE: service,
            CONFIG_HASH: config_hash,
            ONEOFF: "True" if oneoff else "False",
            WORKING_DIR: working_dir,
            CONFIG_FILES: ",".join(config_files),
        }
    )
    if number is not None:
        labels[CONTAINER_NUMBER] = str(number)
    if depends_on:
        labels[DEPENDS_ON] = ",".join(
            f"{dep}:{condition}:{str(restart).lower()}"
            for dep, (condition, restart) in sorted(depends_on.items())
        )
    if image_id:
        labels[IMAGE] = image_id
    return labels
