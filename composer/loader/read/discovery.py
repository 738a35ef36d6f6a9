"""Stage: find the working directory, the compose files and the project environment.

The order and precedence are docker compose's (checked with v2.40.3): the OS environment always
wins; env files come next (a later file over an earlier one); the compose files are `-f`, else
`COMPOSE_FILE`, else the first supported name found from the start directory upwards. When the
files were not named by `-f` and the working directory turns out to be another directory, that
directory's `.env` is read too, without overriding what is already set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from composer.errors import ConfigError, NoComposeFileError, Problem
from composer.loader.context import Discovery, LoadOptions
from composer.loader.read.dotenv import load_project_env_files
from composer.loader.read.files import display_name

COMPOSE_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
NOT_FOUND = "no configuration file provided: not found"
_TRUE = ("1", "t", "true", "T", "TRUE", "True")  # Go's strconv.ParseBool


def absolute(path: str, base: str) -> str:
    """`path` made absolute against `base`, without resolving symlinks."""
    return os.path.normpath(os.path.join(base, os.path.expanduser(path)))


def first_file_directory(files: list[str], default: str) -> str:
    """The directory of the first file that is not stdin, else `default`."""
    for path in files:
        if path != "-":
            return os.path.dirname(path)
    return default


def start_directory(options: LoadOptions) -> str:
    """The working directory as far as the options alone tell."""
    if options.project_directory:
        return absolute(options.project_directory, options.cwd)
    files = [absolute(f, options.cwd) if f != "-" else f for f in options.files]
    return first_file_directory(files, options.cwd)


def explicit_env_files(options: LoadOptions, environ: Mapping[str, str]) -> list[str] | None:
    """`--env-file`, else `COMPOSE_ENV_FILES` (comma-separated); None when neither is given."""
    if options.env_files is not None:
        named = list(options.env_files)
    elif environ.get("COMPOSE_ENV_FILES"):
        named = [part.strip() for part in environ["COMPOSE_ENV_FILES"].split(",")]
    else:
        return None
    return [absolute(path, options.cwd) for path in named if path]


def default_env_files(directory: str, environ: Mapping[str, str]) -> list[str]:
    """`<directory>/.env` when it is a regular file and `COMPOSE_DISABLE_ENV_FILE` is not true."""
    if environ.get("COMPOSE_DISABLE_ENV_FILE", "") in _TRUE:
        return []
    path = os.path.join(directory, ".env")
    return [path] if os.path.isfile(path) else []


def with_env_files(
    environment: dict[str, str], paths: list[str], warnings: list[str]
) -> dict[str, str]:
    """`environment` plus the keys of `paths` that it does not set already."""
    if not paths:
        return environment
    values = load_project_env_files(paths, environment, warnings.append)
    return {**values, **environment}


def named_files(options: LoadOptions) -> list[str]:
    """The `-f` files, absolute (relative to the cwd); each must exist."""
    files = [absolute(f, options.cwd) if f != "-" else f for f in options.files]
    check_exist(files, options.cwd)
    return files


def compose_file_variable(environment: Mapping[str, str], cwd: str) -> list[str]:
    """`COMPOSE_FILE` split on `COMPOSE_PATH_SEPARATOR` (default `:`); each must exist."""
    separator = environment.get("COMPOSE_PATH_SEPARATOR") or ":"
    parts = environment.get("COMPOSE_FILE", "").split(separator)
    files = [absolute(part, cwd) for part in parts if part]
    check_exist(files, cwd)
    return files


def check_exist(files: list[str], cwd: str) -> None:
    missing = [f for f in files if f != "-" and not os.path.exists(f)]
    if missing:
        raise ConfigError(
            [Problem(display_name(f, cwd), None, "", "no such file or directory") for f in missing]
        )


def first_present(directory: str, names: tuple[str, ...], kind: str, warnings: list[str]) -> str:
    """The first of `names` in `directory` ("" if none); warns when several are there."""
    present = [
        os.path.join(directory, n) for n in names if os.path.isfile(os.path.join(directory, n))
    ]
    if len(present) > 1:
        warnings.append(f"Found multiple {kind} files with supported names: {', '.join(present)}")
        warnings.append(f"Using {present[0]}")
    return present[0] if present else ""


def search_upwards(start: str, warnings: list[str]) -> list[str]:
    """The compose file (and its override) in `start` or the nearest parent that has one."""
    directory = start
    while True:
        found = first_present(directory, COMPOSE_FILE_NAMES, "config", warnings)
        if found:
            override = first_present(directory, OVERRIDE_FILE_NAMES, "override", warnings)
            return [found, override] if override else [found]
        parent = os.path.dirname(directory)
        if parent == directory:
            raise NoComposeFileError(NOT_FOUND)
        directory = parent


def active_profiles(options: LoadOptions, environment: Mapping[str, str]) -> tuple[str, ...]:
    """`--profile`, else `COMPOSE_PROFILES` split on commas (blanks dropped)."""
    if options.profiles is not None:
        return tuple(options.profiles)
    names = (part.strip() for part in environment.get("COMPOSE_PROFILES", "").split(","))
    return tuple(name for name in names if name)


def discover(options: LoadOptions) -> Discovery:
    """Working directory, compose files, env files, environment and profiles of this load."""
    warnings: list[str] = []
    environment = dict(options.environ)
    environment.setdefault("PWD", options.cwd)
    working_dir = start_directory(options)
    explicit = explicit_env_files(options, environment)
    env_files = explicit if explicit is not None else default_env_files(working_dir, environment)
    environment = with_env_files(environment, env_files, warnings)
    if options.files:
        files = named_files(options)
    elif environment.get("COMPOSE_FILE"):
        files = compose_file_variable(environment, options.cwd)
    else:
        files = search_upwards(working_dir, warnings)
    if not options.project_directory and not options.files:
        found_in = first_file_directory(files, working_dir)
        if found_in != working_dir and explicit is None:
            more = default_env_files(found_in, environment)
            environment = with_env_files(environment, more, warnings)
            env_files = env_files + more
        working_dir = found_in
    profiles = active_profiles(options, environment)
    return Discovery(working_dir, files, environment, env_files, profiles, warnings)
