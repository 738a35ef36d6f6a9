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
    from composer.runtime.base import Runtime


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
    _runtime: Runtime | None = field(default=None, init=False, repr=False)

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
        console.debug(
            f"project {project.name}: {', '.join(project.files)} "
            f"(working directory {project.working_dir})"
        )
        for warning in project.warnings:
            console.warn(warning)
        return project

    def runtime(self) -> Runtime:
        """The Podman runtime, connected on first use (finding or starting the API service)."""
        if self._runtime is None:
            from composer.runtime.podman_api import PodmanRuntime
            from composer.runtime.socket import resolve_url

            self._runtime = PodmanRuntime(resolve_url(self.options.podman_url, self.environ))
        return self._runtime

    def set_runtime(self, runtime: Runtime) -> None:
        """Use this runtime instead of Podman (tests of CLI wiring use a fake one)."""
        self._runtime = runtime
