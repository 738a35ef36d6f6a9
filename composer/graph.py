"""The dependency graph of a project's services, over every kind of reference.

An edge `a -> b` means "a needs b" (depends_on, links, volumes_from, network_mode/ipc/pid
`service:b`), with the merged Dependency on it. networkx is imported here only, and lazily:
loading it costs a few hundred milliseconds that `config` does not need.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.model import Dependency, Project

N = TypeVar("N", bound=Hashable)


def closure(edges: Mapping[str, Iterable[str]], roots: Iterable[str]) -> set[str]:
    """`roots` and everything reachable from them along `edges`, over keys of `edges` only.

    The one transitive closure: pass "needs" edges for dependencies, `reverse_edges(needs)`
    for dependents. Roots and targets that are not keys of `edges` are left out.
    """
    found: set[str] = set()
    pending = [root for root in roots if root in edges]
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(t for t in edges[name] if t in edges and t not in found)
    return found


def reverse_edges(edges: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """`a -> b` becomes `b -> a`, every key of `edges` kept (sorted targets, no duplicates)."""
    reverse: dict[str, set[str]] = {name: set() for name in edges}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    return {name: sorted(sources) for name, sources in reverse.items()}


def find_cycle(needs: Mapping[N, Iterable[N]]) -> list[N] | None:
    """The first dependency cycle, as `[a, b, c, a]`, or None.

    Deterministic like docker compose: services are visited in sorted order and so are the
    services each one needs, so the same file always names the same cycle. Targets that are not
    keys of `needs` are ignored. Iterative, so a long chain cannot exhaust the stack. Nodes may
    be any hashable value (the executor's); they are sorted by their text.
    """
    done: set[N] = set()
    for start in sorted(needs, key=str):
        if start not in done:
            cycle = _cycle_from(start, needs, done)
            if cycle is not None:
                return cycle
    return None


def _cycle_from(start: N, needs: Mapping[N, Iterable[N]], done: set[N]) -> list[N] | None:
    path = [start]
    position = {start: 0}
    pending: list[Iterator[N]] = [iter(sorted(set(needs[start]), key=str))]
    while pending:
        target = next(pending[-1], None)
        if target is None:
            finished = path.pop()
            del position[finished]
            done.add(finished)
            pending.pop()
        elif target in position:
            return [*path[position[target] :], target]
        elif target not in done and target in needs:
            position[target] = len(path)
            path.append(target)
            pending.append(iter(sorted(set(needs[target]), key=str)))
    return None


def cycle_message(cycle: list[str]) -> str:
    """docker compose's wording: `dependency cycle detected: a -> b -> a`."""
    return "dependency cycle detected: " + " -> ".join(cycle)


class ServiceGraph:
    """A networkx DiGraph of service names; queries return names in a stable order."""

    def __init__(self, digraph: Any) -> None:
        self.digraph = digraph

    @property
    def services(self) -> list[str]:
        return sorted(self.digraph.nodes)

    def dependencies(self, name: str) -> list[Dependency]:
        """What `name` needs directly, sorted by service name."""
        self._require(name)
        edges = self.digraph.out_edges(name, data="dependency")
        return sorted((dep for _, _, dep in edges), key=lambda dep: dep.service)

    def edges(self) -> list[tuple[str, Dependency]]:
        """Every (service, what it needs), sorted: for pictures and listings."""
        found = [(source, dep) for source, _, dep in self.digraph.edges(data="dependency")]
        return sorted(found, key=lambda edge: (edge[0], edge[1].service))

    def check_acyclic(self) -> None:
        """Raise a ComposerError naming the cycle if there is one."""
        cycle = find_cycle({node: list(self.digraph.successors(node)) for node in self.digraph})
        if cycle is not None:
            raise ComposerError(cycle_message(cycle))

    def select(self, names: Iterable[str], include_deps: bool = True) -> list[str]:
        """The named services, plus (by default) everything they need, in start order.

        No names selects every service.
        """
        wanted = list(names)
        for name in wanted:
            self._require(name)
        if not wanted:
            return self.start_order()
        chosen = set(wanted)
        if include_deps:
            import networkx as nx

            for name in wanted:
                chosen |= nx.descendants(self.digraph, name)
        return self.start_order(chosen)

    def dependents(self, name: str) -> list[str]:
        """Every service that needs `name`, directly or not, in stop order (outermost first)."""
        import networkx as nx

        self._require(name)
        return self.stop_order(nx.ancestors(self.digraph, name))

    def start_order(self, names: Iterable[str] | None = None) -> list[str]:
        """Dependencies before the services that need them; ties sorted by name."""
        import networkx as nx

        graph = self._restricted(names).reverse(copy=False)
        return list(nx.lexicographical_topological_sort(graph))

    def stop_order(self, names: Iterable[str] | None = None) -> list[str]:
        """For teardown: services before what they need; ties sorted by name."""
        import networkx as nx

        return list(nx.lexicographical_topological_sort(self._restricted(names)))

    def _restricted(self, names: Iterable[str] | None) -> Any:
        if names is None:
            return self.digraph
        return self.digraph.subgraph(set(names) & set(self.digraph.nodes))

    def _require(self, name: str) -> None:
        if name not in self.digraph:
            raise ComposerError(f"no such service: {name}")


def build_graph(project: Project) -> ServiceGraph:
    """The graph of the project's enabled services; raises a ComposerError on a cycle.

    A dependency on a service that is not in the project (disabled with `required: false`, or
    left out by `--no-deps`) is no edge: there is nothing to wait for.
    """
    import networkx as nx

    digraph = nx.DiGraph()
    digraph.add_nodes_from(sorted(project.services))
    for name in sorted(project.services):
        for dep in project.services[name].dependencies():
            if dep.service in project.services:
                digraph.add_edge(name, dep.service, dependency=dep)
    graph = ServiceGraph(digraph)
    graph.check_acyclic()
    return graph
