"""Stage: find the working directory, the compose files and the project environment (STUB)."""

from __future__ import annotations

import os

from composer.loader.context import Discovery, LoadOptions


def discover(options: LoadOptions) -> Discovery:
    files = [os.path.abspath(os.path.join(options.cwd, f)) if f != "-" else f for f in options.files]
    if not files:
        files = [os.path.join(options.cwd, "compose.yaml")]
    wd = options.project_directory or (os.path.dirname(files[0]) if files[0] != "-" else options.cwd)
    return Discovery(wd, files, dict(options.environ), [], options.profiles or ())
