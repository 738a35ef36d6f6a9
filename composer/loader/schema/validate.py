"""Stage: validate the merged document against composer's compose schema, all problems at once."""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path as FilePath
from typing import Any

from composer.errors import ConfigError, Problem
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.schema.compiler import Check, SchemaIssue, compile_schema
from composer.loader.sources import SourceMap, format_path

SCHEMA_FILE = "compose.schema.json"
VERSION_OBSOLETE = (
    "the attribute `version` is obsolete, it will be ignored, "
    "please remove it to avoid potential confusion"
)


def schema_text() -> str:
    """The schema shipped in the wheel (composer/schemas), else the repository's schemas/."""
    shipped = resources.files("composer").joinpath("schemas").joinpath(SCHEMA_FILE)
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    # editable install: the top-level schemas/ directory is only force-included into wheels
    in_repo = FilePath(__file__).resolve().parents[3] / "schemas" / SCHEMA_FILE
    return in_repo.read_text(encoding="utf-8")


@functools.cache
def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text())
    return schema


@functools.cache
def compiled_validator(lenient: bool = False) -> Check:
    """The schema compiled once per process (and per leniency)."""
    return compile_schema(load_schema(), lenient)


def schema_issues(data: Any, lenient: bool = False) -> list[SchemaIssue]:
    """Every problem of `data`, in document order."""
    issues: list[SchemaIssue] = []
    compiled_validator(lenient)(data, (), issues)
    return issues


def to_problem(issue: SchemaIssue, sources: SourceMap) -> Problem:
    """Name the key path the issue is about, at the line of the value (or key) it points at."""
    loc = sources.locate(issue.where)
    file = loc.file if loc else None
    line = loc.line if loc else None
    return Problem(file, line, format_path(issue.path), issue.message)


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """By file, then line; the same problem reported twice is shown once."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file or "", p.line or 0))


def validate_document(doc: ConfigDocument, ctx: LoadContext) -> None:
    """Raise ConfigError listing every schema problem; then drop `version` with a warning.

    Without interpolation (`config --no-interpolate`) a string holding `$` may be any
    `${VAR}` and is not held to a pattern or a list of choices.
    """
    issues = schema_issues(doc.data, lenient=not ctx.options.interpolate)
    if issues:
        raise ConfigError(sorted_problems([to_problem(i, doc.sources) for i in issues]))
    if "version" in doc.data:
        loc = doc.sources.locate(("version",))
        where = f"{loc.file}: " if loc else ""
        ctx.warn(f"{where}{VERSION_OBSOLETE}")
        del doc.data["version"]
