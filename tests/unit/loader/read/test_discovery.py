"""Discovery: working dir, compose files, env files and profiles, as docker compose finds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.errors import ComposerError, ConfigError
from composer.loader.context import Discovery, LoadContext, LoadOptions
from composer.loader.read.discovery import discover

SERVICE = "services:\n  s:\n    image: x\n"


def write(path: Path, text: str = SERVICE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def find(cwd: Path, environ: dict[str, str] | None = None, **options: object) -> Discovery:
    return discover(LoadOptions(cwd=str(cwd), environ=environ or {}, **options))  # type: ignore[arg-type]


def test_dash_f_files_are_relative_to_cwd_and_set_the_working_dir(tmp_path: Path) -> None:
    first = write(tmp_path / "sub" / "a.yaml")
    second = write(tmp_path / "b.yaml")
    found = find(tmp_path, files=("sub/a.yaml", "b.yaml"))
    assert found.files == [str(first), str(second)]
    assert found.working_dir == str(tmp_path / "sub")


def test_stdin_does_not_set_the_working_dir(tmp_path: Path) -> None:
    other = write(tmp_path / "d" / "c.yaml")
    assert find(tmp_path, files=("-",)).working_dir == str(tmp_path)
    found = find(tmp_path, files=("-", "d/c.yaml"))
    assert found.files == ["-", str(other)]
    assert found.working_dir == str(tmp_path / "d")


def test_missing_dash_f_file_is_named(tmp_path: Path) -> None:
    write(tmp_path / "ok.yaml")
    with pytest.raises(ConfigError) as caught:
        find(tmp_path, files=("ok.yaml", "nope.yaml", "also/nope.yaml"))
    assert str(caught.value) == (
        "nope.yaml: no such file or directory\nalso/nope.yaml: no such file or directory"
    )


def test_os_environment_wins_over_env_file_and_pwd_is_added(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    write(tmp_path / ".env", "A=file\nB=file\nREF=${A}\n")
    found = find(tmp_path, {"A": "os"})
    assert found.environment["A"] == "os"
    assert found.environment["B"] == "file"
    assert found.environment["REF"] == "os"
    assert found.environment["PWD"] == str(tmp_path)
    assert found.env_files == [str(tmp_path / ".env")]
    assert find(tmp_path, {"PWD": "/elsewhere"}).environment["PWD"] == "/elsewhere"


def test_env_dot_env_directory_is_ignored(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    (tmp_path / ".env").mkdir()
    assert find(tmp_path).env_files == []


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_compose_disable_env_file(tmp_path: Path, value: str) -> None:
    write(tmp_path / "compose.yaml")
    write(tmp_path / ".env", "A=file\n")
    found = find(tmp_path, {"COMPOSE_DISABLE_ENV_FILE": value})
    assert "A" not in found.environment
    assert found.env_files == []


def test_env_file_option_replaces_the_default(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    write(tmp_path / ".env", "A=default\nD=default\n")
    write(tmp_path / "one.env", "A=one\nB=one\n")
    write(tmp_path / "two.env", "A=two\n")
    found = find(tmp_path, {"B": "os"}, env_files=("one.env", "two.env"))
    assert found.env_files == [str(tmp_path / "one.env"), str(tmp_path / "two.env")]
    assert (found.environment["A"], found.environment["B"]) == ("two", "os")
    assert "D" not in found.environment


def test_explicit_env_file_still_read_when_default_is_disabled(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    write(tmp_path / "exp.env", "V=exp\n")
    found = find(tmp_path, {"COMPOSE_DISABLE_ENV_FILE": "true"}, env_files=("exp.env",))
    assert found.environment["V"] == "exp"


def test_compose_env_files_variable(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    write(tmp_path / ".env", "V=dflt\nA=dA\n")
    write(tmp_path / "exp.env", "V=exp\n")
    found = find(tmp_path, {"COMPOSE_ENV_FILES": "exp.env, .env"})
    assert (found.environment["V"], found.environment["A"]) == ("dflt", "dA")
    # --env-file wins over COMPOSE_ENV_FILES
    found = find(tmp_path, {"COMPOSE_ENV_FILES": ".env"}, env_files=("exp.env",))
    assert found.environment["V"] == "exp"
    assert "A" not in found.environment


def test_missing_env_file_is_named(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    with pytest.raises(ComposerError) as caught:
        find(tmp_path, env_files=("nope.env",))
    assert str(caught.value) == f"couldn't find env file: {tmp_path / 'nope.env'}"
    with pytest.raises(ComposerError) as caught:
        find(tmp_path, {"COMPOSE_ENV_FILES": "zz.env"})
    assert str(caught.value) == f"couldn't find env file: {tmp_path / 'zz.env'}"


def test_compose_file_from_dot_env_with_separator(tmp_path: Path) -> None:
    one = write(tmp_path / "one.yaml")
    two = write(tmp_path / "sub" / "two.yaml")
    write(tmp_path / ".env", "COMPOSE_FILE=one.yaml,sub/two.yaml\nCOMPOSE_PATH_SEPARATOR=,\n")
    found = find(tmp_path)
    assert found.files == [str(one), str(two)]
    assert found.working_dir == str(tmp_path)


def test_compose_file_is_relative_to_cwd_even_with_project_directory(tmp_path: Path) -> None:
    write(tmp_path / "proj" / "other.yaml")
    with pytest.raises(ConfigError) as caught:
        find(tmp_path, {"COMPOSE_FILE": "other.yaml"}, project_directory="proj")
    assert str(caught.value) == "other.yaml: no such file or directory"


def test_compose_file_in_other_directory_reads_that_dot_env_too(tmp_path: Path) -> None:
    # docker compose: cwd .env first, then the working directory's, never overriding
    write(tmp_path / ".env", "V=parent\n")
    other = write(tmp_path / "sub" / "other.yaml")
    write(tmp_path / "sub" / ".env", "V=sub\nA=subA\n")
    found = find(tmp_path, {"COMPOSE_FILE": "sub/other.yaml"})
    assert found.files == [str(other)]
    assert found.working_dir == str(tmp_path / "sub")
    assert (found.environment["V"], found.environment["A"]) == ("parent", "subA")
    assert found.env_files == [str(tmp_path / ".env"), str(tmp_path / "sub" / ".env")]


def test_explicit_env_file_is_not_joined_by_working_dir_dot_env(tmp_path: Path) -> None:
    write(tmp_path / "exp.env", "V=explicit\n")
    write(tmp_path / "sub" / "other.yaml")
    write(tmp_path / "sub" / ".env", "V=sub\nA=subA\n")
    found = find(tmp_path, {"COMPOSE_FILE": "sub/other.yaml"}, env_files=("exp.env",))
    assert found.environment["V"] == "explicit"
    assert "A" not in found.environment


def test_dash_f_reads_only_its_working_dir_dot_env(tmp_path: Path) -> None:
    write(tmp_path / ".env", "V=parent\n")
    write(tmp_path / "sub" / "other.yaml")
    write(tmp_path / "sub" / ".env", "V=sub\n")
    assert find(tmp_path, files=("sub/other.yaml",)).environment["V"] == "sub"


def test_search_upwards_with_override_and_parent_dot_env(tmp_path: Path) -> None:
    main = write(tmp_path / "compose.yaml")
    override = write(tmp_path / "compose.override.yaml")
    write(tmp_path / ".env", "V=parent\n")
    deeper = tmp_path / "sub" / "deeper"
    deeper.mkdir(parents=True)
    write(tmp_path / "sub" / ".env", "V=sub\n")  # not on the way: sub has no compose file
    found = find(deeper)
    assert found.files == [str(main), str(override)]
    assert found.working_dir == str(tmp_path)
    assert found.environment["V"] == "parent"
    assert found.warnings == []


def test_cwd_dot_env_is_read_before_the_parent_one(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    write(tmp_path / ".env", "V=parent\nA=parentA\n")
    write(tmp_path / "c1" / ".env", "A=cwd\n")
    found = find(tmp_path / "c1")
    assert (found.environment["V"], found.environment["A"]) == ("parent", "cwd")


def test_several_supported_names_warn_and_first_wins(tmp_path: Path) -> None:
    first = write(tmp_path / "compose.yaml")
    write(tmp_path / "docker-compose.yml")
    override = write(tmp_path / "compose.override.yaml")
    write(tmp_path / "docker-compose.override.yml")
    found = find(tmp_path)
    assert found.files == [str(first), str(override)]
    assert found.warnings == [
        f"Found multiple config files with supported names: {first}, "
        f"{tmp_path / 'docker-compose.yml'}",
        f"Using {first}",
        f"Found multiple override files with supported names: {override}, "
        f"{tmp_path / 'docker-compose.override.yml'}",
        f"Using {override}",
    ]
    ctx = LoadContext(options=LoadOptions(cwd=str(tmp_path), environ={}), discovery=found)
    assert ctx.warnings == found.warnings


def test_name_order_of_discovery(tmp_path: Path) -> None:
    yml = write(tmp_path / "docker-compose.yaml")
    assert find(tmp_path).files == [str(yml)]
    better = write(tmp_path / "docker-compose.yml")
    assert find(tmp_path).files == [str(better)]


def test_project_directory_is_where_the_search_starts(tmp_path: Path) -> None:
    main = write(tmp_path / "disc" / "compose.yaml")
    write(tmp_path / "disc" / "sub" / ".env", "V=sub\n")
    found = find(tmp_path, project_directory="disc/sub")
    assert found.files == [str(main)]
    assert found.working_dir == str(tmp_path / "disc" / "sub")
    assert found.environment["V"] == "sub"


def test_nothing_found(tmp_path: Path) -> None:
    with pytest.raises(ComposerError) as caught:
        find(tmp_path)
    assert str(caught.value) == "no configuration file provided: not found"


def test_profiles_from_option_or_variable(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml")
    write(tmp_path / ".env", "COMPOSE_PROFILES= c , ,a\n")
    assert find(tmp_path).profiles == ("c", "a")
    assert find(tmp_path, profiles=("a",)).profiles == ("a",)
    assert find(tmp_path, {"COMPOSE_PROFILES": "x"}).profiles == ("x",)
