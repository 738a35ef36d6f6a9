"""What neither units nor Quadlet files can carry without writing a secret into them.

`up` copies secrets and configs made from an environment variable or inline `content` into the
container through the API. A unit would have to hold that content itself, so both formats
refuse it, naming the file, line and key, and say what works instead.
"""

from __future__ import annotations

from collections.abc import Callable

from composer.errors import Problem
from composer.model import Project
from composer.model.resources import Config, Secret

Locate = Callable[[tuple[str | int, ...], str], Problem]
BY_PATH_HINT = (
    "units reference secrets and configs by path or by Podman secret name; use `file:` "
    "(bind-mounted read-only) or an external Podman secret (`podman secret create`)"
)


def _from_content(resource: Secret | Config) -> str:
    """How a resource gets content that is not a file ("" when it is a file or external)."""
    if resource.external or resource.file:
        return ""
    if resource.environment is not None:
        return f"environment variable {resource.environment}"
    return "inline content" if resource.content is not None else ""


def content_refusals(project: Project, locate: Locate, fmt: str) -> list[Problem]:
    """One problem per service secret or config whose content would have to be inlined."""
    problems = []
    for name, service in sorted(project.services.items()):
        if service.scale < 1:
            continue
        secrets = [(ref.source, project.secrets.get(ref.source)) for ref in service.secrets]
        configs = [(ref.source, project.configs.get(ref.source)) for ref in service.configs]
        for kind, entries in (("secrets", secrets), ("configs", configs)):
            for index, (key, found) in enumerate(entries):
                source = _from_content(found) if found else ""
                if source:
                    problems.append(_problem(locate, name, kind, index, key, source, fmt))
    return problems


def cli_refusals(project: Project, locate: Locate) -> list[Problem]:
    """Settings the podman CLI cannot pass, so neither units nor Quadlet files can."""
    return [
        locate(
            ("services", name, "domainname"),
            "the podman CLI cannot set it (it has no --domainname and refuses --sysctl "
            "kernel.domainname), so a unit cannot; only `composer up` (the API) applies it",
        )
        for name, service in sorted(project.services.items())
        if service.domainname and service.scale > 0
    ]


def _problem(
    locate: Locate, service: str, kind: str, index: int, key: str, source: str, fmt: str
) -> Problem:
    noun = kind[:-1]
    return locate(
        ("services", service, kind, index),
        f'{noun} "{key}" takes its content from {source}; --format {fmt} cannot pass it '
        "without writing it into the unit",
    )
