"""`composer config` output: the canonical project printed exactly as `docker compose config` does.

Two renderings exist, as in docker compose:

- the *project* (the default): objects print their fields in the reference's fixed order,
  user-keyed mappings are sorted; JSON adds the reference's quirks (`"command": null`,
  `"ipam": {}`, no `x-*` keys below the top level, no `models` section, HTML-safe escapes);
- the *model* (`--no-interpolate`): every mapping sorted, no quirks.

After rendering, every `$` becomes `$$` when the values were interpolated, so the output loads back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from composer.generate.config_schema import JSON_PROJECT_SECTIONS, PROJECT_FIELDS, SHAPES
from composer.generate.goyaml import Writer, go_float, yaml_sorted

YAML = "yaml"
JSON = "json"
FORMATS = (YAML, JSON)


def render_config(
    data: dict[str, Any],
    fmt: str = YAML,
    *,
    model: bool = False,
    escape_dollars: bool = True,
) -> str:
    """The text `config` prints for `data` (LoadedProject.data); JSON has no final newline."""
    text = to_json(data, model=model) if fmt == JSON else to_yaml(data, model=model)
    return text.replace("$", "$$") if escape_dollars else text


def to_yaml(data: dict[str, Any], *, model: bool = False) -> str:
    arranger = _Arranger(json_mode=False)
    arranged = arranger.plain(data) if model else arranger.project(data)
    return Writer().render(arranged)


def to_json(data: dict[str, Any], *, model: bool = False) -> str:
    arranger = _Arranger(json_mode=True)
    arranged = arranger.plain(data) if model else arranger.project(data)
    text = json.dumps(arranged, indent=2, ensure_ascii=False)
    assert arranger.floats is not None
    return _go_json_escapes(arranger.floats.restore(text))


def arrange_project(data: dict[str, Any], *, json_mode: bool) -> dict[str, Any]:
    """A copy of the project with every mapping in the order the reference prints it."""
    return _Arranger(json_mode).project(data)


class _Arranger:
    """Orders one rendering: objects by their shape, maps as Go sorts them for the format."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode
        # encoding/json sorts map keys bytewise; go-yaml uses its own natural order
        self.order: Callable[[Iterable[str]], list[str]] = sorted if json_mode else yaml_sorted
        self.floats = _FloatTokens() if json_mode else None

    def project(self, data: dict[str, Any]) -> dict[str, Any]:
        json_mode = self.json_mode
        out: dict[str, Any] = {}
        for name, child in PROJECT_FIELDS:
            if name in data and (not json_mode or name in JSON_PROJECT_SECTIONS):
                out[name] = self.arrange(data[name], child)
        known = {name for name, _ in PROJECT_FIELDS}
        for key in self.order(k for k in data if k not in known):
            out[key] = self.extension(data[key]) if json_mode else self.plain(data[key])
        if json_mode:
            # the reference marshals its JSON project as a map: every top-level key sorted
            out = {key: out[key] for key in sorted(out)}
        return out

    def arrange(self, value: Any, child: str | None) -> Any:
        if child is None:
            return self.plain(value)
        if child[0] == "[":
            if not isinstance(value, list):
                return self.plain(value)
            return [self.obj(item, child[1:-1]) for item in value]
        if child[0] == "{":
            if not isinstance(value, dict):
                return self.plain(value)
            kind = child[1:-1]
            return {key: self.obj(value[key], kind) for key in self.order(value)}
        return self.obj(value, child)

    def obj(self, value: Any, kind: str) -> Any:
        if not isinstance(value, dict):
            return self.plain(value)  # null, or a short form such as a single ulimit
        shape = SHAPES[kind]
        positions = shape.positions
        json_mode = self.json_mode
        known: list[tuple[int, str]] = []
        unknown: list[str] = []
        for key, item in value.items():
            if key in positions:
                # a null field is an unset Go field: omitted, or printed as its JSON default
                if item is not None:
                    known.append((positions[key][0], key))
            elif not (json_mode and key.startswith("x-")):
                unknown.append(key)  # extensions are YAML-only below the top level
        if json_mode:
            known += [(positions[n][0], n) for n, _ in shape.json_defaults if value.get(n) is None]
        known.sort()
        out: dict[str, Any] = {}
        value_structs = _VALUE_STRUCTS[kind]
        for _, name in known:
            child = positions[name][1]
            item = value.get(name)
            if item is None:
                item = _fresh(dict(shape.json_defaults)[name])
            arranged = self.arrange(item, child) if child else self.plain(item)
            if arranged == {} and not json_mode and name in value_structs:
                continue  # an empty Go struct value: YAML omits it, JSON prints {}
            out[name] = arranged
        for key in self.order(unknown):
            out[key] = self.plain(value[key])
        if json_mode and shape.json_names:
            out = {shape.json_names.get(key, key): item for key, item in out.items()}
        return out

    def plain(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self.plain(value[key]) for key in self.order(value)}
        if isinstance(value, list):
            return [self.plain(item) for item in value]
        if isinstance(value, float) and self.floats is not None:
            return self.floats.token(value)
        return value

    def extension(self, value: Any) -> Any:
        """The reference's JSON prints an empty list inside a top-level extension as null."""
        if isinstance(value, dict):
            return {key: self.extension(value[key]) for key in self.order(value)}
        if isinstance(value, list):
            return [self.extension(item) for item in value] if value else None
        return self.plain(value)


# Fields that are Go struct values (not pointers): JSON always prints them, YAML omits them empty.
_VALUE_STRUCTS = {
    kind: tuple(name for name, default in shape.json_defaults if default == {})
    for kind, shape in SHAPES.items()
}


def _fresh(default: Any) -> Any:
    return dict(default) if isinstance(default, dict) else default


class _FloatTokens:
    """Floats whose Go JSON text differs from Python's (`2.0` -> `2`) go through placeholders."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def token(self, value: float) -> float | str:
        text = go_float(value, json=True)
        if text == repr(value):
            return value
        token = f"\x00float{len(self.texts)}\x00"
        self.texts[json.dumps(token)] = text
        return token

    def restore(self, text: str) -> str:
        for token, number in self.texts.items():
            text = text.replace(token, number)
        return text


def _go_json_escapes(text: str) -> str:
    """Go's encoder escapes <, > and & (and two line separators) inside strings."""
    if any(ch in text for ch in "<>&\u2028\u2029"):
        for raw, escaped in (
            ("<", "\\u003c"),
            (">", "\\u003e"),
            ("&", "\\u0026"),
            ("\u2028", "\\u2028"),
            ("\u2029", "\\u2029"),
        ):
            text = text.replace(raw, escaped)
    return text
