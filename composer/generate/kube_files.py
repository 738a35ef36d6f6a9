"""Secrets and configs as Secret and ConfigMap objects, mounted as single files.

A secret's value goes into a Secret object only (base64 in `data`), never anywhere else. In the
podman flavour a secret or config read from a file stays a read-only bind of that file, exactly
as `up` mounts it: it works on every Podman (4.3 ignores `subPath` on Secret and ConfigMap
volumes) and keeps the value out of the manifest. Values from the environment or inline
content, and every value in the cluster flavour, go into the objects.
"""

from __future__ import annotations

import base64
from typing import Any

from composer.errors import ComposerError
from composer.generate.kube_context import KubeContext
from composer.generate.kube_names import data_key
from composer.generate.kube_storage import PodVolumes
from composer.model import Service, ServiceConfig, ServiceSecret
from composer.model.resources import Config, Secret
from composer.plan.file_copies import secret_target


def file_mounts(ctx: KubeContext, service: Service, volumes: PodVolumes) -> list[dict[str, Any]]:
    """The mounts of the service's secrets and configs, registering the objects they need."""
    mounts = []
    for ref in service.secrets:
        secret = ctx.project.secrets.get(ref.source)
        if secret is not None:
            mounts.append(_secret_mount(ctx, service, ref, secret, volumes))
    for config_ref in service.configs:
        config = ctx.project.configs.get(config_ref.source)
        if config is not None:
            mounts.append(_config_mount(ctx, service, config_ref, config, volumes))
    return mounts


def config_target(ref: ServiceConfig) -> str:
    target = ref.target or ref.source
    return target if target.startswith("/") else f"/{target}"


def _owner_note(
    ctx: KubeContext, service: Service, what: str, ref: ServiceSecret | ServiceConfig
) -> None:
    if ref.uid or ref.gid:
        ctx.unmapped(
            service.name,
            f"{what} uid/gid",
            "have no Kubernetes equivalent (the volume's files belong to root); left out",
        )


def _secret_mount(
    ctx: KubeContext, service: Service, ref: ServiceSecret, secret: Secret, volumes: PodVolumes
) -> dict[str, Any]:
    target = secret_target(ref)
    _owner_note(ctx, service, f"secrets {ref.source}", ref)
    if ctx.flavor == "podman" and secret.file and not secret.external:
        return _host_file(secret.file, target, volumes)
    key = data_key(ref.source)
    if secret.external:
        # Podman looks an existing secret up by its exact name; a cluster needs a valid one.
        name = secret.name if ctx.flavor == "podman" else ctx.names.volume(secret.name)
        reason = (
            "is external: the Podman secret must hold a Kubernetes Secret document"
            if ctx.flavor == "podman"
            else f'is external: Secret "{name}" must exist in the cluster, with key "{key}"'
        )
        ctx.unmapped(service.name, f"secrets {ref.source}", reason)
    else:
        name = ctx.names.secret(secret.key)
        ctx.add(_secret_object(ctx, name, key, _content(ctx, "secret", secret)))
    source: dict[str, Any] = {"secretName": name, "items": [{"key": key, "path": key}]}
    if ref.mode is not None:
        source["defaultMode"] = ref.mode
    if ctx.flavor == "podman":
        source["optional"] = False  # Podman 4.3 panics on a secret volume without it
    volume = volumes.add(f"secret:{name}", f"secret-{ref.source}", {"secret": source})
    return {"name": volume, "mountPath": target, "subPath": key, "readOnly": True}


def _config_mount(
    ctx: KubeContext, service: Service, ref: ServiceConfig, config: Config, volumes: PodVolumes
) -> dict[str, Any]:
    target = config_target(ref)
    _owner_note(ctx, service, f"configs {ref.source}", ref)
    if ctx.flavor == "podman" and config.file and not config.external:
        return _host_file(config.file, target, volumes)
    key = data_key(ref.source)
    if config.external:
        name = ctx.names.volume(config.name)
        ctx.unmapped(
            service.name, f"configs {ref.source}", f'is external: ConfigMap "{name}" must exist'
        )
    else:
        name = ctx.names.config(config.key)
        ctx.add(_config_object(ctx, name, key, _content(ctx, "config", config)))
    source: dict[str, Any] = {"name": name, "items": [{"key": key, "path": key}]}
    if ref.mode is not None:
        source["defaultMode"] = ref.mode
    volume = volumes.add(f"config:{name}", f"config-{ref.source}", {"configMap": source})
    return {"name": volume, "mountPath": target, "subPath": key, "readOnly": True}


def _host_file(path: str, target: str, volumes: PodVolumes) -> dict[str, Any]:
    name = volumes.add(
        f"host:{path}",
        f"file-{target.rsplit('/', 1)[-1]}",
        {"hostPath": {"path": path, "type": "File"}},
    )
    return {"name": name, "mountPath": target, "readOnly": True}


def _content(ctx: KubeContext, kind: str, resource: Secret | Config) -> bytes:
    if resource.file:
        try:
            with open(resource.file, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise ComposerError(
                f'{kind} "{resource.key}": cannot read {resource.file}: {exc.strerror or exc}'
            ) from None
    if resource.environment is not None:
        value = ctx.project.environment.get(resource.environment)
        if value is None:
            raise ComposerError(
                f'{kind} "{resource.key}": variable {resource.environment} is not set; set it in '
                f"the shell or in .env (the {kind} takes its content from it)"
            )
        return value.encode("utf-8")
    return (resource.content or "").encode("utf-8")


def _secret_object(ctx: KubeContext, name: str, key: str, content: bytes) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": ctx.metadata(name, ctx.names.labels()),
        "type": "Opaque",
        "data": {key: base64.b64encode(content).decode("ascii")},
    }


def _config_object(ctx: KubeContext, name: str, key: str, content: bytes) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": ctx.metadata(name, ctx.names.labels()),
    }
    try:
        manifest["data"] = {key: content.decode("utf-8")}
    except UnicodeDecodeError:
        manifest["binaryData"] = {key: base64.b64encode(content).decode("ascii")}
    return manifest
