"""The loader's stages, in order, in one place: compose files in, a validated Project out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from composer.loader import (
    canonical,
    consistency,
    discovery,
    environment,
    extends,
    include,
    interpolate,
    merge,
    naming,
    normalize,
    profiles,
    reading,
    select,
    validate,
)
from composer.loader.context import ConfigDocument, LoadContext, LoadOptions
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
        from composer.loader.bind import bind_project

        return bind_project(self)


def load_documents(files: list[str], ctx: LoadContext) -> ConfigDocument | None:
    """Per file, in order: read, interpolate, extends, include; then merge into one document."""
    merged: ConfigDocument | None = None
    docs = [doc for path in files for doc in reading.read_documents(path, ctx)]
    # The name is known before interpolation, so `${COMPOSE_PROJECT_NAME}` gives it (as docker).
    naming.export_project_name(docs, ctx)
    for doc in docs:
        if ctx.options.interpolate:
            doc = interpolate.interpolate_document(doc, ctx.environment, ctx)
        doc = extends.apply_extends(doc, ctx)
        doc = include.apply_include(doc, ctx)
        merged = doc if merged is None else merge.merge_documents(merged, doc)
    return merged


def load(options: LoadOptions) -> LoadedProject:
    """Run every stage; raise ConfigError (naming file, line and key) on the first bad stage."""
    found = discovery.discover(options)
    ctx = LoadContext(options=options, discovery=found)
    doc = load_documents(found.files, ctx)
    doc = reading.require_content(doc, found.files)
    doc = merge.finish(doc)
    validate.validate_document(doc, ctx)
    doc = canonical.canonicalize(doc, ctx)
    name = naming.project_name(doc, ctx)
    doc = normalize.normalize(doc, name, ctx)
    data, disabled = profiles.apply_profiles(doc.data, found.profiles, options.services)
    doc.data = data
    if options.consistency:
        consistency.check(doc, disabled, ctx)
    if options.select_services:
        data = select.select_services(data, options.services)
    # docker compose drops what no service uses, except from the uninterpolated model
    doc.data = normalize.drop_unused_resources(data) if options.interpolate else data
    if options.resolve_environment and options.interpolate:
        doc = environment.resolve_environment(doc, ctx)
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
