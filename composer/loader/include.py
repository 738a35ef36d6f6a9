"""Stage: resolve `include` (STUB)."""

from __future__ import annotations

from composer.loader.context import ConfigDocument, LoadContext


def apply_include(doc: ConfigDocument, ctx: LoadContext) -> ConfigDocument:
    return doc
