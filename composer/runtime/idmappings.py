"""The IDMappingOptions a user namespace mode needs in a libpod body (the CLI computes them)."""

from __future__ import annotations

from typing import Any

from composer.errors import RuntimeOperationError

Json = dict[str, Any]

# The size the podman CLI gives `--userns=auto` without `size=`.
AUTO_USERNS_SIZE = 1024


def auto_idmappings(userns: str) -> Json:
    """The IDMappingOptions `userns_mode: auto[:size=N,uidmapping=C:H:S,...]` needs.

    The podman CLI computes them on the client; the API of Podman 4.3 given only
    `{"nsmode": "auto"}` silently keeps the container (or a pod's infra) in the default user
    namespace, and a pod's containers then fail to start.
    """
    mode, _, options = userns.partition(":")
    if mode != "auto":
        return {}
    settings: Json = {"Size": AUTO_USERNS_SIZE}
    for option in filter(None, options.split(",")):
        key, _, value = option.partition("=")
        if key == "size" and value.isdigit():
            settings["Size"] = int(value)
        elif key in ("uidmapping", "gidmapping"):
            name = "AdditionalUIDMappings" if key == "uidmapping" else "AdditionalGIDMappings"
            settings.setdefault(name, []).append(_id_map(value, userns))
        else:
            raise RuntimeOperationError(
                f'invalid userns_mode "{userns}": "{option}" is not size=N, '
                "uidmapping=CONTAINER:HOST:SIZE or gidmapping=CONTAINER:HOST:SIZE"
            )
    return {"AutoUserNs": True, "AutoUserNsOpts": settings}


def _id_map(value: str, userns: str) -> Json:
    parts = value.split(":")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise RuntimeOperationError(
            f'invalid userns_mode "{userns}": "{value}" is not CONTAINER:HOST:SIZE'
        )
    return {"container_id": int(parts[0]), "host_id": int(parts[1]), "size": int(parts[2])}
