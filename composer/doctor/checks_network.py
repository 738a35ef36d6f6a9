"""Networking checks: the rootless network helper, /dev/net/tun, ping, unprivileged ports, DNS."""

from __future__ import annotations

import os

from composer.doctor import fixes
from composer.doctor.check import Check, ok, problem, warning
from composer.doctor.context import Context

PACKAGES = {"pasta": "passt", "slirp4netns": "slirp4netns"}
PERSIST_SYSCTL = "(persist it in /etc/sysctl.d/)"
PING_DENIED = '"ping: permission denied (are you root?)"'
# default_rootless_network_cmd exists since Podman 4.4; pasta is the default since 5.0.
NETWORK_CMD_SINCE = (4, 4)
PASTA_DEFAULT_SINCE = (5, 0)


def rootless_network_tool(ctx: Context) -> str:
    """The helper rootless Podman starts for a container's network."""
    configured = ctx.containers_conf.get("network", "default_rootless_network_cmd")
    if isinstance(configured, str) and configured:
        return configured
    version = ctx.version or (0, 0, 0)
    return "pasta" if version >= PASTA_DEFAULT_SINCE else "slirp4netns"


def _tool_path(ctx: Context, tool: str) -> str | None:
    reported = ctx.info.get("host", tool, "executable")
    if isinstance(reported, str) and reported:
        return reported
    return ctx.host.which(tool)


def check_network_tool(ctx: Context) -> list[Check]:
    if not ctx.rootless:
        return []
    tool = rootless_network_tool(ctx)
    path = _tool_path(ctx, tool)
    if path is not None:
        return [ok("network", f"{tool} ({path}) connects rootless containers")]
    message = (
        f"{tool} is not installed: rootless containers get no network "
        f'("could not find {tool}, the network namespace can\'t be configured")'
    )
    fix = ctx.install_command(PACKAGES.get(tool, tool))
    other = "slirp4netns" if tool == "pasta" else "pasta"
    version = ctx.version or (0, 0, 0)
    if _tool_path(ctx, other) is None or version < NETWORK_CMD_SINCE:
        return [problem("network", message, fix)]
    setting = f'default_rootless_network_cmd = "{other}"'
    action = fixes.dropin(ctx, fixes.NETWORK_DROPIN, "network", setting)
    return [
        problem(
            "network",
            message,
            f"{fix}; or {fixes.describe(ctx, action, 'network', setting)}",
            action,
        )
    ]


def check_tun(ctx: Context) -> list[Check]:
    if not ctx.rootless:
        return []
    path = "/dev/net/tun"
    tool = rootless_network_tool(ctx)
    if ctx.host.stat(path) is None:
        return [
            problem(
                "tun",
                f"{path} does not exist: rootless networking ({tool}) needs it",
                ctx.as_root("modprobe tun"),
            )
        ]
    if not ctx.host.access(path, os.R_OK | os.W_OK):
        return [
            problem(
                "tun",
                f"{path} is not readable and writable by {ctx.who.name}: "
                f"rootless networking ({tool}) cannot start",
                ctx.as_root(f"chmod 0666 {path}"),
            )
        ]
    return [ok("tun", f"{path} is readable and writable by {ctx.who.name}")]


def _group_range(ctx: Context) -> tuple[int, int] | None:
    value = ctx.sysctl("net.ipv4.ping_group_range")
    parts = (value or "").split()
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1])


def check_ping(ctx: Context) -> list[Check]:
    capabilities = ctx.info.get("host", "security", "capabilities")
    if not isinstance(capabilities, str):
        return []
    if "CAP_NET_RAW" in capabilities.split(","):
        return [ok("ping", "CAP_NET_RAW is among Podman's default capabilities: ping works")]
    message = "CAP_NET_RAW is not among Podman's default capabilities"
    fix = "add `cap_add: [NET_RAW]` to the services that ping"
    span = _group_range(ctx)
    gid = ctx.who.gid
    if span is not None and not span[0] <= gid <= span[1]:
        message += f" and net.ipv4.ping_group_range ({span[0]} {span[1]}) excludes GID {gid}"
        sysctl = ctx.as_root('sysctl -w "net.ipv4.ping_group_range=0 2000000"')
        fix += f"; for network_mode: host also {sysctl} {PERSIST_SYSCTL}"
    return [warning("ping", f"{message}: ping in a container fails with {PING_DENIED}", fix)]


def unprivileged_port_start(ctx: Context) -> int | None:
    value = ctx.sysctl("net.ipv4.ip_unprivileged_port_start")
    return int(value) if value and value.isdigit() else None


def check_low_ports(ctx: Context) -> list[Check]:
    if not ctx.rootless:
        return []
    start = unprivileged_port_start(ctx)
    if start is None:
        return []
    if start == 0:
        return [ok("low-ports", "rootless containers can publish any port")]
    return [
        ok(
            "low-ports",
            f"rootless containers can publish ports from {start} up "
            "(net.ipv4.ip_unprivileged_port_start)",
        )
    ]


# Where Debian, Fedora and the upstream packages put the DNS helper of each network backend.
DNS_HELPERS = {
    "cni": (
        "dnsname",
        ("/usr/lib/cni/dnsname", "/usr/libexec/cni/dnsname", "/opt/cni/bin/dnsname"),
    ),
    "netavark": (
        "aardvark-dns",
        ("/usr/lib/podman/aardvark-dns", "/usr/libexec/podman/aardvark-dns"),
    ),
}
DNS_PACKAGES = {
    "cni": "golang-github-containernetworking-plugin-dnsname",
    "netavark": "aardvark-dns",
}


def check_dns(ctx: Context) -> list[Check]:
    """Names resolve between containers on a network only with the backend's DNS helper."""
    backend = ctx.info.get("host", "networkBackend")
    if backend not in DNS_HELPERS:
        return []
    helper, paths = DNS_HELPERS[backend]
    found = next((path for path in paths if ctx.host.stat(path) is not None), None)
    if found is not None:
        return [ok("dns", f"{helper} ({found}) gives {backend} networks DNS")]
    return [
        warning(
            "dns",
            f"{helper} is not installed: on {backend} networks container names do not resolve, "
            "so services in pod modes separate and none cannot reach each other by name "
            "(shared mode is not affected: its names are in /etc/hosts)",
            ctx.install_command(DNS_PACKAGES[backend]),
        )
    ]
