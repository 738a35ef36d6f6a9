"""Command-line words rearranged before parsing: `--dry-run` after the command, as docker allows."""

from __future__ import annotations

from collections.abc import Collection, Sequence

DRY_RUN = "--dry-run"
# Global options that take the next word as their value.
GLOBAL_WITH_VALUE = frozenset(
    {
        "-f",
        "--file",
        "-p",
        "--project-name",
        "--project-directory",
        "--env-file",
        "--profile",
        "--parallel",
        "--progress",
        "--ansi",
        "--pod-mode",
        "--podman-url",
    }
)


def command_index(argv: Sequence[str]) -> int | None:
    """Where the command word is, after the global options; None when there is none."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            return None
        if not word.startswith("-"):
            return index
        index += 2 if word in GLOBAL_WITH_VALUE else 1
    return None


def hoist_dry_run(argv: Sequence[str], pass_through: Collection[str] = ()) -> list[str]:
    """Move `--dry-run` typed after the command (docker compose: a persistent flag) before it.

    `pass_through` names the commands whose later words may be a container's command line
    (where a `--dry-run` is the container's): their words are left as typed.
    """
    words = list(argv)
    at = command_index(words)
    if at is None or words[at] in pass_through:
        return words
    tail = words[at + 1 :]
    end = tail.index("--") if "--" in tail else len(tail)
    if DRY_RUN not in tail[:end]:
        return words
    kept = [word for word in tail[:end] if word != DRY_RUN]
    return [DRY_RUN, *words[:at], words[at], *kept, *tail[end:]]
