"""`composer systemd` through the command line: flags, output, install and remove (no systemd)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from composer import cli
from composer.ops.systemd import host as systemd_host
from composer.ops.systemd import install as systemd_install

COMPOSE = "services:\n  web: {image: web, ports: ['8080:80']}\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "demo"
    directory.mkdir()
    (directory / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(directory)
    for name in ("COMPOSE_PROJECT_NAME", "COMPOSE_FILE", "COMPOSER_POD_MODE"):
        monkeypatch.delenv(name, raising=False)
    # Fixed binaries: the output does not depend on what this machine has installed.
    monkeypatch.setattr(systemd_host, "which", lambda name: f"/usr/bin/{name}")
    return directory


@pytest.fixture
def install_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> systemd_install.InstallDirs:
    """Install into tmp_path instead of /etc, with no systemd running."""
    dirs = systemd_install.InstallDirs(units=tmp_path / "units", quadlet=tmp_path / "quadlet")
    monkeypatch.setattr(systemd_install, "default_dirs", lambda scope, environ: dirs)
    monkeypatch.setattr(systemd_install, "systemd_running", lambda scope, environ: False)
    return dirs


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        cli.main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def as_user(monkeypatch: pytest.MonkeyPatch, euid: int) -> None:
    monkeypatch.setattr("composer.cli.systemd_cmd.os.geteuid", lambda: euid)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "ini"], 'unsupported format "ini": use units or quadlet'),
        (["--user", "--system"], "--user and --system are incompatible"),
        (["--enable"], "--enable needs --install"),
        (
            ["--install", "-o", "x"],
            "--install and -o are incompatible: --install writes where systemd reads units",
        ),
        (
            ["--remove", "--install"],
            "--remove cannot be combined with --install, --enable, -o or services",
        ),
        (
            ["--podman-version", "five"],
            'invalid --podman-version "five": use MAJOR.MINOR, e.g. 4.3 or 5.2',
        ),
        (
            ["--format", "quadlet", "--podman-version", "4.3"],
            "--format quadlet needs Podman 4.4 or later; this is Podman 4.3",
        ),
        (["nope", "--podman-version", "4.3"], "no such service: nope"),
    ],
)
def test_bad_input_is_one_error_line(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "systemd", *args)
    assert code == 1
    assert err.splitlines()[0] == f"error: {message}"
    assert out == ""


def test_install_user_as_root_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, 0)
    code, _, err = run(capsys, "systemd", "--install", "--user", "--podman-version", "4.3")
    assert code == 1
    assert err.splitlines() == [
        "error: --user installs units for the user running composer, and that is root here",
        "hint: use --system, or run composer as the user who runs the project",
    ]


def test_install_system_without_root_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, 1000)
    code, _, err = run(capsys, "systemd", "--install", "--system", "--podman-version", "4.3")
    assert code == 1
    assert err.splitlines()[0] == (
        "error: --system needs root: system units go to /etc/systemd/system"
    )


def test_files_go_to_stdout(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-p", "demo", "systemd", "--podman-version", "4.3")
    assert code == 0
    headers = [line.split(":")[0] for line in out.splitlines() if line.startswith("# ")]
    assert headers == [
        "# demo-default-network.service",
        "# demo-pod.service",
        "# demo-web.service",
        "# demo.target",
    ]


def test_output_directory(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = run(
        capsys, "-p", "demo", "systemd", "-o", str(out_dir), "--podman-version", "4.3"
    )
    assert code == 0
    assert out.splitlines()[-1] == str(out_dir / "demo.target")
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "demo-default-network.service",
        "demo-pod.service",
        "demo-web.service",
        "demo.target",
    ]


def test_output_directory_never_overwrites_a_foreign_file(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "demo-web.service").write_text("[Unit]\nDescription=hand-written\n")
    code, out, err = run(
        capsys, "-p", "demo", "systemd", "-o", str(out_dir), "--podman-version", "4.3"
    )
    assert code == 1
    assert err.splitlines()[0] == (
        f"error: {out_dir}/demo-web.service exists and was not written by composer; it is "
        "not replaced"
    )
    assert sorted(p.name for p in out_dir.iterdir()) == ["demo-web.service"]  # nothing written


def test_install_without_systemd_says_what_to_run(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    install_root: systemd_install.InstallDirs,
) -> None:
    as_user(monkeypatch, 0)
    code, out, err = run(capsys, "-p", "demo", "systemd", "--install", "--podman-version", "4.3")
    assert code == 0
    assert (install_root.units / "demo.target").exists()
    assert out.splitlines()[-2:] == [
        "start it now:   systemctl start demo.target",
        "start at boot:  systemctl enable demo.target",
    ]
    assert "warning: systemd is not running here: run `systemctl daemon-reload`" in err


def test_user_install_prints_the_linger_line(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    install_root: systemd_install.InstallDirs,
) -> None:
    as_user(monkeypatch, 1000)
    monkeypatch.setenv("USER", "alice")
    code, out, _ = run(capsys, "-p", "demo", "systemd", "--install", "--podman-version", "4.3")
    assert code == 0
    assert out.splitlines()[-3:] == [
        "start it now:   systemctl --user start demo.target",
        "start at boot:  systemctl --user enable demo.target",
        "keep it running when you log out (and start it at boot): loginctl enable-linger alice",
    ]
    assert "WantedBy=default.target" in (install_root.units / "demo.target").read_text()


def test_enable_needs_a_running_systemd_and_writes_nothing_without(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    install_root: systemd_install.InstallDirs,
) -> None:
    as_user(monkeypatch, 0)
    args = ("-p", "demo", "systemd", "--install", "--enable", "--podman-version", "4.3")
    code, _, err = run(capsys, *args)
    assert code == 1
    assert (
        err.splitlines()[0]
        == "error: --enable needs a running systemd (systemd is not running here)"
    )
    assert not install_root.units.exists()


def test_install_enable_and_remove_with_systemd(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    install_root: systemd_install.InstallDirs,
) -> None:
    as_user(monkeypatch, 0)
    calls: list[list[str]] = []

    def systemctl(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
        calls.append(list(argv))
        return subprocess.CompletedProcess(list(argv), 0, "", "")

    monkeypatch.setattr(systemd_install, "systemd_running", lambda scope, environ: True)
    monkeypatch.setattr(systemd_install, "_run", systemctl)
    code, out, _ = run(
        capsys, "-p", "demo", "systemd", "--install", "--enable", "--format", "units",
        "--podman-version", "4.3",
    )  # fmt: skip
    assert code == 0
    assert calls == [
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", "--now", "demo.target"],
    ]
    assert out.splitlines()[-1] == "enabled and started demo.target"
    (install_root.units / "unrelated.service").write_text("[Unit]\n")
    calls.clear()
    code, out, _ = run(capsys, "-p", "demo", "systemd", "--remove")
    assert code == 0
    assert calls == [
        [
            "systemctl", "stop", "demo-default-network.service", "demo-pod.service",
            "demo-web.service", "demo.target",
        ],
        ["systemctl", "disable", "demo.target"],
        ["systemctl", "daemon-reload"],
    ]  # fmt: skip
    assert sorted(p.name for p in install_root.units.iterdir()) == ["unrelated.service"]
    code, _, err = run(capsys, "-p", "demo", "systemd", "--remove")
    assert code == 1
    assert err.splitlines()[0].startswith("error: nothing of project demo is installed in ")
