"""SVG and PNG pictures through Graphviz's `dot`, when it is installed (argv only, no shell)."""

from __future__ import annotations

import shutil
import subprocess

from composer.errors import ComposerError

DOT_TIMEOUT = 120
INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; Fedora: sudo dnf install "
    "graphviz; macOS: brew install graphviz), or write --format dot and render it elsewhere"
)


def render_with_dot(dot_text: str, fmt: str) -> bytes:
    """`dot -Tsvg` or `-Tpng` over the DOT text; a clear error when Graphviz is missing."""
    dot = shutil.which("dot")
    if dot is None:
        raise ComposerError(
            f"--format {fmt} needs Graphviz, whose `dot` command is not on PATH", INSTALL_HINT
        )
    try:
        done = subprocess.run(
            [dot, f"-T{fmt}"],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ComposerError(f"dot -T{fmt} failed: {exc}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ComposerError(f"dot -T{fmt} failed: {said[-1] if said else done.returncode}")
    return done.stdout
