"""Service settings for namespaces, cgroups and the OCI runtime reach Podman from a compose file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.conftest import Composer, Podman, missing, project_objects

COMPOSE = """\
services:
  app:
    image: {image}
    command: ["sleep", "300"]
    uts: host
    cgroup: private
    cgroup_parent: /composer-it-{project}
    oom_score_adj: 100
    mem_swappiness: 10
    cpu_period: 50000
    cpu_quota: 25000
    oom_kill_disable: true
    device_cgroup_rules: ["c 42:7 r"]
    runtime: runc
"""


def cgroup_v1() -> bool:
    return not Path("/sys/fs/cgroup/cgroup.controllers").exists()


def test_namespace_cgroup_and_runtime_settings(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    text = COMPOSE.format(image=busybox_image, project=project_name)
    (tmp_path / "compose.yaml").write_text(text)
    dry = composer("--dry-run", "up", "-d", cwd=tmp_path).stdout
    assert "--uts host --cgroupns private --cgroup-parent /composer-it-" in dry
    assert "--device-cgroup-rule 'c 42:7 r' --runtime runc" in dry
    assert "--memory-swappiness 10 --cpu-period 50000 --cpu-quota 25000 --oom-kill-disable" in dry

    composer("up", "-d", cwd=tmp_path)
    container = f"{project_name}-app-1"
    data: dict[str, Any] = json.loads(root_podman("inspect", container).stdout)[0]
    host = data["HostConfig"]
    assert (host["UTSMode"], host["CgroupMode"]) == ("host", "private")
    assert host["CgroupParent"] == f"/composer-it-{project_name}"
    assert (host["OomScoreAdj"], host["CpuPeriod"], host["CpuQuota"]) == (100, 50000, 25000)
    assert data["OCIRuntime"] == "runc"
    inside = root_podman("exec", container, "sh", "-c", "hostname; cat /proc/self/oom_score_adj")
    assert inside.stdout == f"{Path('/proc/sys/kernel/hostname').read_text().strip()}\n100\n"
    if cgroup_v1():
        # cgroup v2 has neither knob; Podman drops them there with a warning.
        assert (host["MemorySwappiness"], host["OomKillDisable"]) == (10, True)
        rules = root_podman("exec", container, "cat", "/sys/fs/cgroup/devices/devices.list")
        assert "c 42:7 r" in rules.stdout.splitlines()
    composer("down", cwd=tmp_path)


def test_a_malformed_device_rule_is_refused_before_anything_is_created(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    text = f"services:\n  app:\n    image: {busybox_image}\n    device_cgroup_rules: ['c 1 r']\n"
    (tmp_path / "compose.yaml").write_text(text)
    result = composer("up", "-d", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        'error: services.app.device_cgroup_rules[0]: invalid rule "c 1 r": use "TYPE MAJOR:MINOR '
        'ACCESS", TYPE a, b or c, MAJOR and MINOR numbers or *, ACCESS some of r, w, m '
        '(e.g. "c 1:3 mr")'
    )
    assert not any(project_objects(root_podman, project_name).values())


def block_device() -> tuple[str, str]:
    """A disk of this machine as (/dev path, "major:minor")."""
    for entry in sorted(Path("/sys/block").iterdir()):
        if entry.name.startswith(("loop", "ram", "zram", "sr", "fd")):
            continue
        device = Path("/dev") / entry.name
        if device.exists():
            return str(device), (entry / "dev").read_text().strip()
    missing("no disk in /sys/block to throttle")


def test_blkio_throttles_and_a_dropped_weight_is_reported(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    device, numbers = block_device()
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  app:\n    image: {busybox_image}\n    command: [sleep, '300']\n"
        "    blkio_config:\n      weight: 300\n"
        f"      device_read_bps: [{{path: {device}, rate: 12mb}}]\n"
        f"      device_write_iops: [{{path: {device}, rate: 30}}]\n"
    )
    up = composer("up", "-d", cwd=tmp_path)
    container = f"{project_name}-app-1"
    host = json.loads(root_podman("inspect", container).stdout)[0]["HostConfig"]
    assert host["BlkioDeviceReadBps"] == [{"Path": device, "Rate": 12 * 1024 * 1024}]
    assert host["BlkioDeviceWriteIOps"] == [{"Path": device, "Rate": 30}]
    if cgroup_v1():
        script = (
            "cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device "
            "/sys/fs/cgroup/blkio/blkio.throttle.write_iops_device"
        )
        inside = root_podman("exec", container, "sh", "-c", script).stdout
        assert inside == f"{numbers} {12 * 1024 * 1024}\n{numbers} 30\n"
    if host["BlkioWeight"] != 300:
        # Podman drops a weight the kernel has no knob for, and says so; composer passes it on.
        assert (
            f"warning: container {container}: Podman: Your kernel does not support Block I/O "
            "weight or the cgroup is not mounted. Weight discarded."
        ) in up.stderr
    composer("down", cwd=tmp_path)
