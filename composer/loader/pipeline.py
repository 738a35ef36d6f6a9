"""The loader's stages in order, in one place: compose files in, canonical data out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from composer.loader.canonical.canonicalize import canonicalize
from composer.loader.combine.extends import apply_extends
from composer.loader.combine.include import apply_include
from composer.loader.combine.merge import finish as finish_merge
from composer.loader.combine.merge import merge_documents
from composer.loader.context import ConfigDocument, LoadContext, LoadOptions
from composer.loader.finish.consistency import check as check_consistency
from composer.loader.finish.environment import resolve_environment
from composer.loader.finish.naming import export_project_name, project_name
from composer.loader.finish.normalize import drop_unused_resources, normalize
from composer.loader.finish.profiles import apply_profiles
from composer.loader.finish.select import select_services
from composer.loader.interpolation.interpolate import interpolate_document
from composer.loader.read.discovery import discover
from composer.loader.read.files import read_documents, require_content
from composer.loader.schema.validate import validate_document
from composer.loader.sources import SourceMap

if TYPE_CHECKING:
    from composer.model import Project


@dataclass
class LoadedProject:
    """The outcome of a load: the canonical data `config` prints, and how it was found."""

    name: str
    working_dir: str
    files: list[str]
    environment: dict[str, str]
    data: dict[str, Any]
    sources: SourceMap
    warnings: list[str] = field(default_factory=list)
    disabled_services: dict[str, Any] = field(default_factory=dict)

    def model(self) -> Project:
        """Bind the data to the frozen model (imported lazily: `config` does not need it)."""
        from composer.model.bind.project import bind_project

        return bind_project(self)


def load_documents(files: list[str], ctx: LoadContext) -> ConfigDocument | None:
    """Per file, in order: read, interpolate, extends, include; then merge into one document."""
    merged: ConfigDocument | None = None
    docs = [doc for path in files for doc in read_documents(path, ctx)]
    # The name is known before interpolation, so `${COMPOSE_PROJECT_NAME}` gives it (as docker).
    export_project_name(docs, ctx)
    for doc in docs:
        if ctx.options.interpolate:
            doc = interpolate_document(doc, ctx.environment, ctx)
        doc = apply_extends(doc, ctx)
        doc = apply_include(doc, ctx)
        merged = doc if merged is None else merge_documents(merged, doc)
    return merged


def load(options: LoadOptions) -> LoadedProject:
    """Run every stage; raise ConfigError (naming file, line and key) on the first bad stage."""
    found = discover(options)
    ctx = LoadContext(options=options, discovery=found)
    doc = load_documents(found.files, ctx)
    doc = require_content(doc, found.files)
    doc = finish_merge(doc)
    validate_document(doc, ctx)
    doc = canonicalize(doc, ctx)
    name = project_name(doc, ctx)
    doc = normalize(doc, name, ctx)
    data, disabled = apply_profiles(doc.data, found.profiles, options.services)
    doc.data = data
    if options.consistency:
        check_consistency(doc, disabled, ctx)
    if options.select_services:
        data = select_services(data, options.services)
    # docker compose drops what no service uses, except from the uninterpolated model
    doc.data = drop_unused_resources(data) if options.interpolate else data
    if options.resolve_environment and options.interpolate:
        doc = resolve_environment(doc, ctx)
    return LoadedProject(
        name=name,
        working_dir=found.working_dir,
        files=found.files,
        environment=found.environment,
        data=doc.data,
        sources=doc.sources,
        warnings=ctx.warnings,
        disabled_services=disabled,
    )
