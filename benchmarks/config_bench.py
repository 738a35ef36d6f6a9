"""Time `composer config` against the reference `docker compose config`, side by side.

Run from the repository: `.venv/bin/python benchmarks/config_bench.py [--runs N] [SIZES...]`.
Each generated service has an image with an interpolated tag (`${TAG:-1.0}`), two ports, a bind
and a named volume, three environment entries and depends_on the previous service. Both
programs run as subprocesses (start-up included), `--runs` times each (default 5); the table
shows medians. Targets: composer <= 0.6x the reference at 500 services, and composer's time
at 1000 services <= 2.2x its time at 500.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = (100, 500, 1000)
RATIO_TARGET = 0.6
GROWTH_TARGET = 2.2


def compose_text(count: int) -> str:
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


def reference_binary() -> Path | None:
    """Same lookup as the conformance harness: env var, the venv's script, /tmp/cgv."""
    sys.path.insert(0, str(REPO / "tests" / "conformance"))
    try:
        import harness
    finally:
        sys.path.pop(0)
    found: Path | None = harness.find_reference()
    return found


def time_command(argv: list[str], cwd: Path, runs: int) -> float:
    """Median wall time of `runs` runs; a failing run stops the benchmark."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            message = proc.stderr.decode(errors="replace").strip().splitlines()
            raise SystemExit(f"{argv[0]} failed: {message[-1] if message else proc.returncode}")
    return statistics.median(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    reference = reference_binary()
    if reference is None:
        print("reference docker compose not found (set COMPOSE_REFERENCE_BIN)", file=sys.stderr)
        return 2
    composer = [str(REPO / ".venv" / "bin" / "composer")]
    results: dict[int, tuple[float, float]] = {}
    print(f"{'services':>8} {'composer':>10} {'reference':>10} {'ratio':>7}")
    with tempfile.TemporaryDirectory(prefix="composer-bench-") as tmp:
        for size in args.sizes:
            directory = Path(tmp) / f"s{size}"
            directory.mkdir()
            (directory / "compose.yaml").write_text(compose_text(size))
            ours = time_command([*composer, "config"], directory, args.runs)
            theirs = time_command([str(reference), "config"], directory, args.runs)
            results[size] = (ours, theirs)
            print(f"{size:>8} {ours:>9.3f}s {theirs:>9.3f}s {ours / theirs:>6.2f}x")
    return report_targets(results)


def report_targets(results: dict[int, tuple[float, float]]) -> int:
    print()
    ok = True
    if 500 in results:
        ours, theirs = results[500]
        ratio_ok = ours / theirs <= RATIO_TARGET
        ok &= ratio_ok
        print(
            f"500 services: {ours / theirs:.2f}x the reference (target <= {RATIO_TARGET}x) "
            f"{'ok' if ratio_ok else 'MISSED'}"
        )
    if 500 in results and 1000 in results:
        growth = results[1000][0] / results[500][0]
        reference_growth = results[1000][1] / results[500][1]
        growth_ok = growth <= GROWTH_TARGET
        ok &= growth_ok
        print(
            f"1000/500 growth: composer {growth:.2f}x, reference {reference_growth:.2f}x "
            f"(target <= {GROWTH_TARGET}x) {'ok' if growth_ok else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
