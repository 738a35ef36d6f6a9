"""Who runs Podman, and what rootless Podman needs from the host: user namespaces and ID ranges."""

from __future__ import annotations

import stat

from composer.doctor.check import Check, ok, problem, warning
from composer.doctor.context import Context
from composer.doctor.subids import (
    SUBID_COUNT,
    SubIdRange,
    mapping_summary,
    next_free_start,
    overlaps_with_others,
    parse_getsubids,
    parse_subid_file,
    ranges_of,
)

PERSIST_SYSCTL = "(persist it in /etc/sysctl.d/)"
MIGRATE = "then `podman system migrate`"


def check_user(ctx: Context) -> list[Check]:
    who = ctx.who
    if who.is_root:
        return [
            ok(
                "user",
                "root: rootful Podman (rootless checks skipped: run doctor as the user "
                "who runs rootless Podman)",
            )
        ]
    return [ok("user", f"{who.name} (uid {who.uid}): rootless Podman")]


def check_runtime_dir(ctx: Context) -> list[Check]:
    if not ctx.rootless:
        return []
    who = ctx.who
    wanted = f"/run/user/{who.uid}"
    value = ctx.host.environ.get("XDG_RUNTIME_DIR", "")
    if not value:
        return [
            warning(
                "runtime-dir",
                f"XDG_RUNTIME_DIR is not set: Podman keeps its runtime state and API socket "
                f"under /tmp/podman-run-{who.uid} instead of {wanted}",
                "log in through a session (ssh, `machinectl shell USER@`), or create it: "
                f"{ctx.as_root(f'install -d -m 0700 -o {who.name} -g {who.gid} {wanted}')}, "
                f"then export XDG_RUNTIME_DIR={wanted}",
            )
        ]
    found = ctx.host.stat(value)
    if found is None or not stat.S_ISDIR(found.mode) or found.uid != who.uid:
        return [
            problem(
                "runtime-dir",
                f'XDG_RUNTIME_DIR directory "{value}" is not owned by the current user',
                f"export XDG_RUNTIME_DIR={wanted} (a directory {who.name} owns, mode 0700)",
            )
        ]
    return [ok("runtime-dir", f"XDG_RUNTIME_DIR={value}")]


def check_user_namespaces(ctx: Context) -> list[Check]:
    if not ctx.rootless:
        return []
    name = "user-namespaces"
    limit = ctx.sysctl("user.max_user_namespaces")
    if limit == "0":
        return [
            problem(
                name,
                "user namespaces are disabled: user.max_user_namespaces is 0",
                f"{ctx.as_root('sysctl -w user.max_user_namespaces=28633')} {PERSIST_SYSCTL}",
            )
        ]
    if ctx.sysctl("kernel.unprivileged_userns_clone") == "0":
        return [
            problem(
                name,
                "unprivileged user namespaces are disabled: kernel.unprivileged_userns_clone is 0",
                f"{ctx.as_root('sysctl -w kernel.unprivileged_userns_clone=1')} {PERSIST_SYSCTL}",
            )
        ]
    if ctx.sysctl("kernel.apparmor_restrict_unprivileged_userns") == "1":
        return [
            warning(
                name,
                "AppArmor restricts unprivileged user namespaces "
                "(kernel.apparmor_restrict_unprivileged_userns is 1): Podman needs its profile",
                "use the distribution's podman package (it ships the AppArmor profile)",
            )
        ]
    return [ok(name, f"user.max_user_namespaces is {limit or 'not limited'}")]


def _own_ranges(ctx: Context, kind: str, entries: list[SubIdRange]) -> list[SubIdRange]:
    """getsubids also sees ranges from NSS (SSSD, LDAP); the file is the fallback."""
    who = ctx.who
    tool = ctx.host.which("getsubids")
    if tool is not None:
        argv = [tool, who.name] if kind == "subuid" else [tool, "-g", who.name]
        done = ctx.host.run(argv)
        found = parse_getsubids(done.stdout) if done.returncode == 0 else []
        if found:
            return found
    return ranges_of(entries, who.name, who.uid)


def _podman_mapped(ctx: Context, kind: str) -> int | None:
    """How many IDs Podman's user namespace maps (None when `podman info` cannot say)."""
    mappings = ctx.info.get("host", "idMappings", "uidmap" if kind == "subuid" else "gidmap")
    if not isinstance(mappings, list):
        return None
    return sum(int(item.get("size", 0)) for item in mappings if isinstance(item, dict))


def check_subids(ctx: Context, kind: str) -> list[Check]:
    """One of /etc/subuid or /etc/subgid: a range of its own, big enough, shared with nobody."""
    if not ctx.rootless:
        return []
    who = ctx.who
    path = f"/etc/{kind}"
    entries = parse_subid_file(ctx.host.read_text(path) or "")
    both = entries + parse_subid_file(ctx.host.read_text(_other(path)) or "")
    start = next_free_start(both)
    fresh = f"{start}-{start + SUBID_COUNT - 1}"
    add = ctx.as_root(f"usermod --add-{kind}s {fresh} {who.name}")
    own = _own_ranges(ctx, kind, entries)
    total = sum(entry.count for entry in own)
    ids = "UID" if kind == "subuid" else "GID"
    if not own:
        return [
            problem(
                kind,
                f'no {kind} ranges found for user "{who.name}" in {path}: Podman maps only '
                f"{ids} {who.uid} (a single mapping), which breaks images that own files as "
                "other users",
                f"{add}, {MIGRATE}",
            )
        ]
    listed = ", ".join(str(entry) for entry in own)
    if total < SUBID_COUNT:
        return [
            problem(
                kind,
                f"{who.name} has {total} {kind} IDs ({listed}) in {path}; "
                f"images need {SUBID_COUNT}",
                f"{add}, {MIGRATE}",
            )
        ]
    clashes = overlaps_with_others(own, entries, who.name, who.uid)
    if clashes:
        mine, other = clashes[0]
        remove = ctx.as_root(f"usermod --del-{kind}s {mine} {who.name}")
        return [
            problem(
                kind,
                f"{who.name}'s range {mine} overlaps {other.owner}'s {other} in {path}: "
                "their containers share host IDs",
                f"{remove}; {add}, {MIGRATE}",
            )
        ]
    return [_subid_ok(ctx, kind, own, total, listed)]


def _subid_ok(ctx: Context, kind: str, own: list[SubIdRange], total: int, listed: str) -> Check:
    mapped = _podman_mapped(ctx, kind)
    if mapped is not None and mapped < total + 1:
        return warning(
            kind,
            f"{ctx.who.name} has {listed} in /etc/{kind}, but Podman's user namespace maps only "
            f"{mapped} ID{'s' if mapped != 1 else ''}",
            "`podman system migrate` (it stops this user's containers; Podman then rereads "
            f"/etc/{kind})",
        )
    message = f"{ctx.who.name}: {listed} ({total} IDs)"
    if kind == "subuid":
        message += f"; {mapping_summary(ctx.who.uid, own)}"
    return ok(kind, message)


def _other(path: str) -> str:
    return "/etc/subgid" if path == "/etc/subuid" else "/etc/subuid"


def check_subuid(ctx: Context) -> list[Check]:
    return check_subids(ctx, "subuid")


def check_subgid(ctx: Context) -> list[Check]:
    return check_subids(ctx, "subgid")


def check_id_mapper(ctx: Context, tool: str) -> list[Check]:
    """newuidmap/newgidmap write the ID maps; they need setuid root or file capabilities."""
    if not ctx.rootless:
        return []
    path = ctx.host.which(tool)
    if path is None:
        return [
            problem(
                tool,
                f"{tool} is not installed: rootless Podman fails "
                f'(exec: "{tool}": executable file not found in $PATH)',
                ctx.install_command("uidmap"),
            )
        ]
    found = ctx.host.stat(path)
    if found is not None and found.mode & stat.S_ISUID and found.uid == 0:
        return [ok(tool, f"{path} is setuid root")]
    if ctx.host.has_file_capabilities(path):
        return [ok(tool, f"{path} has file capabilities")]
    return [
        problem(
            tool,
            f"{path} is neither setuid root nor has file capabilities: it cannot map IDs",
            f"{ctx.as_root(f'chmod u+s {path}')} (or reinstall uidmap)",
        )
    ]


def check_newuidmap(ctx: Context) -> list[Check]:
    return check_id_mapper(ctx, "newuidmap")


def check_newgidmap(ctx: Context) -> list[Check]:
    return check_id_mapper(ctx, "newgidmap")
