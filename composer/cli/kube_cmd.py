"""`composer kube`: Kubernetes manifests for the project; `--apply`/`--down` play them on Podman."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated, cast

import typer

from composer import console
from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.generate.kube import KubeResult
    from composer.generate.kube_context import KubeOptions, ServiceType
    from composer.model import Project


def _choice(value: str, allowed: tuple[str, ...], flag: str) -> str:
    for known in allowed:
        if value.lower() == known.lower():
            return known
    raise ComposerError(f'invalid {flag} "{value}": use {", ".join(allowed)}')


def kube_options(
    session: Session,
    project: Project,
    flavor: str,
    namespace: str | None,
    service_type: str,
    strict: bool,
) -> KubeOptions:
    from composer.generate.kube_context import FLAVORS, SERVICE_TYPES, KubeOptions
    from composer.generate.kube_names import dns_label
    from composer.plan.podmode import resolve_pod_mode

    chosen = _choice(flavor, FLAVORS, "--flavor")
    kind = cast("ServiceType", _choice(service_type, SERVICE_TYPES, "--service-type"))
    if namespace is not None and dns_label(namespace) != namespace:
        raise ComposerError(f'invalid --namespace "{namespace}": use a DNS label (a-z, 0-9, -)')
    pod_mode = resolve_pod_mode(project, flag=session.options.pod_mode, environ=session.environ)
    return KubeOptions(
        flavor=chosen,  # type: ignore[arg-type]
        pod_mode=pod_mode,
        namespace=namespace,
        service_type=kind,
        strict=strict,
    )


def write_output(result: KubeResult, output: str) -> None:
    """One file, or (to a directory) one file per object named `<kind>-<name>.yaml`."""
    from composer.generate.kube_yaml import dump_manifests

    if os.path.isdir(output) or output.endswith(os.sep):
        os.makedirs(output, exist_ok=True)
        for doc in result.documents:
            name = f"{str(doc['kind']).lower()}-{doc['metadata']['name']}.yaml"
            _write(os.path.join(output, name), dump_manifests([doc]))
        return
    _write(output, result.text())


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise ComposerError(f"cannot write {path}: {exc.strerror or exc}") from None


def kube(
    ctx: typer.Context,
    services: Annotated[
        list[str] | None, typer.Argument(help="Services (and what they need); default all.")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", help="Write to FILE, or one file per object to DIR/."),
    ] = None,
    flavor: Annotated[
        str, typer.Option("--flavor", help="podman (play kube on this host) or cluster.")
    ] = "podman",
    namespace: Annotated[
        str | None, typer.Option("--namespace", help="Namespace of every object.")
    ] = None,
    service_type: Annotated[
        str,
        typer.Option(
            "--service-type", help="Services of published ports: ClusterIP, NodePort, LoadBalancer."
        ),
    ] = "ClusterIP",
    strict: Annotated[
        bool, typer.Option("--strict", help="Settings Kubernetes cannot carry are errors.")
    ] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Play the podman flavour with podman play kube.")
    ] = False,
    down: Annotated[bool, typer.Option("--down", help="Remove what --apply played.")] = False,
    volumes: Annotated[
        bool, typer.Option("-v", "--volumes", help="With --down: remove the claims' volumes too.")
    ] = False,
) -> None:
    """Write Kubernetes manifests (podman or cluster flavour), or play them with Podman."""
    from composer.generate.kube import kube_manifests

    session: Session = ctx.obj
    if apply and down:
        raise ComposerError("--apply and --down are incompatible")
    if (apply or down) and flavor.lower() != "podman":
        raise ComposerError("--apply and --down play the podman flavour: drop --flavor cluster")
    if volumes and not down:
        raise ComposerError("--volumes goes with --down")
    chosen = tuple(services or ())
    project = session.load(services=chosen, select_services=bool(chosen)).model()
    for name in chosen:
        project.service(name)
    options = kube_options(session, project, flavor, namespace, service_type, strict)
    result = kube_manifests(project, options)
    for line in result.warnings:
        console.warn(line)
    if output:
        write_output(result, output)
    if apply or down:
        _play(session, project, options, result, down=down, volumes=volumes)
    elif not output:
        console.out(result.text(), end="")


def _play(
    session: Session,
    project: Project,
    options: KubeOptions,
    result: KubeResult,
    *,
    down: bool,
    volumes: bool,
) -> None:
    from composer.ops.commands.kube_play import KubePlay, PodmanCli
    from composer.plan.translate import plan_project

    url = session.options.podman_url or session.environ.get("CONTAINER_HOST", "")
    plan = plan_project(project, pod_mode=options.pod_mode)
    play = KubePlay(PodmanCli(url=url), plan, result.documents)
    if down:
        for item in play.down(volumes=volumes):
            console.out(f"{item}: removed")
        return
    for pod in play.apply():
        console.out(f"Pod {pod}: started")


def register(app: typer.Typer) -> None:
    app.command("kube")(kube)
