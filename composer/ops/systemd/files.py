"""Load, check and translate a project into unit or Quadlet files (nothing is written here).

Every refusal (a secret that would be inlined, an env file Podman would read otherwise, a key
the format or Podman version cannot express) happens before any file exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from composer.errors import ConfigError
from composer.generate.quadlet import QuadletWriter
from composer.generate.systemd_checks import BY_PATH_HINT, cli_refusals, content_refusals
from composer.generate.systemd_env import env_files_of
from composer.generate.systemd_model import systemd_project
from composer.generate.systemd_units import Host, write_units
from composer.generate.unit_text import UnitFile

if TYPE_CHECKING:
    from composer.loader.pipeline import LoadedProject
    from composer.model import Project
    from composer.plan.translate import ProjectPlan

FORMATS = ("units", "quadlet")
Load = Callable[..., "LoadedProject"]
# The VOLUME paths of a local image; None when the image is not here.
ImageVolumes = Callable[[str], "tuple[str, ...] | None"]


@dataclass(frozen=True)
class Generated:
    project: str
    files: list[UnitFile]
    warnings: list[str]


def with_image_volumes(
    plan: ProjectPlan, image_volumes: ImageVolumes | None
) -> tuple[ProjectPlan, list[str]]:
    """The plan with `up`'s binds for image volumes inside bind mounts; notes where unknown."""
    from composer.plan.image_volumes import bind_nested_image_volumes

    notes: list[str] = []
    containers = {}
    for service, specs in plan.containers.items():
        binds = bool(specs) and any(m.type == "bind" for m in specs[0].mounts)
        found = image_volumes(specs[0].image) if binds and image_volumes else None
        if binds and found is None:
            notes.append(
                f'service "{service}": image {specs[0].image} is not here, so the units cannot '
                "see whether it declares a VOLUME inside one of the service's bind mounts (up "
                "binds such a path to the bind's subdirectory); pull or build it and write the "
                "files again"
            )
        containers[service] = tuple(bind_nested_image_volumes(s, found or ()) for s in specs)
    return replace(plan, containers=containers), notes


def build_note(service: str, image: str, project: Project) -> str:
    """What to do about a service whose image `build:` makes: the files do not build it."""
    build = project.services[service].build
    context = build.context if build else "."
    return (
        f'service "{service}" builds its image {image}, which these files do not: build it '
        f"before starting them (podman build -t {image} {context})"
    )


def _read_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8", errors="replace")


def generate(
    load: Load,
    load_quietly: Load,
    services: tuple[str, ...],
    fmt: str,
    host: Host,
    pod_mode_flag: str | None,
    environ: dict[str, str],
    image_volumes: ImageVolumes | None = None,
) -> Generated:
    """The files for `services` (and what they depend on), or every service.

    `image_volumes` lets the units bind an image VOLUME inside a bind mount to the bind's own
    subdirectory, as `up` does (without it, or for an image not here, a warning says so).
    """
    from composer.plan.podmode import resolve_pod_mode
    from composer.plan.translate import plan_project

    select = {"services": services, "select_services": bool(services)}
    loaded = load(**select)
    project = loaded.model()
    for name in services:
        project.service(name)
    problems = content_refusals(project, loaded.sources.problem, fmt)
    if problems:
        raise ConfigError(problems, hint=BY_PATH_HINT)
    refused = cli_refusals(project, loaded.sources.problem)
    if refused:
        raise ConfigError(refused)
    pod_mode = resolve_pod_mode(project, flag=pod_mode_flag, environ=environ)
    plan, notes = with_image_volumes(plan_project(project, pod_mode=pod_mode), image_volumes)
    unresolved = load_quietly(resolve_environment=False, **select)
    env_files = env_files_of(
        unresolved.data.get("services") or {},
        {name: service.environment for name, service in project.services.items()},
        loaded.working_dir,
        _read_text,
    )
    units = systemd_project(plan, project, env_files, podman_version=host.podman_version)
    warnings = [*notes, *units.warnings]
    if fmt == "quadlet":
        writer = QuadletWriter(units, project, host, loaded.sources.problem)
        files = writer.files()
        warnings += writer.warnings
    else:
        files = write_units(units, host)
        warnings += [
            build_note(c.service, c.spec.image, project) for c in units.containers if c.builds
        ]
    return Generated(plan.project, files, list(dict.fromkeys(warnings)))
