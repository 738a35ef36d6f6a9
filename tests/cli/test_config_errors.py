"""Bad input to `composer config`: one `error:` line per problem naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import exit_code, run_cli

# (case, compose.yaml, the first line of stderr)
CASES = [
    (
        "malformed-yaml",
        "services:\n  a: [\n",
        "compose.yaml:3: invalid YAML: did not find expected node content",
    ),
    (
        "duplicate-key",
        "services:\n  a:\n    image: x\n    image: y\n",
        'compose.yaml:4: services.a: mapping key "image" already defined at line 3',
    ),
    (
        "unknown-key",
        "services:\n  a:\n    image: x\n    imagee: y\n",
        'compose.yaml:4: services.a: unknown key "imagee" (did you mean "image"?)',
    ),
    (
        "wrong-type",
        "services:\n  a:\n    image: x\n    ports: {a: 1}\n",
        "compose.yaml:4: services.a.ports: must be a list, not a mapping",
    ),
    (
        "invalid-port",
        'services:\n  a:\n    image: x\n    ports: ["80:80:80:80"]\n',
        'compose.yaml:4: services.a.ports[0]: invalid port "80:80:80:80":'
        " invalid IP address: 80:80",
    ),
    (
        "invalid-volume",
        'services:\n  a:\n    image: x\n    volumes: [":/x"]\n',
        'compose.yaml:4: services.a.volumes[0]: invalid volume ":/x": empty section between colons',
    ),
    (
        "invalid-duration",
        "services:\n  a:\n    image: x\n    stop_grace_period: 10parsecs\n",
        'compose.yaml:4: services.a.stop_grace_period: invalid duration "10parsecs":'
        ' use Go duration syntax such as "1m30s", "10s" or "500ms"',
    ),
    (
        "invalid-bytes",
        "services:\n  a:\n    image: x\n    shm_size: 12zb\n",
        'compose.yaml:4: services.a.shm_size: invalid byte size "12zb": use a number of bytes or a'
        ' number with a unit such as "512m" or "1g"',
    ),
    (
        "required-variable",
        "services:\n  a:\n    image: ${TAG:?set TAG to the release}\n",
        "compose.yaml:3: services.a.image: required variable TAG is missing a value: set TAG to the"
        " release",
    ),
    (
        "missing-env-file",
        "services:\n  a:\n    image: x\n    env_file: missing.env\n",
        "compose.yaml:4: services.a.env_file[0]: env file {dir}/missing.env not found",
    ),
    (
        "depends-on-cycle",
        "services:\n  a:\n    image: x\n    depends_on: [b]\n"
        "  b:\n    image: x\n    depends_on: [a]\n",
        "compose.yaml:4: services.a.depends_on.b: dependency cycle detected: a -> b -> a",
    ),
    (
        "extends-cycle",
        "services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: x\n    extends: a\n",
        "compose.yaml:4: services.a.extends: Circular reference:",
    ),
    ("empty-file", "", "{dir}/compose.yaml: empty compose file"),
    (
        "include-cycle",
        "include: [inc.yaml]\nservices:\n  a: {image: x}\n",
        "inc.yaml:1: include[0]: include cycle detected: compose.yaml -> inc.yaml -> compose.yaml",
    ),
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TAG", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "inc.yaml").write_text("include: [compose.yaml]\nservices:\n  z: {image: x}\n")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, *args)
    assert out == ""
    return code, err


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file_gives_one_clear_error(
    workdir: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    (workdir / "compose.yaml").write_text(text)
    code, err = run(capsys, "config")
    assert code == 1
    assert "Traceback" not in err
    assert err.splitlines()[0] == "error: " + expected.format(dir=workdir)


def test_every_schema_problem_of_a_file_at_once(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "compose.yaml").write_text(
        "services:\n  a:\n    image: x\n    imagee: y\n    ports: {a: 1}\n"
    )
    code, err = run(capsys, "config")
    assert code == 1
    assert err.splitlines()[:2] == [
        'error: compose.yaml:4: services.a: unknown key "imagee" (did you mean "image"?)',
        "error: compose.yaml:5: services.a.ports: must be a list, not a mapping",
    ]


def test_missing_env_file_option(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "compose.yaml").write_text("services:\n  a: {image: x}\n")
    code, err = run(capsys, "--env-file", "nope.env", "config")
    assert (code, err.splitlines()[0]) == (1, f"error: couldn't find env file: {workdir}/nope.env")


def test_invalid_project_name(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "compose.yaml").write_text("services:\n  a: {image: x}\n")
    code, err = run(capsys, "-p", "Bad!", "config")
    assert (code, err.splitlines()[0]) == (
        1,
        'error: invalid project name "Bad!": must consist only of lowercase alphanumeric'
        " characters, hyphens, and underscores as well as start with a letter or number",
    )


def test_an_exit_code_that_is_not_a_number_fails_the_test() -> None:
    # sys.exit("text") would print the text and exit 1: the helpers must not read it as 0.
    with pytest.raises(AssertionError, match="not a number"):
        exit_code(SystemExit("boom"))
    assert exit_code(SystemExit(2)) == 2
