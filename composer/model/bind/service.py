"""Bind one canonical service mapping (plus its `build` and `deploy`) to a model Service."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from composer.loader.sources import Path
from composer.model.bind import parts
from composer.model.bind.values import (
    Reader,
    command,
    extensions,
    flag,
    opt_flag,
    opt_text,
    text,
    text_map,
    text_map_or_null,
    texts,
)
from composer.model.build import Build
from composer.model.deploy import Deploy, Reservations, ResourceLimits, Resources, RestartPolicy
from composer.model.service import Service

# Plain settings, grouped by how their value is read.
_TEXT = (
    "image",
    "restart",
    "user",
    "working_dir",
    "hostname",
    "domainname",
    "container_name",
    "stop_signal",
    "userns_mode",
    "network_mode",
    "ipc",
    "pid",
    "uts",
    "cgroup",
    "cgroup_parent",
    "cpuset",
    "pull_policy",
    "platform",
    "mac_address",
    "runtime",
    "isolation",
)
_FLAGS = ("privileged", "read_only", "tty", "stdin_open", "oom_kill_disable")
_INTEGERS = (
    "mem_swappiness",
    "cpu_shares",
    "cpu_period",
    "cpu_quota",
    "pids_limit",
    "oom_score_adj",
)
_SIZES = ("shm_size", "mem_limit", "mem_reservation", "memswap_limit")
_TEXTS = (
    "expose",
    "tmpfs",
    "links",
    "external_links",
    "cap_add",
    "cap_drop",
    "device_cgroup_rules",
    "dns",
    "dns_search",
    "dns_opt",
    "security_opt",
    "profiles",
    "group_add",
    "volumes_from",
)
_TEXT_MAPS = ("labels", "annotations", "sysctls", "storage_opt")

# Keys of a service mapping the model has a field for; the rest go to `Service.other`.
_MODELLED = frozenset(f.name for f in fields(Service)) - {"name", "extensions", "other"}


def bind_service(
    name: str, data: dict[str, Any], path: Path, reader: Reader, config_hash: str | None = None
) -> Service:
    """The Service for `services.<name>`; problems go to `reader`."""
    values: dict[str, Any] = {key: opt_text(data.get(key)) for key in _TEXT}
    values.update({key: flag(data.get(key)) for key in _FLAGS})
    values.update({key: texts(data.get(key)) for key in _TEXTS})
    values.update({key: text_map(data.get(key)) for key in _TEXT_MAPS})
    for key in _INTEGERS:
        values[key] = reader.integer(data.get(key), (*path, key))
    for key in _SIZES:
        values[key] = reader.size(data.get(key), (*path, key))
    values.update(_structured(data, path, reader))
    deploy = bind_deploy(data.get("deploy"), (*path, "deploy"), reader)
    values["deploy"] = deploy
    values["scale"] = _scale(data, deploy, path, reader)
    values["other"] = {
        key: item for key, item in data.items() if key not in _MODELLED and not key.startswith("x-")
    }
    return Service(name=name, extensions=extensions(data), config_hash=config_hash, **values)


def _structured(data: dict[str, Any], path: Path, reader: Reader) -> dict[str, Any]:
    def at(key: str) -> Path:
        return (*path, key)

    return {
        "build": bind_build(data.get("build"), at("build"), reader),
        "command": command(data.get("command")),
        "entrypoint": command(data.get("entrypoint")),
        "environment": text_map_or_null(data.get("environment")),
        "ports": parts.ports(data.get("ports"), at("ports"), reader),
        "volumes": parts.mounts(data.get("volumes"), at("volumes"), reader),
        "networks": parts.networks(data.get("networks"), at("networks"), reader),
        "depends_on": parts.depends_on(data.get("depends_on"), at("depends_on"), reader),
        "healthcheck": parts.healthcheck(data.get("healthcheck"), at("healthcheck"), reader),
        "devices": parts.devices(data.get("devices"), at("devices"), reader),
        "extra_hosts": parts.extra_hosts(data.get("extra_hosts")),
        "init": opt_flag(data.get("init")),
        "ulimits": parts.ulimits(data.get("ulimits"), at("ulimits"), reader),
        "stop_grace_period": reader.duration(
            data.get("stop_grace_period"), at("stop_grace_period")
        ),
        "logging": parts.logging(data.get("logging"), at("logging"), reader),
        "secrets": parts.secrets(data.get("secrets"), at("secrets"), reader),
        "configs": parts.configs(data.get("configs"), at("configs"), reader),
        "cpus": reader.number(data.get("cpus"), at("cpus")),
        "attach": flag(data.get("attach", True)),
        "gpus": parts.device_requests(data.get("gpus"), at("gpus"), reader),
        "post_start": parts.hooks(data.get("post_start"), at("post_start"), reader),
        "pre_stop": parts.hooks(data.get("pre_stop"), at("pre_stop"), reader),
    }


def _scale(data: dict[str, Any], deploy: Deploy | None, path: Path, reader: Reader) -> int:
    """The effective replica count: `scale`, else `deploy.replicas`, else 1."""
    scale = reader.integer(data.get("scale"), (*path, "scale"))
    if scale is not None:
        return scale
    if deploy is not None and deploy.replicas is not None:
        return deploy.replicas
    return 1


def bind_build(value: Any, path: Path, reader: Reader) -> Build | None:
    """`build`; a plain string is the context."""
    if value is None:
        return None
    if isinstance(value, str):
        return Build(context=value, dockerfile="Dockerfile")
    data = reader.mapping(value, path) or {}
    return Build(
        context=text(data.get("context") or "."),
        dockerfile=opt_text(data.get("dockerfile")),
        dockerfile_inline=opt_text(data.get("dockerfile_inline")),
        args=text_map_or_null(data.get("args")),
        target=opt_text(data.get("target")),
        labels=text_map(data.get("labels")),
        ssh=texts(data.get("ssh")),
        cache_from=texts(data.get("cache_from")),
        cache_to=texts(data.get("cache_to")),
        additional_contexts=text_map(data.get("additional_contexts")),
        network=opt_text(data.get("network")),
        secrets=parts.secrets(data.get("secrets"), (*path, "secrets"), reader),
        tags=texts(data.get("tags")),
        platforms=texts(data.get("platforms")),
        extra_hosts=parts.extra_hosts(data.get("extra_hosts")),
        isolation=opt_text(data.get("isolation")),
        no_cache=flag(data.get("no_cache")),
        pull=flag(data.get("pull")),
        privileged=flag(data.get("privileged")),
        shm_size=reader.size(data.get("shm_size"), (*path, "shm_size")),
        ulimits=parts.ulimits(data.get("ulimits"), (*path, "ulimits"), reader),
        entitlements=texts(data.get("entitlements")),
        provenance=data.get("provenance"),
        sbom=data.get("sbom"),
    )


_DEPLOY_MODELLED = frozenset(
    {"mode", "replicas", "resources", "restart_policy", "labels", "endpoint_mode"}
)


def bind_deploy(value: Any, path: Path, reader: Reader) -> Deploy | None:
    data = reader.mapping(value, path)
    if data is None:
        return None
    return Deploy(
        mode=opt_text(data.get("mode")),
        replicas=reader.integer(data.get("replicas"), (*path, "replicas")),
        resources=_resources(data.get("resources"), (*path, "resources"), reader),
        restart_policy=_restart_policy(
            data.get("restart_policy"), (*path, "restart_policy"), reader
        ),
        labels=text_map(data.get("labels")),
        endpoint_mode=opt_text(data.get("endpoint_mode")),
        other={key: item for key, item in data.items() if key not in _DEPLOY_MODELLED},
    )


def _resources(value: Any, path: Path, reader: Reader) -> Resources | None:
    data = reader.mapping(value, path)
    if data is None:
        return None
    limits = reader.mapping(data.get("limits"), (*path, "limits"))
    reservations = reader.mapping(data.get("reservations"), (*path, "reservations"))
    return Resources(
        limits=None if limits is None else _limits(limits, (*path, "limits"), reader),
        reservations=None
        if reservations is None
        else _reservations(reservations, (*path, "reservations"), reader),
    )


def _limits(data: dict[str, Any], path: Path, reader: Reader) -> ResourceLimits:
    return ResourceLimits(
        cpus=reader.number(data.get("cpus"), (*path, "cpus")),
        memory=reader.size(data.get("memory"), (*path, "memory")),
        pids=reader.integer(data.get("pids"), (*path, "pids")),
    )


def _reservations(data: dict[str, Any], path: Path, reader: Reader) -> Reservations:
    return Reservations(
        cpus=reader.number(data.get("cpus"), (*path, "cpus")),
        memory=reader.size(data.get("memory"), (*path, "memory")),
        devices=parts.device_requests(data.get("devices"), (*path, "devices"), reader),
    )


def _restart_policy(value: Any, path: Path, reader: Reader) -> RestartPolicy | None:
    data = reader.mapping(value, path)
    if data is None:
        return None
    return RestartPolicy(
        condition=opt_text(data.get("condition")),
        delay=reader.duration(data.get("delay"), (*path, "delay")),
        max_attempts=reader.integer(data.get("max_attempts"), (*path, "max_attempts")),
        window=reader.duration(data.get("window"), (*path, "window")),
    )
