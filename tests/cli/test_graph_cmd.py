"""`composer graph` through the command line: formats, files, cycles, and Graphviz missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from composer import cli
from tests.ci import in_ci

COMPOSE = """\
name: pic
services:
  web: {image: localhost/web:1, depends_on: {db: {condition: service_healthy}}}
  db: {image: localhost/db:1, volumes: [data:/data], healthcheck: {test: ["CMD", "true"]}}
volumes:
  data: {}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        cli.main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_is_the_default(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "graph")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [
        "project pic",
        "└── web  localhost/web:1",
        "    └── db (healthy)  localhost/db:1",
    ]


@pytest.mark.parametrize(
    ("fmt", "start"), [("dot", 'digraph "pic" {'), ("mermaid", "flowchart LR")]
)
def test_text_formats(
    project: Path, capsys: pytest.CaptureFixture[str], fmt: str, start: str
) -> None:
    code, out, _ = run(capsys, "graph", "--format", fmt)
    assert code == 0
    assert out.startswith(start + "\n")


def test_the_file_suffix_picks_the_format(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "graph", "-o", "pic.mmd") == (0, "", "")
    assert (project / "pic.mmd").read_text().startswith("flowchart LR\n")


def test_selected_services_and_what_they_need(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "graph", "db")
    assert "web" not in out
    assert run(capsys, "graph", "nope")[2] == "error: no such service: nope\n"


def test_a_cycle_is_drawn_with_a_warning(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text(
        "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n"
    )
    code, out, err = run(capsys, "graph")
    assert code == 0
    assert "cycles\n└── a -> b -> a\n" in out
    assert err == (
        "warning: compose.yaml:2: services.a.depends_on.b: dependency cycle detected: a -> b -> a\n"
    )


def test_other_load_errors_still_fail(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text("services:\n  a: {image: x, networks: [nowhere]}\n")
    code, out, err = run(capsys, "graph")
    assert (code, out) == (1, "")
    assert "undefined network nowhere" in err


def test_refusals(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "graph", "--format", "jpeg")
    assert code == 1
    assert (
        err == 'error: unsupported format "jpeg"\nhint: use --format dot, mermaid, svg, png, text\n'
    )
    assert run(capsys, "graph", "--format", "png")[2] == (
        "error: --format png writes binary data: give -o FILE\n"
    )


def test_without_graphviz_the_message_says_how_to_install_it(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(project))  # nothing called dot there
    code, out, err = run(capsys, "graph", "--format", "svg")
    assert (code, out) == (1, "")
    assert err.startswith(
        "error: --format svg needs Graphviz, whose `dot` command is not on PATH\n"
    )
    assert "hint: install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz" in err


def test_svg_and_png_through_graphviz(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("dot") is None:
        if in_ci():
            pytest.fail("Graphviz is not installed (scripts/setup-machine installs it)")
        pytest.skip("Graphviz is not installed")
    code, out, _ = run(capsys, "graph", "--format", "svg")
    assert code == 0
    assert out.startswith("<?xml")
    assert "volume data" in out
    assert run(capsys, "graph", "-o", "pic.png")[0] == 0
    assert (project / "pic.png").read_bytes().startswith(b"\x89PNG")
