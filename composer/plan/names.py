"""Names of what composer creates: containers, pods, built images (networks/volumes come named)."""

from __future__ import annotations

POD_PREFIX = "pod_"


def container_name(project: str, service: str, number: int, explicit: str | None = None) -> str:
    """`<project>-<service>-<n>`, or the service's own `container_name`."""
    if explicit:
        return explicit
    return f"{project}-{service}-{number}"


def oneoff_container_name(project: str, service: str, slug: str) -> str:
    """Name of a `run` container: `<project>-<service>-run-<slug[:12]>`."""
    return f"{project}-{service}-run-{slug[:12]}"


def pod_name(project: str) -> str:
    """The project's pod: `pod_<project>` (podman-compose's name, so its stacks are adopted)."""
    return f"{POD_PREFIX}{project}"


def built_image_name(project: str, service: str) -> str:
    """The image `build:` makes when the service names none: `<project>-<service>`."""
    return f"{project}-{service}"
