"""Secrets and configs from the environment or inline content: files copied into containers."""

from __future__ import annotations

import io
import tarfile

import pytest

from composer.errors import ConfigError
from composer.plan.file_copies import owner_notes
from composer.plan.render import render
from composer.plan.translate import plan_project
from composer.runtime.convert import files_tar
from composer.specs import FileCopySpec
from tests.unit.plan.conftest import ProjectLoader

TOKEN = "s3cr3t-value"
TEXT = """
services:
  app:
    image: busybox
    secrets:
      - token
      - {source: token, target: renamed, mode: 0400}
      - {source: token, target: /etc/abs, uid: "1000", gid: "1000"}
      - on_disk
      - outside
    configs:
      - inline
      - {source: inline, target: etc/app.conf, mode: 0640}
      - from_env
secrets:
  token: {environment: APP_TOKEN}
  on_disk: {file: ./token.txt}
  outside: {external: true}
configs:
  inline: {content: "port=${PORT:-80}"}
  from_env: {environment: APP_CONF}
"""


def copies_of(project: ProjectLoader, environ: dict[str, str]) -> tuple[FileCopySpec, ...]:
    plan = plan_project(project(TEXT, environ), pod_mode="shared")
    return plan.containers["app"][0].copies


def test_targets_modes_and_contents(project: ProjectLoader) -> None:
    copies = copies_of(project, {"APP_TOKEN": TOKEN, "APP_CONF": "x=1"})
    assert [(c.what, c.target, c.content, oct(c.mode), c.owner) for c in copies] == [
        ('secret "token"', "/run/secrets/token", TOKEN.encode(), "0o444", ""),
        ('secret "token"', "/run/secrets/renamed", TOKEN.encode(), "0o400", ""),
        ('secret "token"', "/etc/abs", TOKEN.encode(), "0o444", "1000:1000"),
        ('config "inline"', "/inline", b"port=80", "0o444", ""),
        ('config "inline"', "/etc/app.conf", b"port=80", "0o640", ""),
        ('config "from_env"', "/from_env", b"x=1", "0o444", ""),
    ]


def test_an_unset_source_variable_is_an_error_naming_each(project: ProjectLoader) -> None:
    with pytest.raises(ConfigError) as caught:
        copies_of(project, {})
    assert str(caught.value).splitlines() == [
        "secrets.token.environment: variable APP_TOKEN is not set; set it in the shell or in "
        ".env (the secret takes its content from it)",
        "configs.from_env.environment: variable APP_CONF is not set; set it in the shell or in "
        ".env (the config takes its content from it)",
    ]


def test_the_content_is_never_shown(project: ProjectLoader) -> None:
    plan = plan_project(project(TEXT, {"APP_TOKEN": TOKEN, "APP_CONF": "x"}), pod_mode="shared")
    lines = render(plan)
    assert "podman cp '<secret \"token\">' demo-app-1:/run/secrets/token" in lines
    assert "podman cp '<config \"inline\">' demo-app-1:/etc/app.conf" in lines
    assert not [line for line in lines if TOKEN in line]
    assert TOKEN not in repr(plan.containers["app"][0])


def test_uid_and_gid_get_a_note(project: ProjectLoader) -> None:
    loaded = project(TEXT, {"APP_TOKEN": TOKEN, "APP_CONF": "x"})
    notes = owner_notes(plan_project(loaded, pod_mode="shared"))
    assert notes == [
        'service "app": secret "token" asks for owner 1000:1000, but Podman makes the '
        "container's user own the files it copies in; /etc/abs belongs to that user (its mode "
        "is kept)"
    ]


def test_the_tar_holds_each_file_at_its_path_with_its_mode() -> None:
    copies = (
        FileCopySpec('secret "a"', "/run/secrets/a", b"one", 0o400),
        FileCopySpec('config "b"', "/b", b"two"),
    )
    with tarfile.open(fileobj=io.BytesIO(files_tar(copies))) as tar:
        members = tar.getmembers()
        assert [(m.name, oct(m.mode), m.size) for m in members] == [
            ("run/secrets/a", "0o400", 3),
            ("b", "0o444", 3),
        ]
        extracted = tar.extractfile(members[0])
        assert extracted is not None
        assert extracted.read() == b"one"
