"""Nested service blocks in canonical form: build, deploy, healthcheck, develop, hooks, ..."""

from __future__ import annotations

from typing import Any

from composer.loader.canonical.attributes import (
    device_requests,
    extra_hosts,
    file_refs,
    ssh_keys,
    ulimits,
)
from composer.loader.canonical.kinds import (
    OMIT,
    Canon,
    Converter,
    byte_size,
    duration,
    duration_kept,
    flag,
    integer,
    integer_kept,
    list_of,
    mapping,
    mapping_with_nulls,
    multi_options,
    number,
    scalar_text,
    shell_command,
    struct,
    text,
    text_kept,
    texts,
)
from composer.loader.sources import Path


def _build_context(value: Any) -> dict[str, Any]:
    return {"context": scalar_text(value)}


_build_fields = struct(
    {
        "context": text,
        # kept when empty: normalize gives a default only to an absent `dockerfile`
        "dockerfile": text_kept,
        "dockerfile_inline": text,
        "entitlements": texts,
        "args": mapping_with_nulls,
        "provenance": text,
        "sbom": text,
        "ssh": ssh_keys,
        "labels": mapping,
        "cache_from": texts,
        "cache_to": texts,
        "no_cache": flag,
        "no_cache_filter": texts,
        "additional_contexts": mapping,
        "pull": flag,
        "extra_hosts": extra_hosts,
        "isolation": text,
        "network": text,
        "target": text,
        "secrets": file_refs(None),
        "shm_size": byte_size,
        "tags": texts,
        "ulimits": ulimits,
        "platforms": texts,
        "privileged": flag,
    },
    scalar=_build_context,
)


def build(value: Any, at: Path, cv: Canon) -> Any:
    """`build`: a string is the context; the context defaults to the project directory."""
    result = _build_fields(value, at, cv)
    if result is OMIT or "context" in result:
        return result
    return {"context": ".", **result}


def _healthcheck_test(value: Any, at: Path, cv: Canon) -> Any:
    """`healthcheck.test`: a string runs in a shell (`CMD-SHELL`)."""
    if value is None:
        return OMIT
    if isinstance(value, list):
        return [scalar_text(item) for item in value] or OMIT
    return ["CMD-SHELL", scalar_text(value)]


healthcheck = struct(
    {
        "test": _healthcheck_test,
        "timeout": duration_kept,
        "interval": duration_kept,
        "retries": integer_kept,
        "start_period": duration_kept,
        "start_interval": duration_kept,
        "disable": flag,
    }
)

_update_config = struct(
    {
        "parallelism": integer_kept,
        "delay": duration,
        "failure_action": text,
        "monitor": duration,
        "max_failure_ratio": number,
        "order": text,
    }
)

_resource = struct(
    {
        "cpus": number,
        "memory": byte_size,
        "pids": integer,
        "devices": device_requests,
        "generic_resources": list_of(
            struct(
                {
                    "discrete_resource_spec": struct(
                        {"kind": text_kept, "value": integer_kept},
                        always={"kind": lambda: "", "value": lambda: 0},
                    )
                }
            )
        ),
    }
)

deploy = struct(
    {
        "mode": text,
        "replicas": integer_kept,
        "labels": mapping,
        "update_config": _update_config,
        "rollback_config": _update_config,
        "resources": struct({"limits": _resource, "reservations": _resource}),
        "restart_policy": struct(
            {
                "condition": text,
                "delay": duration_kept,
                "max_attempts": integer_kept,
                "window": duration_kept,
            }
        ),
        "placement": struct(
            {
                "constraints": texts,
                "preferences": list_of(struct({"spread": text})),
                "max_replicas_per_node": integer,
            }
        ),
        "endpoint_mode": text,
    },
    always={"resources": dict, "placement": dict},
)

hook = struct(
    {
        "command": shell_command,
        "user": text,
        "privileged": flag,
        "working_dir": text,
        "environment": mapping_with_nulls,
    },
    always={"command": lambda: None},
)

_trigger = struct(
    {
        "path": text_kept,
        "action": text_kept,
        "target": text,
        "exec": hook,
        "include": texts,
        "ignore": texts,
        "initial_sync": flag,
    },
    always={"path": str, "action": str, "exec": lambda: {"command": None}},
)


def _watch(value: Any, at: Path, cv: Canon) -> Any:
    """`develop.watch`: a trigger whose `path` is a list becomes one trigger per path."""
    if not isinstance(value, list):
        return OMIT if value is None else cv.fail(at, "must be a list")
    result = []
    for index, item in enumerate(value):
        paths = item.get("path") if isinstance(item, dict) else None
        for path in paths if isinstance(paths, list) else [paths]:
            entry = dict(item, path=path) if isinstance(item, dict) else item
            converted = _trigger(entry, (*at, index), cv)
            if converted is not OMIT:
                result.append(converted)
    return result or OMIT


develop = struct({"watch": _watch})

logging = struct({"driver": text, "options": mapping})

credential_spec = struct({"config": text, "file": text, "registry": text})

provider = struct({"type": text, "options": multi_options})


def _throttle(value: Any, at: Path, cv: Canon) -> Any:
    """A blkio device rate; the reference prints these with capitalised keys."""
    if not isinstance(value, dict):
        return cv.fail(at, "must be a mapping")
    return {
        "Path": scalar_text(value.get("path", "")),
        "Rate": byte_size(value.get("rate"), (*at, "rate"), cv) if value.get("rate") else "0",
    }


def _weight_device(value: Any, at: Path, cv: Canon) -> Any:
    if not isinstance(value, dict):
        return cv.fail(at, "must be a mapping")
    weight = integer(value.get("weight"), (*at, "weight"), cv)
    return {"Path": scalar_text(value.get("path", "")), "Weight": 0 if weight is OMIT else weight}


blkio_config = struct(
    {
        "weight": integer,
        "weight_device": list_of(_weight_device),
        "device_read_bps": list_of(_throttle),
        "device_read_iops": list_of(_throttle),
        "device_write_bps": list_of(_throttle),
        "device_write_iops": list_of(_throttle),
    }
)

BLOCKS: dict[str, Converter] = {
    "build": build,
    "healthcheck": healthcheck,
    "deploy": deploy,
    "develop": develop,
    "logging": logging,
    "credential_spec": credential_spec,
    "provider": provider,
    "blkio_config": blkio_config,
    "post_start": list_of(hook),
    "pre_stop": list_of(hook),
}
