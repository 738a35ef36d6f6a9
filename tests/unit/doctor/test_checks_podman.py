"""Podman installed, new enough, `podman info` working, and the API socket."""

from __future__ import annotations

from composer.doctor.checks_podman import check_podman, check_quadlet, check_socket
from tests.unit.doctor.fakes import context, root_host, rootless_host, shown


def test_podman_ok_shows_version_and_path() -> None:
    assert shown(check_podman(context(rootless_host()))) == [
        "ok       podman: 4.3.1 (/usr/bin/podman)"
    ]


def test_podman_missing_is_a_problem_with_the_install_command() -> None:
    host = rootless_host()
    del host.programs["podman"]
    assert shown(check_podman(context(host))) == [
        "problem  podman: podman is not installed (not found on PATH)",
        "         fix: sudo apt-get install podman",
    ]


def test_install_command_without_apt_uses_dnf_names() -> None:
    host = root_host()
    del host.programs["podman"], host.programs["apt-get"]
    host.programs["dnf"] = "/usr/bin/dnf"
    assert shown(check_podman(context(host)))[1] == "         fix: dnf install podman"


def test_podman_too_old() -> None:
    host = rootless_host()
    host.version = "4.2.0"
    assert shown(check_podman(context(host))) == [
        "problem  podman: 4.2.0 is too old: composer needs 4.3 or newer",
        "         fix: upgrade Podman to 4.3 or newer",
    ]


def test_failing_podman_info_is_a_problem_with_its_message() -> None:
    host = rootless_host()
    host.info_error = 'default OCI runtime "crun" not found: invalid argument'
    assert shown(check_podman(context(host))) == [
        "problem  podman: 4.3.1, but `podman info` fails: "
        'Error: default OCI runtime "crun" not found: invalid argument',
        "         fix: `podman info` must work; the checks below name the usual causes",
    ]


def test_quadlet_features_missing_on_4_3() -> None:
    assert shown(check_quadlet(context(rootless_host()))) == [
        "warning  quadlet: podman 4.3.1 lacks Quadlet (4.4), Quadlet .pod files (5.0) "
        "and Quadlet .build files (5.2)",
        "         fix: upgrade Podman to 5.2 or newer to use every Quadlet feature",
    ]


def test_quadlet_on_5_0_lacks_only_build_files() -> None:
    host = rootless_host()
    host.version = "5.0.3"
    assert check_quadlet(context(host))[0].message == (
        "podman 5.0.3 lacks Quadlet .build files (5.2)"
    )


def test_quadlet_complete_on_5_2() -> None:
    host = rootless_host()
    host.version = "5.2.0"
    assert shown(check_quadlet(context(host))) == [
        "ok       quadlet: podman 5.2.0 supports Quadlet, with .pod and .build files"
    ]


def test_quadlet_says_nothing_without_podman() -> None:
    host = rootless_host()
    del host.programs["podman"]
    assert check_quadlet(context(host)) == []


def test_socket_that_answers() -> None:
    host = rootless_host()
    host.answering.add("unix:///run/user/1000/podman/podman.sock")
    assert shown(check_socket(context(host))) == [
        "ok       socket: unix:///run/user/1000/podman/podman.sock answers (XDG_RUNTIME_DIR)"
    ]


def test_no_socket_yet_means_composer_starts_one() -> None:
    assert shown(check_socket(context(rootless_host()))) == [
        "ok       socket: no Podman API service runs yet: composer starts "
        "`podman system service` on unix:///run/user/1000/composer/podman.sock when a command "
        "needs it (it exits when idle)"
    ]


def test_no_socket_and_failing_podman_info_is_a_warning() -> None:
    host = rootless_host()
    host.info_error = "boom"
    assert shown(check_socket(context(host))) == [
        "warning  socket: no Podman API service answers, and composer cannot start one while "
        "`podman info` fails",
        "         fix: fix the podman problem first",
    ]


def test_podman_url_that_does_not_answer_is_a_problem() -> None:
    url = "unix:///tmp/nothing.sock"
    assert shown(check_socket(context(rootless_host(), podman_url=url))) == [
        f"problem  socket: no Podman API service answers at {url} (from --podman-url)",
        f"         fix: start one (`podman system service --time=0 {url} &`), or leave out "
        "--podman-url so that composer finds or starts a service itself",
    ]


def test_container_host_that_answers() -> None:
    host = rootless_host()
    host.environ["CONTAINER_HOST"] = "unix:///tmp/p.sock"
    host.answering.add("unix:///tmp/p.sock")
    assert shown(check_socket(context(host))) == [
        "ok       socket: unix:///tmp/p.sock answers (from CONTAINER_HOST)"
    ]


def test_container_host_that_does_not_answer_says_unset_it() -> None:
    host = rootless_host()
    host.environ["CONTAINER_HOST"] = "unix:///tmp/p.sock"
    fix = check_socket(context(host))[0].fix
    assert fix is not None
    assert "or unset CONTAINER_HOST so that" in fix


def test_remote_urls_are_not_pinged() -> None:
    url = "ssh://core@example.test/run/podman/podman.sock"
    assert shown(check_socket(context(rootless_host(), podman_url=url))) == [
        f"ok       socket: {url} (from --podman-url) is not local: not checked"
    ]
