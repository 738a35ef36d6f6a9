"""Kubernetes manifests as one multi-document YAML text, keys in the order they were built."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

Manifest = dict[str, Any]


class _Dumper(yaml.SafeDumper):
    """Block style; lists indented under their key, as kubectl prints them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: object) -> bool:
        # A probe's command shared by readiness and liveness is written out twice, not as
        # an anchor: anchors are legal YAML but surprise every reader of a manifest.
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (a config file in a ConfigMap) reads best as a literal block.
    if "\n" in value and all(ch.isprintable() or ch == "\n" for ch in value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def dump_manifests(documents: Iterable[Manifest], header: str = "") -> str:
    """`---`-separated documents; PyYAML quotes what YAML 1.1 would read as another type."""
    parts = [
        yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=10_000)
        for doc in documents
    ]
    body = "".join(f"---\n{part}" for part in parts)
    return f"{header}{body}"
