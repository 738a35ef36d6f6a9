"""`composer graph`'s picture: edges labelled by condition and kind, cycles named, every format."""

from __future__ import annotations

import html
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from composer.errors import ConfigError
from composer.generate.graph_dot import render_dot
from composer.generate.graph_mermaid import render_mermaid
from composer.generate.graph_model import Picture, build_picture
from composer.generate.graph_text import render_text
from composer.loader.context import LoadOptions
from composer.loader.pipeline import load
from composer.model import Project
from composer.ops.steps.graphviz import render_with_dot
from tests.ci import in_ci
from tests.unit.generate.conftest import HERE, REPO, load_project
from tests.unit.generate.golden import check_golden

ProjectLoader = Callable[..., Project]
GOGS = REPO / "examples" / "gogs-postgres"
KINDS = HERE / "graph_kinds"
RENDERERS = {"dot": render_dot, "mermaid": render_mermaid, "txt": render_text}


def kinds_picture() -> Picture:
    return build_picture(load_project(KINDS, ("compose.yaml",), "kinds"))


def gogs_picture() -> Picture:
    return build_picture(load_project(GOGS, ("compose.yaml",), "gogs-app"))


def test_edges_say_how_a_service_needs_another() -> None:
    picture = kinds_picture()
    labels = {(edge.source, edge.target): edge.label for edge in picture.edges}
    assert labels == {
        ("web", "db"): "healthy",
        ("web", "migrate"): "completed",
        ("web", "cache"): "started, links",
        ("cache", "db"): "started, network_mode: service:",
        ("sidecar", "web"): "started, volumes_from, ipc: service:",
    }
    assert [node.name for node in picture.services] == ["db", "cache", "migrate", "web", "sidecar"]
    web = next(node for node in picture.services if node.name == "web")
    assert web.replicas == 2
    assert web.ports == ("127.0.0.1:8080->80/tcp", "443/tcp")
    assert picture.networks == ("back", "default", "front")
    assert picture.volumes == ("data", "dbdata")
    assert picture.binds == ("./html",)
    assert picture.cycles == ()


def test_the_loader_refuses_a_cycle_that_graph_draws(project: ProjectLoader) -> None:
    compose = """
services:
  a: {image: x, depends_on: [b]}
  b: {image: x, depends_on: [c]}
  c: {image: x, depends_on: [a]}
  d: {image: x, depends_on: [a]}
"""
    with pytest.raises(ConfigError, match="dependency cycle detected"):
        project(compose)


def test_a_cyclic_project_is_still_a_picture(tmp_path: Path) -> None:
    directory = tmp_path
    (directory / "compose.yaml").write_text(
        "services:\n"
        "  a: {image: x, depends_on: [b]}\n"
        "  b: {image: x, depends_on: [a]}\n"
        "  c: {image: x, depends_on: [a]}\n"
    )
    options = LoadOptions(
        cwd=str(directory),
        environ={"COMPOSE_PROJECT_NAME": "loop"},
        files=("compose.yaml",),
        consistency=False,
    )
    picture = build_picture(load(options).model())
    assert picture.cycles == (("a", "b", "a"),)
    assert [(e.source, e.target, e.in_cycle) for e in picture.edges] == [
        ("a", "b", True),
        ("b", "a", True),
        ("c", "a", False),
    ]
    assert "cycle: a -> b -> a" in render_dot(picture)
    assert "%% cycle: a -> b -> a" in render_mermaid(picture)
    assert "linkStyle 0,1 " in render_mermaid(picture)
    text = render_text(picture)
    assert "a (started) (cycle)" in text
    assert text.endswith("cycles\n└── a -> b -> a\n")


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("name", ["gogs", "kinds"])
def test_golden_pictures(name: str, fmt: str) -> None:
    picture = gogs_picture() if name == "gogs" else kinds_picture()
    check_golden(f"graph-{name}.{fmt}", RENDERERS[fmt](picture))


def dot_or_skip() -> None:
    if shutil.which("dot") is None:
        message = "Graphviz is not installed (scripts/setup-machine installs it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize(("name", "make"), [("gogs", gogs_picture), ("kinds", kinds_picture)])
def test_graphviz_draws_everything(name: str, make: Callable[[], Picture]) -> None:
    dot_or_skip()
    picture = make()
    svg = html.unescape(render_with_dot(render_dot(picture), "svg").decode("utf-8"))
    assert svg.startswith("<?xml")
    assert "</svg>" in svg
    for node in picture.services:
        assert f">{node.name}</text>" in svg, node.name
    for network in picture.networks:
        assert f">network {network}</text>" in svg, network
    for volume in picture.volumes:
        assert f">volume {volume}</text>" in svg, volume
    for path in picture.binds:
        assert f">{path}</text>" in svg, path


def test_the_readme_shows_the_example_picture() -> None:
    readme = (REPO / "README.md").read_text()
    assert "](docs/images/gogs-postgres.svg)" in readme
    svg = html.unescape((REPO / "docs" / "images" / "gogs-postgres.svg").read_text())
    picture = gogs_picture()
    names = [node.name for node in picture.services]
    names += [f"network {n}" for n in picture.networks] + list(picture.binds)
    for name in names:
        assert f">{name}</text>" in svg, f"{name}: make the picture again (docs/commands.md, graph)"
