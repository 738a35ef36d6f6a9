"""Image VOLUME paths inside a bind mount get the bind's matching host subdirectory."""

from __future__ import annotations

from composer.plan.image_volumes import bind_nested_image_volumes, nested_bind
from composer.specs import ContainerSpec, MountSpec

PGBIND = MountSpec("bind", "/var/lib/postgresql", source="/srv/pg", selinux="Z")


def test_volume_one_level_below_a_bind_gets_its_subdirectory() -> None:
    assert nested_bind("/var/lib/postgresql/data", [PGBIND]) == MountSpec(
        "bind",
        "/var/lib/postgresql/data",
        source="/srv/pg/data",
        selinux="Z",
        create_host_path=True,
    )


def test_read_only_bind_gives_a_read_only_subdirectory() -> None:
    ro = MountSpec("bind", "/etc/app", source="/srv/conf", read_only=True)
    found = nested_bind("/etc/app/conf.d/", [ro])
    assert (found is not None, found and found.read_only, found and found.source) == (
        True,
        True,
        "/srv/conf/conf.d",
    )


def test_paths_not_inside_a_bind_keep_podmans_anonymous_volume() -> None:
    assert nested_bind("/data", [PGBIND]) is None
    assert nested_bind("/var/lib/postgresql-old/data", [PGBIND]) is None  # a prefix, not a parent


def test_a_mount_at_the_path_itself_wins() -> None:
    own = MountSpec("volume", "/var/lib/postgresql/data", source="pgdata")
    assert nested_bind("/var/lib/postgresql/data", [PGBIND, own]) is None
    assert nested_bind("/var/lib/postgresql", [PGBIND]) is None


def test_the_closest_mount_decides() -> None:
    named = MountSpec("volume", "/var/lib/postgresql/data", source="pgdata")
    assert nested_bind("/var/lib/postgresql/data/pg15", [PGBIND, named]) is None
    tmp = MountSpec("tmpfs", "/var/lib/postgresql")
    assert nested_bind("/var/lib/postgresql/data", [tmp]) is None


def test_spec_gains_only_the_nested_binds() -> None:
    spec = ContainerSpec(name="c", image="i", mounts=(PGBIND,))
    result = bind_nested_image_volumes(spec, ["/var/lib/postgresql/data", "/other"])
    assert [m.target for m in result.mounts] == ["/var/lib/postgresql", "/var/lib/postgresql/data"]
    assert bind_nested_image_volumes(spec, ["/other"]) is spec
