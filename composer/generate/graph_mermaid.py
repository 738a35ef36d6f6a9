"""The picture as a Mermaid flowchart (`composer graph --format mermaid`), for Markdown pages.

Node ids are made from their position (s1, n1, v1, b1) so that any service name is safe;
the names are in the quoted labels. Cycle edges are drawn red and named in a comment.
"""

from __future__ import annotations

from composer.generate.graph_model import Picture, ServiceNode, cycle_text

CYCLE_STYLE = "stroke:#d62728,stroke-width:2px,color:#d62728"


def text(value: str) -> str:
    """A quoted Mermaid label: `"` as an entity, lines joined by `<br/>`."""
    return '"' + value.replace('"', "#quot;").replace("\n", "<br/>") + '"'


def _label(node: ServiceNode) -> str:
    lines = [f"<b>{node.name}</b>", node.image]
    if node.replicas != 1:
        lines.append(f"replicas: {node.replicas}")
    if node.ports:
        lines.append("ports: " + ", ".join(node.ports))
    return "\n".join(lines)


def render_mermaid(picture: Picture) -> str:
    ids = {f"service:{node.name}": f"s{i}" for i, node in enumerate(picture.services, start=1)}
    ids.update({f"network:{name}": f"n{i}" for i, name in enumerate(picture.networks, start=1)})
    ids.update({f"volume:{name}": f"v{i}" for i, name in enumerate(picture.volumes, start=1)})
    ids.update({f"bind:{path}": f"b{i}" for i, path in enumerate(picture.binds, start=1)})
    out = ["flowchart LR", f"  %% project {picture.project}"]
    out += [f"  %% cycle: {cycle_text(cycle)}" for cycle in picture.cycles]
    for node in picture.services:
        out.append(f"  {ids['service:' + node.name]}[{text(_label(node))}]")
    for name in picture.networks:
        out.append(f"  {ids['network:' + name]}([{text('network ' + name)}])")
    for name in picture.volumes:
        out.append(f"  {ids['volume:' + name]}[({text('volume ' + name)})]")
    for path in picture.binds:
        out.append(f"  {ids['bind:' + path]}[/{text(path)}/]")
    links = 0
    red = []
    for edge in picture.edges:
        source, target = ids["service:" + edge.source], ids["service:" + edge.target]
        out.append(f"  {source} -->|{text(edge.label)}| {target}")
        if edge.in_cycle:
            red.append(links)
        links += 1
    for node in picture.services:
        source = ids["service:" + node.name]
        for network in node.networks:
            out.append(f"  {source} -.- {ids['network:' + network]}")
            links += 1
        for mount in node.mounts:
            target = f"{mount.target}:ro" if mount.read_only else mount.target
            out.append(f"  {source} -.-|{text(target)}| {ids[mount.kind + ':' + mount.source]}")
            links += 1
    if red:
        out.append(f"  linkStyle {','.join(str(n) for n in red)} {CYCLE_STYLE}")
    return "\n".join(out) + "\n"
