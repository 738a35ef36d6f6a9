"""`composer kube` through the command line: output, files, flags and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from composer import cli

COMPOSE = """\
name: shop
services:
  web:
    image: localhost/web:1
    ports: ["8080:80"]
    devices: ["/dev/fuse"]
    volumes: [data:/data]
volumes:
  data: {}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSER_POD_MODE"):
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


DEVICES = 'warning: service "web": devices has no Kubernetes equivalent'


def test_manifests_on_stdout_and_warnings_on_stderr(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "kube")
    assert code == 0
    assert out.startswith("# composer kube --flavor podman: project shop\n---\n")
    docs = list(yaml.safe_load_all(out))
    assert [doc["kind"] for doc in docs] == ["PersistentVolumeClaim", "Pod"]
    assert err.startswith(DEVICES)


def test_cluster_flavour_to_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kube", "--flavor", "cluster", "--namespace", "shop", "-o", "k.yaml")
    assert (code, out) == (0, "")
    docs = list(yaml.safe_load_all((project / "k.yaml").read_text()))
    assert [doc["kind"] for doc in docs] == [
        "Namespace",
        "PersistentVolumeClaim",
        "Service",
        "StatefulSet",
    ]


def test_one_file_per_object_in_a_directory(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "kube", "--flavor", "cluster", "-o", "out/")
    assert code == 0
    assert sorted(p.name for p in (project / "out").iterdir()) == [
        "persistentvolumeclaim-shop-data.yaml",
        "service-web.yaml",
        "statefulset-shop-web.yaml",
    ]


def test_strict_refuses_with_one_error_line_per_key(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "kube", "--strict")
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith('error: service "web": devices has no Kubernetes')
    assert err.splitlines()[-1].startswith("hint: without --strict")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--flavor", "helm"], 'error: invalid --flavor "helm": use podman, cluster'),
        (["--service-type", "ingress"], 'error: invalid --service-type "ingress"'),
        (["--namespace", "Shop_1"], 'error: invalid --namespace "Shop_1"'),
        (["--apply", "--down"], "error: --apply and --down are incompatible"),
        (["--flavor", "cluster", "--apply"], "error: --apply and --down play the podman flavour"),
        (["-v"], "error: --volumes goes with --down"),
        (["nope"], "error: no such service: nope"),
    ],
)
def test_refusals(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "kube", *args)
    assert (code, out) == (1, "")
    assert err.startswith(message)


def test_the_pod_mode_decides_the_pods(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--pod-mode", "none", "kube")
    assert code == 0
    pods = [doc for doc in yaml.safe_load_all(out) if doc["kind"] == "Pod"]
    assert [pod["metadata"]["name"] for pod in pods] == ["shop-web"]


def test_named_services_keep_what_they_need(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "compose.yaml").write_text(
        "services:\n  web: {image: a, depends_on: [db]}\n  db: {image: b}\n  other: {image: c}\n"
    )
    code, out, _ = run(capsys, "-p", "shop", "--pod-mode", "none", "kube", "web")
    assert code == 0
    pods = [doc["metadata"]["name"] for doc in yaml.safe_load_all(out) if doc["kind"] == "Pod"]
    assert pods == ["shop-db", "shop-web"]
