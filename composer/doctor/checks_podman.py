"""Checks of Podman itself: installed, new enough, `podman info` works, the API socket."""

from __future__ import annotations

from composer.doctor.check import Check, ok, problem, warning
from composer.doctor.context import MINIMUM_PODMAN, Context, version_text
from composer.runtime.socket import can_ping

# Features that need a newer Podman than composer itself does.
FEATURES = (
    ((4, 4), "Quadlet"),
    ((5, 0), "Quadlet .pod files"),
    ((5, 2), "Quadlet .build files"),
)


def check_podman(ctx: Context) -> list[Check]:
    if ctx.podman is None:
        return [
            problem(
                "podman",
                "podman is not installed (not found on PATH)",
                ctx.install_command("podman"),
            )
        ]
    if ctx.version is None:
        return [
            problem("podman", f"`{ctx.podman} --version` prints no version", "reinstall podman")
        ]
    shown = version_text(ctx.version)
    if ctx.version[:2] < MINIMUM_PODMAN:
        needed = version_text(MINIMUM_PODMAN)
        return [
            problem(
                "podman",
                f"{shown} is too old: composer needs {needed} or newer",
                f"upgrade Podman to {needed} or newer",
            )
        ]
    if ctx.info.error is not None:
        return [
            problem(
                "podman",
                f"{shown}, but `podman info` fails: {ctx.info.error}",
                "`podman info` must work; the checks below name the usual causes",
            )
        ]
    return [ok("podman", f"{shown} ({ctx.podman})")]


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def check_quadlet(ctx: Context) -> list[Check]:
    if ctx.version is None:
        return []
    shown = version_text(ctx.version)
    missing = [f"{name} ({version_text(needs)})" for needs, name in FEATURES if ctx.version < needs]
    if not missing:
        return [ok("quadlet", f"podman {shown} supports Quadlet, with .pod and .build files")]
    newest = version_text(FEATURES[-1][0])
    return [
        warning(
            "quadlet",
            f"podman {shown} lacks {_listing(missing)}",
            f"upgrade Podman to {newest} or newer to use every Quadlet feature",
        )
    ]


def _explicit_url(ctx: Context) -> tuple[str, str] | None:
    if ctx.podman_url:
        return ctx.podman_url, "--podman-url"
    if ctx.host.environ.get("CONTAINER_HOST"):
        return ctx.host.environ["CONTAINER_HOST"], "CONTAINER_HOST"
    return None


def _check_explicit(ctx: Context, url: str, origin: str) -> Check:
    if not can_ping(url):
        return ok("socket", f"{url} (from {origin}) is not local: not checked")
    if ctx.host.ping(url):
        return ok("socket", f"{url} answers (from {origin})")
    leave = "leave out --podman-url" if origin == "--podman-url" else f"unset {origin}"
    return problem(
        "socket",
        f"no Podman API service answers at {url} (from {origin})",
        f"start one (`podman system service --time=0 {url} &`), or {leave} "
        "so that composer finds or starts a service itself",
    )


def check_socket(ctx: Context) -> list[Check]:
    explicit = _explicit_url(ctx)
    if explicit is not None:
        return [_check_explicit(ctx, *explicit)]
    candidates = ctx.host.socket_candidates(ctx.podman)
    for candidate in candidates:
        if ctx.host.ping(candidate.url):
            return [ok("socket", f"{candidate.url} answers ({candidate.origin})")]
    if ctx.podman is None or ctx.info.error is not None:
        return [
            warning(
                "socket",
                "no Podman API service answers, and composer cannot start one "
                "while `podman info` fails",
                "fix the podman problem first",
            )
        ]
    own = candidates[-1].url if candidates else "a private socket"
    return [
        ok(
            "socket",
            "no Podman API service runs yet: composer starts `podman system service` "
            f"on {own} when a command needs it (it exits when idle)",
        )
    ]
