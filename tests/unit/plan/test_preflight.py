"""Host refusals before anything is created, and who owns files written to bind mounts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from composer.errors import ConfigError
from composer.model import Project
from composer.plan import idmap
from composer.plan.ownership import ownership_notes, shown_path
from composer.plan.preflight import check_host

ProjectLoader = Callable[..., Project]  # the `project` fixture of conftest.py
BUSYBOX = "    image: busybox\n"


class Facts:
    """HostFacts for tests; records which facts were asked for (they may cost a request)."""

    def __init__(
        self, rootless: bool = True, start: int | None = 1024, version: tuple[int, int] = (4, 3)
    ) -> None:
        self._rootless = rootless
        self._start = start
        self._version = version
        self.asked: list[str] = []

    @property
    def podman_version(self) -> tuple[int, int] | None:
        self.asked.append("version")
        return self._version

    @property
    def rootless(self) -> bool:
        self.asked.append("rootless")
        return self._rootless

    @property
    def unprivileged_port_start(self) -> int | None:
        self.asked.append("start")
        return self._start

    @property
    def uid_map(self) -> idmap.IdMap:
        self.asked.append("uid_map")
        return idmap.rootless_map(1001, [(100000, 65536)]) if self._rootless else ()

    @property
    def gid_map(self) -> idmap.IdMap:
        self.asked.append("gid_map")
        return idmap.rootless_map(1001, [(100000, 65536)]) if self._rootless else ()


def refusals(project: Project, facts: Facts, pod_mode: str = "shared") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        check_host(project, pod_mode, facts)  # type: ignore[arg-type]
    return [str(problem) for problem in caught.value.problems]


def test_low_port_refused_rootless(project: ProjectLoader) -> None:
    loaded = project(f"services:\n  web:\n{BUSYBOX}    ports: ['8080:80', '80:80']\n")
    assert refusals(loaded, Facts()) == [
        'service "web" publishes port 80, below net.ipv4.ip_unprivileged_port_start (1024): '
        'rootless Podman cannot bind it ("rootlessport cannot expose privileged port 80"); '
        "publish on 1024 or above, or allow it for every user with "
        "`sudo sysctl net.ipv4.ip_unprivileged_port_start=80` (persist it in /etc/sysctl.d/)"
    ]


def test_low_port_ranges_and_every_service(project: ProjectLoader) -> None:
    loaded = project(
        f"services:\n  a:\n{BUSYBOX}    ports: ['1000-1030:80-110']\n"
        f"  b:\n{BUSYBOX}    ports: ['443:443', '127.0.0.1:80:80/udp']\n"
    )
    found = refusals(loaded, Facts())
    assert found[0].startswith('service "a" publishes ports 1000-1023, below')
    assert "ip_unprivileged_port_start=1000`" in found[0]
    assert found[1].startswith('service "b" publishes ports 80, 443, below')
    assert "ip_unprivileged_port_start=80`" in found[1]


def test_low_ports_are_fine_for_root_or_a_lower_start(project: ProjectLoader) -> None:
    loaded = project(f"services:\n  web:\n{BUSYBOX}    ports: ['80:80']\n")
    check_host(loaded, "shared", Facts(rootless=False))
    check_host(loaded, "shared", Facts(start=80))
    check_host(loaded, "shared", Facts(start=None))  # a remote Podman: unknown


def test_a_scaled_down_service_is_not_checked(project: ProjectLoader) -> None:
    loaded = project(f"services:\n  web:\n{BUSYBOX}    ports: ['80:80']\n    scale: 0\n")
    check_host(loaded, "shared", Facts())


def test_facts_are_asked_for_only_when_they_matter(project: ProjectLoader) -> None:
    facts = Facts()
    check_host(project(f"services:\n  web:\n{BUSYBOX}    ports: ['8080:80']\n"), "shared", facts)
    assert "rootless" not in facts.asked
    plain = project(f"services:\n  web:\n{BUSYBOX}    volumes: ['./d:/d']\n")
    assert ownership_notes(plain, facts) == []
    assert facts.asked == ["start"]


@pytest.mark.parametrize("mode", ["keep-id", "keep-id:uid=1000", "nomap"])
def test_rootless_only_userns_refused_as_root(project: ProjectLoader, mode: str) -> None:
    loaded = project(f"services:\n  web:\n{BUSYBOX}    userns_mode: '{mode}'\n")
    assert refusals(loaded, Facts(rootless=False)) == [
        f'service "web" sets userns_mode "{mode}", which Podman supports only in rootless '
        "mode, and this Podman runs as root; run composer as an unprivileged user, or remove "
        "userns_mode"
    ]
    check_host(loaded, "shared", Facts(rootless=True, version=(5, 0)))


def test_nomap_refused_by_the_api_of_podman_4_3(project: ProjectLoader) -> None:
    loaded = project(f"services:\n  web:\n{BUSYBOX}    userns_mode: nomap\n")
    assert refusals(loaded, Facts(), pod_mode="none") == [
        'service "web" sets userns_mode "nomap", which the API of Podman 4.3 rejects ("invalid '
        'namespace type nomap specified"); use "keep-id", or "auto"'
    ]
    check_host(loaded, "none", Facts(version=(4, 4)))


def test_auto_is_fine_in_every_pod_mode(project: ProjectLoader) -> None:
    loaded = project(f"services:\n  web:\n{BUSYBOX}    userns_mode: 'auto:size=2048'\n")
    for pod_mode in ("shared", "separate", "none"):
        check_host(loaded, pod_mode, Facts())


def test_userns_joining_another_namespace(project: ProjectLoader) -> None:
    loaded = project(
        f"services:\n  a:\n{BUSYBOX}"
        f"  b:\n{BUSYBOX}    userns_mode: keep-id\n    network_mode: service:a\n"
        f"  c:\n{BUSYBOX}    userns_mode: host\n    pid: service:a\n"
        f"  d:\n{BUSYBOX}    ipc: service:b\n"
    )
    assert refusals(loaded, Facts(), pod_mode="separate") == [
        'service "b" sets userns_mode "keep-id" and joins the network namespace of service "a" '
        "(network_mode: service:a); Podman cannot start a container that joins another "
        "container's namespace from a user namespace of its own; remove userns_mode from "
        '"b" (it then joins from Podman\'s own user namespace, which works)'
    ]


def test_userns_joining_a_container_in_none_mode(project: ProjectLoader) -> None:
    loaded = project(f"services:\n  b:\n{BUSYBOX}    userns_mode: auto\n    ipc: container:x\n")
    found = refusals(loaded, Facts(), pod_mode="none")
    assert found[0].startswith(
        'service "b" sets userns_mode "auto" and joins the ipc namespace of container "x" '
        "(ipc: container:x)"
    )


def test_shared_mode_leaves_namespaces_to_the_pod(project: ProjectLoader) -> None:
    loaded = project(
        f"services:\n  a:\n{BUSYBOX}    userns_mode: keep-id\n"
        f"  b:\n{BUSYBOX}    userns_mode: keep-id\n    pid: service:a\n"
    )
    check_host(loaded, "shared", Facts())


def bind_project(project: ProjectLoader, user: str, userns: str = "") -> Project:
    extra = f"    userns_mode: {userns}\n" if userns else ""
    return project(
        f"services:\n  web:\n{BUSYBOX}    user: '{user}'\n{extra}"
        "    volumes: ['./data:/data', './conf:/conf:ro', 'vol:/v', '/srv/x:/x']\n"
        "volumes:\n  vol: {}\n"
    )


def test_ownership_note_for_a_container_user(project: ProjectLoader, tmp_path: Path) -> None:
    notes = ownership_notes(bind_project(project, "1000:1000"), Facts())
    assert [note.line() for note in notes] == [
        "web: container user 1000 writes ./data as host UID 100999 (subuid range 100000+65536)",
        "web: container user 1000 writes /srv/x as host UID 100999 (subuid range 100000+65536)",
    ]
    assert notes[0].source == str(tmp_path / "data")
    assert notes[0].mount_index == 0
    assert notes[0].fix() == "podman unshare chown 1000:1000 ./data"


def test_ownership_note_uid_only_and_keep_id(project: ProjectLoader) -> None:
    note = ownership_notes(bind_project(project, "999"), Facts())[0]
    assert note.line().startswith("web: container user 999 writes ./data as host UID 100998")
    assert note.fix() == "podman unshare chown 999 ./data"
    kept = ownership_notes(bind_project(project, "1000:1000", "keep-id"), Facts())[0]
    assert kept.host_uid == 101000
    # In Podman's own namespace (where `podman unshare` runs) that user is 1001, not 1000.
    assert kept.fix() == "podman unshare chown 1001:1001 ./data"
    named_group = ownership_notes(bind_project(project, "1000:staff"), Facts())[0]
    assert named_group.fix() == "podman unshare chown 1000 ./data"


def test_no_ownership_note_when_the_files_are_the_users(project: ProjectLoader) -> None:
    assert ownership_notes(bind_project(project, "0"), Facts()) == []
    assert ownership_notes(bind_project(project, "1001", "keep-id"), Facts()) == []
    assert ownership_notes(bind_project(project, "postgres"), Facts()) == []
    assert ownership_notes(bind_project(project, "1000", "auto"), Facts()) == []
    assert ownership_notes(bind_project(project, "1000"), Facts(rootless=False)) == []


def test_shown_path() -> None:
    assert shown_path("/p/data", "/p") == "./data"
    assert shown_path("/p/a/b", "/p") == "./a/b"
    assert shown_path("/p", "/p") == "."
    assert shown_path("/srv/x", "/p") == "/srv/x"
