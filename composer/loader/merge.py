"""Stage: merge documents with the Compose Specification's rules (STUB)."""

from __future__ import annotations

from composer.loader.context import ConfigDocument
from composer.loader.tags import strip_tags


def merge_documents(base: ConfigDocument, override: ConfigDocument) -> ConfigDocument:
    data = dict(base.data)
    data.update(override.data)
    base.sources.update(override.sources)
    return ConfigDocument(base.path, base.display, base.directory, data, base.sources)


def finish(doc: ConfigDocument) -> ConfigDocument:
    doc.data = strip_tags(doc.data)
    return doc
