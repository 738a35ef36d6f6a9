"""Image references as Podman resolves them: short names, aliases, registries, local images."""

from __future__ import annotations

from composer.doctor.conf import Registries
from composer.doctor.context import Context


def _registry_part(image: str) -> str | None:
    """The registry host of a reference, None when there is none (a short name)."""
    first, slash, _ = image.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first
    return None


def is_short_name(image: str) -> bool:
    """True when the reference names no registry (`busybox`, `library/busybox:1.36`)."""
    return _registry_part(image) is None


def repository(image: str) -> str:
    """The reference without tag or digest: `busybox:1.36` -> `busybox`."""
    name = image.split("@", 1)[0]
    head, colon, tag = name.rpartition(":")
    return head if colon and "/" not in tag else name


def qualified(image: str) -> str:
    """The fully qualified Docker Hub name of a short name."""
    return f"docker.io/{image}" if "/" in repository(image) else f"docker.io/library/{image}"


def alias_for(regs: Registries, image: str) -> str | None:
    return regs.aliases.get(repository(image))


def insecure_registry(regs: Registries, image: str) -> str | None:
    """The insecure registry entry an image is pulled from, if any."""
    name = repository(image)
    for location in regs.insecure:
        if location and (name == location or name.startswith(location.rstrip("/") + "/")):
            return location
    return None


def local_image_exists(ctx: Context, image: str) -> bool:
    """Podman's own lookup, which also finds short names under other registries' prefixes."""
    if ctx.podman is None:
        return False
    return ctx.host.run([ctx.podman, "image", "exists", image]).returncode == 0
