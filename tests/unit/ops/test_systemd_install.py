"""Installing and removing unit files: header recognition, clashes, nothing written on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.generate.unit_text import UnitFile
from composer.ops.systemd.install import (
    InstallDirs,
    check,
    installed,
    placements,
    service_name,
    write,
)


def unit(name: str, project: str = "p") -> UnitFile:
    file = UnitFile(name, project)
    file.section("Unit").add("Description", name)
    return file


def dirs(tmp_path: Path) -> InstallDirs:
    return InstallDirs(
        units=tmp_path / "etc" / "systemd",
        quadlet=tmp_path / "etc" / "containers",
        search=(tmp_path / "usr" / "lib" / "systemd",),
        quadlet_search=(tmp_path / "usr" / "share" / "containers",),
    )


def test_quadlet_files_and_the_target_go_to_their_directories(tmp_path: Path) -> None:
    places = placements([unit("p-web.container"), unit("p.target")], "quadlet", dirs(tmp_path))
    assert [place.path for place in places] == [
        tmp_path / "etc/containers/p-web.container",
        tmp_path / "etc/systemd/p.target",
    ]
    assert service_name("p.pod") == "p-pod.service"
    assert service_name("p-data.volume") == "p-data-volume.service"
    assert service_name("p-web.service") == "p-web.service"


def test_install_writes_and_replaces_its_own_files(tmp_path: Path) -> None:
    where = dirs(tmp_path)
    places = placements([unit("p-web.service"), unit("p.target")], "units", where)
    check(places, "p", where)
    write(places, "p", where)
    assert installed("p", where) == [where.units / "p-web.service", where.units / "p.target"]
    check(places, "p", where)  # composer's own files may be replaced
    assert (where.units / "p.target").stat().st_mode & 0o777 == 0o644


def test_files_no_longer_in_the_project_are_removed(tmp_path: Path) -> None:
    where = dirs(tmp_path)
    write(placements([unit("p-old.service"), unit("p.target")], "units", where), "p", where)
    (where.units / "keep.service").write_text("[Unit]\n")
    stale = write(placements([unit("p.target")], "units", where), "p", where)
    assert stale == [where.units / "p-old.service"]
    assert sorted(p.name for p in where.units.iterdir()) == ["keep.service", "p.target"]


def test_a_file_composer_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    where = dirs(tmp_path)
    where.units.mkdir(parents=True)
    (where.units / "p-web.service").write_text("[Unit]\nDescription=mine\n")
    places = placements([unit("p-web.service"), unit("p.target")], "units", where)
    with pytest.raises(ComposerError) as raised:
        check(places, "p", where)
    assert raised.value.message == (
        f"{where.units}/p-web.service exists and was not written by composer; it is not replaced"
    )
    assert raised.value.hint is not None
    assert raised.value.hint.startswith("nothing was written")
    assert not (where.units / "p.target").exists()


def test_a_unit_of_that_name_elsewhere_on_the_search_path_is_a_clash(tmp_path: Path) -> None:
    where = dirs(tmp_path)
    where.search[0].mkdir(parents=True)
    (where.search[0] / "p-web.service").write_text("[Service]\nExecStart=/bin/true\n")
    places = placements([unit("p-web.container")], "quadlet", where)
    with pytest.raises(ComposerError, match="usr/lib/systemd/p-web.service exists and was not"):
        check(places, "p", where)


def test_another_projects_file_is_a_clash(tmp_path: Path) -> None:
    where = dirs(tmp_path)
    write(placements([unit("p-web.service", project="other")], "units", where), "other", where)
    with pytest.raises(ComposerError, match="was written by composer for project other"):
        check(placements([unit("p-web.service")], "units", where), "p", where)


def test_a_directory_under_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "etc").write_text("not a directory")
    where = dirs(tmp_path)
    with pytest.raises(ComposerError) as raised:
        check(placements([unit("p.target")], "units", where), "p", where)
    assert raised.value.message == (f"cannot write to {where.units}: the directory is not writable")
