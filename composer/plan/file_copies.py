"""Secrets and configs made from the environment or inline content, as files to copy in.

docker compose writes them into the container before it starts (a tar through the copy API);
composer does the same, once, between create and the first start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from composer.errors import ConfigError, Problem
from composer.model import Project, Service
from composer.model.parts import ServiceConfig, ServiceSecret
from composer.model.resources import Config, Secret
from composer.specs import FileCopySpec

if TYPE_CHECKING:
    from composer.plan.translate import ProjectPlan

SECRETS_DIR = "/run/secrets"
DEFAULT_MODE = 0o444


def file_copies(project: Project, service: Service) -> tuple[FileCopySpec, ...]:
    """The files `service` gets copied in; raises when a source variable is not set."""
    copies: list[FileCopySpec] = []
    problems: list[Problem] = []
    for secret in service.secrets:
        found = project.secrets.get(secret.source)
        if found is not None and _copied(found):
            target = secret_target(secret)
            copies.append(_copy(project, "secret", found, secret, target, problems))
    for config in service.configs:
        found_config = project.configs.get(config.source)
        if found_config is not None and _copied(found_config):
            target = _config_target(config)
            copies.append(_copy(project, "config", found_config, config, target, problems))
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)))  # one line per variable
    return tuple(copies)


def _copied(resource: Secret | Config) -> bool:
    return (
        not resource.external
        and not resource.file
        and (resource.environment is not None or resource.content is not None)
    )


def secret_target(ref: ServiceSecret) -> str:
    target = ref.target or ref.source
    return target if target.startswith("/") else f"{SECRETS_DIR}/{target}"


def _config_target(ref: ServiceConfig) -> str:
    target = ref.target or ref.source
    return target if target.startswith("/") else f"/{target}"


def _copy(
    project: Project,
    kind: str,
    resource: Secret | Config,
    ref: ServiceSecret | ServiceConfig,
    target: str,
    problems: list[Problem],
) -> FileCopySpec:
    text = resource.content
    if resource.environment is not None:
        text = project.environment.get(resource.environment)
        if text is None:
            problems.append(_unset(kind, resource))
    owner = f"{ref.uid or ''}:{ref.gid or ''}" if ref.uid or ref.gid else ""
    return FileCopySpec(
        what=f'{kind} "{resource.key}"',
        target=target,
        content=(text or "").encode("utf-8"),
        mode=DEFAULT_MODE if ref.mode is None else ref.mode,
        owner=owner,
    )


def _unset(kind: str, resource: Secret | Config) -> Problem:
    return Problem(
        None,
        None,
        f"{kind}s.{resource.key}.environment",
        f"variable {resource.environment} is not set; set it in the shell or in .env "
        f"(the {kind} takes its content from it)",
    )


def owner_notes(plan: ProjectPlan) -> list[str]:
    """What `up` says about copied files whose uid/gid Podman cannot honour (first replicas)."""
    notes = []
    for name, specs in sorted(plan.containers.items()):
        for copy in specs[0].copies if specs else ():
            if copy.owner:
                notes.append(
                    f'service "{name}": {copy.what} asks for owner {copy.owner}, but Podman '
                    f"makes the container's user own the files it copies in; {copy.target} "
                    "belongs to that user (its mode is kept)"
                )
    return notes
