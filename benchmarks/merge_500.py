"""Time the merge of two generated 500-service compose files (target: well under 50 ms).

Run from the repository: `.venv/bin/python benchmarks/merge_500.py [SERVICES]`.
The first file is the reference measurements' shape (an image, two ports, a bind and a named
volume, three environment entries, depends_on the previous service); the second overrides every
service: image, one more port, environment as a list, labels, and a volume on the same target.
Prints the median of `merge_documents` and of `finish` (markers and unicity), in ms.
"""

from __future__ import annotations

import statistics
import sys
import time

from composer.loader.combine import merge
from composer.loader.context import ConfigDocument
from composer.loader.read.yaml12 import read_yaml


def base_text(count: int) -> str:
    lines = ["services:"]
    for i in range(count):
        lines += [
            f"  svc{i}:",
            "    image: nginx:${TAG:-1.0}",
            f"    ports: ['{8000 + i}:80', '127.0.0.1:{9000 + i}:443']",
            f"    volumes: ['./data{i}:/data', 'vol{i}:/var/lib/x']",
            "    environment: {A: '1', B: two, C: '3'}",
        ]
        if i:
            lines.append(f"    depends_on: [svc{i - 1}]")
    return "\n".join(lines) + "\n"


def override_text(count: int) -> str:
    lines = ["services:"]
    for i in range(count):
        lines += [
            f"  svc{i}:",
            f"    image: other:{i}",
            f"    ports: ['{10000 + i}:80']",
            "    environment: [B=2, D=4]",
            "    labels: {a: b}",
            f"    volumes: ['./o{i}:/data']",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    base, override = base_text(count), override_text(count)
    merges, finishes = [], []
    for _ in range(15):
        first = ConfigDocument("a.yaml", "a.yaml", ".", *read_yaml(base, "a.yaml")[0])
        second = ConfigDocument("b.yaml", "b.yaml", ".", *read_yaml(override, "b.yaml")[0])
        start = time.perf_counter()
        merged = merge.merge_documents(first, second)
        middle = time.perf_counter()
        merge.finish(merged)
        end = time.perf_counter()
        merges.append((middle - start) * 1000)
        finishes.append((end - middle) * 1000)
    print(
        f"{count} services x 2 files: merge {statistics.median(merges):.1f} ms, "
        f"finish {statistics.median(finishes):.1f} ms"
    )


if __name__ == "__main__":
    main()
