"""The `${VAR}` grammar: every form, nesting, escapes and errors (checked with docker compose)."""

from __future__ import annotations

import pytest

from composer.loader.interpolation.template import (
    InvalidTemplateError,
    MissingRequiredError,
    Variable,
    closing_brace,
    substitute,
    variables,
)

ENV = {"SET": "val", "EMPTY": ""}


def expand(text: str) -> tuple[str, list[str]]:
    """The expansion of `text` with SET=val, EMPTY= and nothing else, plus the warnings."""
    warnings: list[str] = []
    return substitute(text, ENV.get, warnings.append), warnings


def unset(name: str) -> str:
    return f'The "{name}" variable is not set. Defaulting to a blank string.'


# Expected values as `docker compose config` v2.40.3 printed them (with `$$` read back as `$`).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("$SET", "val"),
        ("${SET}", "val"),
        ("$SET-suffix", "val-suffix"),
        ("${EMPTY:-d}", "d"),
        ("${EMPTY-d}", ""),
        ("${UNS-d}", "d"),
        ("${UNS:-d}", "d"),
        ("${SET:-d}", "val"),
        ("${SET:+a}", "a"),
        ("${EMPTY:+a}", ""),
        ("${EMPTY+a}", "a"),
        ("${UNS+a}", ""),
        ("${UNS:+a}", ""),
        ("${SET?x}", "val"),
        ("${EMPTY?x}", ""),
        ("${SET:?x}", "val"),
        ("${UNS:-${SET:-x}}", "val"),
        ("${UNS:-$SET}", "val"),
        ("${UNS:-a:b}", "a:b"),
        ("${UNS:-{x}}", "{x}"),
        ("${UNS:-a}b}", "ab}"),
        ("${UNS-b:?c}", "b:?c"),
        ("x${UNS:-${UNS2:-${SET}y}}z", "xvalyz"),
        ("${EMPTY:+${SET}}", ""),
        ("${A-}", ""),
        ("$1x", "$1x"),
        ("a$", "a$"),
        ("$ x", "$ x"),
        ("$$", "$"),
        ("$$SET", "$SET"),
        ("$$$SET", "$val"),
        ("$${A B}", "${A B}"),
        ("${UNS:-$$}", "$"),
    ],
)
def test_forms_expand_like_docker_compose(text: str, expected: str) -> None:
    assert expand(text) == (expected, [])


def test_unset_variable_is_blank_with_a_warning() -> None:
    assert expand("a-${UNS}-$UNS2") == ("a--", [unset("UNS"), unset("UNS2")])


def test_names_may_start_with_underscore() -> None:
    assert expand("$_") == ("", [unset("_")])
    assert expand("${_a1}") == ("", [unset("_a1")])


def test_operands_are_expanded_even_when_unused() -> None:
    # docker compose warns about UNS although SET is set
    assert expand("${SET:?${UNS}}") == ("val", [unset("UNS")])
    assert expand("${SET-${UNS}}") == ("val", [unset("UNS")])
    with pytest.raises(MissingRequiredError) as caught:
        expand("${SET:-${UNS:?err}}")
    assert caught.value.describe() == "required variable UNS is missing a value: err"


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("${UNS:?}", "required variable UNS is missing a value"),
        ("${UNS?}", "required variable UNS is missing a value"),
        ("${EMPTY:?boom here}", "required variable EMPTY is missing a value: boom here"),
        ("${UNS?msg ${SET}}", "required variable UNS is missing a value: msg val"),
        ("${UNS:?${UNS2:?inner}}", "required variable UNS2 is missing a value: inner"),
        ("${UNS:?}x${SET:?y}", "required variable UNS is missing a value"),
    ],
)
def test_required_variables(text: str, described: str) -> None:
    with pytest.raises(MissingRequiredError) as caught:
        expand(text)
    assert caught.value.describe() == described


def test_empty_value_satisfies_question_mark_without_colon() -> None:
    assert expand("${EMPTY?must be set}") == ("", [])
    with pytest.raises(MissingRequiredError):
        expand("${EMPTY:?must not be empty}")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("${}", "${}"),
        ("${A B}", "${A B}"),
        ("${A", "${A"),
        ("x${SET", "x${SET"),
        ("${A:x}", "${A:x}"),
        ("${A:=x}", "${A:=x}"),
        ("${1A}", "${1A}"),
        ("${A!}", "${A!}"),
        ("${A:-${B C}}", "${B C}"),
        ("${UNS:+${A B}}", "${A B}"),
    ],
)
def test_invalid_formats_name_the_template(text: str, shown: str) -> None:
    with pytest.raises(InvalidTemplateError) as caught:
        expand(text)
    assert caught.value.text == shown


def test_closing_brace_counts_only_nested_dollar_braces() -> None:
    assert closing_brace("${A:-${B}}", 0) == 9
    assert closing_brace("${A:-{x}}", 0) == 7
    assert closing_brace("${A:-${B}", 0) == -1


def test_variables_lists_each_use_with_default_alternate_and_required() -> None:
    found = list(variables("${IMG:?need}:${TAG-latest} $CMD ${ALT:+alt} $$NOT ${N:-${I:-deep}}"))
    assert found == [
        Variable("IMG", True, "", ""),
        Variable("TAG", False, "latest", ""),
        Variable("CMD", False, "", ""),
        Variable("ALT", False, "", "alt"),
        Variable("I", False, "deep", ""),
        Variable("N", False, "${I:-deep}", ""),
    ]


def test_variables_skips_malformed_templates() -> None:
    assert list(variables("${A B} ${OK}")) == [Variable("OK", False, "", "")]
    assert list(variables("no dollar")) == []
    assert list(variables("${UNCLOSED")) == []
