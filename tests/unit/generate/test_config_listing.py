"""The one-per-line listings of `composer config`."""

from __future__ import annotations

from typing import Any, NamedTuple

from composer.generate import config_listing as listing

DATA = {
    "name": "p",
    "services": {
        "zeta": {"image": "z"},
        "mid": {"image": "m", "depends_on": {"zeta": {}}},
        "alpha": {"build": {"context": "."}},
        "beta": {"image": "b", "profiles": ["x"]},
    },
    "volumes": {"v2": {}, "v1": {}},
}


class Var(NamedTuple):
    name: str
    required: bool
    default: str
    alternate: str


def test_services_come_after_their_dependencies() -> None:
    assert listing.services_text(DATA) == "alpha\nbeta\nzeta\nmid\n"


def test_a_cycle_still_lists_every_service() -> None:
    data: dict[str, Any] = {
        "services": {"a": {"depends_on": {"b": {}}}, "b": {"depends_on": {"a": {}}}}
    }
    assert listing.services_in_dependency_order(data) == ["a", "b"]


def test_images_default_to_the_build_name() -> None:
    assert listing.images_text(DATA, "p") == "p-alpha\nb\nm\nz\n"


def test_names_and_profiles_are_sorted() -> None:
    assert listing.names_text(DATA, "volumes") == "v1\nv2\n"
    assert listing.names_text(DATA, "networks") == ""
    services = [{"profiles": ["b", "a"]}, {"profiles": ["a"]}, {}]
    assert listing.profiles_text(services) == "a\nb\n"


def test_variables_table_json_and_yaml() -> None:
    variables = [Var("TAG", False, "1.0", ""), Var("REQ", True, "", "")]
    assert listing.variables_text(variables, None) == (
        "NAME                REQUIRED            DEFAULT VALUE       ALTERNATE VALUE\n"
        "TAG                 false               1.0                 \n"
        "REQ                 true                                    \n"
    )
    json_text = listing.variables_text(variables, "json")
    assert json_text.startswith('{\n    "REQ": {\n        "Name": "REQ",')
    assert json_text.endswith("}\n\n")
    assert listing.variables_text([Var("A", False, "x", "")], "yaml") == (
        'A:\n    name: A\n    defaultvalue: x\n    presencevalue: ""\n    required: false\n'
    )


def test_environment_lines_are_sorted() -> None:
    assert listing.environment_text({"B": "2", "A": "1"}) == "A=1\nB=2\n"
