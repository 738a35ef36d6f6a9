"""pyproject.toml's runtime dependencies are exactly the third-party modules composer/ imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "composer"
ARCHITECTURE = REPO / "docs" / "architecture.md"

# A dependency declared though composer/ never imports it (a plugin loaded by name, say) goes
# here with its reason, and docs/architecture.md's "Dependencies" section names it.
UNIMPORTED_ON_PURPOSE: dict[str, str] = {}


def canonical(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> list[str]:
    """The distribution names in [project] dependencies."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = []
    for requirement in project["dependencies"]:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert match, requirement
        names.append(canonical(match.group()))
    return names


def imported_modules(files: Iterable[Path]) -> set[str]:
    """The top-level names of every absolute import in the files (lazy and TYPE_CHECKING too)."""
    found: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.partition(".")[0])
    return found


def third_party(modules: set[str]) -> set[str]:
    return {m for m in modules if m not in sys.stdlib_module_names and m != "composer"}


def distributions_of(modules: set[str], providers: Mapping[str, list[str]]) -> dict[str, set[str]]:
    """Each module's distributions (canonical names); a module nobody provides maps to none."""
    return {m: {canonical(d) for d in providers.get(m, [])} for m in modules}


def unimported(
    names: list[str], modules: set[str], providers: Mapping[str, list[str]]
) -> list[str]:
    """The declared distributions that provide none of the imported modules."""
    provided = set().union(*distributions_of(modules, providers).values())
    return [n for n in names if n not in provided and n not in UNIMPORTED_ON_PURPOSE]


def undeclared(
    names: list[str], modules: set[str], providers: Mapping[str, list[str]]
) -> list[str]:
    """The imported modules that no declared distribution provides."""
    by_module = distributions_of(third_party(modules), providers)
    return sorted(m for m, dists in by_module.items() if not dists & set(names))


def composer_imports() -> set[str]:
    return imported_modules(sorted(PACKAGE.rglob("*.py")))


def test_every_declared_dependency_is_imported_by_composer() -> None:
    assert unimported(declared(), composer_imports(), packages_distributions()) == []


def test_every_third_party_import_is_declared() -> None:
    assert undeclared(declared(), composer_imports(), packages_distributions()) == []


def test_python_dotenv_is_not_a_dependency() -> None:
    # loader/read/dotenv.py is composer's own parser: python-dotenv's grammar differs.
    assert "python-dotenv" not in declared()
    assert "dotenv" not in composer_imports()


def test_the_exceptions_are_documented() -> None:
    text = ARCHITECTURE.read_text()
    assert "## Dependencies" in text
    for name in UNIMPORTED_ON_PURPOSE:
        assert name in text, f"{name} is declared but unimported and not explained"


def test_the_checks_catch_an_unused_and_an_undeclared_dependency(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        "import os\nimport yaml.cyaml\nfrom . import sibling\nfrom jsonschema import validate\n"
    )
    modules = imported_modules([source])
    providers = {"yaml": ["PyYAML"], "jsonschema": ["jsonschema"], "dotenv": ["python-dotenv"]}
    names = ["pyyaml", "python-dotenv"]
    assert modules == {"os", "yaml", "jsonschema"}
    assert unimported(names, modules, providers) == ["python-dotenv"]
    assert undeclared(names, modules, providers) == ["jsonschema"]
