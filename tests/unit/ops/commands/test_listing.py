"""`ps`'s wording and layout (docker compose's, seen from its binary), depends_on labels, --tail."""

from __future__ import annotations

import pytest

from composer.errors import ComposerError
from composer.ops.commands.listing import (
    Publisher,
    Row,
    go_json,
    human_duration,
    ports_text,
    status_text,
    table_lines,
)
from composer.ops.commands.logs import parse_tail
from composer.ops.view import Need, docker_state, parse_depends_label

NOW = 1_000_000.0


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.4, "Less than a second"),
        (1, "1 second"),
        (59, "59 seconds"),
        (60, "About a minute"),
        (119, "About a minute"),
        (120, "2 minutes"),
        (3599, "59 minutes"),
        (3600, "About an hour"),
        (5400, "2 hours"),  # hours are rounded
        (47 * 3600, "47 hours"),
        (3 * 86400, "3 days"),
        (20 * 86400, "2 weeks"),
        (90 * 86400, "3 months"),
        (800 * 86400, "2 years"),
    ],
)
def test_durations_read_as_docker_words_them(seconds: float, said: str) -> None:
    assert human_duration(seconds) == said


def row(state: str, **kwargs: object) -> Row:
    values: dict[str, object] = {
        "id": "abc",
        "name": "p-web-1",
        "image": "img",
        "command": "sh",
        "project": "p",
        "service": "web",
        "state": state,
        "health": "",
        "exit_code": 0,
        "created": NOW - 100,
        "started": NOW - 5,
        "finished": NOW - 2,
    }
    values.update(kwargs)
    return Row(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "said"),
    [
        (row("running"), "Up 5 seconds"),
        (row("running", health="starting"), "Up 5 seconds (health: starting)"),
        (row("running", health="healthy"), "Up 5 seconds (healthy)"),
        (row("paused"), "Up 5 seconds (Paused)"),
        (row("exited", exit_code=3), "Exited (3) 2 seconds ago"),
        (row("created", started=None, finished=None), "Created"),
        (row("restarting", exit_code=1), "Restarting (1) 2 seconds ago"),
        (row("dead"), "Dead"),
    ],
)
def test_status_column(current: Row, said: str) -> None:
    assert status_text(current, NOW) == said


def test_ports_join_runs_into_ranges() -> None:
    ports = [
        Publisher("0.0.0.0", 81, 8081, "tcp"),
        Publisher("0.0.0.0", 80, 8080, "tcp"),
        Publisher("127.0.0.1", 53, 5353, "udp"),
        Publisher("::", 80, 8080, "tcp"),
    ]
    assert ports_text(ports) == (
        "0.0.0.0:8080-8081->80-81/tcp, 127.0.0.1:5353->53/udp, [::]:8080->80/tcp"
    )


def test_an_empty_table_is_docker_compose_header() -> None:
    assert table_lines([], now=NOW) == [
        "NAME      IMAGE     COMMAND   SERVICE   CREATED   STATUS    PORTS"
    ]


def test_table_columns_are_three_apart_and_the_command_is_cut() -> None:
    long = row("running", command="sh -c for i in 1 2 3 4 5; do echo; done")
    lines = table_lines([long], now=NOW)
    assert lines[1] == (
        'p-web-1   img       "sh -c for i in 1 2 …"   web       '
        "About a minute ago   Up 5 seconds   "
    )
    assert lines[0].index("COMMAND") == lines[1].index('"sh')


def test_json_is_compact_and_escapes_like_go() -> None:
    assert go_json({"Ports": "1.2.3.4:80->80/tcp", "A": "<&>"}) == (
        '{"Ports":"1.2.3.4:80-\\u003e80/tcp","A":"\\u003c\\u0026\\u003e"}'
    )


def test_depends_on_label() -> None:
    assert parse_depends_label("db:service_healthy:false,cache:service_started:true,") == (
        Need("db", "service_healthy", True, False),
        Need("cache", "service_started", True, True),
    )
    assert parse_depends_label("") == ()


def test_podman_states_read_as_docker_ones() -> None:
    assert [docker_state(s) for s in ("configured", "Stopped", "running", "paused")] == [
        "created",
        "exited",
        "running",
        "paused",
    ]


def test_tail() -> None:
    assert [parse_tail(t) for t in ("all", "0", "5", "-1")] == [None, 0, 5, None]
    with pytest.raises(ComposerError, match='invalid --tail value "x"'):
        parse_tail("x")
