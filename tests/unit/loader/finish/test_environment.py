"""The service environment stage; expected values come from docker compose v2.40.3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from composer.errors import ConfigError
from composer.loader.canonical.canonicalize import canonicalize
from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.finish.environment import resolve_environment, resource_content
from composer.loader.finish.normalize import normalize
from composer.loader.read.yaml12 import read_yaml


def resolved(
    tmp_path: Path, text: str, environment: dict[str, str] | None = None
) -> tuple[dict[str, Any], LoadContext]:
    """Run canonical, normalize and the environment stage on `text` in `tmp_path`."""
    directory = str(tmp_path)
    [(data, sources)] = read_yaml(text, "compose.yaml")
    doc = ConfigDocument(f"{directory}/compose.yaml", "compose.yaml", directory, data, sources)
    env = {"HOME": "/home/me", **(environment or {})}
    options = LoadOptions(cwd=directory, environ=env)
    ctx = LoadContext(options, Discovery(directory, [doc.path], env, [], ()))
    doc = normalize(canonicalize(doc, ctx), "demo", ctx)
    services: dict[str, Any] = resolve_environment(doc, ctx).data["services"]
    return services, ctx


def test_env_files_fold_into_environment(tmp_path: Path) -> None:
    (tmp_path / "m.env").write_text("A=fromfile\nB=fromfile\nC=$HOME-x\nD=${E}\nF=${G:-dflt}\n")
    services, _ = resolved(
        tmp_path,
        "services:\n"
        "  s:\n"
        "    image: x\n"
        "    env_file: [m.env, {path: missing.env, required: false}]\n"
        "    environment: {A: null, E: fromenv, G: g}\n",
    )
    assert services["s"]["environment"] == {
        "A": None,
        "B": "fromfile",
        "C": "/home/me-x",
        "D": "fromenv",
        "E": "fromenv",
        "F": "g",
        "G": "g",
    }
    assert "env_file" not in services["s"]


def test_bare_keys_take_the_project_value(tmp_path: Path) -> None:
    (tmp_path / "m.env").write_text("A=fromfile\n")
    services, _ = resolved(
        tmp_path,
        "services:\n  s:\n    image: x\n    env_file: m.env\n"
        "    environment: [A, HOME, NOPE, X=1]\n",
        {"A": "shellA"},
    )
    assert services["s"]["environment"] == {
        "A": "shellA",
        "HOME": "/home/me",
        "NOPE": None,
        "X": "1",
    }


def test_a_later_env_file_wins(tmp_path: Path) -> None:
    (tmp_path / "one.env").write_text("A=1\nB=1\n")
    (tmp_path / "two.env").write_text("B=2\n")
    services, _ = resolved(
        tmp_path, "services:\n  s:\n    image: x\n    env_file: [one.env, two.env]\n"
    )
    assert services["s"]["environment"] == {"A": "1", "B": "2"}


def test_env_file_syntax(tmp_path: Path) -> None:
    (tmp_path / "n.env").write_text(
        "BARE\nHOME\nexport EX=1\nCOL: 2\nSQ='$HOME'\nDQ=\"a\\nb $HOME\"\nUQ=x #comment\nEMPTY=\n"
    )
    services, _ = resolved(tmp_path, "services:\n  s:\n    image: x\n    env_file: n.env\n")
    assert services["s"]["environment"] == {
        "COL": "2",
        "DQ": "a\nb /home/me",
        "EMPTY": "",
        "EX": "1",
        "HOME": "/home/me",
        "SQ": "$HOME",
        "UQ": "x",
    }


def test_missing_required_env_files_name_service_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolved(
            tmp_path,
            "services:\n"
            "  a:\n"
            "    image: x\n"
            "    env_file: gone.env\n"
            "  b:\n"
            "    image: x\n"
            "    env_file:\n"
            "      - path: ./also-gone.env\n",
        )
    assert str(info.value).splitlines() == [
        f"compose.yaml:4: services.a.env_file[0]: env file {tmp_path}/gone.env not found",
        f"compose.yaml:8: services.b.env_file[0]: env file {tmp_path}/also-gone.env not found",
    ]


def test_label_file_folds_into_labels(tmp_path: Path) -> None:
    (tmp_path / "l.labels").write_text('L1=a\nL2=file\nQ="x y"\nBARE\n')
    services, _ = resolved(
        tmp_path,
        "services:\n  s:\n    image: x\n    label_file: l.labels\n    labels: {L2: b}\n",
    )
    assert services["s"]["labels"] == {"L1": "a", "L2": "b", "Q": "x y"}
    assert "label_file" not in services["s"]


def test_build_args_without_value_take_the_project_value_or_go(tmp_path: Path) -> None:
    services, _ = resolved(
        tmp_path, "services:\n  t:\n    build: {context: ., args: {A: null, B: 1, HOME: null}}\n"
    )
    assert services["t"]["build"]["args"] == {"B": "1", "HOME": "/home/me"}


def test_environment_is_left_out_when_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.env").write_text("# nothing\n")
    services, _ = resolved(tmp_path, "services:\n  s:\n    image: x\n    env_file: empty.env\n")
    assert "environment" not in services["s"]
    assert list(services["s"]) == ["command", "entrypoint", "image", "networks"]


def test_resource_content_from_the_environment() -> None:
    assert resource_content({"environment": "SECRETV"}, {"SECRETV": "top"}) == "top"
    assert resource_content({"environment": "NOPE"}, {}) is None
    assert resource_content({"content": "inline"}, {}) == "inline"
