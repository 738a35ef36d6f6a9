"""A `run` container: the service's own ContainerSpec, with what `run` changes (docker compose's
rules), named `<project>-<service>-run-<slug[:12]>` and labelled `oneoff=True`.

What `run` changes: the command (and `--entrypoint`, which also drops the service's command when
no command is given), environment, labels, user, working directory, capabilities, extra mounts,
a TTY and stdin as asked, no restart policy, and the published ports: none unless
`--service-ports` or `-p`. In `shared` pod mode the one-off joins the project's pod, whose infra
container owns every published port (the pod was made with all the services' ports), so `-p`
cannot add one there: it is refused before anything is created.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from composer.errors import ComposerError
from composer.model import Mount, PortMapping, Service
from composer.plan import labels, names
from composer.plan.translate_container import container_spec, network_attachments
from composer.plan.translate_context import PlanContext
from composer.specs import ContainerSpec, NetworkAttachment, RestartSpec


@dataclass(frozen=True)
class RunOverrides:
    """What `run`'s arguments change in the service's container."""

    command: tuple[str, ...] = ()  # () keeps the service's
    entrypoint: tuple[str, ...] | None = None  # None keeps the service's
    env: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    user: str = ""
    workdir: str = ""
    name: str = ""  # "" gives <project>-<service>-run-<slug[:12]>
    publish: tuple[PortMapping, ...] = ()  # -p
    service_ports: bool = False  # -P
    mounts: tuple[Mount, ...] = ()  # -v
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    use_aliases: bool = False
    tty: bool = False
    interactive: bool = True
    auto_remove: bool = False


def new_slug() -> str:
    """A one-off's random id (64 hex digits, as docker compose's slug label)."""
    return secrets.token_hex(32)


def _merged_mounts(service: Service, extra: tuple[Mount, ...]) -> tuple[Mount, ...]:
    """The service's mounts, with a `-v` at the same target replacing the service's."""
    targets = {mount.target for mount in extra}
    return (*(m for m in service.volumes if m.target not in targets), *extra)


def oneoff_service(service: Service, run: RunOverrides) -> Service:
    """The service as `run` changes it, before it is translated."""
    command = service.command
    if run.command:
        command = run.command
    elif run.entrypoint is not None:
        command = ()
    cap_add = tuple(c for c in service.cap_add if c not in run.cap_drop) + run.cap_add
    cap_drop = tuple(c for c in service.cap_drop if c not in run.cap_add) + run.cap_drop
    ports = run.publish or (service.ports if run.service_ports else ())
    return replace(
        service,
        command=command,
        entrypoint=service.entrypoint if run.entrypoint is None else run.entrypoint,
        environment={**service.environment, **run.env},
        labels={**service.labels, **run.labels},
        user=run.user or service.user,
        working_dir=run.workdir or service.working_dir,
        cap_add=tuple(dict.fromkeys(cap_add)),
        cap_drop=tuple(dict.fromkeys(cap_drop)),
        ports=ports,
        volumes=_merged_mounts(service, run.mounts),
    )


def check_run_ports(ctx: PlanContext, run: RunOverrides) -> None:
    """`-p` in shared pod mode: the pod owns the ports, and Podman adds none to a pod."""
    if run.publish and ctx.pod_mode == "shared":
        raise ComposerError(
            "run -p: in shared pod mode the project's pod owns every published port, and "
            "Podman cannot add one to a pod",
            hint="publish it in the service's `ports:` (run -P, or the pod, then has it), or "
            "use --pod-mode separate or none, where a one-off publishes its own ports",
        )


def oneoff_spec(ctx: PlanContext, service: Service, run: RunOverrides, slug: str) -> ContainerSpec:
    """The one-off container of `service` (one of `ctx.project`'s services)."""
    check_run_ports(ctx, run)
    changed = oneoff_service(service, run)
    base = container_spec(ctx, changed, 1)
    name = run.name or names.oneoff_container_name(ctx.project.name, service.name, slug)
    project = ctx.project
    tags = labels.container_labels(
        project=project.name,
        service=service.name,
        number=None,
        config_hash=service.config_hash or "",
        working_dir=project.working_dir,
        config_files=project.files,
        depends_on={dep.service: (dep.condition, dep.restart) for dep in service.dependencies()},
        image_id=ctx.image_ids.get(service.name),
        oneoff=True,
        user_labels=changed.labels,
    )
    tags[labels.SLUG] = slug
    return replace(
        base,
        name=name,
        labels=tags,
        networks=_networks(ctx, changed, name, run.use_aliases) if base.networks else (),
        restart=RestartSpec(),
        tty=run.tty,
        stdin_open=run.interactive,
        auto_remove=run.auto_remove,
    )


def _networks(
    ctx: PlanContext, service: Service, name: str, use_aliases: bool
) -> tuple[NetworkAttachment, ...]:
    """A one-off is known by its own name; by the service's aliases with --use-aliases only."""
    attachments = network_attachments(ctx, service, name)
    if use_aliases:
        return attachments
    return tuple(replace(attachment, aliases=(name,)) for attachment in attachments)
