"""A project against rootless Podman: userns_mode, and who owns files in bind mounts."""

from __future__ import annotations

from pathlib import Path

from composer.cli.session import GlobalOptions, Session
from composer.doctor.checks_project import ProjectView
from composer.doctor.checks_rootless import check_project_owners, check_project_userns
from composer.doctor.host import FileInfo
from tests.unit.doctor.fakes import DIRECTORY, context, root_host, rootless_host, shown


def view_of(tmp_path: Path, text: str, pod_mode: str | None = None) -> ProjectView:
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    session = Session(GlobalOptions(files=(str(path),)), environ={}, cwd=str(tmp_path))
    return ProjectView.of(session.load(), pod_mode)


USERS = (
    "services:\n"
    "  web:\n    image: busybox\n    user: '1000:1000'\n"
    "    volumes: ['./data:/data', './app.conf:/app.conf']\n"
    "  db:\n    image: busybox\n    user: '999'\n    volumes: ['./db:/db']\n"
)


def test_owners_predicted_for_container_users(tmp_path: Path) -> None:
    host = rootless_host()
    host.stats[str(tmp_path / "data")] = FileInfo(DIRECTORY, 1000)
    host.files[str(tmp_path / "app.conf")] = "x=1\n"
    host.stats[str(tmp_path / "db")] = FileInfo(DIRECTORY, 100998)
    assert shown(check_project_owners(context(host), view_of(tmp_path, USERS))) == [
        "ok       project-owners: compose.yaml:9: services.db.volumes[0]: container user 999 "
        "writes ./db as host UID 100998 (subuid range 100000+65536); ./db belongs to it already",
        "warning  project-owners: compose.yaml:5: services.web.volumes[0]: container user 1000 "
        "writes ./data as host UID 100999 (subuid range 100000+65536)",
        "         fix: `podman unshare chown 1000:1000 ./data` so that the container user may "
        "write there (`podman unshare rm -rf ./data` removes what it wrote)",
    ]


def test_owners_from_subuid_without_podman_info(tmp_path: Path) -> None:
    host = rootless_host()
    host.info = None
    host.info_error = "cannot connect"
    lines = shown(check_project_owners(context(host), view_of(tmp_path, USERS)))
    assert "writes ./db as host UID 100998 (subuid range 100000+65536)" in lines[0]


def test_no_owner_checks_as_root(tmp_path: Path) -> None:
    assert check_project_owners(context(root_host()), view_of(tmp_path, USERS)) == []


def test_keep_id_refused_as_root(tmp_path: Path) -> None:
    view = view_of(tmp_path, "services:\n  web:\n    image: busybox\n    userns_mode: keep-id\n")
    assert shown(check_project_userns(context(root_host()), view)) == [
        'problem  project-userns: compose.yaml:4: services.web.userns_mode: service "web" sets '
        'userns_mode "keep-id", which Podman supports only in rootless mode, and this Podman '
        "runs as root; run composer as an unprivileged user, or remove userns_mode"
    ]
    assert shown(check_project_userns(context(rootless_host()), view)) == [
        "ok       project-userns: Podman accepts every userns_mode (web: keep-id)"
    ]


def test_userns_joining_a_namespace_depends_on_the_pod_mode(tmp_path: Path) -> None:
    text = (
        "services:\n  a:\n    image: busybox\n"
        "  b:\n    image: busybox\n    userns_mode: keep-id\n    pid: service:a\n"
    )
    separate = check_project_userns(context(rootless_host()), view_of(tmp_path, text, "separate"))
    assert shown(separate)[0].startswith(
        'problem  project-userns: compose.yaml:7: services.b.pid: service "b" sets userns_mode '
        '"keep-id" and joins the pid namespace of service "a" (pid: service:a)'
    )
    shared = check_project_userns(context(rootless_host()), view_of(tmp_path, text))
    assert shown(shared) == [
        "ok       project-userns: Podman accepts every userns_mode (b: keep-id)"
    ]


def test_nothing_said_without_userns_mode(tmp_path: Path) -> None:
    view = view_of(tmp_path, "services:\n  web:\n    image: busybox\n")
    assert check_project_userns(context(rootless_host()), view) == []
