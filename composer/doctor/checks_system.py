"""Host configuration checks: config files, SELinux, registries, lingering and healthchecks."""

from __future__ import annotations

from composer.doctor import conf
from composer.doctor.check import Check, ok, problem, warning
from composer.doctor.context import Context

NO_SYSTEMD_HEALTH = '"unable to get systemd connection to start healthchecks"'


def check_containers_conf(ctx: Context) -> list[Check]:
    layers = ctx.containers_conf
    if layers.errors:
        return [
            problem(
                "containers-conf",
                f"cannot parse {layers.errors[0]}",
                "fix the TOML syntax of that file",
            )
        ]
    if layers.override:
        if layers.override not in layers.files:
            return [
                problem(
                    "containers-conf",
                    f"CONTAINERS_CONF names {layers.override}, which cannot be read",
                    "point CONTAINERS_CONF at a readable file, or unset it",
                )
            ]
        return [
            ok(
                "containers-conf",
                f"CONTAINERS_CONF={layers.override}: Podman reads this file only (no drop-ins)",
            )
        ]
    listed = ", ".join(layers.files) if layers.files else "none (Podman's built-in defaults)"
    return [ok("containers-conf", f"read {listed}")]


def selinux_mode(ctx: Context) -> str:
    """`enforcing`, `permissive` or `disabled`."""
    value = (ctx.host.read_text("/sys/fs/selinux/enforce") or "").strip()
    return {"1": "enforcing", "0": "permissive"}.get(value, "disabled")


def check_selinux(ctx: Context) -> list[Check]:
    mode = selinux_mode(ctx)
    if mode == "enforcing":
        message = "enforcing: bind mounts need :z (shared) or :Z (private to one container)"
    elif mode == "permissive":
        message = "permissive: nothing is denied, but bind mounts need :z or :Z once it enforces"
    else:
        message = "not enabled: bind mounts need no :z or :Z"
    return [ok("selinux", message)]


def registries_dropin_dir(ctx: Context) -> str:
    if ctx.who.is_root:
        return conf.SYSTEM_REGISTRIES_DROPINS
    return f"{conf.config_home(ctx.host, ctx.who)}/containers/registries.conf.d"


def check_registries(ctx: Context) -> list[Check]:
    regs = ctx.registries
    if regs.errors:
        return [
            problem(
                "registries", f"cannot parse {regs.errors[0]}", "fix the TOML syntax of that file"
            )
        ]
    found: list[Check] = []
    if regs.search:
        found.append(
            ok(
                "registries",
                f"short image names are searched in {', '.join(regs.search)} "
                f"(unqualified-search-registries in {regs.search_origin})",
            )
        )
    else:
        main = regs.files[0] if regs.files else conf.SYSTEM_REGISTRIES_CONF
        found.append(
            warning(
                "registries",
                f'no unqualified-search registries are defined in "{main}": short image names '
                "(busybox) resolve only to local images and [aliases] entries",
                "use fully qualified names (docker.io/library/busybox), or add "
                'unqualified-search-registries = ["docker.io"] in a file in '
                f"{registries_dropin_dir(ctx)}/",
            )
        )
    if regs.insecure:
        found.append(
            warning(
                "insecure-registries",
                f"pulls from {', '.join(regs.insecure)} skip TLS verification (insecure = true)",
                "serve those registries over verified TLS where you can",
            )
        )
    return found


def check_lingering(ctx: Context) -> list[Check]:
    if not ctx.rootless:
        return []
    name = ctx.who.name
    if not ctx.systemd_is_init:
        return [ok("lingering", "systemd is not PID 1: there are no user services to keep")]
    if ctx.host.stat(f"/var/lib/systemd/linger/{name}") is not None:
        return [ok("lingering", f"enabled for {name}: user services keep running after logout")]
    return [
        warning(
            "lingering",
            f"not enabled for {name}: user services (composer's systemd units) stop at logout",
            ctx.as_root(f"loginctl enable-linger {name}"),
        )
    ]


def check_healthchecks(ctx: Context) -> list[Check]:
    if not ctx.systemd_is_init:
        return [
            warning(
                "healthchecks",
                "systemd is not PID 1, so Podman runs no healthchecks by itself "
                f"({NO_SYSTEMD_HEALTH}): composer runs them while it waits (depends_on "
                "condition service_healthy, up --wait), but after composer exits nothing keeps "
                "a container's health current",
                "where health must stay current, run `podman healthcheck run CONTAINER` "
                "periodically (cron, a loop), or use a host with systemd as PID 1",
            )
        ]
    if ctx.rootless and not ctx.has_user_session():
        return [
            warning(
                "healthchecks",
                f"{ctx.who.name} has no systemd user session, so Podman cannot start its "
                "healthcheck timers: health stays current only while composer waits",
                f"log in through a session (ssh, `machinectl shell USER@`), or "
                f"{ctx.as_root(f'loginctl enable-linger {ctx.who.name}')}",
            )
        ]
    return [ok("healthchecks", "systemd runs Podman's healthcheck timers")]
