"""The schema compiler on small schemas: keyword meaning, alternatives, references."""

from __future__ import annotations

from typing import Any

from composer.loader.schema.compiler import SchemaIssue, compile_schema


def issues(schema: dict[str, Any], value: Any, lenient: bool = False) -> list[SchemaIssue]:
    found: list[SchemaIssue] = []
    compile_schema(schema, lenient)(value, (), found)
    return found


def messages(schema: dict[str, Any], value: Any) -> list[str]:
    return [issue.message for issue in issues(schema, value)]


TWO_STRINGS = [{"type": "string", "pattern": "^a"}, {"type": "string", "pattern": "b$"}]


def test_one_of_refuses_a_value_matching_two_branches() -> None:
    assert messages({"oneOf": TWO_STRINGS}, "ab") == ["matches more than one of the allowed forms"]
    assert messages({"oneOf": TWO_STRINGS}, "a") == []


def test_any_of_accepts_a_value_matching_two_branches() -> None:
    assert messages({"anyOf": TWO_STRINGS}, "ab") == []


def test_alternatives_of_one_type_report_the_closest_branch() -> None:
    schema = {
        "anyOf": [
            {"type": "object", "required": ["a", "b", "e"]},
            {"type": "object", "required": ["c"]},
        ]
    }
    assert messages(schema, {"a": 1}) == ['missing required key "c"']


def test_alternatives_with_no_branch_for_the_type_name_every_type() -> None:
    schema = {"oneOf": [{"type": "string"}, {"type": "array"}]}
    assert messages(schema, 5) == ["must be a list or a string, not an integer"]


def test_recursive_references_resolve() -> None:
    schema = {
        "$defs": {"tree": {"type": "object", "additionalProperties": {"$ref": "#/$defs/tree"}}},
        "$ref": "#/$defs/tree",
    }
    assert issues(schema, {"a": {"b": {"c": 1}}}) == [
        SchemaIssue(("a", "b", "c"), "must be a mapping, not an integer")
    ]


def test_a_reference_with_a_sibling_type_applies_both() -> None:
    schema = {
        "$defs": {"size": {"pattern": "^[0-9]+[kmg]?$", "title": "size"}},
        "properties": {"s": {"$ref": "#/$defs/size", "type": ["integer", "string"]}},
    }
    assert messages(schema, {"s": 5}) == []
    assert messages(schema, {"s": 1.5}) == ["must be a string or an integer, not a number"]
    assert messages(schema, {"s": "5x"}) == ['invalid size "5x"']


def test_an_unnamed_pattern_shows_the_pattern() -> None:
    assert messages({"pattern": "^a+$"}, "b") == ['"b" does not match the pattern "^a+$"']


def test_patterns_apply_to_strings_only() -> None:
    assert messages({"pattern": "^a+$"}, 5) == []


def test_integral_floats_are_integers_and_booleans_are_not() -> None:
    assert messages({"type": "integer"}, 2.0) == []
    assert messages({"type": "integer"}, True) == ["must be an integer, not a boolean"]
    assert messages({"type": "number", "minimum": 1}, 0.5) == ["must be at least 1, not 0.5"]


def test_unique_items_follow_json_equality() -> None:
    assert messages({"uniqueItems": True}, [1, True]) == []
    assert messages({"uniqueItems": True}, [1, 1.0]) == ["1.0 is already listed at [0]"]
    assert [i.path for i in issues({"uniqueItems": True}, [{"a": 1}, {"a": 1}])] == [(1,)]


def test_pattern_properties_and_closed_mappings() -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "patternProperties": {"^x-": {}, "^n[0-9]+$": {"type": "integer"}},
        "additionalProperties": False,
    }
    found = issues(schema, {"name": "a", "x-any": [1], "n1": "one", "nmae": 1})
    assert found == [
        SchemaIssue(("n1",), "must be an integer, not a string"),
        SchemaIssue((), 'unknown top-level key "nmae" (did you mean "name"?)', ("nmae",)),
    ]


def test_property_names_report_on_the_mapping_at_the_key() -> None:
    schema = {"propertyNames": {"minLength": 1}}
    assert issues(schema, {"": 1}) == [SchemaIssue((), "must not be empty", ("",))]


def test_lenient_mode_lets_variables_through_patterns_and_choices() -> None:
    schema = {"properties": {"a": {"enum": ["x"]}, "b": {"pattern": "^[0-9]+$"}}}
    value = {"a": "${A}", "b": "$B"}
    assert len(issues(schema, value)) == 2
    assert issues(schema, value, lenient=True) == []


def test_min_items() -> None:
    assert messages({"minItems": 2}, [1]) == ["must have at least 2 items"]
