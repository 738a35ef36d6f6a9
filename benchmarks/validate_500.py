"""Time schema validation of a generated 500-service compose file (target: well under 150 ms).

Run from the repository: `.venv/bin/python benchmarks/validate_500.py [SERVICES]`.
Each service has an image, two ports, a bind and a named volume, three environment entries
and depends_on the previous service, as in the reference measurements of docker compose.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from composer.loader.context import ConfigDocument, Discovery, LoadContext, LoadOptions
from composer.loader.read.yaml12 import read_yaml
from composer.loader.schema import validate


def compose_text(count: int) -> str:
    lines = ["services:"]
    for i in range(count):
        lines += [
            f"  svc{i}:",
            "    image: nginx:1.0",
            f"    ports: ['{8000 + i}:80', '127.0.0.1:{9000 + i}:443']",
            f"    volumes: ['./data{i}:/data', 'vol{i}:/var/lib/x']",
            "    environment: {A: '1', B: two, C: '3'}",
        ]
        if i:
            lines.append(f"    depends_on: [svc{i - 1}]")
    lines.append("volumes:")
    lines += [f"  vol{i}: {{}}" for i in range(count)]
    return "\n".join(lines) + "\n"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    data, sources = read_yaml(compose_text(count), "compose.yaml")[0]
    ctx = LoadContext(
        LoadOptions(cwd=".", environ={}),
        Discovery(working_dir=".", files=[], environment={}, env_files=[], profiles=()),
    )
    start = time.perf_counter()
    validate.compiled_validator()
    compile_ms = (time.perf_counter() - start) * 1000
    runs = []
    for _ in range(20):
        doc = ConfigDocument("compose.yaml", "compose.yaml", ".", data, sources)
        start = time.perf_counter()
        validate.validate_document(doc, ctx)
        runs.append((time.perf_counter() - start) * 1000)
    result = {
        "services": count,
        "compile_ms": round(compile_ms, 2),
        "validate_ms_median": round(statistics.median(runs), 2),
        "validate_ms_max": round(max(runs), 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
