"""Start-up: `composer version`, `--help` and `up --help` against `python -c pass` on the same
interpreter, with docker compose's and podman-compose's `version` beside them."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from benchmarks import timing, up_tools
from benchmarks.results import PYTHON, STARTUP, Results

ROUNDS = 5  # every command this many times per run, the order rotated each round


def commands() -> dict[str, list[str]]:
    """label -> argv; a tool that is not installed is left out."""
    composer = str(up_tools.composer_binary())
    found = {
        "composer version": [composer, "version"],
        "composer --help": [composer, "--help"],
        "composer up --help": [composer, "up", "--help"],
        PYTHON: [str(up_tools.VENV_BIN / "python"), "-c", "pass"],
    }
    with contextlib.suppress(RuntimeError):
        found["docker compose version"] = [str(up_tools.reference_binary()), "version"]
    podman_compose = up_tools.VENV_BIN / "podman-compose"
    if podman_compose.is_file():
        found["podman-compose version"] = [str(podman_compose), "version"]
    return found


class StartupBench:
    def __init__(self, rounds: int = ROUNDS) -> None:
        self.commands = commands()
        self.rounds = rounds
        self.env = up_tools.clean_env()

    def run_once(self, number: int, results: Results) -> None:
        labels = list(self.commands)
        # An empty directory: no compose file for anything to find.
        with tempfile.TemporaryDirectory(prefix="bench-startup-") as cwd:
            for round_ in range(self.rounds):
                shift = (number + round_) % len(labels)
                for label in labels[shift:] + labels[:shift]:
                    self._one(label, Path(cwd), results)
        print(f"run {number} startup: {len(labels)} commands x {self.rounds}", flush=True)

    def _one(self, label: str, cwd: Path, results: Results) -> None:
        done = timing.run(self.commands[label], cwd=cwd, env=self.env, timeout=60)
        if done.code != 0:
            results.fail((STARTUP, label), f"exit {done.code}: {done.said()}")
        results.add((STARTUP, label), done.seconds)
