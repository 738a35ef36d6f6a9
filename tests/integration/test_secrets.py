"""Secrets and configs from the environment and inline content reach the container as files."""

from __future__ import annotations

import os
from pathlib import Path

from tests.integration.conftest import Composer, Podman, TestUser, project_objects

TOKEN = "tok-4c1d9e-not-for-output"
COMPOSE = """\
services:
  app:
    image: {image}
    user: "1234:2345"
    read_only: true
    command: ["sleep", "300"]
    secrets:
      - token
      - {{source: token, target: /etc/app/token, mode: 0400}}
    configs:
      - {{source: settings, target: /etc/app/settings.ini}}
secrets:
  token:
    environment: APP_TOKEN
configs:
  settings:
    content: "listen=${{PORT:-8080}}"
"""


def write(tmp_path: Path, image: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=image))


def test_environment_secret_and_inline_config_are_files_in_the_container(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    write(tmp_path, busybox_image)
    env = {"APP_TOKEN": TOKEN}
    dry = composer("--dry-run", "up", "-d", cwd=tmp_path, env=env)
    assert TOKEN not in dry.stdout + dry.stderr
    up = composer("up", "-d", cwd=tmp_path, env=env)
    assert TOKEN not in up.stdout + up.stderr
    container = f"{project_name}-app-1"

    def sh(script: str) -> str:
        return root_podman("exec", container, "sh", "-c", script).stdout

    assert sh("cat /run/secrets/token") == TOKEN
    assert sh("cat /etc/app/token") == TOKEN
    assert sh("cat /etc/app/settings.ini") == "listen=8080"
    # Mode as asked (default 0444); owned by the container's user, who can read them.
    assert sh("stat -c '%a %u:%g' /run/secrets/token /etc/app/token /etc/app/settings.ini") == (
        "444 1234:2345\n400 1234:2345\n444 1234:2345\n"
    )
    # The value is in no label, environment variable or annotation Podman keeps.
    assert TOKEN not in root_podman("inspect", container).stdout

    # Not recreated by a second up, so the files are still there after stop/start.
    again = composer("up", "-d", cwd=tmp_path, env=env)
    assert "Nothing to do" in again.stderr
    composer("stop", cwd=tmp_path)
    composer("start", cwd=tmp_path)
    assert sh("cat /run/secrets/token") == TOKEN
    composer("down", cwd=tmp_path)


def test_an_unset_secret_variable_stops_up_before_anything_is_created(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    write(tmp_path, busybox_image)
    result = composer("up", "-d", cwd=tmp_path, env={"APP_TOKEN": ""}, check=False)
    # An empty value is a value: only an unset variable is refused.
    assert result.returncode == 0, result.stderr
    composer("down", cwd=tmp_path)
    environ = {key: value for key, value in composer.base_env.items() if key != "APP_TOKEN"}
    unset = Composer(composer.argv_prefix, project_name, environ)
    result = unset("up", "-d", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "error: secrets.token.environment: variable APP_TOKEN is not set; set it in the shell "
        "or in .env (the secret takes its content from it)"
    )
    nothing: dict[str, list[str]] = {"container": [], "pod": [], "network": [], "volume": []}
    assert project_objects(root_podman, project_name) == nothing


EXTERNAL = """\
services:
  app:
    image: {image}
    command: ["sleep", "300"]
    secrets:
      - {{source: api_key, target: /etc/app/key, uid: "70", gid: "71", mode: 0400}}
secrets:
  api_key:
    external: true
    name: {secret}
"""


def test_external_secret_is_a_podman_secret_and_must_exist(
    composer: Composer, root_podman: Podman, project_name: str, busybox_image: str, tmp_path: Path
) -> None:
    secret = f"{project_name}-api-key"
    (tmp_path / "compose.yaml").write_text(EXTERNAL.format(image=busybox_image, secret=secret))
    missing = composer("up", "-d", cwd=tmp_path, check=False)
    assert missing.returncode == 1
    assert missing.stderr.splitlines()[-1] == (
        f'error: secrets.api_key: external secret "{secret}" is not in Podman\'s secret store; '
        f"create it first: `podman secret create {secret} FILE` "
        f"(or `printf %s VALUE | podman secret create {secret} -`)"
    )
    nothing: dict[str, list[str]] = {"container": [], "pod": [], "network": [], "volume": []}
    assert project_objects(root_podman, project_name) == nothing

    (tmp_path / "key").write_text(TOKEN)
    root_podman("secret", "create", secret, str(tmp_path / "key"))
    try:
        composer("up", "-d", cwd=tmp_path)
        container = f"{project_name}-app-1"
        shown = root_podman("exec", container, "stat", "-c", "%a %u:%g", "/etc/app/key").stdout
        assert shown == "400 70:71\n"
        assert root_podman("exec", container, "cat", "/etc/app/key").stdout == TOKEN
        composer("down", cwd=tmp_path)
        # The secret is the user's, not the project's: down leaves it.
        assert secret in root_podman("secret", "ls", "--format", "{{.Name}}").stdout.split()
    finally:
        root_podman("secret", "rm", secret, check=False)


def test_rootless_copies_belong_to_the_container_user(
    composer_rootless: Composer,
    user_podman: Podman,
    user_workdir: Path,
    test_user: TestUser,
    user_busybox_image: str,
) -> None:
    path = user_workdir / "compose.yaml"
    path.write_text(COMPOSE.format(image=user_busybox_image))
    os.chown(path, test_user.uid, test_user.uid)
    composer_rootless("up", "-d", cwd=user_workdir, env={"APP_TOKEN": TOKEN})
    container = f"{composer_rootless.project}-app-1"
    script = "stat -c '%a %u:%g' /etc/app/token && cat /etc/app/token"
    shown = user_podman("exec", container, "sh", "-c", script).stdout
    assert shown == f"400 1234:2345\n{TOKEN}"
    composer_rootless("down", cwd=user_workdir)
    nothing: dict[str, list[str]] = {"container": [], "pod": [], "network": [], "volume": []}
    assert project_objects(user_podman, composer_rootless.project) == nothing
