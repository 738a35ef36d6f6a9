"""build_request: a service's `build` section as the runtime's BuildRequest."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.model.build import Build
from composer.ops.steps.build import build_request


def test_fields_are_carried_over_and_unset_args_left_out(tmp_path: Path) -> None:
    (tmp_path / "Build.file").write_text("FROM scratch\n")
    build = Build(
        context=str(tmp_path),
        dockerfile="Build.file",
        args={"SET": "1", "UNSET": None},
        target="final",
        labels={"a": "b"},
        network="host",
        no_cache=True,
        pull=True,
    )
    request = build_request("web", build, "localhost/p-web")
    assert request.context == tmp_path
    assert request.tag == "localhost/p-web"
    assert request.containerfile == "Build.file"
    assert dict(request.args) == {"SET": "1"}
    assert (request.target, request.network) == ("final", "host")
    assert dict(request.labels) == {"a": "b"}
    assert (request.no_cache, request.pull) == (True, True)


def test_the_default_dockerfile_name_falls_back_to_podmans_choice(tmp_path: Path) -> None:
    (tmp_path / "Containerfile").write_text("FROM scratch\n")
    build = Build(context=str(tmp_path), dockerfile="Dockerfile")
    assert build_request("web", build, "t").containerfile == ""
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    assert build_request("web", build, "t").containerfile == "Dockerfile"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            Build(context="https://example.com/repo.git"),
            'service "web": build context "https://example.com/repo.git" is a URL',
        ),
        (
            Build(context="/nonexistent/composer-ctx"),
            'service "web": build context /nonexistent/composer-ctx is not a directory',
        ),
    ],
)
def test_what_cannot_be_built_is_refused_by_name(build: Build, message: str) -> None:
    with pytest.raises(ComposerError) as caught:
        build_request("web", build, "t")
    assert caught.value.message == message
    assert caught.value.hint


def test_dockerfile_inline_travels_in_the_request(tmp_path: Path) -> None:
    build = Build(context=str(tmp_path), dockerfile_inline="FROM scratch\n")
    assert build_request("web", build, "t").inline_containerfile == "FROM scratch\n"
