"""The build tar: the context minus ignored files, and a Containerfile from outside or inline."""

from __future__ import annotations

import tarfile
from pathlib import Path

from composer.runtime.base import BuildRequest
from composer.runtime.build_context import EXTRA_CONTAINERFILE, build_tar


def members(request: BuildRequest) -> tuple[dict[str, bytes], str]:
    handle, name = build_tar(request)
    with handle, tarfile.open(fileobj=handle) as tar:
        found = {}
        for member in tar.getmembers():
            if member.isfile():
                extracted = tar.extractfile(member)
                assert extracted is not None
                found[member.name] = extracted.read()
        return found, name


def project(tmp_path: Path) -> Path:
    context = tmp_path / "ctx"
    (context / "sub").mkdir(parents=True)
    (context / "a.txt").write_text("a")
    (context / "debug.log").write_text("log")
    (context / "sub" / "Containerfile").write_text("FROM sub\n")
    (context / ".dockerignore").write_text("# comment\n*.log\n")
    (tmp_path / "Outside").write_text("FROM outside\n")
    return context


def test_a_containerfile_inside_the_context_is_named_by_its_path(tmp_path: Path) -> None:
    context = project(tmp_path)
    files, name = members(BuildRequest(context, "t", containerfile="sub/Containerfile"))
    assert name == "sub/Containerfile"
    assert set(files) == {"a.txt", ".dockerignore", "sub/Containerfile"}


def test_an_outside_or_inline_containerfile_is_added_and_the_project_is_untouched(
    tmp_path: Path,
) -> None:
    context = project(tmp_path)
    before = sorted(p.name for p in context.rglob("*"))
    files, name = members(BuildRequest(context, "t", containerfile="../Outside"))
    assert (name, files[EXTRA_CONTAINERFILE]) == (EXTRA_CONTAINERFILE, b"FROM outside\n")
    files, name = members(BuildRequest(context, "t", inline_containerfile="FROM inline\n"))
    assert (name, files[EXTRA_CONTAINERFILE]) == (EXTRA_CONTAINERFILE, b"FROM inline\n")
    assert "debug.log" not in files
    assert sorted(p.name for p in context.rglob("*")) == before


def test_without_a_name_podmans_choice_is_used(tmp_path: Path) -> None:
    context = tmp_path / "c"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM d\n")
    assert members(BuildRequest(context, "t"))[1] == "Dockerfile"
    (context / "Containerfile").write_text("FROM c\n")
    assert members(BuildRequest(context, "t"))[1] == "Containerfile"
