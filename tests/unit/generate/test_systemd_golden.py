"""Golden files: what `composer systemd` writes for the Gogs example and the every-key project.

Regenerate after an intended change with `COMPOSER_UPDATE_GOLDEN=1 scripts/test
tests/unit/generate/test_systemd_golden.py`, and read the diff before committing it.
`systemd-analyze verify` (test_systemd_verify.py) and Quadlet's own generator
(tests/integration/test_systemd_quadlet.py) check the same output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit.generate.systemd_support import FIXTURES, GOGS, GOLDEN, generate_files, texts

# case -> (project directory, compose files, format, Podman version)
CASES: dict[str, tuple[Path, tuple[str, ...], str, tuple[int, int]]] = {
    "gogs-units-4.3": (GOGS, ("compose.yaml",), "units", (4, 3)),
    "gogs-units-4.6": (GOGS, ("compose.yaml", "compose.offline.yaml"), "units", (4, 6)),
    "gogs-quadlet-5.4": (GOGS, ("compose.yaml", "compose.offline.yaml"), "quadlet", (5, 4)),
    "every-units-4.3": (FIXTURES / "every", ("compose.yaml",), "units", (4, 3)),
    "every-quadlet-5.4": (FIXTURES / "every", ("compose.yaml",), "quadlet", (5, 4)),
}
PLACEHOLDER = "/PROJECT"


def case_texts(name: str) -> dict[str, str]:
    directory, files, fmt, version = CASES[name]
    project = "gogs-app" if directory == GOGS else None
    generated = generate_files(directory, files=files, fmt=fmt, version=version, project=project)
    return texts(generated.files, (str(directory), PLACEHOLDER))


def golden_dir(name: str) -> Path:
    return GOLDEN / name


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_the_golden_files(name: str) -> None:
    found = case_texts(name)
    directory = golden_dir(name)
    if os.environ.get("COMPOSER_UPDATE_GOLDEN"):
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.iterdir():
            old.unlink()
        for file_name, text in found.items():
            (directory / file_name).write_text(text)
    expected = {path.name: path.read_text() for path in sorted(directory.iterdir())}
    assert sorted(found) == sorted(expected)
    for file_name, text in found.items():
        assert text == expected[file_name], f"{name}/{file_name} differs from the golden file"
