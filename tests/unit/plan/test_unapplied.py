"""Settings composer does not apply yet get one warning line per service; the rest none."""

from __future__ import annotations

from composer.plan.unapplied import unapplied_warnings
from tests.unit.plan.conftest import ProjectLoader

TEXT = """
services:
  a:
    image: x
    external_links: [other_db]
    blkio_config: {weight: 300}
    develop: {watch: [{path: ./src, action: sync, target: /src}]}
    platform: linux/arm64
    gpus: all
  b:
    image: x
    platform: linux/amd64/v3
    isolation: default
    cpu_count: 2
    use_api_socket: true
  c:
    image: x
    deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}
  plain:
    image: x
"""


def test_one_line_per_service_naming_each_key(project: ProjectLoader) -> None:
    assert unapplied_warnings(project(TEXT), host="linux/amd64") == [
        'service "a": develop, external_links, gpus, platform (linux/arm64 on a '
        "linux/amd64 host) are not applied by composer yet; ignored",
        'service "b": use_api_socket is not applied by composer yet; ignored',
        'service "c": deploy.resources.reservations.devices is not applied by composer yet; '
        "ignored",
    ]
