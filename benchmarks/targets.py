"""Issue 12's targets, each a measurement over one run's Results and a limit: PASS, FAIL or n/a."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.results import (
    COMPOSER,
    CONFIG,
    CONFIG_MODES,
    DOCKER_COMPOSE,
    FLOOR,
    GENERATED,
    PODMAN_COMPOSE,
    PYTHON,
    RSS,
    SMALL,
    STARTUP,
    UP,
    Results,
    ratio,
)

STARTUP_COMMANDS = ("composer version", "composer --help", "composer up --help")
SHAPES_20 = ("flat20", "chained20")
LARGE_SHAPE = "layered100"
GROWTH_BASE = "flat20"  # layered100 is five layers of flat20's twenty services
PASS, FAIL, NOT_MEASURED = "PASS", "FAIL", "n/a"


@dataclass(frozen=True)
class Measured:
    value: float
    detail: str = ""


@dataclass(frozen=True)
class Target:
    """One line of the issue's Targets: `measure(results) <= limit` (or `<` when strict)."""

    label: str
    limit: float
    unit: str  # "s", "x" or "MB"
    measure: Callable[[Results], Measured | None]
    strict: bool = False

    def limit_text(self) -> str:
        return f"{'<' if self.strict else '<='} {show(self.limit, self.unit)}"


@dataclass(frozen=True)
class Verdict:
    target: Target
    measured: Measured | None

    @property
    def status(self) -> str:
        if self.measured is None:
            return NOT_MEASURED
        value, limit = self.measured.value, self.target.limit
        ok = value < limit if self.target.strict else value <= limit
        return PASS if ok else FAIL

    def measured_text(self) -> str:
        if self.measured is None:
            return "-"
        shown = show(self.measured.value, self.target.unit)
        return f"{shown} ({self.measured.detail})" if self.measured.detail else shown


def show(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f}x"


def seconds(key: tuple[str, ...]) -> Callable[[Results], Measured | None]:
    def measure(results: Results) -> Measured | None:
        found = results.median(key)
        return Measured(found) if found is not None else None

    return measure


def ratio_of(
    ours: tuple[str, ...], theirs: tuple[str, ...], names: tuple[str, str]
) -> Callable[[Results], Measured | None]:
    """ours / theirs (medians), with both figures as the detail."""

    def measure(results: Results) -> Measured | None:
        a, b = results.median(ours), results.median(theirs)
        found = ratio(a, b)
        if found is None or a is None or b is None:
            return None
        return Measured(found, f"{names[0]} {show(a, 's')}, {names[1]} {show(b, 's')}")

    return measure


def config_ratio(case: str, mode: str) -> Callable[[Results], Measured | None]:
    return ratio_of(
        (CONFIG, case, mode, COMPOSER),
        (CONFIG, case, mode, DOCKER_COMPOSE),
        (COMPOSER, DOCKER_COMPOSE),
    )


def small_files(mode: str, limit: float) -> Callable[[Results], Measured | None]:
    """The worst composer / docker compose ratio over the small files, with the median and how
    many files are within the limit."""

    def measure(results: Results) -> Measured | None:
        ratios = {}
        for case in results.cases(SMALL):
            found = config_ratio(case, mode)(results)
            if found is not None:
                ratios[case] = found.value
        if not ratios:
            return None
        worst = max(ratios, key=ratios.__getitem__)
        within = sum(1 for value in ratios.values() if value <= limit)
        detail = (
            f"worst {worst.removeprefix(SMALL)}; median {statistics.median(ratios.values()):.2f}x; "
            f"{within} of {len(ratios)} files within"
        )
        return Measured(ratios[worst], detail)

    return measure


def config_growth(mode: str) -> Callable[[Results], Measured | None]:
    def measure(results: Results) -> Measured | None:
        key = (CONFIG, f"{GENERATED}1000", mode)
        base = (CONFIG, f"{GENERATED}500", mode)
        ours = ratio(results.median((*key, COMPOSER)), results.median((*base, COMPOSER)))
        theirs = ratio(
            results.median((*key, DOCKER_COMPOSE)), results.median((*base, DOCKER_COMPOSE))
        )
        if ours is None:
            return None
        detail = f"docker compose {theirs:.2f}x" if theirs is not None else ""
        return Measured(ours, detail)

    return measure


def up_growth(results: Results) -> Measured | None:
    """composer's growth of `up -d` from flat20 to layered100, over the floor's same growth."""
    phase = "up -d"
    ours = ratio(
        results.median((UP, LARGE_SHAPE, COMPOSER, phase)),
        results.median((UP, GROWTH_BASE, COMPOSER, phase)),
    )
    floor = ratio(
        results.median((UP, LARGE_SHAPE, FLOOR, phase)),
        results.median((UP, GROWTH_BASE, FLOOR, phase)),
    )
    if ours is None or floor is None:
        return None
    return Measured(ours / floor, f"composer {ours:.2f}x, api floor {floor:.2f}x")


def peak_rss(results: Results) -> Measured | None:
    found = results.peak((RSS, LARGE_SHAPE, COMPOSER, "up -d"))
    return Measured(found, "the largest of the runs") if found is not None else None


def startup_targets() -> list[Target]:
    found = []
    for command in STARTUP_COMMANDS:
        key = (STARTUP, command)
        found += [
            Target(f"`{command}`: at most 0.12 s", 0.12, "s", seconds(key)),
            Target(
                f"`{command}`: at most 12x `python -c pass`",
                12,
                "x",
                ratio_of(key, (STARTUP, PYTHON), ("composer", "python")),
            ),
        ]
    return found


def config_targets() -> list[Target]:
    found = []
    for mode in CONFIG_MODES:
        command = f"`composer {mode}`"
        found += [
            Target(
                f"{command}, each small file (1-10 services): at most 1.5x docker compose",
                1.5,
                "x",
                small_files(mode, 1.5),
            ),
            Target(
                f"{command}, 50 services: at most 1.0x docker compose",
                1.0,
                "x",
                config_ratio(f"{GENERATED}50", mode),
            ),
            Target(
                f"{command}, 500 services: at most 0.5x docker compose",
                0.5,
                "x",
                config_ratio(f"{GENERATED}500", mode),
            ),
            Target(
                f"{command}, growth from 500 to 1000 services: at most 2.1x",
                2.1,
                "x",
                config_growth(mode),
            ),
        ]
    return found


def _up(shape: str, tool: str, phase: str) -> tuple[str, ...]:
    return (UP, shape, tool, phase)


def up_targets(shape: str) -> list[Target]:
    again, ps, up, down = "up -d again", "ps", "up -d", "down -v"
    return [
        Target(
            f"second `up -d` with nothing to do ({shape}): at most 0.35 s",
            0.35,
            "s",
            seconds(_up(shape, COMPOSER, again)),
        ),
        Target(
            f"second `up -d` ({shape}): at most 0.2x podman-compose's",
            0.2,
            "x",
            ratio_of(
                _up(shape, COMPOSER, again),
                _up(shape, PODMAN_COMPOSE, again),
                (COMPOSER, PODMAN_COMPOSE),
            ),
        ),
        Target(
            f"second `up -d` ({shape}): at most 2x `composer ps`",
            2.0,
            "x",
            ratio_of(_up(shape, COMPOSER, again), _up(shape, COMPOSER, ps), ("up -d", "ps")),
        ),
        Target(
            f"`composer ps` ({shape}): at most 0.3 s", 0.3, "s", seconds(_up(shape, COMPOSER, ps))
        ),
        Target(
            f"`up -d` ({shape}): at most 1.15x the API floor",
            1.15,
            "x",
            ratio_of(_up(shape, COMPOSER, up), _up(shape, FLOOR, up), (COMPOSER, FLOOR)),
        ),
        Target(
            f"`up -d` ({shape}): at most 0.6x docker compose",
            0.6,
            "x",
            ratio_of(
                _up(shape, COMPOSER, up), _up(shape, DOCKER_COMPOSE, up), (COMPOSER, DOCKER_COMPOSE)
            ),
        ),
        Target(
            f"`down -v` ({shape}): at most 1.2x the API floor",
            1.2,
            "x",
            ratio_of(_up(shape, COMPOSER, down), _up(shape, FLOOR, down), (COMPOSER, FLOOR)),
        ),
        Target(
            f"`down -v` ({shape}): at most 0.5x docker compose",
            0.5,
            "x",
            ratio_of(
                _up(shape, COMPOSER, down),
                _up(shape, DOCKER_COMPOSE, down),
                (COMPOSER, DOCKER_COMPOSE),
            ),
        ),
    ]


def large_targets() -> list[Target]:
    return [
        Target(
            f"`up -d` ({LARGE_SHAPE}): grows from {GROWTH_BASE} no faster than the API floor",
            1.0,
            "x",
            up_growth,
        ),
        Target(
            f"peak RSS of `up -d` ({LARGE_SHAPE}): under 120 MB", 120, "MB", peak_rss, strict=True
        ),
    ]


def all_targets() -> list[Target]:
    ups = [target for shape in SHAPES_20 for target in up_targets(shape)]
    return startup_targets() + config_targets() + ups + large_targets()


def evaluate(results: Results, targets: list[Target] | None = None) -> list[Verdict]:
    return [Verdict(t, t.measure(results)) for t in (targets or all_targets())]
