"""`composer config` against `docker compose config` on small real files and generated big ones.

Small files: the example projects (examples/*/compose.yaml, alone and with each override next to
it) and the conformance files of ../shared/conformance that docker compose loads cleanly (exit 0,
no warning) with 1 to 10 services, and composer loads too. Generated files: 50, 500 and 1000
services (`compose_text`). Both programs run as subprocesses, start-up included, with the same
arguments and the same fixed environment as in the conformance tests, each with `config -q` and
`config --format json`, in an order that rotates between files and runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks import timing, up_tools
from benchmarks.results import (
    COMPOSER,
    CONFIG,
    CONFIG_MODES,
    DOCKER_COMPOSE,
    GENERATED,
    SMALL,
    Results,
)
from tests.conformance import harness

SIZES = (50, 500, 1000)
EXAMPLES = up_tools.REPO / "examples"
MAX_SMALL = 10
QUICK_STRIDE = 10  # --quick looks at every tenth conformance file
MODE_ARGS = {"config -q": ("-q",), "config --format json": ("--format", "json")}


def compose_text(count: int) -> str:
    """A generated file: each service has an image with an interpolated tag, two ports, a bind
    and a named volume, three environment entries, and depends_on the previous service."""
    lines = ["services:"]
    for i in range(count):
        lines += [
            f"  svc{i}:",
            "    image: nginx:${TAG:-1.0}",
            f"    ports: ['{8000 + i}:80', '127.0.0.1:{20000 + i}:443']",
            f"    volumes: ['./data{i}:/data', 'vol{i}:/var/lib/x']",
            f"    environment: {{A: '1', B: two, C: 'svc{i}'}}",
        ]
        if i:
            lines.append(f"    depends_on: [svc{i - 1}]")
    lines.append("volumes:")
    lines += [f"  vol{i}: {{}}" for i in range(count)]
    return "\n".join(lines) + "\n"


def example_cases(root: Path = EXAMPLES) -> list[harness.Case]:
    """Each example's compose.yaml alone, and with each compose.*.yaml override beside it."""
    cases = []
    for base in sorted(root.glob("*/compose.yaml")):
        name = base.parent.name
        cases.append(harness.Case(f"examples/{name}/compose.yaml", base.parent, ("-f", base.name)))
        for override in sorted(base.parent.glob("compose.*.yaml")):
            args = ("-f", base.name, "-f", override.name)
            cases.append(
                harness.Case(f"examples/{name}/{base.name}+{override.name}", base.parent, args)
            )
    return cases


def generated_cases(root: Path, sizes: tuple[int, ...] = SIZES) -> list[harness.Case]:
    cases = []
    for size in sizes:
        directory = root / f"generated-{size}"
        directory.mkdir()
        (directory / "compose.yaml").write_text(compose_text(size))
        cases.append(harness.Case(f"{GENERATED}{size}", directory, ("-f", "compose.yaml")))
    return cases


@dataclass(frozen=True)
class Program:
    name: str
    argv: tuple[str, ...]

    def config(self, case: harness.Case, mode: str) -> list[str]:
        return [*self.argv, *case.args, "config", *case.config_args, *MODE_ARGS[mode]]


def programs() -> list[Program]:
    return [
        Program(COMPOSER, (str(up_tools.composer_binary()),)),
        Program(DOCKER_COMPOSE, (str(up_tools.reference_binary()),)),
    ]


def run_case(program: Program, case: harness.Case, mode: str) -> timing.Run:
    Path(harness.HOME).mkdir(parents=True, exist_ok=True)
    return timing.run(program.config(case, mode), cwd=case.cwd, env=case.environment(), timeout=120)


def loads_cleanly(programs: list[Program], case: harness.Case) -> str:
    """Why a small file is left out, or "" when both load it (docker compose without warnings)."""
    reference = next(p for p in programs if p.name == DOCKER_COMPOSE)
    theirs = run_case(reference, case, "config --format json")
    if theirs.code != 0:
        return "docker compose fails"
    if "level=warning" in theirs.stderr:
        return "docker compose warns"
    count = len(json.loads(theirs.stdout).get("services") or {})
    if not 1 <= count <= MAX_SMALL:
        return f"{count} services"
    ours = next(p for p in programs if p.name == COMPOSER)
    if run_case(ours, case, "config --format json").code != 0:
        return "composer fails"
    return ""


class ConfigBench:
    """The config section: selection once, then one pass over every file per run."""

    def __init__(self, root: Path, quick: bool) -> None:
        self.programs = programs()
        self.small = self._select_small(quick)
        self.cases = generated_cases(root) + self.small

    def _select_small(self, quick: bool) -> list[harness.Case]:
        shared = harness.shared_cases()
        candidates = example_cases() + (shared[::QUICK_STRIDE] if quick else shared)
        chosen, left_out = [], {}
        for case in candidates:
            why = loads_cleanly(self.programs, case)
            if why:
                left_out[case.id] = why
            else:
                chosen.append(replace(case, id=f"{SMALL}{case.id}"))
        reasons: dict[str, int] = {}
        for why in left_out.values():
            reasons[why] = reasons.get(why, 0) + 1
        shown = ", ".join(f"{why}: {n}" for why, n in sorted(reasons.items()))
        print(f"config: {len(chosen)} of {len(candidates)} small files load cleanly ({shown})")
        self.left_out = left_out
        return chosen

    def run_once(self, number: int, results: Results) -> None:
        pairs = [(case, mode) for case in self.cases for mode in CONFIG_MODES]
        for index, (case, mode) in enumerate(pairs):
            for program in _rotated(self.programs, number + index):
                key = (CONFIG, case.id, mode, program.name)
                done = run_case(program, case, mode)
                if done.code != 0:
                    results.fail(key, f"exit {done.code}: {done.said()}")
                results.add(key, done.seconds)
        print(
            f"run {number} config: {len(self.cases)} files x {len(CONFIG_MODES)} commands",
            flush=True,
        )


def _rotated(items: list[Program], shift: int) -> Iterator[Program]:
    shift %= len(items)
    yield from items[shift:] + items[:shift]
