"""The run's tables as Markdown (printed, and written into docs/performance.md between markers)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.results import (
    COMPOSER,
    CONFIG,
    CONFIG_MODES,
    DOCKER_COMPOSE,
    FLOOR,
    GENERATED,
    PHASES,
    PODMAN_COMPOSE,
    PYTHON,
    RSS,
    SMALL,
    STARTUP,
    UP,
    Results,
    ratio,
)
from benchmarks.targets import FAIL, PASS, STARTUP_COMMANDS, Verdict, show

BEGIN = "<!-- benchmarks/run_all.py: begin (generated, do not edit by hand) -->"
END = "<!-- benchmarks/run_all.py: end -->"
UP_TOOLS = (COMPOSER, PODMAN_COMPOSE, DOCKER_COMPOSE, FLOOR)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, padded so that it also reads as plain text; the first column left."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths))
        + "|"
    )
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def seconds_text(value: float | None) -> str:
    return show(value, "s") if value is not None else "-"


def ratio_text(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else "-"


def targets_table(verdicts: Sequence[Verdict]) -> str:
    rows = [[v.target.label, v.measured_text(), v.target.limit_text(), v.status] for v in verdicts]
    return table(["target", "measured", "limit", "result"], rows)


def summary_line(verdicts: Sequence[Verdict]) -> str:
    passed = sum(1 for v in verdicts if v.status == PASS)
    failed = sum(1 for v in verdicts if v.status == FAIL)
    missing = len(verdicts) - passed - failed
    return f"{passed} of {len(verdicts)} targets met, {failed} missed, {missing} not measured."


def startup_table(results: Results, commands: Sequence[str]) -> str:
    base = results.median((STARTUP, PYTHON))
    rows = []
    for command in commands:
        found = results.median((STARTUP, command))
        rows.append([f"`{command}`", seconds_text(found), ratio_text(ratio(found, base))])
    return table(["command", "median", "/ python -c pass"], rows)


def config_table(results: Results) -> str:
    rows = []
    for case in results.cases(GENERATED):
        for mode in CONFIG_MODES:
            ours = results.median((CONFIG, case, mode, COMPOSER))
            theirs = results.median((CONFIG, case, mode, DOCKER_COMPOSE))
            size = case.removeprefix(GENERATED)
            rows.append([f"{size} services", mode, *_three(ours, theirs)])
    small = results.cases(SMALL)
    for mode in CONFIG_MODES:
        ours_all, theirs_all, ratios = _small(results, small, mode)
        if ratios:
            name = f"{len(ratios)} small files (medians of the files)"
            row = [name, mode, seconds_text(statistics.median(ours_all))]
            row += [
                seconds_text(statistics.median(theirs_all)),
                ratio_text(statistics.median(ratios)),
            ]
            rows.append(row)
    return table(["file", "command", COMPOSER, DOCKER_COMPOSE, "composer / docker compose"], rows)


def _three(ours: float | None, theirs: float | None) -> list[str]:
    return [seconds_text(ours), seconds_text(theirs), ratio_text(ratio(ours, theirs))]


def _small(
    results: Results, cases: Sequence[str], mode: str
) -> tuple[list[float], list[float], list[float]]:
    ours_all, theirs_all, ratios = [], [], []
    for case in cases:
        ours = results.median((CONFIG, case, mode, COMPOSER))
        theirs = results.median((CONFIG, case, mode, DOCKER_COMPOSE))
        if ours is not None and theirs:
            ours_all.append(ours)
            theirs_all.append(theirs)
            ratios.append(ours / theirs)
    return ours_all, theirs_all, ratios


def slowest_small(results: Results, count: int = 5) -> str:
    """The small files with the highest composer / docker compose ratio (`config -q`)."""
    mode = CONFIG_MODES[0]
    found = []
    for case in results.cases(SMALL):
        ours = results.median((CONFIG, case, mode, COMPOSER))
        theirs = results.median((CONFIG, case, mode, DOCKER_COMPOSE))
        if ours is not None and theirs:
            found.append((ours / theirs, case.removeprefix(SMALL), ours, theirs))
    found.sort(reverse=True)
    rows = [[f"`{name}`", *_three(ours, theirs)] for _, name, ours, theirs in found[:count]]
    return table(["file", COMPOSER, DOCKER_COMPOSE, "ratio"], rows) if rows else ""


def up_table(results: Results, shape: str, tools: Sequence[str]) -> str:
    others = [tool for tool in tools if tool != COMPOSER]
    header = ["phase", *tools, *(f"composer / {tool}" for tool in others)]
    rows = []
    for phase in PHASES:
        medians = {tool: results.median((UP, shape, tool, phase)) for tool in tools}
        row = [f"`{phase}`", *(seconds_text(medians[tool]) for tool in tools)]
        row += [ratio_text(ratio(medians[COMPOSER], medians[tool])) for tool in others]
        rows.append(row)
    peaks = [results.peak((RSS, shape, tool, "up -d")) for tool in tools]
    rss = ["peak RSS of `up -d`", *(f"{p:.0f} MB" if p is not None else "-" for p in peaks)]
    rows.append(rss + ["" for _ in others])
    return table(header, rows)


def failures(results: Results, notes: Sequence[str]) -> str:
    lines = [f"- note: {note}" for note in notes]
    lines += [
        f"- FAILED: {' '.join(key[1:])}: {message}" for key, message in results.failures.items()
    ]
    return "\n".join(lines)


def update_document(existing: str | None, section: str, title: str = "# Performance") -> str:
    """The document with the generated section replaced (or appended, markers and all)."""
    block = f"{BEGIN}\n{section.strip()}\n{END}"
    if existing is None:
        return f"{title}\n\n{block}\n"
    start, end = existing.find(BEGIN), existing.find(END)
    if start < 0 or end < start:
        return f"{existing.rstrip()}\n\n{block}\n"
    return existing[:start] + block + existing[end + len(END) :]


@dataclass(frozen=True)
class RunInfo:
    """What the section says about the run itself."""

    command: str
    date: str
    runs: int
    machine: str
    versions: str
    load_before: str
    load_after: str


def section(
    info: RunInfo,
    verdicts: Sequence[Verdict],
    results: Results,
    shapes: Sequence[str],
    notes: Sequence[str],
) -> str:
    """The generated part of docs/performance.md: how it was made, the targets, the medians."""
    parts = [
        f"Made by `{info.command}` on {info.date} "
        f"({info.runs} run{'s' if info.runs != 1 else ''}, medians).",
        f"Machine: {info.machine}. Load before {info.load_before}, after {info.load_after}.",
        f"Versions: {info.versions}.",
        "### Targets",
        targets_table(verdicts),
        summary_line(verdicts),
    ]
    measured = dict.fromkeys(key[1] for key in results.samples if key[0] == STARTUP)
    if measured:
        first = [c for c in (*STARTUP_COMMANDS, PYTHON) if c in measured]
        startup = first + [c for c in measured if c not in first]
        parts += ["### Start-up", startup_table(results, startup)]
    if any(key[0] == CONFIG for key in results.samples):
        parts += ["### `config`", config_table(results)]
        slowest = slowest_small(results)
        if slowest:
            parts += ["The small files with the highest ratio (`config -q`):", slowest]
    for shape in shapes:
        if any(key[:2] == (UP, shape) for key in results.samples):
            parts += [f"### Up and down: {shape}", up_table(results, shape, UP_TOOLS)]
    problems = failures(results, notes)
    if problems:
        parts += ["### Notes and failures", problems]
    return "\n\n".join(parts) + "\n"
