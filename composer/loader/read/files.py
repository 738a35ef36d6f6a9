"""Stage: read each compose file (or stdin) into ConfigDocuments, one per YAML document."""

from __future__ import annotations

import os

from composer.errors import config_error
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.read.yaml12 import read_yaml


def display_name(path: str, cwd: str) -> str:
    """The name errors show for a file: relative to the working directory when inside it."""
    if path == "-":
        return "<stdin>"
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def read_text(path: str, ctx: LoadContext) -> str:
    if path == "-":
        stdin = ctx.options.stdin
        if stdin is None:
            raise config_error("no standard input to read the compose file from", file="-")
        return stdin.read()
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except FileNotFoundError:
        raise config_error("no such file", file=display_name(path, ctx.options.cwd)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise config_error(
            f"cannot read: {exc}", file=display_name(path, ctx.options.cwd)
        ) from None


def read_documents(path: str, ctx: LoadContext) -> list[ConfigDocument]:
    """Every non-empty document of the file, each a mapping."""
    display = display_name(path, ctx.options.cwd)
    directory = ctx.working_dir if path == "-" else os.path.dirname(path)
    docs = []
    for data, sources in read_yaml(read_text(path, ctx), display):
        if data is None:
            continue
        if not isinstance(data, dict):
            raise config_error(
                f"top-level object must be a mapping, not a {type(data).__name__}",
                file=display,
                line=1,
            )
        docs.append(ConfigDocument(path, display, directory, data, sources))
    return docs


def require_content(doc: ConfigDocument | None, files: list[str]) -> ConfigDocument:
    """Fail with `empty compose file` when nothing was loaded."""
    if doc is None or not doc.data:
        shown = files[0] if files else None
        raise config_error("empty compose file", file=shown)
    return doc
