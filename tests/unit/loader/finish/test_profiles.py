"""Profiles: which services are on (docker compose's rules, checked with `config --services`)."""

from __future__ import annotations

from typing import Any

import pytest

from composer.loader.finish.profiles import apply_profiles


def project() -> dict[str, Any]:
    return {
        "name": "p",
        "services": {
            "base": {"image": "x"},
            "a1": {"image": "x", "profiles": ["a"]},
            "a2": {"image": "x", "profiles": ["a", "b"]},
            "b1": {"image": "x", "profiles": ["b"], "depends_on": {"a1": {}}},
            "c1": {"image": "x", "profiles": ["c"]},
        },
        "networks": {"default": {}},
    }


@pytest.mark.parametrize(
    ("active", "named", "on"),
    [
        ((), (), ["base"]),
        (("a",), (), ["base", "a1", "a2"]),
        (("*",), (), ["base", "a1", "a2", "b1", "c1"]),
        (("c", "a"), (), ["base", "a1", "a2", "c1"]),
        (("zzz",), (), ["base"]),
        ((), ("a1",), ["base", "a1", "a2"]),
        ((), ("b1",), ["base", "a2", "b1"]),
        ((), ("base",), ["base"]),
        ((), ("missing",), ["base"]),
    ],
)
def test_enabled_services(active: tuple[str, ...], named: tuple[str, ...], on: list[str]) -> None:
    data, disabled = apply_profiles(project(), active, named)
    assert list(data["services"]) == on
    assert sorted(disabled) == sorted(set(project()["services"]) - set(on))


def test_disabled_services_are_returned_whole_and_input_is_untouched() -> None:
    original = project()
    data, disabled = apply_profiles(original, ("a",), ())
    assert disabled["b1"] == {"image": "x", "profiles": ["b"], "depends_on": {"a1": {}}}
    assert list(original["services"]) == ["base", "a1", "a2", "b1", "c1"]
    assert data["networks"] is original["networks"]
    assert data["name"] == "p"


def test_nothing_disabled_returns_the_same_data() -> None:
    original = project()
    data, disabled = apply_profiles(original, ("*",), ())
    assert data is original
    assert disabled == {}


def test_data_without_services() -> None:
    assert apply_profiles({"name": "p"}, ("a",), ()) == ({"name": "p"}, {})
