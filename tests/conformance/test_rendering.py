"""The renderer alone against the reference: reference output read back, printed again, equal.

This isolates config_output from the loader: the reference's own YAML is read into plain data,
then composer prints it in YAML and JSON, and both must match the reference byte for byte.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from composer.generate.config_output import render_config
from composer.loader.read.yaml12 import read_yaml

pytestmark = pytest.mark.conformance

SAMPLES = [
    ("compose-go/loader", ["-f", "full-example.yml"], ["--no-consistency"]),
    (
        "compose-go/cli/testdata/simple",
        ["-f", "compose.yaml", "-f", "compose-with-overrides.yaml"],
        [],
    ),
    ("docker-compose-e2e/dependencies", ["-f", "deps-completed-successfully.yaml"], []),
    ("podman-compose/tests/integration/build_labels", ["-f", "docker-compose.yml"], []),
    (
        "podman-compose/tests/integration/pod_args/custom_pod_args_empty",
        ["-f", "docker-compose.yml"],
        [],
    ),
]


def reference(binary: Path, cwd: Path, args: list[str]) -> str:
    proc = subprocess.run(
        [str(binary), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp/composer-conformance-home"},
    )
    return proc.stdout


@pytest.mark.parametrize(("where", "args", "config_args"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_reference_output_is_reprinted_identically(
    reference_bin: Path,
    conformance: ModuleType,
    where: str,
    args: list[str],
    config_args: list[str],
) -> None:
    cwd = conformance.CONFORMANCE / where
    yaml_text = reference(reference_bin, cwd, [*args, "config", *config_args])
    json_text = reference(reference_bin, cwd, [*args, "config", *config_args, "--format", "json"])
    data = read_yaml(yaml_text.replace("$$", "$"), "reference")[0][0]
    assert render_config(data, "yaml") == yaml_text
    assert render_config(data, "json") == json_text


ALPHABET = list(" \t\n-?:,[]{}#&*!|>'\"%@`.0123456789eE+_xXoObB~=\\/aynNtTf") + [
    "é",
    "\u00a0",
    "😀",
    "--- ",
    "...",
    ": ",
    " #",
    "true",
    "null",
    "0x",
    "2001-12-14",
    "12:30",
]


def test_string_styles_match_the_reference(reference_bin: Path, tmp_path: Path) -> None:
    rng = random.Random(7)
    values = sorted(
        {"".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 7))) for _ in range(800)}
    )
    environment = {f"K{i:04d}": value for i, value in enumerate(values)}
    labels = {value: "x" for value in values if "\n" not in value and not value.startswith("x-")}
    service = {"image": "x", "environment": environment, "labels": labels}
    (tmp_path / "compose.yaml").write_text(
        json.dumps({"services": {"s": service}}, ensure_ascii=False)
    )
    yaml_text = reference(reference_bin, tmp_path, ["-p", "fuzz", "config", "--no-interpolate"])
    data = {
        "name": "fuzz",
        "networks": {"default": {"name": "fuzz_default"}},
        "services": {"s": {**service, "networks": {"default": None}}},
    }
    ours = render_config(data, "yaml", model=True, escape_dollars=False)
    # go-yaml v3 (docker's --no-interpolate writer) drops the blank first line of a literal
    # block; compare the values that do not start with a line break
    keep = [key for key, value in environment.items() if not value.startswith("\n")]
    assert _values(ours, keep) == _values(yaml_text, keep)
    assert _label_lines(ours) == _label_lines(yaml_text)


def _values(text: str, keys: list[str]) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    current = None
    for line in text.split("\n"):
        if line.startswith("      K") and line[7:11].isdigit():
            current = line[6:11]
            blocks[current] = [line]
        elif not line.startswith("        "):
            current = None
        elif current:
            blocks[current].append(line)
    return {key: blocks.get(key, []) for key in keys}


def _label_lines(text: str) -> list[str]:
    lines = text.split("\n")
    start = lines.index("    labels:")
    return [
        line
        for line in lines[start:]
        if line.startswith("      ") and not line.startswith("       ")
    ]
