"""`run -p`, `run -v`, `-e` and `--env-from-file` values, read as the compose file's are."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.model.bind.cli_values import environment, mounts, port_mappings


def test_ports_in_short_syntax() -> None:
    found = port_mappings(("8080:80", "127.0.0.1::53/udp", "9000"))
    assert [(p.target, p.published, p.host_ip, p.protocol) for p in found] == [
        (80, "8080", None, "tcp"),
        (53, None, "127.0.0.1", "udp"),
        (9000, None, None, "tcp"),
    ]


def test_a_bad_port_names_the_flag_and_the_value() -> None:
    with pytest.raises(ComposerError) as caught:
        port_mappings(("80:80:80:80",))
    assert caught.value.message.startswith('invalid -p value "80:80:80:80": ')


def test_a_relative_bind_comes_from_the_project_directory(tmp_path: Path) -> None:
    bind, volume = mounts(("./data:/data:ro", "cache:/cache"), str(tmp_path))
    assert (bind.type, bind.source, bind.target, bind.read_only) == (
        "bind",
        str(tmp_path / "data"),
        "/data",
        True,
    )
    assert (volume.type, volume.source, volume.target) == ("volume", "cache", "/cache")


def test_a_bad_volume_names_the_flag() -> None:
    with pytest.raises(ComposerError) as caught:
        mounts(("",), "/srv")
    assert caught.value.message.startswith('invalid -v value "": ')


def test_environment_from_flags_then_files(tmp_path: Path) -> None:
    env_file = tmp_path / "run.env"
    env_file.write_text("A=from-file\nC=${B}-and-file\n# comment\n")
    warnings: list[str] = []
    found = environment(
        ["A=from-flag", "B", "MISSING", "EMPTY="],
        [str(env_file)],
        {"B": "from-project"},
        warnings.append,
    )
    # -e wins over the file; a bare KEY comes from the project environment or is left out.
    assert found == {
        "A": "from-flag",
        "B": "from-project",
        "EMPTY": "",
        "C": "from-project-and-file",
    }
    assert warnings == []


def test_a_missing_env_file_and_a_bad_e_value_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ComposerError) as caught:
        environment([], [str(tmp_path / "nope.env")], {}, print)
    assert caught.value.message == f"env file {tmp_path / 'nope.env'} not found"
    with pytest.raises(ComposerError) as bad:
        environment(["=x"], [], {}, print)
    assert bad.value.message == 'invalid -e value "=x": use KEY=VALUE or KEY'
