"""Config hashes: the value of the `com.docker.compose.config-hash` label of a service's containers.

A container is recreated when its service's hash changes. As in docker compose, the fields that
do not change a container are left out: how its image is made (`build`, `pull_policy`), how many
replicas run (`scale`, `deploy.replicas`), what starts before it (`depends_on`) and `profiles`.
The hash is sha256 over composer's canonical JSON (sorted keys, no spaces): byte compatibility
with docker's hashes is not a goal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

IGNORED_FIELDS = frozenset({"build", "pull_policy", "scale", "depends_on", "profiles"})


def hashed_fields(service: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a canonical service dict that its hash covers."""
    # a null field is the same as an absent one (the loader may write `command: null`)
    kept = {
        key: value
        for key, value in service.items()
        if key not in IGNORED_FIELDS and value is not None
    }
    deploy = kept.get("deploy")
    if isinstance(deploy, Mapping) and "replicas" in deploy:
        rest = {key: value for key, value in deploy.items() if key != "replicas"}
        if rest:
            kept["deploy"] = rest
        else:
            # `deploy: {replicas: N}` only scales: hash it like a service without deploy
            del kept["deploy"]
    return kept


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text: the same data always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def config_hash(service: Mapping[str, Any]) -> str:
    """sha256 hex digest of a service's canonical dict, without the fields listed above."""
    text = canonical_json(hashed_fields(service))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
