"""The picture in Graphviz's DOT language (`composer graph --format dot`, and svg/png through it).

Services are boxes, networks ellipses, named volumes cylinders, bind mounts folders. An arrow
`a -> b` means a needs b, labelled with the condition; cycle edges are red and the cycles are
named in the title.
"""

from __future__ import annotations

from composer.generate.graph_model import Picture, ServiceNode, cycle_text

FONT = "Helvetica"
CYCLE_COLOR = "#d62728"


def quoted(text: str) -> str:
    """A DOT string: quotes and backslashes escaped, newlines as `\\n` (centred lines)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def service_id(name: str) -> str:
    return quoted(f"service:{name}")


def _service_label(node: ServiceNode) -> str:
    lines = [node.name, node.image]
    if node.replicas != 1:
        lines.append(f"replicas: {node.replicas}")
    if node.ports:
        lines.append("ports: " + ", ".join(node.ports))
    return "\n".join(lines)


def _title(picture: Picture) -> str:
    lines = [f"project {picture.project}"]
    lines += [f"cycle: {cycle_text(cycle)}" for cycle in picture.cycles]
    return "\n".join(lines)


def _attributes(**values: str) -> str:
    return "[" + ", ".join(f"{key}={value}" for key, value in values.items()) + "]"


def _nodes(picture: Picture) -> list[str]:
    out = []
    for node in picture.services:
        style = _attributes(
            shape="box",
            style=quoted("rounded,filled"),
            fillcolor=quoted("#dbeafe"),
            label=quoted(_service_label(node)),
        )
        out.append(f"  {service_id(node.name)} {style};")
    for name in picture.networks:
        style = _attributes(shape="ellipse", style="dashed", label=quoted(f"network {name}"))
        out.append(f"  {quoted('network:' + name)} {style};")
    for name in picture.volumes:
        style = _attributes(shape="cylinder", label=quoted(f"volume {name}"))
        out.append(f"  {quoted('volume:' + name)} {style};")
    for path in picture.binds:
        out.append(f"  {quoted('bind:' + path)} {_attributes(shape='folder', label=quoted(path))};")
    return out


def _edges(picture: Picture) -> list[str]:
    out = []
    for edge in picture.edges:
        red = {"color": quoted(CYCLE_COLOR), "fontcolor": quoted(CYCLE_COLOR), "penwidth": "2"}
        style = _attributes(label=quoted(edge.label), **(red if edge.in_cycle else {}))
        out.append(f"  {service_id(edge.source)} -> {service_id(edge.target)} {style};")
    for node in picture.services:
        for network in node.networks:
            style = _attributes(style="dotted", arrowhead="none")
            out.append(f"  {service_id(node.name)} -> {quoted('network:' + network)} {style};")
        for mount in node.mounts:
            target = f"{mount.target}:ro" if mount.read_only else mount.target
            style = _attributes(style="dashed", arrowhead="none", label=quoted(target))
            other = quoted(f"{mount.kind}:{mount.source}")
            out.append(f"  {service_id(node.name)} -> {other} {style};")
    return out


def render_dot(picture: Picture) -> str:
    title = _attributes(rankdir="LR", fontname=FONT, labelloc="t", label=quoted(_title(picture)))
    out = [f"digraph {quoted(picture.project)} {{", f"  graph {title};"]
    out.append(f"  node {_attributes(fontname=FONT, fontsize='11')};")
    out.append(f"  edge {_attributes(fontname=FONT, fontsize='10')};")
    out += _nodes(picture) + _edges(picture)
    out.append("}")
    return "\n".join(out) + "\n"
