"""Stage: fold env_file into environment and resolve bare keys (STUB)."""

from __future__ import annotations

from composer.loader.context import ConfigDocument, LoadContext


def resolve_environment(doc: ConfigDocument, ctx: LoadContext) -> ConfigDocument:
    return doc
