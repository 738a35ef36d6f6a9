"""The typed errors: the words they say, and prefixing that keeps type and fields."""

from __future__ import annotations

from composer.errors import ComposerError, InUseError, PortInUseError, StepCancelledError


def test_a_taken_port_reads_as_before_with_its_fields() -> None:
    said = "listen tcp4 127.0.0.1:8080: bind: address already in use"
    error = PortInUseError(
        "pod p: cannot start", said, host_ip="127.0.0.1", port=8080, protocol="tcp"
    )
    assert error.message == (
        "pod p: cannot start: port 127.0.0.1:8080/tcp is already in use on the host "
        "(listen tcp4 127.0.0.1:8080: bind: address already in use)"
    )
    assert error.hint == "stop what uses that port, or publish the service on another host port"
    every = PortInUseError("c: cannot start", "x", host_ip="", port=53, protocol="udp")
    assert every.address == "53/udp"
    assert (
        PortInUseError("c", "x", host_ip="::1", port=53, protocol="udp").address == "[::1]:53/udp"
    )


def test_prefixed_keeps_the_type_fields_and_hint() -> None:
    error = PortInUseError("pod p: cannot start", "x", host_ip="", port=80, protocol="tcp")
    named = error.prefixed('service "web": ')
    assert isinstance(named, PortInUseError)
    assert named.message.startswith('service "web": pod p: cannot start: port 80/tcp')
    assert str(named) == named.message
    assert (named.port, named.protocol, named.hint) == (80, "tcp", error.hint)
    assert error.message.startswith("pod p:")  # the original is unchanged
    busy = InUseError("volume v: cannot remove: busy", kind="volume", name="v", users=("c1",))
    assert busy.prefixed("x: ").users == ("c1",)


def test_a_cancelled_step_says_cancelled() -> None:
    error = StepCancelledError()
    assert isinstance(error, ComposerError)
    assert str(error) == "cancelled"
