"""composer run by an unprivileged user: its own Podman, ports, user namespaces, file owners.

Every test here runs composer as the test user (runuser, that user's venv) and checks the
effect on the host: a port answering on 127.0.0.1, the owner of a file on disk, what is left
in the user's storage, and that root's Podman and the user's never see each other's objects.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman, TestUser, project_objects, run

BUSYBOX = "localhost/composer/busybox:latest"
PORT_START_FILE = Path("/proc/sys/net/ipv4/ip_unprivileged_port_start")
# Where root's composer finds or starts its Podman service (composer.runtime.socket).
ROOT_SOCKETS = (
    Path("/run/podman/podman.sock"),
    Path("/run/user/0/podman/podman.sock"),
    Path("/run/user/0/composer/podman.sock"),
    Path("/tmp/composer-0/composer/podman.sock"),
)


def write_project(workdir: Path, text: str, owner: TestUser | None = None) -> Path:
    """compose.yaml in workdir, owned by the user who runs composer there."""
    path = workdir / "compose.yaml"
    path.write_text(text)
    if owner is not None:
        os.chown(path, owner.uid, owner.uid)
    return path


def httpd_service(port: int, page: str, extra: str = "") -> str:
    """A busybox httpd serving `page` on container port 8080, published on `port`."""
    return (
        f"    image: {BUSYBOX}\n"
        f"    command: ['sh', '-c', 'mkdir -p /www && echo {page} > /www/index.html && "
        "exec httpd -f -p 8080 -h /www']\n"
        f"    ports: ['{port}:8080']\n"
        f"{extra}"
    )


def service_containers(podman: Podman, project: str) -> list[str]:
    """Names of the project's service containers (a pod's infra container carries its labels)."""
    return podman.ids(
        "ps",
        "-a",
        "--format",
        "{{.Names}}",
        "--filter",
        f"label=com.docker.compose.project={project}",
        "--filter",
        "label=com.docker.compose.service",
    )


def nothing_left(podman: Podman, project: str) -> dict[str, list[str]]:
    return {kind: ids for kind, ids in project_objects(podman, project).items() if ids}


def own_subuid_start(user: TestUser) -> tuple[int, int]:
    for line in Path("/etc/subuid").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in (user.name, str(user.uid)):
            start, _, count = rest.partition(":")
            return int(start), int(count)
    pytest.fail(f"{user.name} has no range in /etc/subuid")


def wait_for_file(path: Path, timeout: float = 30.0) -> os.stat_result:
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = path.stat()
        except FileNotFoundError:
            found = None
        if found is not None and found.st_size > 0:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{path} did not appear within {timeout}s")
        time.sleep(0.2)


# --- the user's own Podman -------------------------------------------------------------------


def test_port_answers_and_down_leaves_nothing_in_the_users_storage(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    root_podman: Podman,
    user_busybox_image: str,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    text = f"services:\n  web:\n{httpd_service(port, 'rootless-hello')}"
    write_project(user_workdir, text, test_user)
    composer_rootless("up", "-d", cwd=user_workdir)
    assert http_get(port).strip() == "rootless-hello"

    project = composer_rootless.project
    assert service_containers(user_podman, project) == [f"{project}-web-1"]
    assert len(project_objects(user_podman, project)["pod"]) == 1
    assert nothing_left(root_podman, project) == {}
    # The API service composer used is the user's own, under the user's runtime directory.
    sockets = [
        test_user.runtime_dir / "podman" / "podman.sock",
        test_user.runtime_dir / "composer" / "podman.sock",
    ]
    assert any(s.is_socket() and s.stat().st_uid == test_user.uid for s in sockets)
    uid_map = user_podman("inspect", "--format", "{{.State.Pid}}", f"{project}-web-1").stdout
    host_map = Path(f"/proc/{uid_map.strip()}/uid_map").read_text().split()
    assert host_map[:3] == ["0", str(test_user.uid), "1"]  # container root is the user

    composer_rootless("down", cwd=user_workdir)
    assert nothing_left(user_podman, project) == {}


def test_root_and_user_projects_of_one_name_stay_apart(
    composer: Composer,
    composer_rootless: Composer,
    tmp_path: Path,
    user_workdir: Path,
    test_user: TestUser,
    root_podman: Podman,
    user_podman: Podman,
    busybox_image: str,
    user_busybox_image: str,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    project = composer.project
    assert composer_rootless.project == project
    root_port, user_port = free_port(), free_port()
    write_project(tmp_path, f"services:\n  web:\n{httpd_service(root_port, 'from-root')}")
    write_project(
        user_workdir, f"services:\n  web:\n{httpd_service(user_port, 'from-user')}", test_user
    )
    composer("up", "-d", cwd=tmp_path)
    composer_rootless("up", "-d", cwd=user_workdir)
    assert http_get(root_port).strip() == "from-root"
    assert http_get(user_port).strip() == "from-user"

    roots = project_objects(root_podman, project)
    users = project_objects(user_podman, project)
    assert service_containers(root_podman, project) == [f"{project}-web-1"]
    assert service_containers(user_podman, project) == [f"{project}-web-1"]
    assert set(roots["container"]).isdisjoint(users["container"])
    assert set(roots["pod"]).isdisjoint(users["pod"])
    # The same name is a different container for each of them.
    name = f"{project}-web-1"
    user_id = user_podman("inspect", "--format", "{{.Id}}", name).stdout.strip()
    root_id = root_podman("inspect", "--format", "{{.Id}}", name).stdout.strip()
    assert user_id != root_id
    assert user_id[:12] in users["container"]
    assert root_id[:12] in roots["container"]

    # The user's composer cannot reach the Podman service root's composer used.
    root_sockets = [path for path in ROOT_SOCKETS if path.is_socket()]
    assert root_sockets, f"none of {ROOT_SOCKETS} is a socket after root's `up`"
    for path in root_sockets:
        refused = composer_rootless(
            "--podman-url", f"unix://{path}", "down", cwd=user_workdir, check=False
        )
        assert refused.returncode == 1
        assert refused.stderr.splitlines()[0] == (
            f"error: no Podman API service answers at unix://{path} (from --podman-url)"
        )

    # The user's `down` removes the user's project only; root's keeps answering.
    composer_rootless("down", cwd=user_workdir)
    assert nothing_left(user_podman, project) == {}
    assert project_objects(root_podman, project) == roots
    assert http_get(root_port).strip() == "from-root"
    composer("down", cwd=tmp_path)
    assert nothing_left(root_podman, project) == {}


# --- who owns what a container writes into a bind mount ---------------------------------------

OWNER_LINE = re.compile(
    r"project-owners: compose\.yaml:\d+: services\.web\.volumes\[0\]: container user (\d+) "
    r"writes \./data as host UID (\d+) \(subuid range (\d+)\+(\d+)\)"
)
FIX_LINE = re.compile(r"fix: `(podman unshare chown [^`]+)`")


@pytest.mark.parametrize(
    ("user", "userns", "expected_offset"),
    [
        # Default namespace: container UID N > 0 is subuid start + N - 1.
        ("1000:1000", "", 999),
        # keep-id: UIDs below the user's own move up by one (0 is start, 999 is start + 999).
        ("999:999", "keep-id", 999),
    ],
    ids=["default-userns", "keep-id"],
)
def test_bind_mount_owner_is_the_predicted_host_uid(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_busybox_image: str,
    user: str,
    userns: str,
    expected_offset: int,
) -> None:
    userns_line = f"    userns_mode: {userns}\n" if userns else ""
    text = (
        "services:\n  web:\n"
        f"    image: {BUSYBOX}\n"
        f"    user: '{user}'\n{userns_line}"
        # Retries until the directory becomes writable for the container user.
        "    command: ['sh', '-c', 'until id -u > /data/written 2>/dev/null; do sleep 0.2; "
        "done; exec sleep 3600']\n"
        "    volumes: ['./data:/data']\n"
    )
    write_project(user_workdir, text, test_user)
    data = user_workdir / "data"
    data.mkdir()
    os.chown(data, test_user.uid, test_user.uid)

    doctor = composer_rootless("doctor", cwd=user_workdir, check=False).stdout
    found = OWNER_LINE.search(doctor)
    assert found is not None, doctor
    container_uid, predicted, range_start, range_size = (int(x) for x in found.groups())
    start, count = own_subuid_start(test_user)
    assert (container_uid, range_start, range_size) == (int(user.partition(":")[0]), start, count)
    assert predicted == start + expected_offset
    fix = FIX_LINE.search(doctor[found.end() :])
    assert fix is not None, doctor
    assert f"warning  {found.group(0)}" in doctor

    up = composer_rootless("up", "-d", cwd=user_workdir)
    assert (
        f"note: web: container user {container_uid} writes ./data as host UID {predicted} "
        f"(subuid range {start}+{count}); to let it write there, run `{fix.group(1)}`"
    ) in up.stderr
    # The container cannot write yet: the directory belongs to the user, its root.
    time.sleep(1)
    assert not (data / "written").exists()

    run(test_user.argv(*shlex.split(fix.group(1))), cwd=user_workdir)
    written = wait_for_file(data / "written")
    assert written.st_uid == predicted
    assert (data / "written").read_text().strip() == str(container_uid)

    again = composer_rootless("doctor", cwd=user_workdir, check=False).stdout
    assert f"ok       {found.group(0)}; ./data belongs to it already" in again
    quiet = composer_rootless("up", "-d", cwd=user_workdir)
    assert "note:" not in quiet.stderr
    composer_rootless("down", cwd=user_workdir)


# --- user namespaces --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pod_mode", "userns", "inside"),
    [
        ("shared", "keep-id", None),
        ("separate", "keep-id", None),
        ("none", "keep-id", None),
        # keep-id:uid= moves the user to another container UID; still you on the host.
        ("shared", "keep-id:uid=1000,gid=1000", 1000),
    ],
)
def test_keep_id_runs_as_the_user_in_every_pod_mode(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    user_busybox_image: str,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
    pod_mode: str,
    userns: str,
    inside: int | None,
) -> None:
    port = free_port()
    text = (
        "services:\n  web:\n"
        f"    image: {BUSYBOX}\n"
        f"    userns_mode: '{userns}'\n"
        "    command: ['sh', '-c', 'id -u > /data/id && cp /data/id /data/index.html && "
        "exec httpd -f -p 8080 -h /data']\n"
        f"    ports: ['{port}:8080']\n"
        "    volumes: ['./data:/data']\n"
    )
    write_project(user_workdir, text, test_user)
    (user_workdir / "data").mkdir()
    os.chown(user_workdir / "data", test_user.uid, test_user.uid)

    composer_rootless("--pod-mode", pod_mode, "up", "-d", cwd=user_workdir)
    assert http_get(port).strip() == str(test_user.uid if inside is None else inside)
    written = wait_for_file(user_workdir / "data" / "id")
    assert written.st_uid == test_user.uid
    assert written.st_gid == pwd.getpwnam(test_user.name).pw_gid
    name = f"{composer_rootless.project}-web-1"
    pod = user_podman("inspect", "--format", "{{.Pod}}", name).stdout.strip()
    # separate mode keeps a userns service out of its pod (Podman refuses --userns with --pod).
    assert bool(pod) == (pod_mode == "shared")
    composer_rootless("down", cwd=user_workdir)
    assert nothing_left(user_podman, composer_rootless.project) == {}


def userns_writer(userns: str) -> str:
    """A service writing `id -u` into the bind mount ./data, in the given user namespace."""
    return (
        "services:\n  web:\n"
        f"    image: {BUSYBOX}\n"
        f"    userns_mode: '{userns}'\n"
        "    command: ['sh', '-c', 'id -u > /data/id; exec sleep 3600']\n"
        "    volumes: ['./data:/data']\n"
    )


def open_data_dir(workdir: Path) -> Path:
    """./data writable by any container UID (`auto` maps the user to none of them)."""
    data = workdir / "data"
    data.mkdir()
    data.chmod(0o777)
    return data


def test_userns_host_in_the_shared_pod(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_busybox_image: str,
) -> None:
    write_project(user_workdir, userns_writer("host"), test_user)
    data = open_data_dir(user_workdir)
    composer_rootless("up", "-d", cwd=user_workdir)
    written = wait_for_file(data / "id")
    assert (data / "id").read_text().strip() == "0"
    assert written.st_uid == test_user.uid  # container root is the user
    composer_rootless("down", cwd=user_workdir)


@pytest.mark.parametrize(
    ("pod_mode", "userns", "size"),
    [
        ("shared", "auto", 1024),  # the podman CLI's size for a bare `auto`
        ("separate", "auto", 1024),
        ("none", "auto", 1024),
        ("shared", "auto:size=2048", 2048),
    ],
)
def test_userns_auto_in_every_pod_mode(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    user_busybox_image: str,
    pod_mode: str,
    userns: str,
    size: int,
) -> None:
    write_project(user_workdir, userns_writer(userns), test_user)
    data = open_data_dir(user_workdir)
    composer_rootless("--pod-mode", pod_mode, "up", "-d", cwd=user_workdir)
    written = wait_for_file(data / "id")
    assert (data / "id").read_text().strip() == "0"
    start, count = own_subuid_start(test_user)
    # Container root is a subordinate UID Podman picked, not the user (Podman 4.3's API
    # ignores `auto` unless it is given the ID mappings too, as composer does).
    assert start <= written.st_uid < start + count
    name = f"{composer_rootless.project}-web-1"
    pid = user_podman("inspect", "--format", "{{.State.Pid}}", name).stdout.strip()
    inside, outside, mapped = Path(f"/proc/{pid}/uid_map").read_text().split()[:3]
    assert (inside, int(mapped)) == ("0", size)
    assert int(outside) == written.st_uid
    composer_rootless("--pod-mode", pod_mode, "down", cwd=user_workdir)
    assert nothing_left(user_podman, composer_rootless.project) == {}


def test_nomap_refused_before_anything_is_created(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    user_busybox_image: str,
) -> None:
    write_project(user_workdir, userns_writer("nomap"), test_user)
    open_data_dir(user_workdir)
    refused = composer_rootless("--pod-mode", "none", "up", "-d", cwd=user_workdir, check=False)
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0] == (
        'error: service "web" sets userns_mode "nomap", which the API of Podman 4.3 rejects '
        '("invalid namespace type nomap specified"); use "keep-id", or "auto"'
    )
    assert nothing_left(user_podman, composer_rootless.project) == {}


# --- refusals before anything is created ------------------------------------------------------


def test_low_port_refused_before_anything_is_created(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    user_busybox_image: str,
) -> None:
    start = int(PORT_START_FILE.read_text())
    if start == 0:
        pytest.fail("net.ipv4.ip_unprivileged_port_start is 0: every port is unprivileged")
    low = min(80, start - 1)
    text = f"services:\n  web:\n{httpd_service(low, 'never')}"
    write_project(user_workdir, text, test_user)
    result = composer_rootless("up", "-d", cwd=user_workdir, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f'error: service "web" publishes port {low}, below net.ipv4.ip_unprivileged_port_start '
        f'({start}): rootless Podman cannot bind it ("rootlessport cannot expose privileged '
        f'port {low}"); publish on {start} or above, or allow it for every user with '
        f"`sudo sysctl net.ipv4.ip_unprivileged_port_start={low}` (persist it in /etc/sysctl.d/)"
    )
    assert nothing_left(user_podman, composer_rootless.project) == {}


def test_userns_disagreement_in_the_shared_pod_is_refused(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    user_busybox_image: str,
) -> None:
    text = (
        "services:\n"
        f"  a:\n    image: {BUSYBOX}\n    userns_mode: keep-id\n"
        "    command: ['sh', '-c', 'id -u > /data/a; exec sleep 3600']\n"
        "    volumes: ['./data:/data']\n"
        f"  b:\n    image: {BUSYBOX}\n    command: ['sleep', '3600']\n"
    )
    write_project(user_workdir, text, test_user)
    (user_workdir / "data").mkdir()
    os.chown(user_workdir / "data", test_user.uid, test_user.uid)
    result = composer_rootless("up", "-d", cwd=user_workdir, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        'error: services do not agree on userns_mode: none (b); "keep-id" (a); Podman refuses '
        "--userns for a container in a pod (the user namespace must be the pod's), so in "
        "shared pod mode all services need the same userns_mode. Use --pod-mode separate (or "
        "x-podman: {pod_mode: separate}) to give each its own."
    )
    assert nothing_left(user_podman, composer_rootless.project) == {}

    # What the message points to works: each service gets its own user namespace.
    composer_rootless("--pod-mode", "separate", "up", "-d", cwd=user_workdir)
    wait_for_file(user_workdir / "data" / "a")
    assert (user_workdir / "data" / "a").read_text().strip() == str(test_user.uid)
    composer_rootless("--pod-mode", "separate", "down", cwd=user_workdir)


def test_userns_joining_another_namespace_is_refused(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    user_busybox_image: str,
) -> None:
    text = (
        "services:\n"
        f"  a:\n    image: {BUSYBOX}\n    command: ['sleep', '3600']\n"
        f"  b:\n    image: {BUSYBOX}\n    command: ['sleep', '3600']\n"
        "    userns_mode: keep-id\n    pid: service:a\n"
    )
    write_project(user_workdir, text, test_user)
    result = composer_rootless("--pod-mode", "separate", "up", "-d", cwd=user_workdir, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        'error: service "b" sets userns_mode "keep-id" and joins the pid namespace of service '
        '"a" (pid: service:a); Podman cannot start a container that joins another container\'s '
        'namespace from a user namespace of its own; remove userns_mode from "b" (it then '
        "joins from Podman's own user namespace, which works)"
    )
    assert nothing_left(user_podman, composer_rootless.project) == {}


def test_keep_id_refused_as_root_before_anything_is_created(
    composer: Composer, tmp_path: Path, root_podman: Podman, busybox_image: str
) -> None:
    text = f"services:\n  web:\n    image: {BUSYBOX}\n    userns_mode: keep-id\n"
    write_project(tmp_path, text)
    result = composer("up", "-d", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        'error: service "web" sets userns_mode "keep-id", which Podman supports only in '
        "rootless mode, and this Podman runs as root; run composer as an unprivileged user, "
        "or remove userns_mode"
    )
    # Podman itself would have left an empty pod behind (see test_podman_userns_facts).
    assert nothing_left(root_podman, composer.project) == {}
    # A dry run refuses it too, rather than print commands that would fail.
    dry = composer("--dry-run", "up", "-d", cwd=tmp_path, check=False)
    assert (dry.returncode, dry.stdout) == (1, "")
    assert dry.stderr.splitlines()[0] == result.stderr.splitlines()[0]


def test_podman_userns_facts(
    user_podman: Podman,
    root_podman: Podman,
    test_user: TestUser,
    user_busybox_image: str,
    project_name: str,
    project_labels: list[str],
) -> None:
    """What Podman 4.3 accepts and refuses, which the code above relies on."""
    pod = f"pod_{project_name}"
    # A pod may carry the user namespace; its containers then run in it.
    user_podman("pod", "create", *project_labels, "--userns=keep-id", "--name", pod)
    inside = user_podman("run", "--rm", "--pod", pod, BUSYBOX, "id", "-u").stdout.strip()
    assert inside == str(test_user.uid)
    # A container in a pod may not have its own.
    refused = user_podman(
        "create", *project_labels, "--pod", pod, "--userns=keep-id", BUSYBOX, check=False
    )
    assert refused.returncode != 0
    assert "--userns and --pod cannot be set together" in refused.stderr
    # Joining another container's namespace from a user namespace of one's own fails at start.
    first = f"{project_name}-a"
    user_podman("run", "-d", *project_labels, "--name", first, BUSYBOX, "sleep", "600")
    joined = user_podman(
        "run",
        "--rm",
        *project_labels,
        "--userns=keep-id",
        "--pid",
        f"container:{first}",
        BUSYBOX,
        "true",
        check=False,
    )
    assert joined.returncode != 0
    assert "operation not permitted" in joined.stderr
    # Rootful Podman refuses keep-id, and leaves the pod it was asked for behind.
    root_pod = f"pod_{project_name}"
    failed = root_podman(
        "pod", "create", *project_labels, "--userns=keep-id", "--name", root_pod, check=False
    )
    assert failed.returncode != 0
    assert "keep-id is only supported in rootless mode" in failed.stderr
    assert root_podman.ids("pod", "ps", "-q", "--filter", f"name=^{root_pod}$") != []


# What the refusals of userns_rules guard against, through composer's own runtime code.
API_PROBE = """
import json, os, sys
from composer.errors import ComposerError
from composer.specs import ContainerSpec
from composer.runtime.podman_api import PodmanRuntime
from composer.runtime.socket import resolve_url

project, image = sys.argv[1], sys.argv[2]
labels = {"com.docker.compose.project": project}
runtime = PodmanRuntime(resolve_url(None, os.environ))
found = {"version": runtime.version().version}

def attempt(key, *steps):
    try:
        for step in steps:
            step()
        found[key] = "ok"
    except ComposerError as error:
        found[key] = error.message

nomap = ContainerSpec(project + "-nomap", image, userns="nomap", command=("true",), labels=labels)
attempt("nomap container", lambda: runtime.create_container(nomap))
print(json.dumps(found))
"""


def test_podman_api_userns_facts(
    test_user: TestUser, user_podman: Podman, user_busybox_image: str, project_name: str
) -> None:
    """Podman 4.3's API rejects `nomap` (the podman CLI turns it into ID maps itself)."""
    python = str(test_user.venv / "bin" / "python")
    done = run(test_user.argv(python, "-c", API_PROBE, project_name, BUSYBOX))
    found = json.loads(done.stdout)
    # These are the facts of 4.3 (userns_rules.API_LIMITS_UNTIL); re-check them on a new one.
    assert found["version"].startswith("4.3."), found
    assert "invalid namespace type nomap specified" in found["nomap container"]


# --- the root suite's basics, rootless --------------------------------------------------------


def test_named_volume_survives_down_and_up(
    composer_rootless: Composer,
    user_workdir: Path,
    test_user: TestUser,
    user_podman: Podman,
    user_busybox_image: str,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    text = (
        "services:\n  web:\n"
        f"    image: {BUSYBOX}\n"
        "    command: ['sh', '-c', 'test -s /v/first || cat /proc/sys/kernel/random/uuid "
        "> /v/first; mkdir -p /www && cp /v/first /www/index.html && "
        "exec httpd -f -p 8080 -h /www']\n"
        f"    ports: ['{port}:8080']\n"
        "    volumes: ['store:/v']\n"
        "volumes:\n  store: {}\n"
    )
    write_project(user_workdir, text, test_user)
    project = composer_rootless.project
    composer_rootless("up", "-d", cwd=user_workdir)
    first = http_get(port).strip()
    assert len(first) == 36

    composer_rootless("down", cwd=user_workdir)
    left = nothing_left(user_podman, project)
    assert list(left) == ["volume"]  # `down` keeps named volumes
    assert left["volume"] == user_podman.ids(
        "volume", "ls", "-q", "--filter", f"name={project}_store"
    )

    composer_rootless("up", "-d", cwd=user_workdir)
    assert http_get(port).strip() == first

    composer_rootless("down", "-v", cwd=user_workdir)
    assert nothing_left(user_podman, project) == {}
    assert user_podman("volume", "exists", f"{project}_store", check=False).returncode == 1
