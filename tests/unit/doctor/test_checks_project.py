"""A compose project against the host: ports, ulimits, images and SELinux labels."""

from __future__ import annotations

from pathlib import Path

from composer.cli.session import GlobalOptions, Session
from composer.doctor.checks_project import (
    ProjectView,
    check_project,
    check_project_images,
    check_project_mounts,
    check_project_ports,
    check_project_ulimits,
)
from composer.doctor.host import CommandResult
from tests.unit.doctor.fakes import PODMAN, FakeHost, context, root_host, rootless_host, shown

NO_CAPS = "Name:\tpython3\nCapEff:\t000001fffeffffff\n"


def view_of(tmp_path: Path, text: str) -> ProjectView:
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    session = Session(GlobalOptions(files=(str(path),)), environ={}, cwd=str(tmp_path))
    return ProjectView.of(session.load())


def limited_root() -> FakeHost:
    host = root_host()
    host.files["/proc/self/status"] = NO_CAPS
    host.rlimits.update({"nofile": (1024, 20000), "nproc": (96365, 96365)})
    host.files["/proc/sys/kernel/pid_max"] = "32768\n"
    host.set_info("host", "ociRuntime", "name", "runc")
    return host


def test_project_line(tmp_path: Path) -> None:
    view = view_of(tmp_path, "name: demo\nservices:\n  web:\n    image: busybox\n")
    assert shown(check_project(context(rootless_host()), view)) == [
        f"ok       project: demo: 1 service ({tmp_path / 'compose.yaml'})"
    ]


def test_low_published_port_rootless(tmp_path: Path) -> None:
    view = view_of(
        tmp_path,
        "services:\n  web:\n    image: busybox\n    ports:\n      - 8080:80\n      - 80:80\n",
    )
    assert shown(check_project_ports(context(rootless_host()), view)) == [
        "problem  project-ports: compose.yaml:6: services.web.ports[1]: published port 80 is "
        "below net.ipv4.ip_unprivileged_port_start (1024): rootless Podman fails "
        '("rootlessport cannot expose privileged port 80")',
        "         fix: publish on 1024 or above, or sudo sysctl -w "
        "net.ipv4.ip_unprivileged_port_start=80 (persist it in /etc/sysctl.d/)",
    ]


def test_port_ranges_and_ephemeral_ports(tmp_path: Path) -> None:
    view = view_of(
        tmp_path,
        "services:\n  web:\n    image: busybox\n    ports: ['1000-1030:80-110', '90']\n",
    )
    assert shown(check_project_ports(context(rootless_host()), view)) == [
        "problem  project-ports: compose.yaml:4: services.web.ports[0]: published ports "
        "1000-1023 are below net.ipv4.ip_unprivileged_port_start (1024): rootless Podman fails "
        '("rootlessport cannot expose privileged port 1000")',
        "         fix: publish on 1024 or above, or sudo sysctl -w "
        "net.ipv4.ip_unprivileged_port_start=1000 (persist it in /etc/sysctl.d/)",
    ]
    fine = view_of(tmp_path, "services:\n  web:\n    image: busybox\n    ports: ['8080:80']\n")
    assert shown(check_project_ports(context(rootless_host()), fine)) == [
        "ok       project-ports: every published port is 1024 or above"
    ]


def test_root_may_publish_low_ports(tmp_path: Path) -> None:
    view = view_of(tmp_path, "services:\n  web:\n    image: busybox\n    ports: ['80:80']\n")
    assert check_project_ports(context(root_host()), view) == []


def test_ulimit_above_the_hard_limit(tmp_path: Path) -> None:
    view = view_of(
        tmp_path,
        "services:\n  web:\n    image: busybox\n    ulimits:\n"
        "      nofile: {soft: 1024, hard: 1048576}\n      nproc: 100\n",
    )
    assert shown(check_project_ulimits(context(limited_root()), view)) == [
        "problem  project-ulimits: compose.yaml:5: services.web.ulimits.nofile: "
        "nofile=1024:1048576 is above this host's hard limit 20000: the container fails with "
        '"error setting rlimit type 7: operation not permitted"',
        "         fix: lower it to at most 20000, or raise the hard limit "
        "(/etc/security/limits.d/, or LimitNOFILE= in a unit)",
    ]


def test_ulimits_without_nofile_lose_containers_conf_defaults_as_root(tmp_path: Path) -> None:
    view = view_of(
        tmp_path, "services:\n  app:\n    image: busybox\n    ulimits:\n      nproc: 100\n"
    )
    assert shown(check_project_ulimits(context(limited_root()), view)) == [
        "problem  project-ulimits: compose.yaml:4: services.app.ulimits: sets nproc but not "
        "nofile: Podman then uses its own nofile=1048576, not containers.conf's, above the hard "
        "limit 20000",
        "         fix: add `nofile: 20000` to the service's ulimits",
    ]


def test_rootless_ulimits_within_limits(tmp_path: Path) -> None:
    view = view_of(
        tmp_path, "services:\n  app:\n    image: busybox\n    ulimits:\n      nproc: 100\n"
    )
    assert shown(check_project_ulimits(context(rootless_host()), view)) == [
        "ok       project-ulimits: every service's ulimits fit the hard limits"
    ]
    assert check_project_ulimits(context(root_host()), view) == []


def test_short_name_that_cannot_resolve(tmp_path: Path) -> None:
    host = rootless_host()
    host.files["/etc/containers/registries.conf"] = ""
    view = view_of(tmp_path, "services:\n  db:\n    image: postgres:16\n")
    assert shown(check_project_images(context(host), view)) == [
        'problem  project-images: compose.yaml:3: services.db.image: short name "postgres:16" '
        "is not a local image and cannot be pulled: it did not resolve to an alias and no "
        'unqualified-search registries are defined in "/etc/containers/registries.conf"',
        "         fix: use a fully qualified name (docker.io/library/postgres:16), or make the "
        "image locally",
    ]
    assert (PODMAN, "image", "exists", "postgres:16") in host.ran


def test_short_names_that_resolve(tmp_path: Path) -> None:
    host = rootless_host()
    host.files["/etc/containers/registries.conf"] = (
        '[aliases]\n"alpine" = "docker.io/library/alpine"\n'
    )
    host.commands[(PODMAN, "image", "exists", "busybox")] = CommandResult(0, "", "")
    view = view_of(
        tmp_path,
        "services:\n  a:\n    image: busybox\n  b:\n    image: alpine:3\n"
        "  c:\n    image: quay.io/x/y\n  d:\n    image: mine\n    build: .\n",
    )
    assert shown(check_project_images(context(host), view)) == [
        "ok       project-images: every image can be found (3 checked)"
    ]


def test_search_registries_resolve_short_names(tmp_path: Path) -> None:
    view = view_of(tmp_path, "services:\n  db:\n    image: postgres\n")
    assert check_project_images(context(rootless_host()), view)[0].status == "ok"


def test_image_from_an_insecure_registry(tmp_path: Path) -> None:
    host = rootless_host()
    host.files["/etc/containers/registries.conf.d/local.conf"] = (
        '[[registry]]\nlocation = "127.0.0.1:5000"\ninsecure = true\n'
    )
    view = view_of(tmp_path, "services:\n  a:\n    image: 127.0.0.1:5000/team/app:1\n")
    assert shown(check_project_images(context(host), view)) == [
        "warning  project-images: compose.yaml:3: services.a.image: 127.0.0.1:5000/team/app:1 "
        "is pulled from 127.0.0.1:5000 without TLS verification (insecure = true)"
    ]


def test_bind_mounts_without_labels_when_selinux_enforces(tmp_path: Path) -> None:
    host = rootless_host()
    host.files["/sys/fs/selinux/enforce"] = "1\n"
    view = view_of(
        tmp_path,
        "services:\n  web:\n    image: busybox\n    volumes:\n"
        "      - ./data:/data:Z\n      - ./logs:/logs\n      - named:/n\nvolumes:\n  named: {}\n",
    )
    assert shown(check_project_mounts(context(host), view)) == [
        f"problem  project-mounts: compose.yaml:6: services.web.volumes[1]: bind mount "
        f"{tmp_path / 'logs'} has no :z or :Z: SELinux is enforcing, so the container gets "
        '"Permission denied"',
        "         fix: add :Z (private to this container) or :z (shared by containers) to the "
        "mount; never relabel $HOME, /usr or other system directories",
    ]


def test_bind_mounts_without_selinux(tmp_path: Path) -> None:
    view = view_of(tmp_path, "services:\n  web:\n    image: busybox\n    volumes: ['./d:/d']\n")
    assert shown(check_project_mounts(context(rootless_host()), view)) == [
        "ok       project-mounts: SELinux is not enforcing: bind mounts need no relabelling"
    ]


def test_listed_ports() -> None:
    from composer.doctor.checks_project import _listed

    assert _listed([1000, 1001, 1002]) == "1000-1002"
    assert _listed([443, 80, 80]) == "80, 443"
