"""What a benchmark run measured: samples under keys, their medians, and what failed.

Keys are tuples of strings:
- `("startup", COMMAND)`: seconds of e.g. `composer version`, `python -c pass`;
- `("config", CASE, MODE, TOOL)`: seconds; CASE is `small:<file>` or `generated:<services>`,
  MODE `config -q` or `config --format json`, TOOL `composer` or `docker compose`;
- `("up", SHAPE, TOOL, PHASE)`: seconds of `up -d`, `up -d again`, `ps`, `down -v`;
- `("rss", SHAPE, TOOL, PHASE)`: the command's peak resident set in MB.
A failure recorded under a key's prefix (`("up", SHAPE, TOOL)`) hides every sample under it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

Key = tuple[str, ...]

STARTUP = "startup"
CONFIG = "config"
UP = "up"
RSS = "rss"
COMPOSER = "composer"
PODMAN_COMPOSE = "podman-compose"
DOCKER_COMPOSE = "docker compose"
FLOOR = "api floor"
PYTHON = "python -c pass"
CONFIG_MODES = ("config -q", "config --format json")
PHASES = ("up -d", "up -d again", "ps", "down -v")
SMALL = "small:"
GENERATED = "generated:"


class Results:
    """Samples by key, and failures by key prefix."""

    def __init__(self) -> None:
        self.samples: dict[Key, list[float]] = defaultdict(list)
        self.failures: dict[Key, str] = {}

    def add(self, key: Key, value: float) -> None:
        self.samples[key].append(value)

    def fail(self, prefix: Key, message: str) -> None:
        self.failures.setdefault(prefix, message)

    def failed(self, key: Key) -> bool:
        return any(key[:n] in self.failures for n in range(1, len(key) + 1))

    def values(self, key: Key) -> list[float]:
        """The samples under key; none when it (or a prefix) failed."""
        return [] if self.failed(key) else list(self.samples.get(key, ()))

    def median(self, key: Key) -> float | None:
        found = self.values(key)
        return statistics.median(found) if found else None

    def peak(self, key: Key) -> float | None:
        found = self.values(key)
        return max(found) if found else None

    def cases(self, prefix: str) -> list[str]:
        """The config cases measured whose name starts with prefix, in the order first seen."""
        seen = dict.fromkeys(
            k[1] for k in self.samples if k[0] == CONFIG and k[1].startswith(prefix)
        )
        return list(seen)


def ratio(ours: float | None, theirs: float | None) -> float | None:
    return ours / theirs if ours is not None and theirs else None
