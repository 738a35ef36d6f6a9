"""Golden files for both flavours of the Gogs + PostgreSQL example (examples/gogs-postgres)."""

from __future__ import annotations

import pytest

from composer.generate.kube import kube_manifests
from composer.generate.kube_context import KubeOptions
from tests.unit.generate.conftest import REPO, load_project
from tests.unit.generate.golden import check_golden

GOGS = REPO / "examples" / "gogs-postgres"
PLACEHOLDER = "/srv/gogs-postgres"  # the checkout's path differs from machine to machine


@pytest.mark.parametrize("flavor", ["podman", "cluster"])
def test_gogs_manifests(flavor: str) -> None:
    project = load_project(GOGS, ("compose.yaml",), "gogs-app")
    result = kube_manifests(project, KubeOptions(flavor=flavor))  # type: ignore[arg-type]
    text = result.text().replace(str(GOGS), PLACEHOLDER)
    warnings = "".join(f"warning: {line}\n" for line in result.warnings)
    check_golden(f"gogs-{flavor}.yaml", text)
    check_golden(f"gogs-{flavor}.warnings", warnings.replace(str(GOGS), PLACEHOLDER))
