"""Fixtures for the generator tests: a Project loaded by the real loader from inline YAML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from composer.loader.context import LoadOptions
from composer.loader.pipeline import load
from composer.model import Project

ProjectLoader = Callable[..., Project]
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def load_project(
    directory: Path, files: tuple[str, ...], name: str, environ: dict[str, str] | None = None
) -> Project:
    options = LoadOptions(
        cwd=str(directory),
        environ={"COMPOSE_PROJECT_NAME": name, **(environ or {})},
        files=files,
    )
    return load(options).model()


@pytest.fixture
def project(tmp_path: Path) -> ProjectLoader:
    """`project(yaml_text, environ=None, name="demo")`: compose.yaml in tmp_path, loaded."""

    def make(text: str, environ: dict[str, str] | None = None, name: str = "demo") -> Project:
        (tmp_path / "compose.yaml").write_text(text)
        return load_project(tmp_path, ("compose.yaml",), name, environ)

    return make
