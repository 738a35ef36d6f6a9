"""`composer graph`: draw the project (services, dependencies, networks, volumes, ports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.model import Project

FORMATS = ("dot", "mermaid", "svg", "png", "text")
SUFFIXES = {".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid", ".svg": "svg"}
SUFFIXES.update({".png": "png", ".txt": "text"})
CYCLE = "dependency cycle detected"


def chosen_format(fmt: str | None, output: str | None) -> str:
    """`--format`, else what the output file's suffix says, else `text`."""
    if fmt is None:
        suffix = os.path.splitext(output or "")[1].lower()
        return SUFFIXES.get(suffix, "text")
    if fmt not in FORMATS:
        raise ComposerError(
            f'unsupported format "{fmt}"', hint=f"use --format {', '.join(FORMATS)}"
        )
    return fmt


def load_drawable(session: Session, services: tuple[str, ...]) -> Project:
    """The project; one whose only problem is a dependency cycle is loaded anyway, to draw it."""
    try:
        project = session.load(services=services, select_services=bool(services)).model()
    except ComposerError as error:
        from composer.errors import ConfigError

        if not isinstance(error, ConfigError) or not all(
            CYCLE in p.message for p in error.problems
        ):
            raise
        for problem in error.problems:
            console.warn(str(problem))
        project = session.load(
            services=services, select_services=bool(services), consistency=False
        ).model()
    for name in services:
        project.service(name)
    return project


def render(project: Project, fmt: str) -> bytes:
    from composer.generate.graph_dot import render_dot
    from composer.generate.graph_mermaid import render_mermaid
    from composer.generate.graph_model import build_picture
    from composer.generate.graph_text import render_text

    picture = build_picture(project)
    if fmt in ("svg", "png"):
        from composer.ops.steps.graphviz import render_with_dot

        return render_with_dot(render_dot(picture), fmt)
    renderers = {"dot": render_dot, "mermaid": render_mermaid, "text": render_text}
    return renderers[fmt](picture).encode("utf-8")


def graph(
    ctx: typer.Context,
    services: Annotated[
        list[str] | None, typer.Argument(help="Services (and what they need); default all.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="dot, mermaid, svg, png or text (default: from -o, else text)."
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help="Write to FILE.")] = None,
) -> None:
    """Draw the project: services, dependencies, networks, volumes and ports."""
    session: Session = ctx.obj
    chosen = chosen_format(fmt, output)
    if chosen == "png" and not output:
        raise ComposerError("--format png writes binary data: give -o FILE")
    data = render(load_drawable(session, tuple(services or ())), chosen)
    if output:
        try:
            with open(output, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise ComposerError(f"cannot write {output}: {exc.strerror or exc}") from None
        return
    console.out(data.decode("utf-8"), end="")


def register(app: typer.Typer) -> None:
    app.command("graph")(graph)
