"""`separate` pod mode: each container has its own network namespace; names resolve by DNS."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman

COMPOSE = """\
services:
  api:
    image: {image}
    command: ["httpd", "-f", "-p", "8000", "-h", "/etc"]
    networks:
      default:
        aliases: [backend]
  client:
    image: {image}
    command: ["sleep", "300"]
    init: true
    links: ["api:alpha"]
"""


def fetch(podman: Podman, client: str, url: str) -> str:
    """The body at `url` fetched inside `client`, retried while the names register (a few s)."""
    deadline = time.monotonic() + 15
    while True:
        # no `-T`: busybox-static's wget crashes (SIGSEGV) with a timeout and a DNS name
        argv = ("exec", client, "wget", "-q", "-O", "-", url)
        fetched = podman(*argv, check=False)
        if fetched.returncode == 0 or time.monotonic() > deadline:
            return fetched.stdout if fetched.returncode == 0 else f"failed: {fetched.returncode}"
        time.sleep(0.5)


@pytest.mark.parametrize("mode", ["separate", "none"])
def test_service_names_aliases_and_links_resolve(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    busybox_image: str,
    tmp_path: Path,
    mode: str,
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=busybox_image))
    composer("--pod-mode", mode, "up", "-d", cwd=tmp_path)
    api, client = f"{project_name}-api-1", f"{project_name}-client-1"
    hostname = root_podman("exec", api, "cat", "/etc/hostname").stdout
    for name in ("api", "backend", "alpha", api):
        assert (name, fetch(root_podman, client, f"http://{name}:8000/hostname")) == (
            name,
            hostname,
        )
    # Not the pod's localhost: the client has a namespace of its own.
    local = root_podman(
        "exec", client, "wget", "-q", "-O", "-", "http://127.0.0.1:8000/", check=False
    )
    assert (local.returncode, local.stderr.strip()) == (
        1,
        "wget: can't connect to remote host (127.0.0.1): Connection refused",
    )
