"""Run every benchmark of issue 12 side by side and check its targets: one command, one table.

    .venv/bin/python benchmarks/run_all.py [--runs N] [--quick] [--only startup|config|up]...

Sections (each run goes through all of them in turn, so that noise spreads over all):
- startup: `composer version`, `--help`, `up --help` against `python -c pass`;
- config: `composer config -q` / `--format json` against docker compose on small real files and
  generated 50, 500 and 1000 services (benchmarks/bench_config.py);
- up (as root): composer, podman-compose, docker compose and the API floor on the flat20,
  chained20 and layered100 projects: `up -d`, a no-op `up -d`, `ps`, `down -v`
  (benchmarks/bench_up.py).
It prints the targets with their measured values and PASS/FAIL, then the medians, and writes them
into docs/performance.md (full runs only, unless --write names a file). Exit status 1 when a
target is missed or a tool failed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import shlex
import sys
import tempfile
from pathlib import Path

from benchmarks import projects, report, targets, up_tools
from benchmarks.bench_config import ConfigBench
from benchmarks.bench_startup import StartupBench
from benchmarks.bench_up import UpBench
from benchmarks.results import Results

SECTIONS = ("startup", "config", "up")
DOCUMENT = up_tools.REPO / "docs" / "performance.md"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="runs of every section (default 3; --quick 1)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one run, every tenth conformance file, 2 start-up rounds",
    )
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="this section (repeatable)"
    )
    parser.add_argument(
        "--shape",
        action="append",
        choices=sorted(projects.SHAPES),
        help=f"up/down project (repeatable; default {', '.join(projects.DEFAULT_SHAPES)})",
    )
    parser.add_argument(
        "--write",
        type=Path,
        help="write the tables into this file (a full run writes docs/performance.md)",
    )
    parser.add_argument("--no-write", action="store_true", help="only print the tables")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    args.only = args.only or list(SECTIONS)
    args.shape = args.shape or list(projects.DEFAULT_SHAPES)
    return args


def destination(args: argparse.Namespace) -> Path | None:
    """Where the tables go: --write, else docs/performance.md for a full run, else nowhere."""
    if args.no_write:
        return None
    if args.write:
        return Path(args.write)
    full = (
        not args.quick
        and set(args.only) == set(SECTIONS)
        and args.shape == list(projects.DEFAULT_SHAPES)
    )
    return DOCUMENT if full else None


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def describe_machine() -> str:
    cpu = _first_value(Path("/proc/cpuinfo"), "model name") or platform.processor()
    memory = _first_value(Path("/proc/meminfo"), "MemTotal").removesuffix(" kB")
    memory = f"{int(memory) / 2**20:.0f} GiB" if memory.isdigit() else "? GiB"
    distro = _first_value(Path("/etc/os-release"), "PRETTY_NAME", "=").strip('"')
    podman = _quiet(["podman", "--version"])
    kernel = platform.release()
    return f"{os.cpu_count()} CPUs ({cpu}), {memory} memory, {distro}, Linux {kernel}, {podman}"


def _first_value(path: Path, key: str, separator: str = ":") -> str:
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            name, _, value = line.partition(separator)
            if name.strip() == key:
                return value.strip()
    return ""


def _quiet(argv: list[str]) -> str:
    try:
        return up_tools.output(argv, env=up_tools.clean_env()).splitlines()[0]
    except (RuntimeError, OSError, IndexError):
        return f"{argv[0]}: not available"


def describe_versions() -> str:
    composer = _quiet([str(up_tools.composer_binary()), "version", "--short"])
    podman_compose = _quiet([str(up_tools.VENV_BIN / "podman-compose"), "version"])
    try:
        docker = _quiet([str(up_tools.reference_binary()), "version", "--short"])
    except RuntimeError as error:
        docker = str(error)
    python = platform.python_version()
    return f"composer {composer}, {podman_compose}, docker compose {docker}, Python {python}"


def measure(args: argparse.Namespace, results: Results) -> list[str]:
    """Every run of every chosen section into results; the notes of the up section."""
    notes: list[str] = []
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        benches: list[StartupBench | ConfigBench | UpBench] = []
        if "startup" in args.only:
            benches.append(StartupBench(rounds=2 if args.quick else 5))
        if "config" in args.only:
            (root / "config").mkdir()
            benches.append(ConfigBench(root / "config", args.quick))
        up: UpBench | None = None
        if "up" in args.only:
            url = stack.enter_context(up_tools.podman_service())
            (root / "up").mkdir()
            up = UpBench(url, root / "up", [projects.SHAPES[name] for name in args.shape])
            stack.callback(up.clean_up)
            up.record_broken(results)
            benches.append(up)
        for number in range(1, args.runs + 1):
            for bench in benches:
                bench.run_once(number, results)
        if up is not None:
            notes = up.notes()
    return notes


def main(argv: list[str]) -> int:
    args = parse(argv)
    if "up" in args.only and os.geteuid() != 0:
        print("run as root (the up section uses root's Podman), or pass --only", file=sys.stderr)
        return 2
    command = shlex.join([".venv/bin/python", "benchmarks/run_all.py", *argv])
    machine, versions, before = describe_machine(), describe_versions(), load_average()
    print(f"{machine}\n{versions}\nload {before}", flush=True)
    results = Results()
    notes = measure(args, results)
    verdicts = targets.evaluate(results)
    info = report.RunInfo(
        command=command,
        date=datetime.date.today().isoformat(),
        runs=args.runs,
        machine=machine,
        versions=versions,
        load_before=before,
        load_after=load_average(),
    )
    text = report.section(info, verdicts, results, args.shape, notes)
    print()
    print(text)
    target = destination(args)
    if target is not None:
        existing = target.read_text() if target.exists() else None
        target.write_text(report.update_document(existing, text))
        print(f"written to {target}")
    missed = any(v.status == targets.FAIL for v in verdicts)
    return 1 if missed or results.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
