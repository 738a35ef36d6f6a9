"""`ports`: short syntax (`[ip:][host:]container[/proto]`, ranges) to the long form."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from composer.loader.canonical.kinds import OMIT, Canon, scalar_text, text
from composer.loader.canonical.unique import unique_entries
from composer.loader.sources import Path

_DIGITS = re.compile(r"^[0-9]+$")
_PROTOCOLS = ("tcp", "udp", "sctp")


class PortError(ValueError):
    """A short-syntax port that does not parse; the message says why."""


def is_ip(text: str) -> bool:
    """An IPv4 or IPv6 address (no zone index), as Go's net.ParseIP accepts."""
    if "%" in text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _split_spec(spec: str) -> tuple[str, str, str]:
    """`ip:host:container` -> its three parts; an IPv6 address keeps its colons."""
    parts = spec.split(":")
    container = parts[-1]
    if len(parts) == 1:
        return "", "", container
    if len(parts) == 2:
        return "", parts[0], container
    return ":".join(parts[:-2]), parts[-2], container


def _split_protocol(container: str) -> tuple[str, str]:
    """`80/udp` -> ("udp", "80"); no protocol means tcp; an empty port has none."""
    parts = container.split("/")
    if not container or not parts[0]:
        return "", ""
    if len(parts) == 1 or not parts[1]:
        return "tcp", parts[0]
    return parts[1], parts[0]


def _port_range(text: str) -> tuple[int, int]:
    """`80` -> (80, 80); `80-90` -> (80, 90); raises ValueError when not a valid range."""
    first, dash, last = text.partition("-")
    if not dash:
        last = first
    for part in (first, last):
        if not _DIGITS.match(part) or int(part) > 65535:
            raise ValueError(text)
    if int(last) < int(first):
        raise ValueError(text)
    return int(first), int(last)


def _host_ip(raw: str) -> str:
    """The host IP part, without IPv6 brackets; raises PortError when not an address."""
    if raw.startswith("["):
        if not raw.endswith("]"):
            raise PortError(f"invalid IP address {raw}")
        raw = raw[1:-1]
    if raw and not is_ip(raw):
        raise PortError(f"invalid IP address: {raw}")
    return raw


def parse_port_spec(spec: str) -> list[dict[str, Any]]:
    """One short-syntax port as long-syntax entries, in the reference's order.

    A container range gives one entry per port (sorted as text, like the reference); a host
    range with a single container port stays one entry with `published: "8000-8001"`.
    """
    raw_ip, host, container = _split_spec(spec)
    ip = _host_ip(raw_ip)
    protocol, container = _split_protocol(container)
    protocol = protocol.lower()
    if protocol not in _PROTOCOLS:
        raise PortError(f"invalid proto: {protocol}")
    try:
        start, end = _port_range(container)
    except ValueError:
        raise PortError(f"invalid containerPort: {container}") from None
    host_start = host_end = 0
    if host:
        try:
            host_start, host_end = _port_range(host)
        except ValueError:
            raise PortError(f"invalid hostPort: {host}") from None
        if end - start != host_end - host_start and end != start:
            raise PortError(
                f"invalid ranges specified for container and host Ports: {container} and {host}"
            )
    entries = []
    for offset in range(end - start + 1):
        published = str(host_start + offset) if host else ""
        if start == end and host_start != host_end:
            published = f"{published}-{host_end}"
        entries.append(_entry(ip, start + offset, published, protocol))
    return sorted(entries, key=lambda entry: str(entry["target"]))


def _entry(ip: str, target: int, published: str, protocol: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"mode": "ingress"}
    if ip:
        entry["host_ip"] = ip
    entry["target"] = target
    if published:
        entry["published"] = published
    entry["protocol"] = protocol
    return entry


_LONG_ORDER = ("name", "mode", "host_ip", "target", "published", "protocol", "app_protocol")


def long_port(value: dict[str, Any], at: Path, cv: Canon) -> Any:
    """A long-syntax port with the reference's defaults (`mode: ingress`, `protocol: tcp`)."""
    result: dict[str, Any] = {}
    for key in _LONG_ORDER:
        item = text(value.get(key), (*at, key), cv)
        if item is not OMIT:
            result[key] = item
    result.setdefault("mode", "ingress")
    result.setdefault("protocol", "tcp")
    if "host_ip" in result and not is_ip(result["host_ip"]):
        return cv.fail((*at, "host_ip"), f"invalid ip address: {result['host_ip']}")
    target = result.pop("target", "0")
    if not _DIGITS.match(target) or int(target) == 0:
        return cv.fail(at, "missing a target port")
    ordered: dict[str, Any] = {k: result[k] for k in ("name", "mode", "host_ip") if k in result}
    ordered["target"] = int(target)
    ordered.update({key: result[key] for key in _LONG_ORDER[4:] if key in result})
    ordered.update({key: item for key, item in value.items() if str(key).startswith("x-")})
    return ordered


def _port_entries(value: Any, at: Path, cv: Canon) -> list[dict[str, Any]]:
    """The long-syntax entries of one `ports` item (several for a range)."""
    if isinstance(value, dict):
        entry = long_port(value, at, cv)
        return [] if entry is OMIT else [entry]
    spec = scalar_text(value)
    try:
        entries = parse_port_spec(spec)
    except PortError as exc:
        cv.fail(at, f'invalid port "{spec}": {exc}')
        return []
    if any(entry["target"] == 0 for entry in entries):
        cv.fail(at, "missing a target port")
        return []
    return entries


def port_key(entry: dict[str, Any]) -> str:
    """What makes a port unique: `host_ip:published:target/protocol`."""
    host = entry.get("host_ip", "0.0.0.0")  # noqa: S104 - a key, not a bind
    return f"{host}:{entry.get('published', '')}:{entry['target']}/{entry['protocol']}"


def ports(value: Any, at: Path, cv: Canon) -> Any:
    """`ports`: every item in long syntax, ranges expanded, duplicates merged."""
    return unique_entries(value, at, cv, _port_entries, port_key)
