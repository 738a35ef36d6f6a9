"""The selection stage: named services, their dependencies, and dangling depends_on."""

from __future__ import annotations

from typing import Any

from composer.loader.finish.select import select_services


def _data() -> dict[str, Any]:
    return {
        "services": {
            "web": {"image": "w", "depends_on": {"api": {}, "gone": {"required": False}}},
            "api": {"image": "a", "depends_on": {"db": {}}},
            "db": {"image": "d"},
            "other": {"image": "o"},
        }
    }


def test_selection_keeps_transitive_dependencies() -> None:
    result = select_services(_data(), ("web",))
    assert list(result["services"]) == ["web", "api", "db"]


def test_selection_drops_depends_on_outside_the_selection() -> None:
    web = select_services(_data(), ("web",))["services"]["web"]
    assert web["depends_on"] == {"api": {}}


def test_selection_drops_an_emptied_depends_on() -> None:
    data = {"services": {"a": {"image": "x", "depends_on": {"off": {"required": False}}}}}
    assert select_services(data, ("a",))["services"]["a"] == {"image": "x"}


def test_no_names_selects_everything() -> None:
    data = _data()
    assert select_services(data, ()) is data
