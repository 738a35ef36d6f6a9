"""scripts/build-test-images takes its Debian mirror only from apt's sources (or the user).

`--print-mirror` runs the script's own selection against a fake `apt-get` that answers
`indextargets --format` from records shaped like the real ones, so each case is the script's
real code on known input; one test asks this machine's real apt.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.ci import in_ci

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build-test-images"
BASH = shutil.which("bash") or "/bin/bash"

# Answers `apt-get indextargets --format FORMAT` as apt does: one line per record, each
# $(FIELD) replaced by the record's value ("" when it has none).
FAKE_APT = """\
import json, os, re, sys
args = sys.argv[1:]
if args[:1] != ["indextargets"] or "--format" not in args:
    sys.exit("fake apt-get: unexpected arguments %r" % args)
fmt = args[args.index("--format") + 1]
for record in json.load(open(os.environ["FAKE_APT_TARGETS"])):
    print(re.sub(r"\\$\\((\\w+)\\)", lambda m: record.get(m.group(1), ""), fmt))
"""


def target(uri: str, release: str, **fields: str) -> dict[str, str]:
    """One binary-package index target of apt, as a downloaded Release file describes it."""
    record = {"REPO_URI": uri, "RELEASE": release, "CODENAME": release, "ORIGIN": "Debian"}
    record |= {"COMPONENT": "main", "TARGET_OF": "deb", "IDENTIFIER": "Packages"}
    record |= fields
    return record


def print_mirror(
    tmp_path: Path, targets: list[dict[str, str]], environ: Mapping[str, str] = {}
) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "apt-get"
    fake.write_text(f"#!{sys.executable}\n{FAKE_APT}")
    fake.chmod(0o755)
    (tmp_path / "targets.json").write_text(json.dumps(targets))
    env = {k: v for k, v in os.environ.items() if k != "COMPOSER_DEBIAN_MIRROR"}
    env |= {"PATH": f"{bin_dir}:/usr/bin:/bin", "FAKE_APT_TARGETS": str(tmp_path / "targets.json")}
    env |= environ
    return subprocess.run(
        [BASH, str(SCRIPT), "--print-mirror"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def mirror(tmp_path: Path, targets: list[dict[str, str]]) -> str:
    result = print_mirror(tmp_path, targets)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_suites_archive_is_chosen_and_its_slash_dropped(tmp_path: Path) -> None:
    targets = [
        target("http://mirror.example/debian-security/", "bookworm-security"),
        target("http://mirror.example/debian/", "bookworm"),
        target("http://mirror.example/debian/", "bookworm-updates"),
    ]
    assert mirror(tmp_path, targets) == "http://mirror.example/debian\n"


def test_a_source_written_as_stable_is_known_by_its_codename(tmp_path: Path) -> None:
    targets = [target("https://mirror.example/debian/", "stable", CODENAME="bookworm")]
    assert mirror(tmp_path, targets) == "https://mirror.example/debian\n"


def test_before_apt_update_the_release_in_the_sources_decides(tmp_path: Path) -> None:
    # No Release file yet: no codename, no origin.
    targets = [target("http://mirror.example/debian/", "bookworm", CODENAME="", ORIGIN="")]
    assert mirror(tmp_path, targets) == "http://mirror.example/debian\n"


def test_a_vendor_repository_for_the_same_suite_is_not_a_debian_mirror(tmp_path: Path) -> None:
    targets = [
        target("http://a-vendor.example/linux/debian/", "bookworm", ORIGIN="Vendor"),
        target("http://mirror.example/debian/", "bookworm"),
    ]
    assert mirror(tmp_path, targets) == "http://mirror.example/debian\n"


def test_debians_origin_wins_over_an_unknown_one(tmp_path: Path) -> None:
    targets = [
        target("http://a.example/debian/", "bookworm", ORIGIN=""),
        target("http://b.example/debian/", "bookworm"),
    ]
    assert mirror(tmp_path, targets) == "http://b.example/debian\n"


@pytest.mark.parametrize(
    "other",
    [
        {"TARGET_OF": "deb-src"},
        {"COMPONENT": "contrib"},
        {"REPO_URI": "cdrom:[Debian GNU/Linux 12]/"},
        {"REPO_URI": "mirror+file:/etc/apt/mirrors.txt"},
        {"RELEASE": "trixie", "CODENAME": "trixie"},
    ],
)
def test_what_debootstrap_cannot_use_is_skipped(tmp_path: Path, other: dict[str, str]) -> None:
    targets = [target("http://skipped.example/debian/", "bookworm", **other)]
    targets.append(target("file:///srv/debian", "bookworm"))
    assert mirror(tmp_path, targets) == "file:///srv/debian\n"


def test_without_a_debian_source_it_fails_and_says_what_to_do(tmp_path: Path) -> None:
    targets = [
        target("http://archive.example/ubuntu/", "jammy", ORIGIN="Ubuntu"),
        target("http://a-vendor.example/linux/debian/", "bookworm", ORIGIN="Vendor"),
    ]
    result = print_mirror(tmp_path, targets)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "problem  no apt source on this machine names a Debian bookworm mirror (main), and "
        "COMPOSER_DEBIAN_MIRROR is not set: add a Debian source for bookworm to "
        "/etc/apt/sources.list.d/ or set COMPOSER_DEBIAN_MIRROR to a Debian mirror's URL\n"
    )


def test_when_apt_fails_it_fails_the_same_way(tmp_path: Path) -> None:
    # The fake apt-get cannot read its targets: it exits non-zero with nothing on stdout.
    result = print_mirror(tmp_path, [], {"FAKE_APT_TARGETS": str(tmp_path / "missing.json")})
    assert result.returncode == 1
    assert "no apt source on this machine names a Debian bookworm mirror" in result.stderr


def test_the_users_mirror_wins_and_apt_is_not_asked(tmp_path: Path) -> None:
    environ = {"COMPOSER_DEBIAN_MIRROR": "http://mine.example/debian/", "FAKE_APT_TARGETS": "/x"}
    result = print_mirror(tmp_path, [], environ)
    assert (result.returncode, result.stdout) == (0, "http://mine.example/debian\n")


def test_this_machines_apt_names_the_mirror() -> None:
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        if in_ci():
            pytest.fail("apt-get is missing: CI runs on Debian")
        pytest.skip("not a Debian machine")
    uris = subprocess.run(
        [apt_get, "indextargets", "--format", "$(REPO_URI) $(RELEASE) $(CODENAME)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    env = {k: v for k, v in os.environ.items() if k != "COMPOSER_DEBIAN_MIRROR"}
    result = subprocess.run(
        [str(SCRIPT), "--print-mirror"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    chosen = result.stdout.strip()
    assert any(line.startswith(chosen) and " bookworm" in line for line in uris), uris


def test_help_and_a_bad_argument() -> None:
    result = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "--print-mirror" in result.stdout
    assert "set -e" not in result.stdout
    result = subprocess.run([str(SCRIPT), "--bogus"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stderr) == (1, "problem  unknown argument: --bogus\n")


HOST = re.compile(r"\b[a-z][a-z0-9+.-]*://([^/\s:'\"`)]+)")


def test_the_scripts_name_no_package_host() -> None:
    files = [p for p in (REPO / "scripts").rglob("*") if p.is_file()] + [REPO / ".ci" / "run"]
    named = {
        f"{path.relative_to(REPO)}: {host}"
        for path in files
        for host in HOST.findall(path.read_text(errors="replace"))
        if host not in {"127.0.0.1", "localhost"}
    }
    assert named == set()
