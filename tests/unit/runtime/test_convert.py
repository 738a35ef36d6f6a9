"""Podman API answers into composer records and messages."""

from __future__ import annotations

import struct

import pytest

from composer.errors import InUseError, NotFoundError, PortInUseError, RuntimeOperationError
from composer.runtime import convert
from composer.runtime.base import HealthcheckConfig, IdMapping, LogLine, MountInfo, PublishedPort


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
    assert convert.port_in_use(rootful) == ("127.0.0.1", 18556, "tcp")
    rootless = "rootlessport listen udp :5353: bind: address already in use"
    assert convert.port_in_use(rootless) == ("", 5353, "udp")
    assert convert.port_in_use("some other failure") is None


@pytest.mark.parametrize(
    "message",
    [
        # Podman 4.3's own words, through the API (network, volume, image).
        'network p_default: cannot remove: "p_default" has associated containers with it. '
        "Use -f to forcibly delete containers and pods: network is being used",
        "volume p_data: cannot remove: volume p_data is being used by the following "
        "container(s): d0864c2e3793: volume is being used",
        'image "p-web": cannot remove: image is in use by a container: consider listing '
        "external containers and force-removing image",
    ],
)
def test_objects_still_used_are_recognised(message: str) -> None:
    assert convert.in_use(message)


@pytest.mark.parametrize(
    "message",
    [
        "network p_default: cannot remove: no such network",
        "volume p_data: cannot remove: lost the connection to the Podman service",
        "image p-web: cannot remove: unused-image is not known",
    ],
)
def test_other_failures_are_errors(message: str) -> None:
    assert not convert.in_use(message)


def test_the_containers_a_refusal_names() -> None:
    said = "volume p_data is being used by the following container(s): d0864c2e3793, 1a2b: x"
    assert convert.in_use_by(said) == ("d0864c2e3793", "1a2b")
    assert convert.in_use_by("network is being used") == ()


def test_podman_answers_become_typed_errors() -> None:
    taken = convert.operation_error(
        "container c: cannot start", "listen tcp4 127.0.0.1:80: bind: address already in use"
    )
    assert isinstance(taken, PortInUseError)
    assert (taken.host_ip, taken.port, taken.protocol) == ("127.0.0.1", 80, "tcp")
    gone = convert.operation_error(
        "container c: cannot inspect", "no such container", kind="container", name="c", status=404
    )
    assert isinstance(gone, NotFoundError)
    assert (gone.message, gone.kind, gone.name) == (
        "container c: cannot inspect: no such container",
        "container",
        "c",
    )
    said = (
        "volume v is being used by the following container(s): d0864c2e3793: volume is being used"
    )
    busy = convert.operation_error(
        "volume v: cannot remove", said, kind="volume", name="v", status=409, removing=True
    )
    assert isinstance(busy, InUseError)
    assert (busy.kind, busy.name, busy.users) == ("volume", "v", ("d0864c2e3793",))
    # "in use" while creating (a taken name) is no refusal to remove; a 404 of no object is plain
    other = convert.operation_error(
        "container c: cannot create", "name is in use", kind="container"
    )
    assert type(other) is RuntimeOperationError
    assert (
        type(convert.operation_error("listing pods", "gone", status=404)) is RuntimeOperationError
    )


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


def test_container_details_from_inspect() -> None:
    second = 1_000_000_000
    inspect = {
        "Name": "p-web-1",
        "Created": "2024-05-01T10:00:00Z",
        "Path": "sh",
        "Args": ["-c", "sleep 1"],
        "State": {"Status": "exited", "ExitCode": 3, "StartedAt": "2024-05-01T10:00:01Z"},
        "Config": {"Healthcheck": {"Test": ["CMD", "true"], "Interval": 2 * second, "Retries": 5}},
        "Mounts": [
            {"Type": "volume", "Name": "v1", "Destination": "/data", "Driver": "local"},
            {"Type": "bind", "Source": "/srv", "Destination": "/srv"},
        ],
        "NetworkSettings": {"Networks": {"p_b": {}, "p_a": {}}},
        "Dependencies": ["43c75fd41e96"],
    }
    details = convert.container_details(inspect)
    assert (details.name, details.created) == ("p-web-1", "2024-05-01T10:00:00Z")
    assert details.command == ("sh", "-c", "sleep 1")
    assert (details.state.status, details.state.exit_code) == ("exited", 3)
    assert details.state.started_at == "2024-05-01T10:00:01Z"
    assert details.healthcheck == HealthcheckConfig(("CMD", "true"), interval=2.0, retries=5)
    assert details.mounts == (
        MountInfo("volume", "/data", name="v1", driver="local"),
        MountInfo("bind", "/srv", source="/srv"),
    )
    assert details.networks == ("p_a", "p_b")
    assert details.dependencies == ("43c75fd41e96",)
    assert convert.container_details({"Dependencies": None}).dependencies == ()
    disabled = {"Config": {"Healthcheck": {"Test": ["NONE"]}}}
    assert convert.container_details(disabled).healthcheck is None
    assert convert.container_details({}).command == ()


def test_engine_info_from_podman_info() -> None:
    mapping = [{"container_id": 0, "host_id": 1000, "size": 1}]
    raw = {
        "host": {
            "security": {"rootless": True},
            "ociRuntime": {"name": "runc"},
            "idMappings": {"uidmap": mapping, "gidmap": [{"container_id": "x"}]},
        },
        "version": {"Version": "4.3.1"},
    }
    info = convert.engine_info(raw)
    assert (info.version, info.rootless, info.oci_runtime) == ("4.3.1", True, "runc")
    assert info.uid_map == (IdMapping(0, 1000, 1),)
    assert info.gid_map == ()  # a malformed map counts as none
    rootful = convert.engine_info({"host": {"idMappings": {"uidmap": mapping}}})
    assert (rootful.rootless, rootful.uid_map, rootful.version) == (False, (), "")


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
