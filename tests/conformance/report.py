"""Print how many conformance cases match the reference: `python tests/conformance/report.py`.

Arguments are substrings that select case ids (none: every case). `-v` prints every
difference of every case that is not equal; otherwise one line per such case.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "composer_conformance_harness", Path(__file__).with_name("harness.py")
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    harness = _harness()
    verbose = "-v" in argv
    selectors = [arg for arg in argv if arg != "-v"]
    reference = harness.find_reference()
    if reference is None:
        print("reference docker compose not found (set COMPOSE_REFERENCE_BIN)", file=sys.stderr)
        return 2
    cases = [c for c in harness.all_cases() if not selectors or any(s in c.id for s in selectors)]
    statuses: Counter[str] = Counter()
    passed = 0
    for case in cases:
        outcome = harness.compare(reference, case)
        statuses[outcome.status] += 1
        passed += outcome.passed
        if not outcome.passed:
            shown = outcome.details if verbose else outcome.details[:1]
            print(f"{outcome.status:18} {case.id}: {' | '.join(shown)}")
    print()
    for status, count in statuses.most_common():
        print(f"{count:4} {status}")
    print(f"{passed}/{len(cases)} equal")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
