"""The picture as a tree in the terminal (`composer graph --format text`).

Each service that nothing needs is a root; below it, what it needs, with the condition. A
service already drawn is named again with `(see above)`; one that closes a cycle, `(cycle)`.
Networks, volumes and bind mounts follow, with the services that use them.
"""

from __future__ import annotations

from composer.generate.graph_model import Picture, ServiceNode, cycle_text

BRANCH, LAST, PIPE, BLANK = "├── ", "└── ", "│   ", "    "


def _details(node: ServiceNode) -> str:
    parts = [node.image]
    if node.replicas != 1:
        parts.append(f"replicas {node.replicas}")
    if node.ports:
        parts.append("ports " + ", ".join(node.ports))
    return "  ".join(parts)


class _Tree:
    def __init__(self, picture: Picture) -> None:
        self.picture = picture
        self.nodes = {node.name: node for node in picture.services}
        self.lines: list[str] = []
        self.drawn: set[str] = set()

    def service(
        self, name: str, label: str, prefix: str, last: bool, path: tuple[str, ...]
    ) -> None:
        head = f"{prefix}{LAST if last else BRANCH}"
        shown = f"{name} ({label})" if label else name
        if name in path:
            self.lines.append(f"{head}{shown} (cycle)")
            return
        if name in self.drawn:
            self.lines.append(f"{head}{shown} (see above)")
            return
        self.drawn.add(name)
        self.lines.append(f"{head}{shown}  {_details(self.nodes[name])}")
        needs = self.picture.needs(name)
        inner = prefix + (BLANK if last else PIPE)
        for index, edge in enumerate(needs):
            self.service(edge.target, edge.label, inner, index == len(needs) - 1, (*path, name))

    def section(self, title: str, rows: list[str]) -> None:
        if not rows:
            return
        self.lines.append(title)
        for index, row in enumerate(rows):
            self.lines.append(f"{LAST if index == len(rows) - 1 else BRANCH}{row}")


def render_text(picture: Picture) -> str:
    tree = _Tree(picture)
    tree.lines.append(f"project {picture.project}")
    for index, name in enumerate(_roots(picture)):
        tree.service(name, "", "", index == len(_roots(picture)) - 1, ())
    users = _users(picture)
    tree.section(
        "networks", [f"{name}: {', '.join(users['network:' + name])}" for name in picture.networks]
    )
    tree.section(
        "volumes", [f"{name}: {', '.join(users['volume:' + name])}" for name in picture.volumes]
    )
    tree.section(
        "bind mounts", [f"{path}: {', '.join(users['bind:' + path])}" for path in picture.binds]
    )
    tree.section("cycles", [cycle_text(cycle) for cycle in picture.cycles])
    return "\n".join(tree.lines) + "\n"


def _roots(picture: Picture) -> list[str]:
    """Services nothing needs; then, for parts that are all cycle, their first service."""
    needed = {edge.target for edge in picture.edges}
    roots = [node.name for node in picture.services if node.name not in needed]
    reached = _reachable(picture, roots)
    for node in picture.services:
        if node.name not in reached:
            roots.append(node.name)
            reached |= _reachable(picture, [node.name])
    return roots


def _reachable(picture: Picture, roots: list[str]) -> set[str]:
    found: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(edge.target for edge in picture.needs(name))
    return found


def _users(picture: Picture) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node in picture.services:
        for network in node.networks:
            found.setdefault(f"network:{network}", []).append(node.name)
        for mount in node.mounts:
            where = f"{node.name}:{mount.target}" + (":ro" if mount.read_only else "")
            found.setdefault(f"{mount.kind}:{mount.source}", []).append(where)
    return found
