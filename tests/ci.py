"""Whether the tests run in CI, where a missing prerequisite fails instead of skipping."""

from __future__ import annotations

import os


def in_ci() -> bool:
    """CI=true (as CI services set it) turns every missing prerequisite into a failure."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}
