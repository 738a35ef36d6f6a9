"""Stage: resolve the top-level `include`: each included project is loaded on its own and imported.

An included project is loaded completely (its own extends and include), with the parent's
environment plus its own env files (the parent winning), brought to canonical form, and its
relative paths resolved against its project directory. Its services, networks, volumes, secrets,
configs and models are added to the including document; a name clash is allowed only when both
definitions are equal.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from composer.errors import ConfigError, Problem
from composer.loader.canonical.canonicalize import canonicalize
from composer.loader.combine import merge
from composer.loader.combine.relocate import copy_subtree, pop_subtree, unwrap
from composer.loader.context import ConfigDocument, Discovery, LoadContext
from composer.loader.paths import absolute, base_directory, home_directory, resolve_paths
from composer.loader.read.dotenv import load_project_env_files
from composer.loader.read.files import display_name
from composer.loader.read.tags import strip_tags
from composer.loader.sources import Path, SourceMap

IMPORTED_KINDS = ("services", "volumes", "networks", "secrets", "configs", "models")


@dataclass
class IncludeContext(LoadContext):
    """The context of an included project: also the chain of files that included it."""

    chain: tuple[str, ...] = ()


@dataclass
class _Include:
    """One entry of `include`, its paths made absolute."""

    index: int
    paths: list[str]
    project_directory: str
    env_files: list[str]


def apply_include(doc: ConfigDocument, ctx: LoadContext) -> ConfigDocument:
    """Import every project the document includes; the `include` key is consumed."""
    if "include" not in doc.data:
        return doc
    entries = unwrap(doc.data["include"])
    chain = _chain(doc, ctx)
    problems: list[Problem] = []
    includes = _parse(entries, doc, ctx, problems) if entries is not None else []
    for include in includes:
        _check_cycle(include, chain, doc, ctx, problems)
    if problems:
        raise ConfigError(problems)
    pop_subtree(doc.data.pop("include"), doc.sources.entries, ("include",))
    for include in includes:
        child = _load(include, chain, ctx)
        if child is not None:
            problems.extend(_import(child, doc, ctx))
    if problems:
        raise ConfigError(problems)
    return doc


def _chain(doc: ConfigDocument, ctx: LoadContext) -> tuple[str, ...]:
    """The files that led to this document, the document last."""
    chain = ctx.chain if isinstance(ctx, IncludeContext) else ()
    return chain if chain[-1:] == (doc.path,) else (*chain, doc.path)


def _parse(
    entries: Any, doc: ConfigDocument, ctx: LoadContext, problems: list[Problem]
) -> list[_Include]:
    if not isinstance(entries, list):
        problems.append(_problem(doc, ("include",), "must be a list"))
        return []
    includes = []
    for index, entry in enumerate(entries):
        include = _parse_entry(unwrap(entry), index, doc, ctx, problems)
        if include is not None:
            includes.append(include)
    return includes


def _parse_entry(
    entry: Any, index: int, doc: ConfigDocument, ctx: LoadContext, problems: list[Problem]
) -> _Include | None:
    """One entry: a path, or `{path: str | [str], project_directory, env_file: str | [str]}`."""
    here: Path = ("include", index)
    home = home_directory(ctx.environment)
    fields = entry if isinstance(entry, dict) else {"path": entry}
    paths = _strings(unwrap(fields.get("path")))
    if not paths:
        problems.append(_problem(doc, here, "path must be a string or a list of strings"))
        return None
    paths = [absolute(path, ctx.working_dir, home) for path in paths]
    for path in paths:
        if not os.path.isfile(path):
            shown = display_name(path, ctx.options.cwd)
            problems.append(_problem(doc, here, f"included file {shown} not found"))
    project_dir = unwrap(fields.get("project_directory"))
    if isinstance(project_dir, str):
        project_dir = absolute(project_dir, ctx.working_dir, home)
    else:
        project_dir = os.path.dirname(paths[0])
    named = _strings(unwrap(fields.get("env_file")))
    env_files = [absolute(path, ctx.working_dir, home) for path in named]
    for path in env_files:
        if not os.path.isfile(path):
            shown = display_name(path, ctx.options.cwd)
            problems.append(_problem(doc, (*here, "env_file"), f"env file {shown} not found"))
    if not named:
        default = os.path.join(project_dir, ".env")
        env_files = [default] if os.path.isfile(default) else []
    return _Include(index, paths, project_dir, env_files)


def _strings(value: Any) -> list[str]:
    """A string or a list of strings as a list; [] for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(unwrap(v), str) for v in value):
        return [unwrap(v) for v in value]
    return []


def _check_cycle(
    include: _Include,
    chain: tuple[str, ...],
    doc: ConfigDocument,
    ctx: LoadContext,
    problems: list[Problem],
) -> None:
    for path in include.paths:
        if path in chain:
            shown = " -> ".join(display_name(p, ctx.options.cwd) for p in (*chain, path))
            message = f"include cycle detected: {shown}"
            problems.append(_problem(doc, ("include", include.index), message))


def _load(include: _Include, chain: tuple[str, ...], ctx: LoadContext) -> ConfigDocument | None:
    """The included project, loaded on its own, paths resolved, in canonical form."""
    from composer.loader.pipeline import load_documents  # the pipeline imports this stage

    values = load_project_env_files(include.env_files, ctx.environment, ctx.warn)
    environment = {**values, **ctx.environment}
    options = dataclasses.replace(
        ctx.options, files=tuple(include.paths), project_directory=include.project_directory
    )
    discovery = Discovery(
        working_dir=include.project_directory,
        files=include.paths,
        environment=environment,
        env_files=include.env_files,
        profiles=ctx.discovery.profiles,
    )
    child_ctx = IncludeContext(options, discovery, ctx.warnings, chain)
    child = load_documents(include.paths, child_ctx)
    if child is None:
        return None
    child = canonicalize(merge.finish(child), child_ctx)
    # paths after the canonical form, as docker compose does: a rebased relative bind source
    # (--no-path-resolution) must not turn into a volume name in short syntax
    resolve = ctx.options.resolve_paths
    directory = base_directory(include.project_directory, ctx.working_dir, resolve)
    resolve_paths(child.data, directory, home_directory(environment))
    _default_build_context(child.data, directory)
    return child


def _default_build_context(data: dict[str, Any], project_directory: str) -> None:
    """A build without context builds the included project's directory, not the parent's."""
    services = data.get("services")
    if not isinstance(services, dict):
        return
    for service in services.values():
        build = service.get("build") if isinstance(service, dict) else None
        if isinstance(build, dict) and build.get("context") is None:
            build["context"] = project_directory


def _import(child: ConfigDocument, doc: ConfigDocument, ctx: LoadContext) -> list[Problem]:
    """Add the child's resources to `doc`; a clash must be equal to what is there."""
    problems = []
    for kind in IMPORTED_KINDS:
        imported = child.data.get(kind)
        if not isinstance(imported, dict) or not imported:
            continue
        existing = unwrap(doc.data.get(kind))
        if not isinstance(existing, dict):
            existing = {}
            doc.data[kind] = existing
        for name, value in imported.items():
            path = (kind, name)
            if name not in existing:
                existing[name] = value
                copy_subtree(value, child.sources.entries, path, doc.sources.entries, path)
            elif not _same(kind, name, existing[name], value, ctx):
                message = f"conflicts with imported resource from {child.display}"
                problems.append(doc.sources.problem(path, message))
    return problems


def _same(kind: str, name: str, mine: Any, imported: Any, ctx: LoadContext) -> bool:
    """Whether a definition equals the imported one, as written or once both are canonical."""
    mine = strip_tags(mine)
    if mine == imported:
        return True
    data = {kind: {name: copy.deepcopy(mine)}}
    resolve_paths(data, ctx.working_dir, home_directory(ctx.environment))
    probe = ConfigDocument("-", "-", ctx.working_dir, data, SourceMap())
    try:
        converted = canonicalize(probe, ctx).data.get(kind, {}).get(name)
    except ConfigError:
        return False
    return bool(converted == imported)


def _problem(doc: ConfigDocument, path: Path, message: str) -> Problem:
    return doc.sources.problem(path, message)
