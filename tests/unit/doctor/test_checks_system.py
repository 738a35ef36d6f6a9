"""containers.conf files, SELinux, registries, lingering and healthchecks."""

from __future__ import annotations

from composer.doctor.checks_system import (
    check_containers_conf,
    check_healthchecks,
    check_lingering,
    check_registries,
    check_selinux,
)
from tests.unit.doctor.fakes import context, root_host, rootless_host, shown


def test_containers_conf_lists_the_files_read() -> None:
    assert shown(check_containers_conf(context(root_host()))) == [
        "ok       containers-conf: read /usr/share/containers/containers.conf"
    ]


def test_containers_conf_syntax_error() -> None:
    host = root_host()
    host.files["/etc/containers/containers.conf"] = "[engine\n"
    lines = shown(check_containers_conf(context(host)))
    assert lines[0].startswith(
        "problem  containers-conf: cannot parse /etc/containers/containers.conf: "
    )
    assert lines[1] == "         fix: fix the TOML syntax of that file"


def test_containers_conf_env() -> None:
    host = root_host()
    host.environ["CONTAINERS_CONF"] = "/tmp/c.conf"
    host.files["/tmp/c.conf"] = "[engine]\n"
    assert shown(check_containers_conf(context(host))) == [
        "ok       containers-conf: CONTAINERS_CONF=/tmp/c.conf: Podman reads this file only "
        "(no drop-ins)"
    ]
    del host.files["/tmp/c.conf"]
    assert shown(check_containers_conf(context(host))) == [
        "problem  containers-conf: CONTAINERS_CONF names /tmp/c.conf, which cannot be read",
        "         fix: point CONTAINERS_CONF at a readable file, or unset it",
    ]


def test_selinux_modes() -> None:
    host = root_host()
    assert shown(check_selinux(context(host))) == [
        "ok       selinux: not enabled: bind mounts need no :z or :Z"
    ]
    host.files["/sys/fs/selinux/enforce"] = "1"
    assert shown(check_selinux(context(host))) == [
        "ok       selinux: enforcing: bind mounts need :z (shared) or :Z (private to one container)"
    ]
    host.files["/sys/fs/selinux/enforce"] = "0"
    assert check_selinux(context(host))[0].message.startswith("permissive: nothing is denied")


def test_registries_with_search() -> None:
    assert shown(check_registries(context(root_host()))) == [
        "ok       registries: short image names are searched in docker.io "
        "(unqualified-search-registries in /etc/containers/registries.conf)"
    ]


def test_registries_without_search_is_a_warning() -> None:
    host = rootless_host()
    host.files["/etc/containers/registries.conf"] = "# nothing\n"
    assert shown(check_registries(context(host))) == [
        "warning  registries: no unqualified-search registries are defined in "
        '"/etc/containers/registries.conf": short image names (busybox) resolve only to local '
        "images and [aliases] entries",
        "         fix: use fully qualified names (docker.io/library/busybox), or add "
        'unqualified-search-registries = ["docker.io"] in a file in '
        "/home/alice/.config/containers/registries.conf.d/",
    ]


def test_insecure_registries_are_a_warning() -> None:
    host = root_host()
    host.files["/etc/containers/registries.conf.d/local.conf"] = (
        '[[registry]]\nlocation = "127.0.0.1:5000"\ninsecure = true\n'
    )
    assert shown(check_registries(context(host)))[1:] == [
        "warning  insecure-registries: pulls from 127.0.0.1:5000 skip TLS verification "
        "(insecure = true)",
        "         fix: serve those registries over verified TLS where you can",
    ]


def test_registries_syntax_error() -> None:
    host = root_host()
    host.files["/etc/containers/registries.conf"] = "unqualified-search-registries = [\n"
    (check,) = check_registries(context(host))
    assert check.status == "problem"
    assert check.message.startswith("cannot parse /etc/containers/registries.conf: ")


def test_lingering() -> None:
    assert shown(check_lingering(context(rootless_host()))) == [
        "ok       lingering: enabled for alice: user services keep running after logout"
    ]
    host = rootless_host()
    del host.stats["/var/lib/systemd/linger/alice"]
    assert shown(check_lingering(context(host))) == [
        "warning  lingering: not enabled for alice: user services (composer's systemd units) "
        "stop at logout",
        "         fix: sudo loginctl enable-linger alice",
    ]
    del host.stats["/run/systemd/system"]
    assert shown(check_lingering(context(host))) == [
        "ok       lingering: systemd is not PID 1: there are no user services to keep"
    ]
    assert check_lingering(context(root_host())) == []


def test_healthchecks_with_systemd() -> None:
    assert shown(check_healthchecks(context(rootless_host()))) == [
        "ok       healthchecks: systemd runs Podman's healthcheck timers"
    ]


def test_healthchecks_without_systemd_say_nothing_keeps_health_current() -> None:
    host = root_host()
    del host.stats["/run/systemd/system"]
    assert shown(check_healthchecks(context(host))) == [
        "warning  healthchecks: systemd is not PID 1, so Podman runs no healthchecks by itself "
        '("unable to get systemd connection to start healthchecks"): composer runs them while '
        "it waits (depends_on condition service_healthy, up --wait), but after composer exits "
        "nothing keeps a container's health current",
        "         fix: where health must stay current, run `podman healthcheck run CONTAINER` "
        "periodically (cron, a loop), or use a host with systemd as PID 1",
    ]


def test_healthchecks_without_a_user_session() -> None:
    host = rootless_host()
    del host.stats["/run/user/1000/bus"]
    assert shown(check_healthchecks(context(host))) == [
        "warning  healthchecks: alice has no systemd user session, so Podman cannot start its "
        "healthcheck timers: health stays current only while composer waits",
        "         fix: log in through a session (ssh, `machinectl shell USER@`), or "
        "sudo loginctl enable-linger alice",
    ]
    host.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/run/user/1000/bus"
    assert check_healthchecks(context(host))[0].status == "ok"
