"""The benchmark runner's pure parts: targets, tables, the generated projects. Nothing is timed."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from benchmarks import api_floor, bench_config, projects, report, run_all, targets, timing
from benchmarks.results import (
    COMPOSER,
    CONFIG,
    DOCKER_COMPOSE,
    FLOOR,
    GENERATED,
    PODMAN_COMPOSE,
    PYTHON,
    RSS,
    SMALL,
    STARTUP,
    UP,
    Results,
)
from composer.loader.context import LoadOptions
from composer.loader.pipeline import load
from composer.model import Project

QUIET = "config -q"


def statuses(results: Results) -> dict[str, str]:
    return {v.target.label: v.status for v in targets.evaluate(results)}


def test_every_target_of_the_issue_has_one_line() -> None:
    labels = [t.label for t in targets.all_targets()]
    assert len(labels) == len(set(labels))
    # 3 start-up commands x 2, 2 config commands x 4, 2 shapes x 8 up/down, 2 at 100 services
    assert len(labels) == 6 + 8 + 16 + 2
    assert statuses(Results()) == dict.fromkeys(labels, targets.NOT_MEASURED)


def test_start_up_targets_compare_with_python_in_the_same_run() -> None:
    results = Results()
    for value in (0.09, 0.10, 0.50):  # the median, not the mean, decides
        results.add((STARTUP, "composer version"), value)
    results.add((STARTUP, "composer --help"), 0.2)
    results.add((STARTUP, PYTHON), 0.01)
    found = statuses(results)
    assert found["`composer version`: at most 0.12 s"] == targets.PASS
    assert found["`composer version`: at most 12x `python -c pass`"] == targets.PASS
    assert found["`composer --help`: at most 0.12 s"] == targets.FAIL
    assert found["`composer --help`: at most 12x `python -c pass`"] == targets.FAIL
    assert found["`composer up --help`: at most 0.12 s"] == targets.NOT_MEASURED


def add_config(results: Results, case: str, ours: float, theirs: float) -> None:
    results.add((CONFIG, case, QUIET, COMPOSER), ours)
    results.add((CONFIG, case, QUIET, DOCKER_COMPOSE), theirs)


def test_each_small_file_must_be_within_the_limit() -> None:
    results = Results()
    add_config(results, f"{SMALL}a.yaml", 0.12, 0.1)
    add_config(results, f"{SMALL}b.yaml", 0.2, 0.1)
    [verdict] = targets.evaluate(results, [targets.config_targets()[0]])
    assert verdict.status == targets.FAIL
    assert verdict.measured is not None
    assert verdict.measured.value == pytest.approx(2.0)
    assert "worst b.yaml" in verdict.measured_text()
    assert "1 of 2 files within" in verdict.measured_text()


def test_config_growth_is_composer_at_1000_over_composer_at_500() -> None:
    results = Results()
    add_config(results, f"{GENERATED}500", 0.5, 1.0)
    add_config(results, f"{GENERATED}1000", 1.2, 3.0)
    found = statuses(results)
    assert found["`composer config -q`, 500 services: at most 0.5x docker compose"] == targets.PASS
    label = "`composer config -q`, growth from 500 to 1000 services: at most 2.1x"
    assert found[label] == targets.FAIL
    growth = next(v for v in targets.evaluate(results) if v.target.label == label)
    assert growth.measured_text() == "2.40x (docker compose 3.00x)"


def add_up(results: Results, shape: str, tool: str, seconds: dict[str, float]) -> None:
    for phase, value in seconds.items():
        results.add((UP, shape, tool, phase), value)


def test_up_targets_against_the_floor_podman_compose_and_docker_compose() -> None:
    results = Results()
    add_up(results, "flat20", COMPOSER, {"up -d": 2.2, "up -d again": 0.3, "ps": 0.2, "down -v": 1})
    add_up(results, "flat20", FLOOR, {"up -d": 2.0, "down -v": 1.0})
    add_up(results, "flat20", PODMAN_COMPOSE, {"up -d again": 1.0})
    add_up(results, "flat20", DOCKER_COMPOSE, {"up -d": 4.0, "down -v": 2.1})
    found = statuses(results)
    assert found["second `up -d` with nothing to do (flat20): at most 0.35 s"] == targets.PASS
    assert found["second `up -d` (flat20): at most 0.2x podman-compose's"] == targets.FAIL
    assert found["second `up -d` (flat20): at most 2x `composer ps`"] == targets.PASS
    assert found["`composer ps` (flat20): at most 0.3 s"] == targets.PASS
    assert found["`up -d` (flat20): at most 1.15x the API floor"] == targets.PASS
    assert found["`up -d` (flat20): at most 0.6x docker compose"] == targets.PASS
    assert found["`down -v` (flat20): at most 1.2x the API floor"] == targets.PASS
    assert found["`down -v` (flat20): at most 0.5x docker compose"] == targets.PASS
    assert found["`up -d` (chained20): at most 1.15x the API floor"] == targets.NOT_MEASURED


def test_a_failed_tool_is_not_measured_rather_than_compared() -> None:
    results = Results()
    add_up(results, "flat20", COMPOSER, {"up -d": 2.0})
    add_up(results, "flat20", DOCKER_COMPOSE, {"up -d": 4.0})
    results.fail((UP, "flat20", DOCKER_COMPOSE), "run 2, up -d: exit 1")
    assert results.median((UP, "flat20", DOCKER_COMPOSE, "up -d")) is None
    assert statuses(results)["`up -d` (flat20): at most 0.6x docker compose"] == "n/a"


def test_growth_to_100_services_is_measured_against_the_floors_growth() -> None:
    results = Results()
    add_up(results, "flat20", COMPOSER, {"up -d": 4.0})
    add_up(results, "layered100", COMPOSER, {"up -d": 16.0})
    add_up(results, "flat20", FLOOR, {"up -d": 2.0})
    add_up(results, "layered100", FLOOR, {"up -d": 6.0})
    results.add((RSS, "layered100", COMPOSER, "up -d"), 80.0)
    results.add((RSS, "layered100", COMPOSER, "up -d"), 120.0)  # the peak counts, and < is strict
    verdicts = {v.target.label: v for v in targets.evaluate(results, targets.large_targets())}
    growth = verdicts["`up -d` (layered100): grows from flat20 no faster than the API floor"]
    assert growth.status == targets.FAIL
    assert growth.measured_text() == "1.33x (composer 4.00x, api floor 3.00x)"
    assert verdicts["peak RSS of `up -d` (layered100): under 120 MB"].status == targets.FAIL


def test_tables_are_aligned_markdown() -> None:
    text = report.table(["name", "value"], [["a", "1.00 s"], ["longer name", "2 s"]])
    lines = text.splitlines()
    assert lines[0].startswith("| name")
    assert lines[1].startswith("|---")
    assert len({len(line) for line in lines}) == 1
    assert "| longer name |    2 s |" in lines


def test_the_section_names_the_command_and_shows_what_was_measured() -> None:
    results = Results()
    add_up(results, "flat20", COMPOSER, {"up -d": 2.0})
    add_up(results, "flat20", FLOOR, {"up -d": 1.0})
    info = report.RunInfo(
        "run_all.py --runs 3", "2026-01-01", 3, "2 CPUs", "composer 0.1", "1", "2"
    )
    verdicts = targets.evaluate(results)
    text = report.section(info, verdicts, results, ["flat20", "chained20"], ["a note"])
    assert "Made by `run_all.py --runs 3`" in text
    assert "| `up -d` (flat20): at most 1.15x the API floor" in text
    assert "2.00x (composer 2.00 s, api floor 1.00 s)" in text
    assert "### Up and down: flat20" in text
    assert "chained20" not in text.split("### Targets")[0]
    assert "### Up and down: chained20" not in text
    assert "- note: a note" in text
    assert "0 of 32 targets met, 1 missed, 31 not measured." in text


def test_the_document_keeps_its_prose_around_the_generated_block() -> None:
    fresh = report.update_document(None, "table 1")
    assert fresh.startswith("# Performance\n")
    assert f"{report.BEGIN}\ntable 1\n{report.END}" in fresh
    edited = "# Performance\n\nprose before\n\n" + fresh.split("\n\n", 1)[1] + "\nprose after\n"
    again = report.update_document(edited, "table 2")
    assert "prose before" in again
    assert "prose after" in again
    assert "table 2" in again
    assert "table 1" not in again
    assert report.update_document("# Other\n", "t").endswith(f"{report.BEGIN}\nt\n{report.END}\n")


def load_project(tmp_path: Path, text: str) -> Project:
    (tmp_path / "compose.yaml").write_text(text)
    options = LoadOptions(cwd=str(tmp_path), environ={}, files=("compose.yaml",))
    return load(options).model()


@pytest.mark.parametrize("name", sorted(projects.SHAPES))
def test_each_project_shape_loads_and_the_floor_gets_the_same_graph(
    tmp_path: Path, name: str
) -> None:
    shape = projects.SHAPES[name]
    host_ports = {service: 20000 + i for i, service in enumerate(shape.published)}
    project = load_project(tmp_path, projects.compose_text(shape, host_ports))
    assert list(project.services) == list(shape.graph)
    for service, deps in shape.graph.items():
        assert set(project.services[service].depends_on) == set(deps)
    spec = projects.floor_spec(shape, host_ports)
    assert {s["name"]: tuple(s["deps"]) for s in spec["services"]} == dict(shape.graph)
    pod = api_floor.pod_body("p", spec)
    assert len(pod["portmappings"]) == len(shape.published)
    body = api_floor.container_body("p", spec["services"][0], spec, str(tmp_path))
    assert body["pod"] == "pod_p"
    assert body["labels"]["com.docker.compose.project"] == "p"


def test_the_shapes_are_the_ones_the_targets_name() -> None:
    assert projects.SHAPES["flat20"].depth() == 1
    assert projects.SHAPES["chained20"].depth() == 20
    layered = projects.SHAPES["layered100"]
    assert (len(layered.graph), layered.depth()) == (100, 100 // projects.LAYER_WIDTH)
    assert set(targets.SHAPES_20) | {targets.LARGE_SHAPE} <= set(projects.DEFAULT_SHAPES)


def test_the_generated_config_files_load(tmp_path: Path) -> None:
    project = load_project(tmp_path, bench_config.compose_text(50))
    assert len(project.services) == 50
    assert set(project.services["svc49"].depends_on) == {"svc48"}


def test_the_example_files_are_found() -> None:
    ids = [case.id for case in bench_config.example_cases()]
    assert "examples/gogs-postgres/compose.yaml" in ids
    assert "examples/gogs-postgres/compose.yaml+compose.offline.yaml" in ids


def test_the_floor_runs_each_node_after_what_it_waits_for() -> None:
    services: list[api_floor.Json] = [
        {"name": "c", "deps": ["b"]},
        {"name": "a", "deps": []},
        {"name": "b", "deps": ["a"]},
    ]
    order = [s["name"] for s in api_floor.topological(services)]
    assert order == ["a", "b", "c"]
    done: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        with lock:
            done.append(name)

    api_floor.run_graph(order, {s["name"]: s["deps"] for s in services}, work)
    assert done == ["a", "b", "c"]
    done.clear()
    api_floor.run_graph(list(reversed(order)), api_floor.dependents(services), work)
    assert done == ["c", "b", "a"]


def test_a_failing_floor_step_stops_its_dependents() -> None:
    def work(name: str) -> None:
        if name == "a":
            raise api_floor.ApiError("no")

    with pytest.raises(api_floor.ApiError):
        api_floor.run_graph(["a", "b"], {"a": [], "b": ["a"]}, work)


def test_a_timed_command_reports_time_memory_status_and_output() -> None:
    done = timing.run([sys.executable, "-c", "print('hi'); raise SystemExit(3)"])
    assert (done.code, done.stdout, done.timed_out) == (3, "hi\n", False)
    assert done.seconds > 0
    assert done.max_rss_mb > 1
    slow = timing.run([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.3)
    assert slow.timed_out
    assert slow.seconds < 10


def test_only_a_full_run_rewrites_the_document() -> None:
    assert run_all.destination(run_all.parse([])) == run_all.DOCUMENT
    assert run_all.parse(["--quick"]).runs == 1
    assert run_all.destination(run_all.parse(["--quick"])) is None
    assert run_all.destination(run_all.parse(["--only", "config"])) is None
    assert run_all.destination(run_all.parse(["--no-write"])) is None
    assert run_all.destination(run_all.parse(["--only", "up", "--write", "x.md"])) == Path("x.md")


def test_start_up_rows_come_in_a_fixed_order_whatever_ran_first() -> None:
    results = Results()
    for command in ("docker compose version", PYTHON, "composer --help", "composer version"):
        results.add((STARTUP, command), 0.1)
    info = report.RunInfo("cmd", "2026-01-01", 1, "m", "v", "1", "2")
    text = report.section(info, targets.evaluate(results), results, [], [])
    startup = text.split("### Start-up", 1)[1]
    rows = [line.split("|")[1].strip() for line in startup.splitlines() if line.startswith("| `")]
    assert rows == [
        "`composer version`",
        "`composer --help`",
        "`python -c pass`",
        "`docker compose version`",
    ]
