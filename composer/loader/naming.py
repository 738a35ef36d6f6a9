"""Stage: the project name, by docker compose's precedence and rules (STUB)."""

from __future__ import annotations

import os

from composer.loader.context import ConfigDocument, LoadContext


def project_name(doc: ConfigDocument, ctx: LoadContext) -> str:
    return ctx.options.project_name or os.path.basename(ctx.working_dir)
