"""Stage: interpolate `${VAR}` forms in values, then apply docker compose's type casts (STUB)."""

from __future__ import annotations

from collections.abc import Mapping

from composer.loader.context import ConfigDocument, LoadContext


def interpolate_document(
    doc: ConfigDocument, environment: Mapping[str, str], ctx: LoadContext
) -> ConfigDocument:
    return doc
