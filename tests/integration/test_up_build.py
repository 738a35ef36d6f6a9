"""`up` builds the images of services with `build`: missing ones, or all with --pull build."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman, TestUser

CONTAINERFILE = """\
FROM {base}
ARG WORD=unset
RUN mkdir -p /www && echo "$WORD" > /www/index.html
CMD ["httpd", "-f", "-p", "8000", "-h", "/www"]
"""


def write_project(directory: Path, base: str, port: int, word: str, name: str) -> None:
    """A one-service project built from `directory/ctx/<name>` that serves WORD on `port`."""
    context = directory / "ctx"
    context.mkdir(exist_ok=True)
    (context / name).write_text(CONTAINERFILE.format(base=base))
    (directory / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        f"    build: {{context: ./ctx, args: {{WORD: {word}}}}}\n"
        f'    ports: ["127.0.0.1:{port}:8000"]\n'
    )


def image_id(podman: Podman, image: str) -> str:
    found = podman("image", "inspect", "--format", "{{.Id}}", image, check=False)
    return found.stdout.strip() if found.returncode == 0 else ""


@pytest.fixture
def built_image(project_name: str, root_podman: Podman) -> Iterator[str]:
    """The image `up` builds for service web (root's storage), removed afterwards."""
    image = f"localhost/{project_name}-web:latest"
    yield image
    root_podman("rmi", "--ignore", "--force", image, check=False)


def test_up_builds_a_missing_image_and_rebuilds_with_pull_build_or_build(
    composer: Composer,
    root_podman: Podman,
    busybox_image: str,
    built_image: str,
    tmp_path: Path,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    write_project(tmp_path, busybox_image, port, "first", "Containerfile")
    up = composer("--progress", "plain", "up", "-d", "--wait", cwd=tmp_path)
    assert f"Image {built_image.removeprefix('localhost/').removesuffix(':latest')} Built" in (
        " ".join(up.stderr.split())
    )
    assert http_get(port).strip() == "first"
    first = image_id(root_podman, built_image)
    assert first

    # An image that exists is used as it is, even when its Containerfile changed (docker's rule).
    write_project(tmp_path, busybox_image, port, "second", "Containerfile")
    again = composer("--progress", "plain", "up", "-d", "--wait", cwd=tmp_path)
    assert "Building" not in again.stderr
    assert image_id(root_podman, built_image) == first
    assert http_get(port).strip() == "first"

    # --pull build and --build rebuild, and the new image recreates the container.
    replaced = [first]
    try:
        composer("up", "-d", "--wait", "--pull", "build", cwd=tmp_path)
        replaced.append(image_id(root_podman, built_image))
        assert replaced[-1] not in ("", first)
        assert http_get(port).strip() == "second"
        write_project(tmp_path, busybox_image, port, "third", "Containerfile")
        composer("up", "-d", "--wait", "--build", cwd=tmp_path)
        assert image_id(root_podman, built_image) not in ("", *replaced)
        assert http_get(port).strip() == "third"
        composer("down", cwd=tmp_path)
    finally:
        root_podman("rmi", "--ignore", *replaced, check=False)  # untagged by the rebuilds


def test_a_failed_build_names_the_service_and_creates_nothing(
    composer: Composer,
    root_podman: Podman,
    busybox_image: str,
    built_image: str,
    project_name: str,
    tmp_path: Path,
    free_port: Callable[[], int],
) -> None:
    # A base image of the test's own, so that what its build leaves behind carries its name.
    base = f"localhost/{project_name}-base:latest"
    root_podman("tag", busybox_image, base)
    write_project(tmp_path, base, free_port(), "x", "Containerfile")
    (tmp_path / "ctx" / "Containerfile").write_text(
        f"FROM {base}\nRUN echo about to fail && exit 3\n"
    )
    try:
        failed = composer("up", "-d", cwd=tmp_path, check=False)
        working = root_podman("ps", "-a", "--external", "--format", "{{.Names}}").stdout.split()
    finally:
        root_podman("rmi", "--ignore", base, check=False)
    assert failed.returncode == 1
    assert f'error: service "web": image "{project_name}-web": build failed: ' in failed.stderr
    assert "about to fail" in failed.stderr  # the build output that led to it
    assert "Traceback" not in failed.stderr
    assert not image_id(root_podman, built_image)
    # No build container is left over (Podman's API keeps it unless asked not to).
    assert [name for name in working if name.startswith(f"{project_name}-base")] == []
    label = f"label=com.docker.compose.project={project_name}"
    assert root_podman.ids("ps", "-a", "-q", "--filter", label) == []
    assert root_podman.ids("network", "ls", "-q", "--filter", label) == []
    assert root_podman.ids("pod", "ps", "-q", "--filter", f"name=^pod_{project_name}$") == []


def test_no_build_refuses_a_missing_image_and_creates_nothing(
    composer: Composer,
    root_podman: Podman,
    busybox_image: str,
    built_image: str,
    project_name: str,
    tmp_path: Path,
    free_port: Callable[[], int],
) -> None:
    write_project(tmp_path, busybox_image, free_port(), "x", "Containerfile")
    both = composer("up", "-d", "--build", "--no-build", cwd=tmp_path, check=False)
    assert (both.returncode, both.stderr) == (
        1,
        "error: --build and --no-build are incompatible\n",
    )
    refused = composer("up", "-d", "--no-build", cwd=tmp_path, check=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f'error: service "web": image "{project_name}-web" not found locally and --no-build '
        "was given\n"
    )
    assert not image_id(root_podman, built_image)
    label = f"label=com.docker.compose.project={project_name}"
    assert root_podman.ids("ps", "-a", "-q", "--filter", label) == []


def test_rootless_up_builds_into_the_users_storage_from_a_dockerfile(
    composer_rootless: Composer,
    test_user: TestUser,
    user_podman: Podman,
    root_podman: Podman,
    user_busybox_image: str,
    project_name: str,
    user_workdir: Path,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    image = f"localhost/{project_name}-web:latest"
    # Named Dockerfile: the loader's default name, which composer finds as docker does.
    write_project(user_workdir, user_busybox_image, port, "rootless", "Dockerfile")
    for path in (user_workdir / "ctx", user_workdir / "ctx" / "Dockerfile"):
        os.chown(path, test_user.uid, -1)
    try:
        composer_rootless("up", "-d", "--wait", cwd=user_workdir)
        assert http_get(port).strip() == "rootless"
        assert image_id(user_podman, image)
        assert not image_id(root_podman, image)
        composer_rootless("down", cwd=user_workdir)
    finally:
        user_podman("rmi", "--ignore", "--force", image, check=False)


def test_inline_and_outside_containerfiles_build_without_touching_the_project(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    busybox_image: str,
    tmp_path: Path,
) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "word.txt").write_text("from-context\n")
    (context / "notes.log").write_text("ignored\n")
    (context / ".containerignore").write_text("*.log\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "App.Containerfile").write_text(
        f'FROM {busybox_image}\nCOPY . /ctx\nCMD ["sleep", "300"]\n'
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  inline:\n"
        "    build:\n"
        "      context: ./ctx\n"
        "      dockerfile_inline: |\n"
        f"        FROM {busybox_image}\n"
        "        COPY word.txt /word.txt\n"
        '        CMD ["sleep", "300"]\n'
        "  outside:\n"
        "    build: {context: ./ctx, dockerfile: ../build/App.Containerfile}\n"
    )
    before = sorted(path.name for path in context.iterdir())
    images = [f"localhost/{project_name}-{service}:latest" for service in ("inline", "outside")]
    try:
        composer("up", "-d", cwd=tmp_path)
        inline = root_podman("exec", f"{project_name}-inline-1", "cat", "/word.txt").stdout
        assert inline == "from-context\n"
        listed = root_podman("exec", f"{project_name}-outside-1", "ls", "/ctx").stdout.split()
        assert "word.txt" in listed
        assert "notes.log" not in listed  # .containerignore holds
        assert sorted(path.name for path in context.iterdir()) == before
        composer("down", cwd=tmp_path)
    finally:
        root_podman("rmi", "--ignore", "--force", *images, check=False)


def test_down_rmi_local_removes_the_built_image_and_keeps_pulled_ones(
    composer: Composer,
    root_podman: Podman,
    busybox_image: str,
    built_image: str,
    tmp_path: Path,
    free_port: Callable[[], int],
) -> None:
    write_project(tmp_path, busybox_image, free_port(), "x", "Containerfile")
    composer("up", "-d", "--wait", cwd=tmp_path)
    assert image_id(root_podman, built_image)
    down = composer("--progress", "plain", "down", "--rmi", "local", cwd=tmp_path)
    assert "Removed" in " ".join(line for line in down.stderr.splitlines() if "Image" in line)
    assert not image_id(root_podman, built_image)  # through the API: no `podman rmi`
    assert image_id(root_podman, busybox_image)  # the base image is no image of the project
