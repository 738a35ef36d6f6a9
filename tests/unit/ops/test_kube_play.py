"""KubePlay's podman command lines: networks first, existing claims left out, tidy --down.

The runner records argvs and answers `exists` from a set; the real effect is checked against
Podman in tests/integration/test_kube_play.py.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from composer.errors import ComposerError
from composer.generate.kube import kube_manifests
from composer.generate.kube_context import KubeOptions
from composer.loader.context import LoadOptions
from composer.loader.pipeline import load
from composer.ops.commands.kube_play import KubePlay, PodmanCli
from composer.plan.translate import plan_project

COMPOSE = """
services:
  web:
    image: localhost/web:1
    volumes: [data:/data]
    configs: [motd]
    secrets: [token]
volumes:
  data: {}
configs:
  motd: {content: "hi\\n"}
secrets:
  token: {environment: TOKEN}
"""


class FakePodman:
    """Records argvs; `exists`/`inspect` answer from `present`; `play` bodies are kept."""

    def __init__(self, present: set[str], version: str = "4.3.1") -> None:
        self.present = present
        self.version = version
        self.calls: list[list[str]] = []
        self.played: list[list[dict[str, object]]] = []

    def __call__(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        args = argv[1:]
        self.calls.append(args)
        code, out = 0, ""
        if "exists" in args or args[:2] == ["secret", "inspect"]:
            code = 0 if f"{args[0]} {args[-1]}" in self.present else 1
        elif args[:1] == ["version"]:
            out = self.version
        elif args[:2] == ["play", "kube"]:
            self.played.append(list(yaml.safe_load_all(Path(args[-1]).read_text())))
        return subprocess.CompletedProcess(argv, code, out, "")


@pytest.fixture
def play(tmp_path: Path) -> Callable[[FakePodman], KubePlay]:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    options = LoadOptions(
        cwd=str(tmp_path),
        environ={"COMPOSE_PROJECT_NAME": "demo", "TOKEN": "t"},
        files=("compose.yaml",),
    )
    project = load(options).model()
    result = kube_manifests(project, KubeOptions(flavor="podman"))
    plan = plan_project(project, pod_mode="shared")

    def make(fake: FakePodman) -> KubePlay:
        return KubePlay(PodmanCli(runner=fake, binary="/usr/bin/podman"), plan, result.documents)

    return make


def test_apply_makes_the_network_then_plays_on_it(play: Callable[[FakePodman], KubePlay]) -> None:
    fake = FakePodman(present=set())
    assert play(fake).apply() == ["demo"]
    creates = [call for call in fake.calls if call[:2] == ["network", "create"]]
    assert creates
    assert creates[0][-1] == "demo_default"
    assert "com.docker.compose.project=demo" in creates[0]
    playing = [call for call in fake.calls if call[:2] == ["play", "kube"]]
    assert playing[0][2:-1] == ["--replace", "--network", "demo_default"]
    kinds = [doc["kind"] for doc in fake.played[0]]
    assert kinds == ["ConfigMap", "Secret", "PersistentVolumeClaim", "Pod"]


def test_an_existing_volume_keeps_its_data(play: Callable[[FakePodman], KubePlay]) -> None:
    fake = FakePodman(present={"volume demo-data", "network demo_default"})
    play(fake).apply()
    assert not any(call[:2] == ["network", "create"] for call in fake.calls)
    assert [doc["kind"] for doc in fake.played[0]] == ["ConfigMap", "Secret", "Pod"]


def test_down_removes_what_play_kube_leaves(play: Callable[[FakePodman], KubePlay]) -> None:
    present = {
        "pod demo",
        "volume demo-motd",
        "volume demo-token",
        "secret demo-token",
        "volume demo-data",
        "network demo_default",
    }
    fake = FakePodman(present=present)
    removed = play(fake).down()
    assert removed == [
        "Pod demo",
        "Volume demo-motd",
        "Volume demo-token",
        "Secret demo-token",
        "Network demo_default",
    ]
    assert ["volume", "rm", "demo-data"] not in fake.calls  # data stays without --volumes
    assert any(call[:3] == ["play", "kube", "--down"] for call in fake.calls)
    assert "Volume demo-data" in play(FakePodman(present=present)).down(volumes=True)


def test_down_of_nothing_plays_nothing(play: Callable[[FakePodman], KubePlay]) -> None:
    fake = FakePodman(present=set())
    assert play(fake).down() == []
    assert not any(call[:2] == ["play", "kube"] for call in fake.calls)


def test_a_failed_play_names_what_podman_said(play: Callable[[FakePodman], KubePlay]) -> None:
    class Failing(FakePodman):
        def __call__(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
            if argv[1:3] == ["play", "kube"]:
                return subprocess.CompletedProcess(argv, 125, "", "Error: image not known\n")
            return super().__call__(argv)

    with pytest.raises(ComposerError, match="^podman play kube failed: image not known$"):
        play(Failing(present=set())).apply()


def test_remote_podman_gets_the_url() -> None:
    cli = PodmanCli(url="unix:///run/x.sock", binary="/usr/bin/podman")
    assert cli.argv("pod", "ps") == [
        "/usr/bin/podman",
        "--remote",
        "--url",
        "unix:///run/x.sock",
        "pod",
        "ps",
    ]
