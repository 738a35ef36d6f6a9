"""The test machine is ready: images run, pods publish ports, the rootless user's Podman works."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.conftest import (
    BUSYBOX_IMAGE,
    DEBIAN_IMAGE,
    POSTGRES_IMAGE,
    Composer,
    Podman,
    TestUser,
    project_objects,
    remove_project,
    run,
    unique_project_name,
)

REPO = Path(__file__).resolve().parents[2]
PAUSE_IMAGE_PREFIX = "localhost/podman-pause:"


def start_web_pod(
    podman: Podman, image: str, name: str, port: int, labels: list[str], body: str
) -> None:
    """A pod with an infra container publishing 127.0.0.1:port -> 80, served by busybox httpd."""
    podman("pod", "create", "--name", name, *labels, "--publish", f"127.0.0.1:{port}:80")
    script = f"mkdir -p /www && echo {body} > /www/index.html && exec httpd -f -p 80 -h /www"
    podman("run", "-d", "--pod", name, "--name", f"{name}-web", *labels, image, "sh", "-c", script)


def infra_image_of(podman: Podman, pod: str) -> str:
    infra = podman("pod", "inspect", "--format", "{{.InfraContainerID}}", pod).stdout.strip()
    return podman("inspect", "--format", "{{.ImageName}}", infra).stdout.strip()


@pytest.mark.parametrize(
    ("image", "command", "expected"),
    [
        (BUSYBOX_IMAGE, ["sh", "-c", "echo $((6 * 7))"], "42"),
        (DEBIAN_IMAGE, ["cut", "-d.", "-f1", "/etc/debian_version"], "12"),
        (POSTGRES_IMAGE, ["postgres", "--version"], "postgres (PostgreSQL) 15"),
    ],
)
def test_test_images_exist_and_run(
    root_podman: Podman, image: str, command: list[str], expected: str
) -> None:
    if not root_podman.image_exists(image):
        pytest.fail(f"{image} is missing: run scripts/build-test-images", pytrace=False)
    result = root_podman("run", "--rm", "--network", "none", image, *command)
    assert result.stdout.strip().startswith(expected)


def test_busybox_image_is_one_layer_with_path(root_podman: Podman, busybox_image: str) -> None:
    (info,) = json.loads(root_podman("image", "inspect", busybox_image).stdout)
    assert len(info["RootFS"]["Layers"]) == 1
    # `podman play kube` on 4.3 adds no default PATH: the image must carry one.
    assert any(env.startswith("PATH=") and "/bin" in env for env in info["Config"]["Env"])
    applets = root_podman("run", "--rm", busybox_image, "ls", "/bin").stdout.split()
    assert {"httpd", "wget", "nc", "sh", "sleep"} <= set(applets)
    as_nobody = root_podman("run", "--rm", "--user", "nobody", busybox_image, "id", "-u")
    assert as_nobody.stdout.strip() == "65534"


def test_container_ulimits_stay_within_the_hard_limits(
    root_podman: Podman, busybox_image: str
) -> None:
    result = root_podman("run", "--rm", busybox_image, "sh", "-c", "ulimit -Hn; ulimit -Hu")
    nofile, nproc = (int(value) for value in result.stdout.split())
    assert 0 < nofile <= resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    assert 0 < nproc <= resource.getrlimit(resource.RLIMIT_NPROC)[1]


def test_pod_with_infra_publishes_a_port_on_localhost(
    root_podman: Podman,
    busybox_image: str,
    project_name: str,
    project_labels: list[str],
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    pod = f"pod_{project_name}"
    start_web_pod(root_podman, busybox_image, pod, port, project_labels, "hello-from-root")
    assert http_get(port).strip() == "hello-from-root"
    # Podman builds its pause image locally; nothing may be pulled from k8s.gcr.io.
    assert infra_image_of(root_podman, pod).startswith(PAUSE_IMAGE_PREFIX)


def start_postgres(podman: Podman, image: str, name: str, volume: str, extra: list[str]) -> None:
    podman(
        "run", "-d", "--name", name, "-v", f"{volume}:/var/lib/postgresql/data",
        "-e", "POSTGRES_USER=app", "-e", "POSTGRES_PASSWORD=s3cret", "-e", "POSTGRES_DB=appdb",
        *extra, image,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    ready = ["exec", name, "pg_isready", "-q", "-h", "127.0.0.1", "-U", "app", "-d", "appdb"]
    while podman(*ready, check=False).returncode != 0:
        if time.monotonic() > deadline:
            logs = podman("logs", name, check=False)
            pytest.fail(f"postgres did not get ready:\n{logs.stdout}{logs.stderr}")
        time.sleep(0.5)


def psql(podman: Podman, container: str, sql: str) -> str:
    argv = ["exec", container, "psql", "-v", "ON_ERROR_STOP=1", "-tA", "-U", "app", "-d", "appdb"]
    return podman(*argv, "-c", sql).stdout.strip()


def test_postgres_keeps_its_data_in_the_volume(
    root_podman: Podman, postgres_image: str, project_name: str, project_labels: list[str]
) -> None:
    name, volume = f"{project_name}-db-1", f"{project_name}_data"
    root_podman("volume", "create", *project_labels, volume)
    start_postgres(root_podman, postgres_image, name, volume, project_labels)
    psql(root_podman, name, "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')")
    root_podman("rm", "--force", "--time", "10", name)
    start_postgres(root_podman, postgres_image, name, volume, project_labels)
    assert psql(root_podman, name, "SELECT body FROM notes") == "kept"


def test_postgres_wants_the_password_over_tcp(
    root_podman: Podman,
    postgres_image: str,
    project_name: str,
    project_labels: list[str],
    free_port: Callable[[], int],
) -> None:
    name, port = f"{project_name}-db-1", free_port()
    published = ["--publish", f"127.0.0.1:{port}:5432"]
    start_postgres(
        root_podman, postgres_image, name, f"{project_name}_data", [*project_labels, *published]
    )

    def connect(password: str) -> int:
        client = [
            "run", "--rm", "--network", "host", *project_labels, "-e", f"PGPASSWORD={password}",
            postgres_image, "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "app", "-d", "appdb",
            "-tAc", "SELECT current_database()",
        ]  # fmt: skip
        return root_podman(*client, check=False).returncode

    assert connect("s3cret") == 0
    assert connect("wrong") != 0


def test_cleanup_removes_everything_with_the_project_label(
    root_podman: Podman, busybox_image: str
) -> None:
    project = unique_project_name("cleanup")
    labels = ["--label", f"com.docker.compose.project={project}"]
    root_podman("network", "create", *labels, f"{project}_default")
    root_podman("volume", "create", *labels, f"{project}_data")
    root_podman("pod", "create", "--name", f"pod_{project}", *labels)
    root_podman("create", "--pod", f"pod_{project}", *labels, busybox_image, "sleep", "60")
    root_podman("create", "--label", f"io.podman.compose.project={project}", busybox_image)
    before = project_objects(root_podman, project)
    assert {kind: len(ids) for kind, ids in before.items()} == {
        "container": 3,  # two of ours and the pod's infra container
        "pod": 1,
        "network": 1,
        "volume": 1,
    }
    assert remove_project(root_podman, project) == {}


def test_rootless_podman_runs_containers_in_a_user_namespace(
    test_user: TestUser, user_podman: Podman, user_busybox_image: str
) -> None:
    info = json.loads(user_podman("info", "--format", "json").stdout)
    assert info["host"]["security"]["rootless"] is True
    assert info["store"]["graphDriverName"] == "overlay"
    uid_map = user_podman("run", "--rm", user_busybox_image, "cat", "/proc/self/uid_map").stdout
    first = uid_map.split("\n")[0].split()
    assert first[:2] == ["0", str(test_user.uid)]


@pytest.mark.parametrize("image", [BUSYBOX_IMAGE, DEBIAN_IMAGE, POSTGRES_IMAGE])
def test_rootless_user_has_the_same_test_images(
    root_podman: Podman, user_podman: Podman, image: str
) -> None:
    def image_id(podman: Podman) -> str:
        return podman("image", "inspect", "--format", "{{.Id}}", image, check=False).stdout.strip()

    assert image_id(user_podman) == image_id(root_podman) != ""


def test_rootless_pod_publishes_a_port_on_localhost(
    user_podman: Podman,
    user_busybox_image: str,
    project_name: str,
    project_labels: list[str],
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    pod = f"pod_{project_name}"
    start_web_pod(user_podman, user_busybox_image, pod, port, project_labels, "hello-from-user")
    assert http_get(port).strip() == "hello-from-user"
    assert infra_image_of(user_podman, pod).startswith(PAUSE_IMAGE_PREFIX)


def test_rootless_venv_runs_the_checkout_with_debians_python(test_user: TestUser) -> None:
    python = str(test_user.venv / "bin" / "python")
    code = "import composer, sys; print(composer.__file__); print(sys.base_prefix)"
    module, base_prefix = run(test_user.argv(python, "-c", code)).stdout.splitlines()
    assert Path(module) == REPO / "composer" / "__init__.py"
    # A pyenv python under /root is not executable by the user: the venv must be Debian's.
    assert base_prefix == "/usr"


def test_composer_runs_as_root_and_as_the_test_user(
    composer: Composer, composer_rootless: Composer, tmp_path: Path, user_workdir: Path
) -> None:
    as_root = composer("version", "--short", cwd=tmp_path).stdout.strip()
    as_user = composer_rootless("version", "--short", cwd=user_workdir).stdout.strip()
    assert as_root == as_user != ""
    probe = composer_rootless("--help", cwd=user_workdir, check=False)
    assert "Traceback" not in probe.stderr
