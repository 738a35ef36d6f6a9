"""`.env` files: docker compose's grammar, checked value by value with the reference binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.errors import ComposerError, ConfigError
from composer.loader.read.dotenv import (
    EnvFileError,
    load_project_env_files,
    parse_env,
    read_env_file,
)

FIXTURES = Path(__file__).parents[4] / "../shared/conformance/compose-go/dotenv/fixtures"


def parse(text: str, **os_environ: str) -> tuple[dict[str, str], list[str]]:
    warnings: list[str] = []
    return parse_env(text, os_environ.get, warnings.append), warnings


def fixture(name: str) -> dict[str, str]:
    text = (FIXTURES / name).resolve().read_text(encoding="utf-8")
    return parse(text, VAR_TO_BE_LOADED_FROM_OS_ENV="fromos")[0]


# Each value below is what `docker compose --env-file FIXTURE config` v2.40.3 gave the service.
PLAIN = {
    "OPTION_A": "1",
    "OPTION_B": "2",
    "OPTION_C": "3",
    "OPTION_D": "4",
    "OPTION_E": "5",
    "456": "ABC",
    "OPTION_F": "",
    "OPTION_G": "",
    "OPTION_H": "my string",
}
SUBSTITUTED = {"OPTION_A": "1", "OPTION_B": "1", "OPTION_C": "1", "OPTION_D": "1_1", "OPTION_E": ""}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("custom.format", {"FOO": "BAR", "ZOT": "QIX"}),
        ("equals.env", {"OPTION_A": "postgres://localhost:5432/database?sslmode=disable"}),
        ("exported.env", {"OPTION_A": "2", "OPTION_B": "\\n"}),
        ("inherited-multi-var.env", {"foo": "bar", "VAR_TO_BE_LOADED_FROM_OS_ENV": "fromos",
                                     "bar": "baz"}),
        ("inherited-not-found.env", {}),
        ("inherited-single-var.env", {"VAR_TO_BE_LOADED_FROM_OS_ENV": "fromos"}),
        ("plain.env", PLAIN),
        ("utf8-bom.env", PLAIN),
        ("quoted.env", {
            "OPTION_A": "1", "OPTION_B": "2", "OPTION_C": "", "OPTION_D": "\\n",
            "OPTION_E": "1", "OPTION_F": "2", "OPTION_G": "", "OPTION_H": "\n",
            "OPTION_I": "echo 'asd'", "OPTION_J": "first line\nsecond line\nthird line\nand so on",
            "OPTION_K": "Let's go!", "OPTION_Z": "last value",
        }),
        ("special.env", {"VAR.WITH.DOTS": "dots", "VAR_WITH_UNDERSCORES": "underscores",
                         "VAR-WITH-DASHES": "dashes"}),
        ("substitutions.env", SUBSTITUTED),
        ("substitutions-default.env", SUBSTITUTED),
        ("unquoted.env", {
            "OPTION_A": "some quoted phrase",
            "OPTION_B": "first one with an unquoted phrase",
            "OPTION_C": "then another one with an unquoted phrase",
            "OPTION_D": "then another one with an unquoted phrase special \u00e8 char",
            "OPTION_E": "then another one quoted phrase",
        }),
    ],
)  # fmt: skip
def test_compose_go_fixtures(name: str, expected: dict[str, str]) -> None:
    assert fixture(name) == expected


def test_invalid_fixture_names_the_line() -> None:
    with pytest.raises(EnvFileError) as caught:
        fixture("invalid1.env")
    assert (caught.value.line, caught.value.message) == (7, "key cannot contain a space")


def test_unset_reference_warns() -> None:
    values, warnings = parse("A=${NOPE}\n")
    assert values == {"A": ""}
    assert warnings == ['The "NOPE" variable is not set. Defaulting to a blank string.']


def test_double_quote_escapes_are_dockers_set() -> None:
    values, _ = parse('A="a\\nb\\tc\\\\d\\"e\\$f\\ag"\nB="\\b\\f\\v\\r\\q\\x41\\u00e8\\\'"\n')
    assert values == {"A": 'a\nb\tc\\d"e$f\ag', "B": "\b\f\v\r\\q\\x41\\u00e8\\'"}


def test_single_quotes_are_literal_but_for_escaped_quote() -> None:
    values, warnings = parse("A='a\\\\b\\q'\nB='${SET}'\nC='it\\'s'\n", SET="val")
    assert values == {"A": "a\\\\b\\q", "B": "${SET}", "C": "it's"}
    assert warnings == []


def test_unquoted_values_interpolate_and_keep_backslashes() -> None:
    values, warnings = parse('A=$$x\nB="$$x"\nC=\\$x\nD=a\\nb\n')
    assert values == {"A": "$x", "B": "$x", "C": "\\", "D": "a\\nb"}
    assert warnings == ['The "x" variable is not set. Defaulting to a blank string.']


def test_comments_and_text_after_quotes() -> None:
    values, _ = parse("# c\n\n   \nA=x#y\nB=x #y\nC='x' #c\nD=\"x\"y\nE= #x\nF=x\t#c\n")
    assert values == {"A": "x#y", "B": "x", "C": "x", "D": "x", "E": "#x", "F": "x\t#c"}


def test_colon_form_export_and_keys() -> None:
    values, _ = parse("FOO: BAR=1\nB:  x y # c\nC :d\nA[0]=1\nexport  E=2\nexport=3\n=ignored\n")
    assert values == {"FOO": "BAR=1", "B": "x y", "C": "d", "A[0]": "1", "E": "2", "export": "3"}


def test_multiline_double_quotes_keep_inner_lines_and_crlf() -> None:
    values, _ = parse('A="x   \n  # not comment\ny"\nB="b\r\nc"\r\nC=c\r\n')
    assert values == {"A": "x   \n  # not comment\ny", "B": "b\r\nc", "C": "c"}


def test_lookup_is_os_environment_first_then_earlier_keys() -> None:
    values, _ = parse("A=file\nB=$A\nSET=file\nC=${SET}-r\n", A="os")
    assert values == {"A": "file", "B": "os", "SET": "file", "C": "file-r"}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("A B=1\n", 1, "key cannot contain a space"),
        ("OK=1\nA$B=1\n", 2, 'unexpected character "$" in variable name "A$B=1"'),
        ('X=1\nA="unterminated\nB=2\n', 2, 'unterminated quoted value "unterminated'),
        ("A=1\nB=${A:?}\nC=${U:?need it}\n", 3, "required variable U is missing a value: need it"),
        ("A=${B C}\n", 1, 'invalid interpolation format: "${B C}"'),
    ],
)
def test_bad_lines(text: str, line: int, message: str) -> None:
    with pytest.raises(EnvFileError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.message) == (line, message)


def test_project_env_files_later_file_wins_and_sees_earlier(tmp_path: Path) -> None:
    first = tmp_path / "1.env"
    second = tmp_path / "2.env"
    first.write_text("A=first\nB=one\n")
    second.write_text("A=second\nC=${B}-${A}\n")
    warnings: list[str] = []
    forward = load_project_env_files([str(first), str(second)], {}, warnings.append)
    assert forward == {"A": "second", "B": "one", "C": "one-second"}
    backward = load_project_env_files([str(second), str(first)], {}, warnings.append)
    assert backward == {"A": "first", "B": "one", "C": "-second"}


def test_project_env_file_missing(tmp_path: Path) -> None:
    missing = tmp_path / "nope.env"
    with pytest.raises(ComposerError) as caught:
        load_project_env_files([str(missing)], {}, lambda _: None)
    assert str(caught.value) == f"couldn't find env file: {missing}"


def test_project_env_file_bad_line_is_located(tmp_path: Path) -> None:
    path = tmp_path / "e.env"
    path.write_text("OK=1\nBAD KEY=2\n")
    with pytest.raises(ConfigError) as caught:
        load_project_env_files([str(path)], {}, lambda _: None)
    assert str(caught.value) == f"{path}:2: key cannot contain a space"


def test_service_env_file(tmp_path: Path) -> None:
    path = tmp_path / "svc.env"
    path.write_text('BARE_SET\nBARE_UNSET\nREF=${PROJ}-${SVC}-${UNSET_Q}\nRAW="q $PROJ"\n')
    warnings: list[str] = []
    environment = {"BARE_SET": "os", "PROJ": "p", "SVC": "s"}
    values = read_env_file(str(path), environment, warnings.append)
    assert values == {"BARE_SET": "os", "REF": "p-s-", "RAW": "q p"}
    assert warnings == ['The "UNSET_Q" variable is not set. Defaulting to a blank string.']


def test_service_env_file_raw_format(tmp_path: Path) -> None:
    path = tmp_path / "raw.env"
    path.write_text('R1="q $PROJ"\nR2= x \n#c\n  R3\nR4=a=b\nR5\n')
    values = read_env_file(str(path), {"R5": "os"}, lambda _: None, raw=True)
    assert values == {"R1": '"q $PROJ"', "R2": " x ", "R4": "a=b", "R5": "os"}


def test_service_env_file_raw_format_rejects_spaces_in_keys(tmp_path: Path) -> None:
    path = tmp_path / "raw.env"
    path.write_text("R2 = x\n")
    with pytest.raises(ConfigError) as caught:
        read_env_file(str(path), {}, lambda _: None, raw=True)
    assert str(caught.value) == f"{path}:1: variable 'R2 ' contains whitespaces"


def test_service_env_file_missing(tmp_path: Path) -> None:
    missing = tmp_path / "nope.env"
    assert read_env_file(str(missing), {}, lambda _: None, required=False) == {}
    with pytest.raises(ComposerError) as caught:
        read_env_file(str(missing), {}, lambda _: None)
    assert str(caught.value) == f"env file {missing} not found"
