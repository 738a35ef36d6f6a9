"""The service dependency graph: edges of every kind, cycles, orders, selections."""

from __future__ import annotations

import pytest

from composer.errors import ComposerError
from composer.graph import build_graph, cycle_message, find_cycle
from composer.model import SERVICE_HEALTHY, Dependency, DependsOn, Project, Service


def project(*services: Service) -> Project:
    return Project(name="demo", working_dir="/srv", services={s.name: s for s in services})


def needs(**deps: list[str]) -> dict[str, list[str]]:
    return dict(deps)


# Each expectation was checked against docker compose v2.40.3 (`config` on the same graph).
@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        (needs(service1=["service2"], service2=["service3"], service3=["service1"]),
         ["service1", "service2", "service3", "service1"]),
        (needs(service1=["service1"]), ["service1", "service1"]),
        (needs(a=["c", "b"], b=["a"], c=["a"]), ["a", "b", "a"]),
        (needs(z=["y"], y=["x1"], x1=["y"], a=[]), ["x1", "y", "x1"]),
        (needs(a=["d"], d=["c"], c=["b", "e"], b=["d"], e=[]), ["d", "c", "b", "d"]),
        (needs(a=["m"], m=["z", "b"], z=["m"], b=["m"]), ["m", "b", "m"]),
    ],
)  # fmt: skip
def test_find_cycle_names_the_same_cycle_as_docker(
    graph: dict[str, list[str]], cycle: list[str]
) -> None:
    assert find_cycle(graph) == cycle


def test_find_cycle_ignores_unknown_targets_and_acyclic_graphs() -> None:
    assert find_cycle(needs(web=["db", "missing"], db=[], worker=["db"])) is None


def test_find_cycle_survives_a_long_chain() -> None:
    chain = {f"s{i:05}": [f"s{i + 1:05}"] for i in range(5000)}
    assert find_cycle(chain) is None
    chain["s05000"] = ["s00000"]
    cycle = find_cycle(chain)
    assert cycle is not None
    assert (len(cycle), cycle[0], cycle[-1]) == (5002, "s00000", "s00000")


def test_cycle_message_wording() -> None:
    assert cycle_message(["a", "b", "a"]) == "dependency cycle detected: a -> b -> a"


def test_edges_carry_the_merged_dependency() -> None:
    graph = build_graph(
        project(
            Service(name="web", depends_on={"db": DependsOn(SERVICE_HEALTHY)}, links=("db",)),
            Service(name="db"),
            Service(name="cache", volumes_from=("db:ro",), network_mode="service:web"),
        )
    )
    assert graph.dependencies("web") == [
        Dependency("db", ("depends_on", "links"), SERVICE_HEALTHY),
    ]
    assert graph.edges() == [
        ("cache", Dependency("db", ("volumes_from",), restart=False)),
        ("cache", Dependency("web", ("network_mode",), restart=True)),
        ("web", Dependency("db", ("depends_on", "links"), SERVICE_HEALTHY)),
    ]


def test_build_graph_refuses_a_cycle() -> None:
    cyclic = project(
        Service(name="b", ipc="service:a"),
        Service(name="a", pid="service:b"),
    )
    with pytest.raises(ComposerError, match=r"^dependency cycle detected: a -> b -> a$"):
        build_graph(cyclic)


def test_dependencies_outside_the_project_are_no_edges() -> None:
    web = Service(name="web", depends_on={"debug": DependsOn(required=False)})
    graph = build_graph(project(web))
    assert graph.dependencies("web") == []
    assert graph.start_order() == ["web"]


STACK = project(
    Service(name="web", depends_on={"api": DependsOn(), "static": DependsOn()}),
    Service(name="api", depends_on={"db": DependsOn(), "cache": DependsOn()}),
    Service(name="db"),
    Service(name="cache"),
    Service(name="static"),
    Service(name="adminer", links=("db",)),
)


def test_start_order_puts_dependencies_first_with_ties_by_name() -> None:
    assert build_graph(STACK).start_order() == ["cache", "db", "adminer", "api", "static", "web"]


def test_stop_order_puts_dependents_first_with_ties_by_name() -> None:
    assert build_graph(STACK).stop_order() == ["adminer", "web", "api", "cache", "db", "static"]


def test_select_with_and_without_dependencies() -> None:
    graph = build_graph(STACK)
    assert graph.select(["api"]) == ["cache", "db", "api"]
    assert graph.select(["api", "static"], include_deps=False) == ["api", "static"]
    assert graph.select([]) == graph.start_order()


def test_dependents_of_a_service_in_stop_order() -> None:
    graph = build_graph(STACK)
    assert graph.dependents("db") == ["adminer", "web", "api"]
    assert graph.dependents("web") == []


def test_unknown_service_is_a_clear_error() -> None:
    graph = build_graph(STACK)
    with pytest.raises(ComposerError, match="^no such service: nope$"):
        graph.select(["nope"])
    with pytest.raises(ComposerError, match="^no such service: nope$"):
        graph.dependents("nope")


def test_closure_follows_edges_and_skips_unknown_names() -> None:
    from composer.graph import closure

    needs = {"web": ["api", "ghost"], "api": ["db"], "db": [], "other": ["db"]}
    assert closure(needs, ["web"]) == {"web", "api", "db"}
    assert closure(needs, ["db", "nowhere"]) == {"db"}
    assert closure(needs, []) == set()


def test_closure_over_reverse_edges_gives_dependents() -> None:
    from composer.graph import closure, reverse_edges

    needs = {"web": ["api"], "api": ["db"], "db": [], "other": ["db"]}
    assert reverse_edges(needs) == {"web": [], "api": ["web"], "db": ["api", "other"], "other": []}
    assert closure(reverse_edges(needs), ["api"]) == {"api", "web"}


def test_closure_terminates_on_a_cycle() -> None:
    from composer.graph import closure

    assert closure({"a": ["b"], "b": ["a"]}, ["a"]) == {"a", "b"}
