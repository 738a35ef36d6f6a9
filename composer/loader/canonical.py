"""Stage: short syntax to canonical long syntax (STUB)."""

from __future__ import annotations

from composer.loader.context import ConfigDocument, LoadContext


def canonicalize(doc: ConfigDocument, ctx: LoadContext) -> ConfigDocument:
    return doc
