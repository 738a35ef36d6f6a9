"""The safe local fixes: containers.conf drop-in files, and how the fix line describes them."""

from __future__ import annotations

from composer.doctor import conf
from composer.doctor.check import LocalFix
from composer.doctor.context import Context
from composer.doctor.host import Host

# The same names scripts/setup-machine uses in /etc, so both tools edit one file each.
RUNTIME_DROPIN = "50-composer-runtime.conf"
ULIMITS_DROPIN = "50-composer-ulimits.conf"
CGROUPS_DROPIN = "50-composer-cgroups.conf"
NETWORK_DROPIN = "50-composer-network.conf"


def dropin(ctx: Context, filename: str, table: str, setting: str) -> LocalFix | None:
    """A drop-in holding one setting; None when CONTAINERS_CONF makes Podman ignore drop-ins."""
    if ctx.containers_conf.override:
        return None
    return LocalFix(f"{conf.dropin_dir(ctx.host, ctx.who)}/{filename}", f"[{table}]\n{setting}\n")


def describe(ctx: Context, action: LocalFix | None, table: str, setting: str) -> str:
    """The fix line for a containers.conf setting: what --fix writes, or what to edit by hand."""
    if action is not None:
        return f"`composer doctor --fix` writes {action.summary}"
    return (
        f"set {setting} under [{table}] in {ctx.containers_conf.override} "
        "(CONTAINERS_CONF names it, so Podman ignores drop-in files)"
    )


def apply(host: Host, action: LocalFix) -> str | None:
    """Write the file; the reason it failed, or None."""
    try:
        host.write_text(action.path, action.content)
    except OSError as exc:
        return f"cannot write {action.path}: {exc.strerror or exc}"
    return None
