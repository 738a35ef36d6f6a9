"""Stage: resolve `extends`: each service is merged onto a copy of the service it extends.

A base service from another file is read raw (read and interpolated with the same environment;
no include, normalization or validation) and its relative paths resolve against that file's
directory. Bases are resolved recursively; a cycle is an error that shows the chain.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from typing import Any

from composer.errors import ConfigError, Problem
from composer.loader.combine.merge import merge_documents, merge_values
from composer.loader.combine.relocate import Entries, copy_children, pop_subtree, unwrap
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.interpolation.interpolate import interpolate_document
from composer.loader.paths import (
    absolute,
    base_directory,
    home_directory,
    resolve_service_paths,
)
from composer.loader.read.files import display_name, read_documents
from composer.loader.sources import Path, SourceMap


@dataclass
class _File:
    """A compose file whose services can be extended: the document, or one read raw."""

    key: str
    display: str
    directory: str
    data: dict[str, Any]
    sources: SourceMap

    def services(self) -> dict[str, Any]:
        services = unwrap(self.data.get("services"))
        return services if isinstance(services, dict) else {}


class _ExtendsFailedError(Exception):
    """A service could not be resolved; its problem is already recorded."""


@dataclass
class _Resolver:
    """One extends pass over a document, with the files it read and what it resolved."""

    ctx: LoadContext
    home: str
    files: dict[str, _File] = field(default_factory=dict)
    done: set[tuple[str, str]] = field(default_factory=set)
    failed: set[tuple[str, str]] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def fail(
        self, file: _File, path: Path, message: str, stack: list[tuple[str, str]]
    ) -> _ExtendsFailedError:
        """Record a problem at `path` of `file`; every service on the stack fails with it."""
        self.problems.append(file.sources.problem(path, message))
        self.failed.update(stack)
        return _ExtendsFailedError()

    def resolve(self, file: _File, name: str, stack: list[tuple[str, str]]) -> Any:
        """The service `name` of `file` with its extends chain merged in (done in place)."""
        key = (file.key, name)
        if key in self.failed:
            raise _ExtendsFailedError()
        services = file.services()
        if key in self.done:
            return services[name]
        if key in stack:
            raise self.cycle(stack[stack.index(key) :] + [key])
        service = unwrap(services.get(name))
        extends = unwrap(service.get("extends")) if isinstance(service, dict) else None
        if extends is None:
            self.done.add(key)
            return service
        stack = [*stack, key]
        base_file, base_name = self.target(file, name, extends, stack)
        base = self.resolve(base_file, base_name, stack)
        if base is None:
            # docker compose leaves a service extending an empty one as it is, `extends` kept
            self.done.add(key)
            return service
        merged = self.merge(file, name, service, base_file, base_name, base, stack)
        services[name] = merged
        self.done.add(key)
        return merged

    def target(
        self, file: _File, name: str, extends: Any, stack: list[tuple[str, str]]
    ) -> tuple[_File, str]:
        """The file and service name an `extends` value points at."""
        path = ("services", name, "extends")
        if isinstance(extends, str):
            base_name, base_path = extends, None
        elif isinstance(extends, dict):
            base_name, base_path = unwrap(extends.get("service")), unwrap(extends.get("file"))
            if not isinstance(base_name, str):
                raise self.fail(file, path, '"service" is required', stack)
        else:
            raise self.fail(file, path, "must be a service name or a mapping", stack)
        base_file = file
        if base_path is not None:
            if not isinstance(base_path, str):
                raise self.fail(file, (*path, "file"), "must be a string", stack)
            base_file = self.load(file, name, absolute(base_path, file.directory, self.home), stack)
        if base_name not in base_file.services():
            where = "" if base_file is file else f" in {base_file.display}"
            message = f'cannot extend service "{name}": service "{base_name}" not found{where}'
            raise self.fail(file, path, message, stack)
        return base_file, base_name

    def load(self, file: _File, name: str, path: str, stack: list[tuple[str, str]]) -> _File:
        """Another compose file, read raw (cached per absolute path)."""
        found = self.files.get(path)
        if found is not None:
            return found
        display = display_name(path, self.ctx.options.cwd)
        if not os.path.isfile(path):
            message = f'cannot extend service "{name}": file {display} not found'
            raise self.fail(file, ("services", name, "extends"), message, stack)
        doc: ConfigDocument | None = None
        for part in read_documents(path, self.ctx):
            if self.ctx.options.interpolate:
                part = interpolate_document(part, self.ctx.environment, self.ctx)
            doc = part if doc is None else merge_documents(doc, part)
        data = doc.data if doc is not None else {}
        sources = doc.sources if doc is not None else SourceMap()
        loaded = _File(path, display, os.path.dirname(path), data, sources)
        self.files[path] = loaded
        return loaded

    def merge(
        self,
        file: _File,
        name: str,
        service: dict[str, Any],
        base_file: _File,
        base_name: str,
        base: Any,
        stack: list[tuple[str, str]],
    ) -> Any:
        """The local service merged onto a copy of its base; locations follow the data."""
        path = ("services", name)
        entries: Entries = file.sources.entries
        local_entries = pop_subtree(service, entries, path)
        result = copy.deepcopy(base) if isinstance(base, dict) else {}  # the schema reports it
        if base_file is not file:
            resolve = self.ctx.options.resolve_paths
            directory = base_directory(base_file.directory, file.directory, resolve)
            resolve_service_paths(result, directory, self.home)
        copy_children(result, base_file.sources.entries, ("services", base_name), entries, path)
        if path in local_entries:
            entries[path] = local_entries[path]
        local = {key: value for key, value in service.items() if key != "extends"}
        try:
            return merge_values(result, local, local_entries, path, entries, path)
        except ConfigError as exc:
            self.problems.extend(exc.problems)
            self.failed.update(stack)
            raise _ExtendsFailedError() from None

    def cycle(self, chain: list[tuple[str, str]]) -> _ExtendsFailedError:
        """The `Circular reference` problem, located at the first service's `extends`."""
        steps = []
        for index, (key, name) in enumerate(chain):
            shown = self.files[key].display if key in self.files else key
            steps.append(f"  {'extends ' if index else ''}{name} in {shown}")
        first = self.files[chain[0][0]]
        message = "Circular reference:\n" + "\n".join(steps)
        return self.fail(first, ("services", chain[0][1], "extends"), message, chain)


def apply_extends(doc: ConfigDocument, ctx: LoadContext) -> ConfigDocument:
    """Resolve every `extends` of the document; raise ConfigError listing every problem."""
    services = unwrap(doc.data.get("services"))
    if not isinstance(services, dict):
        return doc
    names = [
        n for n, s in services.items() if isinstance(unwrap(s), dict) and "extends" in unwrap(s)
    ]
    if not names:
        return doc
    resolver = _Resolver(ctx, home_directory(ctx.environment))
    key = doc.path
    main = _File(key, doc.display, ctx.working_dir, doc.data, doc.sources)
    resolver.files[key] = main
    for name in names:
        try:
            resolver.resolve(main, name, [])
        except _ExtendsFailedError:
            continue
    if resolver.problems:
        raise ConfigError(resolver.problems)
    return doc
