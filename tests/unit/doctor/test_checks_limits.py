"""Container ulimits against the hard limits of the host."""

from __future__ import annotations

from composer.doctor.checks_limits import check_ulimits, fitting_entries, hard_limit, parse_ulimit
from tests.unit.doctor.fakes import FakeHost, context, root_host, rootless_host, shown

ROOT_DROPIN = "/etc/containers/containers.conf.d/50-composer-ulimits.conf"
NO_CAPS = "Name:\tpython3\nCapEff:\t000001fffeffffff\n"  # everything but CAP_SYS_RESOURCE


def limited_root() -> FakeHost:
    host = root_host()
    host.files["/proc/self/status"] = NO_CAPS
    host.files["/proc/sys/kernel/pid_max"] = "32768\n"
    host.rlimits.update({"nofile": (1024, 20000), "nproc": (96365, 96365)})
    host.set_info("host", "ociRuntime", "name", "runc")
    return host


def test_parse_ulimit() -> None:
    assert parse_ulimit("nofile=1024:2048") == ("nofile", 1024, 2048)
    assert parse_ulimit("nproc=500") == ("nproc", 500, 500)
    assert parse_ulimit("nofile=lots") is None


def test_root_that_may_raise_limits() -> None:
    assert shown(check_ulimits(context(root_host()))) == [
        "ok       ulimits: root can raise hard limits here: Podman's default ulimits work"
    ]


def test_root_without_cap_sys_resource_and_podmans_defaults() -> None:
    host = limited_root()
    (check,) = check_ulimits(context(host))
    setting = 'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]'
    assert shown([check]) == [
        "problem  ulimits: nofile=1048576:1048576 (Podman's default) is above the hard limit "
        "20000; nproc=1048576:1048576 (Podman's default) is above the hard limit 32768 "
        '(kernel.pid_max): containers fail with "error setting rlimit type 7: operation not '
        'permitted"',
        f"         fix: `composer doctor --fix` writes {ROOT_DROPIN} ([containers] {setting})",
    ]
    assert check.action is not None
    assert check.action.content == f"[containers]\n{setting}\n"


def test_crun_words_the_error_its_own_way() -> None:
    host = limited_root()
    host.set_info("host", "ociRuntime", "name", "crun")
    message = check_ulimits(context(host))[0].message
    assert message.endswith(
        'containers fail with "setrlimit `RLIMIT_NOFILE`: Operation not permitted"'
    )


def test_configured_defaults_within_the_limits() -> None:
    host = limited_root()
    host.files[ROOT_DROPIN] = (
        '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n'
    )
    assert shown(check_ulimits(context(host))) == [
        "ok       ulimits: nofile=20000:20000, nproc=32768:32768 fit the hard limits "
        "(nofile 20000, nproc 32768 (kernel.pid_max))"
    ]


def test_rootless_keeps_podmans_defaults_within_the_limits() -> None:
    assert shown(check_ulimits(context(rootless_host()))) == [
        "ok       ulimits: rootless Podman keeps its defaults within the hard limits "
        "(nofile 524288, nproc 63000)"
    ]


def test_rootless_with_a_configured_limit_too_high() -> None:
    host = rootless_host()
    host.files["/etc/containers/containers.conf"] = (
        '[containers]\ndefault_ulimits = ["nofile=1048576:1048576", "core=0:0"]\n'
    )
    (check,) = check_ulimits(context(host))
    dropin = "/home/alice/.config/containers/containers.conf.d/50-composer-ulimits.conf"
    assert shown([check]) == [
        "problem  ulimits: nofile=1048576:1048576 (from /etc/containers/containers.conf) is "
        'above the hard limit 524288: containers fail with "setrlimit `RLIMIT_NOFILE`: '
        'Operation not permitted"',
        f"         fix: `composer doctor --fix` writes {dropin} ([containers] default_ulimits = "
        '["nofile=524288:524288", "core=0:0"])',
    ]


def test_fitting_entries_keep_a_soft_limit_that_fits() -> None:
    host = rootless_host()
    host.files["/etc/containers/containers.conf"] = (
        '[containers]\ndefault_ulimits = ["nofile=1024:1048576", "nproc=100"]\n'
    )
    ctx = context(host)
    limits = {"nofile": 524288, "nproc": 63000}
    assert fitting_entries(ctx, dict(limits)) == ["nofile=1024:524288", "nproc=100:100"]


def test_hard_limit_of_nproc_is_capped_by_pid_max() -> None:
    host = rootless_host()
    host.files["/proc/sys/kernel/pid_max"] = "32768\n"
    ctx = context(host)
    assert hard_limit(ctx, "nproc") == 32768
    assert hard_limit(ctx, "nofile") == 524288
    host.rlimits["nofile"] = (1024, -1)
    assert hard_limit(context(host), "nofile") is None
    assert hard_limit(ctx, "nosuchlimit") is None


def test_unlimited_container_value_exceeds_a_finite_limit() -> None:
    host = rootless_host()
    host.files["/etc/containers/containers.conf"] = (
        '[containers]\ndefault_ulimits = ["nofile=-1:-1"]\n'
    )
    assert check_ulimits(context(host))[0].status == "problem"
