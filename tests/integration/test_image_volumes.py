"""An image VOLUME inside a bind-mounted directory keeps its data on the host across down/up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman

# Like postgres: the data directory is a VOLUME one level below the directory users bind.
CONTAINERFILE = """\
FROM {base}
VOLUME /srv/app/data
CMD ["sh", "-c", "date +%s%N >> /srv/app/data/runs && exec sleep 300"]
"""


@pytest.fixture
def volume_image(root_podman: Podman, busybox_image: str, tmp_path: Path) -> Iterator[str]:
    """A local image declaring `VOLUME /srv/app/data`, removed afterwards."""
    image = f"localhost/composer-it/nested-volume:{tmp_path.name.lower()}"
    (tmp_path / "Containerfile").write_text(CONTAINERFILE.format(base=busybox_image))
    root_podman("build", "--pull=never", "-t", image, "-f", str(tmp_path / "Containerfile"))
    yield image
    root_podman("rmi", "--ignore", "--force", image, check=False)


def mounts(podman: Podman, container: str) -> dict[str, dict[str, str]]:
    raw = json.loads(podman("inspect", container).stdout)[0]["Mounts"]
    return {mount["Destination"]: mount for mount in raw}


def test_image_volume_below_a_bind_mount_is_kept_on_the_host(
    composer: Composer, root_podman: Podman, project_name: str, volume_image: str, tmp_path: Path
) -> None:
    work = tmp_path / "project"
    work.mkdir()
    (work / "compose.yaml").write_text(
        f"services:\n  app:\n    image: {volume_image}\n    volumes: ['./state:/srv/app:Z']\n"
    )
    composer("up", "-d", cwd=work)
    container = f"{project_name}-app-1"
    found = mounts(root_podman, container)
    # No anonymous volume: the image's VOLUME is the bind's own subdirectory.
    assert found["/srv/app/data"]["Type"] == "bind"
    assert found["/srv/app/data"]["Source"] == str(work / "state" / "data")
    runs = work / "state" / "data" / "runs"
    assert len(runs.read_text().split()) == 1

    composer("down", cwd=work)
    composer("up", "-d", cwd=work)
    assert len(runs.read_text().split()) == 2  # the first run's line is still there
    volumes = root_podman("volume", "ls", "--format", "{{.Name}}").stdout.split()
    anonymous = [mount.get("Name") for mount in mounts(root_podman, container).values()]
    assert not set(volumes) & {name for name in anonymous if name}
