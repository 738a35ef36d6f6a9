"""Stage: the project name, by docker compose's precedence and rules.

Precedence: `-p`, then `COMPOSE_PROJECT_NAME` (shell or env file), then the top-level `name:`
(interpolated; the last non-empty one across files), then the working directory's name. The
first two must already be valid; the last two are normalized silently. The result is exported
as `COMPOSE_PROJECT_NAME`. docker compose knows the name before it interpolates the files, so
`${COMPOSE_PROJECT_NAME}` anywhere gives the final name (checked with v2.40.3):
`export_project_name` does that early pass over the read documents.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from composer.errors import ComposerError
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.interpolation.interpolate import interpolate_data

_VALID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_DROPPED = re.compile(r"[^a-z0-9_-]+")
VARIABLE = "COMPOSE_PROJECT_NAME"


def normalize_project_name(text: str) -> str:
    """Lowercase, without characters outside `[a-z0-9_-]`, without leading `_` or `-`."""
    return _DROPPED.sub("", text.lower()).lstrip("_-")


def check_project_name(name: str) -> str:
    """`name` if it is valid as given; ComposerError with docker's wording otherwise."""
    if not name:
        raise ComposerError("project name must not be empty")
    if not _VALID.fullmatch(name):
        raise ComposerError(
            f'invalid project name "{name}": must consist only of lowercase alphanumeric '
            "characters, hyphens, and underscores as well as start with a letter or number"
        )
    return name


def name_field(values: Iterable[object]) -> str:
    """The last non-empty `name:` among the documents' values, as text."""
    chosen = ""
    for value in values:
        if value is not None and str(value):
            chosen = str(value)
    return chosen


def directory_name(ctx: LoadContext) -> str:
    """The working directory's name, normalized; warns when it is a symlink to another name."""
    working_dir = ctx.working_dir.rstrip(os.sep) or os.sep
    name = os.path.basename(working_dir)
    if os.path.basename(os.path.realpath(working_dir)) != name:
        ctx.warn(
            "project has been loaded without an explicit name from a symlink. "
            f'Using name "{normalize_project_name(name)}"'
        )
    return normalize_project_name(name)


def choose_name(declared: str, ctx: LoadContext) -> str:
    """The name by precedence, given the (interpolated) `name:` of the files."""
    if ctx.options.project_name:
        return check_project_name(ctx.options.project_name)
    from_environment = ctx.environment.get(VARIABLE)
    if from_environment:
        return check_project_name(from_environment)
    if declared:
        return check_project_name(normalize_project_name(declared))
    return check_project_name(directory_name(ctx))


def project_name(doc: ConfigDocument, ctx: LoadContext) -> str:
    """The project name for the merged document; exported as COMPOSE_PROJECT_NAME."""
    name = choose_name(name_field([doc.data.get("name")]), ctx)
    ctx.environment[VARIABLE] = name
    return name


def export_project_name(docs: list[ConfigDocument], ctx: LoadContext) -> str:
    """Decide the name before interpolation and export it, so `${COMPOSE_PROJECT_NAME}` works.

    Each document's `name:` is interpolated on its own here (without COMPOSE_PROJECT_NAME
    unless the user set it), which is how docker compose reads it.
    """
    declared = ""
    if not ctx.options.project_name and not ctx.environment.get(VARIABLE):
        values = []
        for doc in docs:
            if "name" in doc.data:
                value = doc.data["name"]
                if ctx.options.interpolate and isinstance(value, str):
                    value = interpolate_data(
                        value, ctx.environment, ctx.warn, doc.sources, ("name",)
                    )
                values.append(value)
        declared = name_field(values)
    name = choose_name(declared, ctx)
    ctx.environment[VARIABLE] = name
    return name
