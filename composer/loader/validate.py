"""Stage: validate against composer's JSON schema (STUB)."""

from __future__ import annotations

from composer.loader.context import ConfigDocument, LoadContext


def validate_document(doc: ConfigDocument, ctx: LoadContext) -> None:
    return None
