"""The per-invocation state every command reads: global options and the lazily loaded project."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from composer import console

if TYPE_CHECKING:
    from composer.loader.context import LoadOptions
    from composer.loader.pipeline import LoadedProject


@dataclass
class GlobalOptions:
    """The global flags, as typed on the command line (None: not given)."""

    files: tuple[str, ...] = ()
    project_name: str | None = None
    project_directory: str | None = None
    env_files: tuple[str, ...] | None = None
    profiles: tuple[str, ...] | None = None
    dry_run: bool = False
    progress: str = "auto"
    ansi: str = "auto"
    verbose: bool = False
    parallel: int | None = None
    pod_mode: str | None = None
    podman_url: str | None = None


@dataclass
class Session:
    """One command's view of the world: options, environment and working directory."""

    options: GlobalOptions
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: str = field(default_factory=os.getcwd)

    def load_options(self, **overrides: object) -> LoadOptions:
        from composer.loader.context import LoadOptions

        opts = self.options
        base = LoadOptions(
            cwd=self.cwd,
            environ=self.environ,
            files=opts.files,
            project_name=opts.project_name,
            project_directory=opts.project_directory,
            env_files=opts.env_files,
            profiles=opts.profiles,
            stdin=sys.stdin,
        )
        return replace(base, **overrides)  # type: ignore[arg-type]

    def load(self, **overrides: object) -> LoadedProject:
        """Load the project; warnings go to stderr."""
        from composer.loader.pipeline import load

        project = load(self.load_options(**overrides))
        for warning in project.warnings:
            console.warn(warning)
        return project
