"""External secrets: Podman secret objects, mounted by Podman, checked before anything is made."""

from __future__ import annotations

from composer.plan.podman_secrets import missing_secrets
from composer.plan.render import render
from composer.plan.translate import plan_project
from composer.runtime.specgen import container_body
from composer.specs import SecretRefSpec
from tests.unit.plan.conftest import ProjectLoader

TEXT = """
services:
  app:
    image: busybox
    secrets:
      - db_pass
      - {source: db_pass, target: /etc/db/pass, uid: "70", gid: "71", mode: 0400}
      - {source: renamed, target: api}
  other:
    image: busybox
secrets:
  db_pass: {external: true}
  renamed: {external: true, name: site_api_key}
  unused: {external: true}
"""


def test_targets_owners_and_modes(project: ProjectLoader) -> None:
    plan = plan_project(project(TEXT), pod_mode="shared")
    app = plan.containers["app"][0]
    assert app.secrets == (
        SecretRefSpec("db_pass", "/run/secrets/db_pass"),
        SecretRefSpec("db_pass", "/etc/db/pass", 70, 71, 0o400),
        SecretRefSpec("site_api_key", "/run/secrets/api"),
    )
    assert plan.containers["other"][0].secrets == ()
    assert container_body(app)["secrets"][1] == {
        "Source": "db_pass",
        "Target": "/etc/db/pass",
        "UID": 70,
        "GID": 71,
        "Mode": 0o400,
    }
    [create] = [line for line in render(plan) if line.startswith("podman create --name demo-app")]
    assert "--secret db_pass,type=mount,target=/etc/db/pass,uid=70,gid=71,mode=400" in create


def test_each_missing_secret_that_is_used_is_a_problem(project: ProjectLoader) -> None:
    asked: list[str] = []

    def exists(name: str) -> bool:
        asked.append(name)
        return name == "db_pass"

    problems = missing_secrets(project(TEXT), exists)
    assert asked == ["db_pass", "site_api_key"]  # `unused` is dropped by the loader
    assert [str(problem) for problem in problems] == [
        'secrets.renamed: external secret "site_api_key" is not in Podman\'s secret store; '
        "create it first: `podman secret create site_api_key FILE` "
        "(or `printf %s VALUE | podman secret create site_api_key -`)"
    ]
