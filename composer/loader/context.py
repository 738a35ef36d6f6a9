"""What a load is asked to do (LoadOptions) and what the stages share while it runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from composer.loader.sources import SourceMap


@dataclass(frozen=True)
class LoadOptions:
    """Everything that decides how compose files are found and loaded.

    `environ` is the OS environment, passed in: no stage reads `os.environ`.
    """

    cwd: str
    environ: Mapping[str, str]
    files: tuple[str, ...] = ()
    project_name: str | None = None
    project_directory: str | None = None
    env_files: tuple[str, ...] | None = None
    profiles: tuple[str, ...] | None = None
    services: tuple[str, ...] = ()
    select_services: bool = False  # keep only `services` and their dependencies
    interpolate: bool = True
    normalize: bool = True
    resolve_paths: bool = True
    consistency: bool = True
    resolve_environment: bool = True
    stdin: TextIO | None = None


@dataclass
class ConfigDocument:
    """One YAML document of one compose file, as plain data, with where each value came from.

    `path` is absolute ("-" for stdin); `display` is the name shown in errors; `directory` is the
    directory its relative paths are relative to.
    """

    path: str
    display: str
    directory: str
    data: dict[str, Any]
    sources: SourceMap = field(default_factory=SourceMap)


@dataclass
class Discovery:
    """The result of discovery: where the project lives, which files, which environment."""

    working_dir: str
    files: list[str]
    environment: dict[str, str]
    env_files: list[str]
    profiles: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadContext:
    """State shared by the stages of one load: options, discovery, and collected warnings."""

    options: LoadOptions
    discovery: Discovery
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for message in self.discovery.warnings:
            self.warn(message)

    @property
    def environment(self) -> dict[str, str]:
        return self.discovery.environment

    @property
    def working_dir(self) -> str:
        return self.discovery.working_dir

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
