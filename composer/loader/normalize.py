"""Stage: defaults, default network, resource names and absolute paths (STUB)."""

from __future__ import annotations

from composer.loader.context import ConfigDocument, LoadContext


def normalize(doc: ConfigDocument, name: str, ctx: LoadContext) -> ConfigDocument:
    doc.data["name"] = name
    return doc
