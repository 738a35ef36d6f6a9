"""Podman API answers into composer records and messages."""

from __future__ import annotations

import struct

from composer.runtime import convert
from composer.runtime.base import LogLine, PublishedPort


def frame(stream: int, data: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(data)) + data


def test_log_frames_become_lines_even_when_split_anywhere() -> None:
    raw = frame(1, b"one\ntw") + frame(2, b"err\n") + frame(1, b"o\n") + frame(1, b"tail")
    expected = [
        LogLine("stdout", "one"),
        LogLine("stderr", "err"),
        LogLine("stdout", "two"),
        LogLine("stdout", "tail"),
    ]
    assert list(convert.log_lines([raw])) == expected
    byte_by_byte = [raw[i : i + 1] for i in range(len(raw))]
    assert list(convert.log_lines(byte_by_byte)) == expected


def test_podman_messages() -> None:
    errs = '{"Errs":["starting container x: boom"],"Id":"abc"}'
    assert convert.podman_message(errs, "fallback") == "starting container x: boom"
    body = '{"cause":"image not known","message":"localhost/nope: image not known","response":500}'
    assert convert.podman_message(body, "fallback") == "localhost/nope: image not known"
    assert convert.podman_message("plain words", "fallback") == "plain words"
    assert convert.podman_message(None, "fallback") == "fallback"


def test_port_in_use_is_recognised() -> None:
    rootful = (
        "cannot listen on the TCP port: listen tcp4 127.0.0.1:18556: bind: address already in use"
    )
    assert convert.port_in_use(rootful) == "127.0.0.1:18556/tcp"
    rootless = "rootlessport listen udp :5353: bind: address already in use"
    assert convert.port_in_use(rootless) == "5353/udp"
    assert convert.port_in_use("some other failure") is None


def test_pull_outcome() -> None:
    failed = [b'{"stream":"Trying to pull x...\\n"}', b'{"error":"connection refused"}']
    assert convert.pull_outcome(failed) == ("", "connection refused")
    pulled = [b'{"images":["abc"],"id":"abc"}', b""]
    assert convert.pull_outcome(pulled) == ("abc", "")


def test_container_listing_entry() -> None:
    raw = {
        "Names": ["p-web-1"],
        "Id": "123",
        "Labels": None,
        "State": "running",
        "Status": "healthy",
        "ExitCode": 0,
        "Image": "img",
        "ImageID": "sha",
        "Created": "2026-01-01T00:00:00Z",
        "Pod": "",
        "Ports": [{"host_ip": "", "container_port": 80, "host_port": 8080, "range": 2}],
    }
    info = convert.container_info(raw)
    assert (info.name, info.labels, info.health, info.pod) == ("p-web-1", {}, "healthy", "")
    assert info.ports == (
        PublishedPort(80, "tcp", "", 8080),
        PublishedPort(81, "tcp", "", 8081),
    )
    assert (
        convert.container_info(raw | {"Status": "Up 3 seconds (unhealthy)"}).health == "unhealthy"
    )
    assert convert.container_info(raw | {"Status": "Up 3 seconds"}).health == ""


def test_state_and_health_from_inspect() -> None:
    inspect = {
        "State": {
            "Status": "running",
            "Running": True,
            "ExitCode": 0,
            "Healthcheck": {"Status": "starting", "FailingStreak": 2, "Log": [{"Output": "no\n"}]},
        }
    }
    assert convert.container_state(inspect).health == "starting"
    result = convert.health_result({"Status": "unhealthy"}, inspect)
    assert (result.passed, result.status, result.failing_streak, result.output) == (
        False,
        "starting",
        2,
        "no",
    )


def test_label_filters() -> None:
    wanted = {"com.docker.compose.project": "p", "com.docker.compose.oneoff": None}
    assert convert.label_filters(wanted) == {
        "label": ["com.docker.compose.project=p", "com.docker.compose.oneoff"]
    }
    assert convert.filters_param({}) == {}


def test_healthcheck_timeout_is_recognised_by_podmans_wording() -> None:
    said = "healthcheck command exceeded timeout of 1s"
    assert convert.healthcheck_timed_out(f"container c: cannot run its healthcheck: {said}")
    assert not convert.healthcheck_timed_out("container c: cannot run its healthcheck: no such")
