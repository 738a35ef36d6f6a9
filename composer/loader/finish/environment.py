"""Stage: each service's container environment, as `config` prints it.

`env_file` entries are read in order (a later file wins) and folded into `environment`, which
wins over them; bare keys (`environment: [HOME]`) take the project's value or stay null.
`label_file` is folded into `labels` the same way, and bare `build.args` are resolved.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from composer.errors import ComposerError, ConfigError, Problem
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.finish.normalize import order_service
from composer.loader.read.dotenv import read_env_file
from composer.loader.sources import SourceMap


def resolve_environment(doc: ConfigDocument, ctx: LoadContext) -> ConfigDocument:
    """Resolve every service's environment, labels and build args, in place."""
    problems: list[Problem] = []
    for name, service in (doc.data.get("services") or {}).items():
        problems.extend(resolve_service(name, service, doc.sources, ctx))
    if problems:
        raise ConfigError(problems)
    return doc


def resolve_service(
    name: str, service: dict[str, Any], sources: SourceMap, ctx: LoadContext
) -> list[Problem]:
    """Fold `env_file` and `label_file` into the service; the problems found, if any."""
    project = ctx.environment
    declared: dict[str, str | None] = service.get("environment") or {}
    lookup = {**{k: v for k, v in declared.items() if v is not None}, **project}
    from_files, problems = read_env_files(name, service, sources, ctx, lookup)
    merged = {**from_files, **declared}
    resolved = {key: project.get(key) if value is None else value for key, value in merged.items()}
    _replace(service, "environment", dict(sorted(resolved.items())))
    service.pop("env_file", None)
    labels, label_problems = _labels_with_files(name, service, sources, ctx)
    _replace(service, "labels", labels)
    service.pop("label_file", None)
    if ctx.options.normalize:
        # the reference resolves bare build args while normalizing (`--no-normalize` keeps them)
        _resolve_build_args(service, project)
    order_service(service)
    return problems + label_problems


def read_env_files(
    name: str,
    service: dict[str, Any],
    sources: SourceMap,
    ctx: LoadContext,
    lookup: Mapping[str, str],
) -> tuple[dict[str, str | None], list[Problem]]:
    """The values of the service's env files, a later file overriding an earlier one."""
    values: dict[str, str | None] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(service.get("env_file") or ()):
        path = os.path.join(ctx.working_dir, str(entry.get("path", "")))
        at = ("services", name, "env_file", index)
        if not os.path.isfile(path):
            if entry.get("required", True):
                problems.append(sources.problem(at, f"env file {path} not found"))
            continue
        try:
            values.update(read_env_file(path, lookup, ctx.warn, raw=entry.get("format") == "raw"))
        except ConfigError as exc:
            problems.extend(exc.problems)
        except ComposerError as exc:
            problems.append(sources.problem(at, exc.message))
    return values, problems


def _labels_with_files(
    name: str, service: dict[str, Any], sources: SourceMap, ctx: LoadContext
) -> tuple[dict[str, str], list[Problem]]:
    """`labels` over the values of `label_file` (env file syntax; no variable is set there)."""
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(service.get("label_file") or ()):
        path = os.path.join(ctx.working_dir, str(entry))
        at = ("services", name, "label_file", index)
        if not os.path.isfile(path):
            problems.append(sources.problem(at, f"label file {path} not found"))
            continue
        try:
            read = read_env_file(path, {}, ctx.warn)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        values.update((key, value or "") for key, value in read.items())
    values.update(service.get("labels") or {})
    return dict(sorted(values.items())), problems


def _resolve_build_args(service: dict[str, Any], project: Mapping[str, str]) -> None:
    """A build arg without a value takes the project's value, or is left out."""
    build = service.get("build")
    if not isinstance(build, dict) or not isinstance(build.get("args"), dict):
        return
    args = {
        key: project.get(key) if value is None else value for key, value in build["args"].items()
    }
    _replace(build, "args", {key: value for key, value in args.items() if value is not None})


def _replace(container: dict[str, Any], key: str, value: dict[str, Any]) -> None:
    """Set `key` to `value` in place (keeping its position), or drop it when empty."""
    if value:
        container[key] = value
    else:
        container.pop(key, None)


def resource_content(resource: Mapping[str, Any], environment: Mapping[str, str]) -> str | None:
    """The content of a top-level secret or config: inline, or from `environment: VAR`.

    `config` never prints content taken from the environment, so the data keeps only the
    variable's name; the model asks here when it needs the value.
    """
    if resource.get("content") is not None:
        return str(resource["content"])
    variable = resource.get("environment")
    return environment.get(str(variable)) if variable else None
