"""Running every check, applying local fixes, and the text and JSON reports."""

from __future__ import annotations

import json

from composer.doctor.check import Status, ok, problem, warning
from composer.doctor.context import Context
from composer.doctor.report import as_json, summary, text_lines
from composer.doctor.runner import Applied, Report, diagnose, run_checks
from tests.unit.doctor.fakes import FakeHost, context, root_host, rootless_host

USER_DROPIN = "/home/alice/.config/containers/containers.conf.d/50-composer-ulimits.conf"


def statuses(host: FakeHost) -> dict[str, str]:
    return {check.name: check.status.value for check in run_checks(context(host))}


ROOTLESS_CHECKS = [
    "podman",
    "quadlet",
    "socket",
    "user",
    "runtime-dir",
    "user-namespaces",
    "subuid",
    "subgid",
    "newuidmap",
    "newgidmap",
    "network",
    "tun",
    "ping",
    "low-ports",
    "containers-conf",
    "cgroups",
    "oci-runtime",
    "ulimits",
    "storage",
    "selinux",
    "registries",
    "lingering",
    "healthchecks",
]


def test_a_healthy_rootless_host_has_nothing_to_report() -> None:
    host = rootless_host()
    host.version = "5.2.0"
    host.programs["pasta"] = "/usr/bin/pasta"
    found = statuses(host)
    assert list(found) == ROOTLESS_CHECKS
    assert set(found.values()) == {"ok"}


def test_podman_4_3_only_lacks_quadlet() -> None:
    found = statuses(rootless_host())
    assert {name for name, status in found.items() if status != "ok"} == {"quadlet"}


def test_a_healthy_root_host_skips_the_rootless_checks() -> None:
    host = root_host()
    host.version = "5.2.1"
    found = statuses(host)
    assert set(found.values()) == {"ok"}
    rootless_only = {"runtime-dir", "user-namespaces", "subuid", "subgid", "newuidmap"}
    rootless_only |= {"newgidmap", "network", "tun", "low-ports", "lingering"}
    assert list(found) == [name for name in ROOTLESS_CHECKS if name not in rootless_only]


def test_exit_code_and_summary() -> None:
    report = Report([ok("a", "fine"), warning("b", "hm", "do x"), problem("c", "bad", "do y")])
    assert report.exit_code == 1
    assert summary(report) == "1 problem, 1 warning"
    assert Report([ok("a", "fine")]).exit_code == 0
    assert summary(Report([ok("a", "fine")])) == "no problems, no warnings"
    two = Report([problem("a", "x"), problem("b", "y"), warning("c", "z")])
    assert summary(two) == "2 problems, 1 warning"


def test_text_lines() -> None:
    report = Report(
        [ok("a", "fine"), problem("c", "bad", "do y")],
        [Applied("u", "/x.conf", "/x.conf ([s] k = 1)"), Applied("v", "/y", "", "cannot write /y")],
    )
    assert text_lines(report) == [
        "fixed    u: wrote /x.conf ([s] k = 1)",
        "failed   v: cannot write /y",
        "ok       a: fine",
        "problem  c: bad",
        "         fix: do y",
        "1 problem, no warnings",
    ]


def test_json_report() -> None:
    report = Report([ok("a", "fine"), problem("c", "bad", "do y")])
    assert json.loads(as_json(report)) == {
        "checks": [
            {"name": "a", "status": "ok", "message": "fine", "fix": None, "local_fix": None},
            {"name": "c", "status": "problem", "message": "bad", "fix": "do y", "local_fix": None},
        ],
        "fixed": [],
        "problems": 1,
        "warnings": 0,
    }


def too_high_ulimits() -> FakeHost:
    host = rootless_host()
    host.files["/etc/containers/containers.conf"] = (
        '[containers]\ndefault_ulimits = ["nofile=1048576:1048576"]\n'
    )
    return host


def test_without_fix_nothing_is_written() -> None:
    host = too_high_ulimits()
    report = diagnose(lambda: Context(host))
    assert host.written == {}
    assert report.exit_code == 1
    (check,) = [check for check in report.checks if check.name == "ulimits"]
    assert check.action is not None
    assert check.action.path == USER_DROPIN


def test_fix_writes_the_dropin_and_checks_again() -> None:
    host = too_high_ulimits()
    report = diagnose(lambda: Context(host), fix=True)
    content = '[containers]\ndefault_ulimits = ["nofile=524288:524288"]\n'
    assert host.written == {USER_DROPIN: content}
    assert report.applied == [
        Applied(
            "ulimits",
            USER_DROPIN,
            f'{USER_DROPIN} ([containers] default_ulimits = ["nofile=524288:524288"])',
        )
    ]
    assert report.exit_code == 0
    (check,) = [check for check in report.checks if check.name == "ulimits"]
    assert check.status is Status.OK
    assert text_lines(report)[0] == (
        f"fixed    ulimits: wrote {USER_DROPIN} "
        '([containers] default_ulimits = ["nofile=524288:524288"])'
    )


def test_fix_that_cannot_write_is_reported_and_the_problem_stays() -> None:
    host = too_high_ulimits()

    def refuse(path: str, content: str) -> None:
        raise PermissionError(13, "Permission denied")

    host.write_text = refuse  # type: ignore[method-assign]
    report = diagnose(lambda: Context(host), fix=True)
    assert report.applied == [
        Applied(
            "ulimits",
            USER_DROPIN,
            f'{USER_DROPIN} ([containers] default_ulimits = ["nofile=524288:524288"])',
            f"cannot write {USER_DROPIN}: Permission denied",
        )
    ]
    assert report.exit_code == 1


def test_fixes_that_need_root_are_printed_never_run() -> None:
    host = rootless_host()
    host.files["/etc/subuid"] = ""
    report = diagnose(lambda: Context(host), fix=True)
    assert report.applied == []
    assert not any("usermod" in " ".join(argv) for argv in host.ran)
    assert (
        "         fix: sudo usermod --add-subuids 231072-296607 alice, then `podman system migrate`"
        in text_lines(report)
    )
