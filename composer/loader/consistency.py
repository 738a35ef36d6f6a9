"""Stage: cross-reference checks (STUB)."""

from __future__ import annotations

from typing import Any

from composer.loader.context import ConfigDocument, LoadContext


def check(doc: ConfigDocument, disabled: dict[str, Any], ctx: LoadContext) -> None:
    return None
