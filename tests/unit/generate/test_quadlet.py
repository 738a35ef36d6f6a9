"""`--format quadlet`: keys per Podman version, and the refusals that name key and version."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.errors import ComposerError, ConfigError
from tests.unit.generate.systemd_support import generate_files

WEB = "services:\n  web: {image: web, ports: ['8080:80']}\n"


def quadlet(
    tmp_path: Path, text: str, version: tuple[int, int], **options: object
) -> dict[str, str]:
    (tmp_path / "compose.yaml").write_text(text)
    generated = generate_files(
        tmp_path,
        project="p",
        fmt="quadlet",
        version=version,
        **options,  # type: ignore[arg-type]
    )
    return {file.name: file.text() for file in generated.files}


def refusal(tmp_path: Path, text: str, version: tuple[int, int], **options: object) -> str:
    with pytest.raises(ComposerError) as raised:
        quadlet(tmp_path, text, version, **options)
    return raised.value.message


def test_podman_before_4_4_has_no_quadlet(tmp_path: Path) -> None:
    assert refusal(tmp_path, WEB, (4, 3), pod_mode="none") == (
        "--format quadlet needs Podman 4.4 or later; this is Podman 4.3"
    )


def test_shared_mode_needs_pod_files(tmp_path: Path) -> None:
    assert refusal(tmp_path, WEB, (4, 9)) == (
        'pod mode "shared" needs Quadlet .pod files, which Podman 5.0 brought; this is Podman 4.9'
    )


def test_separate_mode_has_no_quadlet_form(tmp_path: Path) -> None:
    assert refusal(tmp_path, WEB, (5, 4), pod_mode="separate").startswith(
        'pod mode "separate" has no Quadlet form'
    )


def test_network_names_need_podman_4_7(tmp_path: Path) -> None:
    message = refusal(tmp_path, WEB, (4, 6), pod_mode="none")
    assert message == (
        "compose.yaml:1: networks.default: Quadlet of Podman 4.6 names the network "
        "systemd-p-default, not what `up` names it (NetworkName= needs Podman 4.7)"
    )


def test_a_key_with_neither_its_own_key_nor_podman_args_is_refused(tmp_path: Path) -> None:
    text = "services:\n  web:\n    image: web\n    network_mode: host\n    privileged: true\n"
    with pytest.raises(ConfigError) as raised:
        quadlet(tmp_path, text, (4, 5), pod_mode="none")
    assert raised.value.message == (
        "compose.yaml:5: services.web.privileged: Quadlet of Podman 4.5 cannot express it "
        "(needs Podman 4.6)"
    )


def test_keys_podman_has_become_quadlet_keys(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: web\n    network_mode: host\n    hostname: h\n"
        "    working_dir: /w\n    privileged: true\n    stop_grace_period: 20s\n"
    )
    old = quadlet(tmp_path, text, (4, 7), pod_mode="none")["p-web.container"]
    assert "HostName=h\n" in old
    assert "WorkingDir=/w\n" in old
    assert "Network=host\n" in old
    assert "PodmanArgs=--privileged --stop-timeout 20\n" in old
    new = quadlet(tmp_path, text, (5, 0), pod_mode="none")["p-web.container"]
    assert "StopTimeout=20\n" in new
    assert "PodmanArgs=--privileged\n" in new


def test_shared_mode_writes_a_pod_file(tmp_path: Path) -> None:
    found = quadlet(tmp_path, WEB, (5, 4))
    assert sorted(found) == ["p-default.network", "p-web.container", "p.pod", "p.target"]
    assert "PodName=pod_p\nPublishPort=8080:80\n" in found["p.pod"]
    assert "Pod=p.pod\n" in found["p-web.container"]
    assert "NetworkName=p_default\n" in found["p-default.network"]
    assert "Wants=p-pod.service\n" in found["p.target"]


def test_build_files_from_podman_5_2(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Containerfile").write_text("FROM scratch\n")
    text = "services:\n  web:\n    build: {context: ./app, args: {V: '1'}}\n"
    found = quadlet(tmp_path, text, (5, 2), pod_mode="none")
    build = found["p-web.build"]
    assert f"SetWorkingDirectory={tmp_path}/app\nFile={tmp_path}/app/Containerfile\n" in build
    assert "PodmanArgs=--build-arg V=1\n" in build
    assert "Image=p-web.build\n" in found["p-web.container"]


def test_before_5_2_a_built_image_is_left_to_the_user(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "compose.yaml").write_text("services:\n  web: {build: ./app}\n")
    generated = generate_files(
        tmp_path, project="p", fmt="quadlet", version=(5, 1), pod_mode="none"
    )
    assert "p-web.build" not in [file.name for file in generated.files]
    assert generated.warnings == [
        'service "web" builds its image p-web, which Quadlet of Podman 5.1 cannot (.build files '
        f"need 5.2): build it before starting the units (podman build -t p-web {tmp_path}/app)"
    ]


def test_build_keys_a_build_file_cannot_carry_are_refused(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    text = "services:\n  web:\n    build: {context: ./app, ssh: [default]}\n"
    with pytest.raises(ConfigError) as raised:
        quadlet(tmp_path, text, (5, 4), pod_mode="none")
    assert raised.value.message.endswith(
        "services.web.build.ssh: a Quadlet .build file cannot express it; build the image "
        "yourself and name it in `image:`, or use --format units"
    )


def test_volume_options_a_volume_file_cannot_carry_are_refused(tmp_path: Path) -> None:
    text = (
        "services:\n  db: {image: db, volumes: ['data:/d']}\n"
        "volumes:\n  data: {driver_opts: {type: tmpfs, device: tmpfs, size: 1m}}\n"
    )
    with pytest.raises(ConfigError) as raised:
        quadlet(tmp_path, text, (5, 4), pod_mode="none")
    assert raised.value.message.endswith(
        "volumes.data.driver_opts.size: a .volume file takes only the driver options type, "
        "device and o"
    )
