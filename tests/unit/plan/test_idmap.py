"""Container UID -> host UID: Podman's rootless namespace with each userns_mode on top."""

from __future__ import annotations

import pytest

from composer.plan import idmap
from composer.plan.idmap import IdRange

# composer-test on the test machine: uid 1001, subuids 100000+65536 (podman info's uidmap).
PODMAN_MAP = idmap.rootless_map(1001, [(100000, 65536)])


def test_rootless_map_is_the_user_then_the_ranges_in_order() -> None:
    assert idmap.rootless_map(1000, [(100000, 10), (300000, 5)]) == (
        IdRange(0, 1000, 1),
        IdRange(1, 100000, 10),
        IdRange(11, 300000, 5),
    )


def test_map_from_podman_info() -> None:
    raw = [
        {"container_id": 0, "host_id": 1001, "size": 1},
        {"container_id": 1, "host_id": 100000, "size": 65536},
    ]
    assert idmap.map_from_info(raw) == PODMAN_MAP
    assert idmap.map_from_info(None) == ()
    assert idmap.map_from_info([{"container_id": "x"}]) == ()


@pytest.mark.parametrize(
    ("container_uid", "host_uid"),
    [(0, 1001), (1, 100000), (999, 100998), (1000, 100999), (65536, 165535), (65537, None)],
)
def test_default_namespace(container_uid: int, host_uid: int | None) -> None:
    assert idmap.host_id(container_uid, "", PODMAN_MAP) == host_uid
    assert idmap.host_id(container_uid, "host", PODMAN_MAP) == host_uid


def test_keep_id_layout_is_what_podman_writes() -> None:
    # `podman run --userns=keep-id ... cat /proc/self/uid_map` as uid 1001 on Podman 4.3.
    assert idmap.userns_layer("keep-id", 1001, 65537) == (
        IdRange(0, 1, 1001),
        IdRange(1001, 0, 1),
        IdRange(1002, 1002, 64535),
    )
    # --userns=keep-id:uid=1000,gid=1000
    assert idmap.userns_layer("keep-id:uid=1000,gid=1000", 1001, 65537) == (
        IdRange(0, 1, 1000),
        IdRange(1000, 0, 1),
        IdRange(1001, 1001, 64536),
    )


@pytest.mark.parametrize(
    ("container_uid", "host_uid"),
    [(1001, 1001), (0, 100000), (999, 100999), (1000, 101000), (1002, 101001)],
)
def test_keep_id(container_uid: int, host_uid: int) -> None:
    assert idmap.host_id(container_uid, "keep-id", PODMAN_MAP) == host_uid


def test_keep_id_with_another_uid() -> None:
    assert idmap.host_id(1000, "keep-id:uid=1000", PODMAN_MAP) == 1001
    assert idmap.host_id(0, "keep-id:uid=1000", PODMAN_MAP) == 100000


def test_keep_id_gids_follow_the_gid_option() -> None:
    # --userns=keep-id:uid=1000,gid=500 writes this gid_map.
    assert idmap.userns_layer("keep-id:uid=1000,gid=500", 1001, 65537, "gid") == (
        IdRange(0, 1, 500),
        IdRange(500, 0, 1),
        IdRange(501, 501, 65036),
    )
    assert idmap.inner_id(999, "keep-id", PODMAN_MAP, "gid") == 1000
    assert idmap.inner_id(999, "", PODMAN_MAP, "gid") == 999


def test_nomap_leaves_the_user_out() -> None:
    assert idmap.userns_layer("nomap", 1001, 65537) == (IdRange(0, 1, 65536),)
    assert idmap.host_id(0, "nomap", PODMAN_MAP) == 100000


def test_auto_cannot_be_predicted() -> None:
    assert idmap.host_id(1000, "auto", PODMAN_MAP) is None
    assert idmap.host_id(1000, "auto:size=2000", PODMAN_MAP) is None


def test_rootful_maps_nothing() -> None:
    assert idmap.host_id(999, "", ()) == 999
    assert idmap.host_id(999, "auto", ()) is None


def test_range_of_a_host_uid() -> None:
    assert idmap.range_of(PODMAN_MAP, 100998) == IdRange(1, 100000, 65536)
    assert idmap.range_of(PODMAN_MAP, 1001) == IdRange(0, 1001, 1)
    assert idmap.range_of(PODMAN_MAP, 5) is None
