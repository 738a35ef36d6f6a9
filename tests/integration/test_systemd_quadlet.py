"""Podman's own Quadlet generator accepts the files `composer systemd --format quadlet` writes.

Two generators: the host's, where the host's Podman has one (4.4 and later; Debian 12's 4.3
has none, which this test says instead of passing), and Debian 13's Podman 5 in the local
image localhost/composer/quadlet:trixie, which runs everywhere. The generated services must
also pass that systemd's `systemd-analyze verify` without a word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman, missing, run

REPO = Path(__file__).resolve().parents[2]
GOGS = REPO / "examples" / "gogs-postgres"
EVERY = REPO / "tests" / "unit" / "generate" / "fixtures" / "systemd" / "every"
QUADLET_IMAGE = "localhost/composer/quadlet:trixie"
HOST_GENERATORS = (
    Path("/usr/lib/systemd/system-generators/podman-system-generator"),
    Path("/usr/libexec/podman/quadlet"),
)
CASES = {
    "gogs": (GOGS, ["-f", "compose.yaml", "-f", "compose.offline.yaml"]),
    "every": (EVERY, []),
}


def write_quadlet(composer: Composer, case: str, version: str, out: Path) -> list[str]:
    directory, files = CASES[case]
    args = [*files, "systemd", "--format", "quadlet", "--podman-version", version]
    composer(*args, "-o", str(out), cwd=directory)
    return sorted(p.name for p in out.iterdir())


def expected_services(files: list[str]) -> list[str]:
    suffixes = {".container": "", ".pod": "-pod", ".network": "-network", ".volume": "-volume"}
    suffixes[".build"] = "-build"
    return sorted(
        f"{Path(name).stem}{suffixes[Path(name).suffix]}.service"
        for name in files
        if Path(name).suffix in suffixes
    )


def generator_complaints(stderr: str) -> list[str]:
    """Every line but the generator's `Loading source unit file` notes."""
    return [line for line in stderr.splitlines() if "Loading source unit file" not in line]


@pytest.mark.parametrize("case", sorted(CASES))
def test_podman_5_quadlet_accepts_the_files(
    root_podman: Podman, composer: Composer, case: str, tmp_path: Path
) -> None:
    if not root_podman.image_exists(QUADLET_IMAGE):
        missing(f"image {QUADLET_IMAGE} is missing")
    version = root_podman(
        "run", "--rm", QUADLET_IMAGE, "podman", "version", "--format", "{{.Client.Version}}"
    ).stdout.strip()
    out = tmp_path / "quadlet"
    files = write_quadlet(composer, case, ".".join(version.split(".")[:2]), out)
    generated = tmp_path / "generated"
    generated.mkdir()
    script = (
        "QUADLET_UNIT_DIRS=/in /usr/lib/systemd/system-generators/podman-system-generator "
        "/out /out /out && cp /in/*.target /out/ && "
        "systemd-analyze verify --man=no --recursive-errors=no /out/*.service /out/*.target"
    )
    done = root_podman(
        "run", "--rm", "-v", f"{out}:/in:ro", "-v", f"{generated}:/out",
        QUADLET_IMAGE, "sh", "-c", script,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert generator_complaints(done.stderr) == []
    made = sorted(p.name for p in generated.iterdir() if p.suffix == ".service")
    assert made == expected_services(files)


def host_podman_version() -> tuple[int, int]:
    text = run(["podman", "version", "--format", "{{.Client.Version}}"]).stdout.strip()
    found = re.match(r"(\d+)\.(\d+)", text)
    assert found, text
    return int(found[1]), int(found[2])


def test_the_hosts_quadlet_accepts_the_files(composer: Composer, tmp_path: Path) -> None:
    """Where the host's Podman has Quadlet, its generator accepts the files; where it has none
    (before 4.4), composer refuses to write Quadlet files for it, naming the version needed."""
    generator = next((path for path in HOST_GENERATORS if path.exists()), None)
    version = host_podman_version()
    if generator is None:
        if version >= (4, 4):
            pytest.fail(f"Podman {version} should have a Quadlet generator", pytrace=False)
        refused = composer(
            "systemd", "--format", "quadlet", "-o", str(tmp_path / "q"), cwd=EVERY, check=False
        )
        assert refused.returncode == 1
        assert refused.stderr.splitlines()[0] == (
            f"error: --format quadlet needs Podman 4.4 or later; "
            f"this is Podman {version[0]}.{version[1]}"
        )
        assert not (tmp_path / "q").exists()
        return
    out = tmp_path / "quadlet"
    files = write_quadlet(composer, "every", f"{version[0]}.{version[1]}", out)
    done = run(
        [str(generator), "--dryrun"], env={"QUADLET_UNIT_DIRS": str(out), "PATH": "/usr/bin:/bin"}
    )
    assert generator_complaints(done.stderr) == []
    for service in expected_services(files):
        assert f"---{service}---" in done.stdout
