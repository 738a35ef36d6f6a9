"""Fixtures for the plan tests: a Project loaded by the real loader from inline YAML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from composer.loader.context import LoadOptions
from composer.loader.pipeline import load
from composer.model import Project

ProjectLoader = Callable[..., Project]


@pytest.fixture
def project(tmp_path: Path) -> ProjectLoader:
    """`project(yaml_text, environ=None)`: write compose.yaml in tmp_path and load the model."""

    def make(text: str, environ: dict[str, str] | None = None, name: str = "demo") -> Project:
        (tmp_path / "compose.yaml").write_text(text)
        options = LoadOptions(
            cwd=str(tmp_path),
            environ={"COMPOSE_PROJECT_NAME": name, **(environ or {})},
            files=("compose.yaml",),
        )
        return load(options).model()

    return make
