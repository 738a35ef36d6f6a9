"""Byte sizes and Go durations, as the reference docker compose v2.40.3 reads and prints them."""

from __future__ import annotations

import pytest

from composer.loader.canonical.units import (
    UnitError,
    canonical_duration,
    format_duration,
    parse_bytes,
    parse_duration,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1g", 1073741824),
        ("1G", 1073741824),
        ("1gb", 1073741824),
        ("1GiB", 1073741824),
        ("1.5g", 1610612736),
        ("1.5m", 1572864),
        ("64m", 67108864),
        ("512k", 524288),
        ("2K", 2048),
        ("1kib", 1024),
        ("1 k", 1024),
        ("100b", 100),
        ("1t", 1099511627776),
        ("1p", 1125899906842624),
        ("1024", 1024),
        (1024, 1024),
        (-1, -1),
    ],
)
def test_parse_bytes(value: object, expected: int) -> None:
    assert parse_bytes(value) == expected


@pytest.mark.parametrize("value", ["", "x", "1 kk", "1.2.3k", "1q", True])
def test_parse_bytes_rejects(value: object) -> None:
    with pytest.raises(UnitError, match="invalid size"):
        parse_bytes(value)


def test_parse_bytes_error_wording() -> None:
    with pytest.raises(UnitError) as info:
        parse_bytes("12 parsecs")
    assert str(info.value) == "invalid size: '12 parsecs'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("90s", "1m30s"),
        ("1m30s", "1m30s"),
        ("1h", "1h0m0s"),
        ("1.5h", "1h30m0s"),
        ("500ms", "500ms"),
        ("1.5ms", "1.5ms"),
        ("1500ns", "1.5\u00b5s"),
        ("100us", "100\u00b5s"),
        ("100\u00b5s", "100\u00b5s"),
        ("1ns", "1ns"),
        ("0s", "0s"),
        ("0", "0s"),
        (0, "0s"),
        ("-5s", "-5s"),
        ("1d", "24h0m0s"),
        ("1w", "168h0m0s"),
        ("1d2h", "26h0m0s"),
        ("1h30m10.5s", "1h30m10.5s"),
        ("2m0.000001s", "2m0.000001s"),
    ],
)
def test_canonical_duration(value: object, expected: str) -> None:
    assert canonical_duration(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10", 'missing unit in duration "10"'),
        (10, 'missing unit in duration "10"'),
        ("1m 30s", 'unknown unit "m " in duration "1m 30s"'),
        ("1x", 'unknown unit "x" in duration "1x"'),
        ("", 'invalid duration ""'),
        ("abc", 'invalid duration "abc"'),
    ],
)
def test_parse_duration_rejects(value: object, message: str) -> None:
    with pytest.raises(UnitError) as info:
        parse_duration(value)
    assert str(info.value) == message


def test_parse_duration_in_nanoseconds() -> None:
    assert parse_duration("1m30s") == 90_000_000_000
    assert parse_duration("1.5s") == 1_500_000_000


def test_format_duration_large_and_negative() -> None:
    assert format_duration(3 * 3600 * 10**9 + 5 * 10**9) == "3h0m5s"
    assert format_duration(-90 * 10**9) == "-1m30s"
