"""Stage: resolve `extends` (STUB)."""

from __future__ import annotations

from composer.loader.context import ConfigDocument, LoadContext


def apply_extends(doc: ConfigDocument, ctx: LoadContext) -> ConfigDocument:
    return doc
