"""Which containers.conf and registries.conf files Podman reads, and what they say."""

from __future__ import annotations

from composer.doctor import conf
from tests.unit.doctor.fakes import ALICE, ROOT, FakeHost, rootless_host


def test_rootless_reads_system_files_then_the_users() -> None:
    host = FakeHost(user=ALICE, environ={})
    host.files["/etc/containers/containers.conf.d/20-b.conf"] = ""
    host.files["/etc/containers/containers.conf.d/10-a.conf"] = ""
    host.files["/etc/containers/containers.conf.d/notes.txt"] = ""
    host.files["/home/alice/.config/containers/containers.conf.d/50-x.conf"] = ""
    assert conf.containers_conf_files(host, ALICE) == [
        "/usr/share/containers/containers.conf",
        "/etc/containers/containers.conf",
        "/etc/containers/containers.conf.d/10-a.conf",
        "/etc/containers/containers.conf.d/20-b.conf",
        "/home/alice/.config/containers/containers.conf",
        "/home/alice/.config/containers/containers.conf.d/50-x.conf",
    ]


def test_root_reads_no_user_files() -> None:
    host = FakeHost(user=ROOT)
    host.files["/root/.config/containers/containers.conf"] = ""
    assert conf.containers_conf_files(host, ROOT) == list(conf.SYSTEM_CONTAINERS_CONF)


def test_containers_conf_env_replaces_every_other_file() -> None:
    host = FakeHost(user=ALICE, environ={"CONTAINERS_CONF": "/tmp/x.conf"})
    host.files["/etc/containers/containers.conf.d/10-a.conf"] = ""
    assert conf.containers_conf_files(host, ALICE) == ["/tmp/x.conf"]


def test_xdg_config_home_moves_the_user_files() -> None:
    host = FakeHost(user=ALICE, environ={"XDG_CONFIG_HOME": "/cfg"})
    assert conf.dropin_dir(host, ALICE) == "/cfg/containers/containers.conf.d"
    assert conf.dropin_dir(host, ROOT) == "/etc/containers/containers.conf.d"


def test_later_files_win_per_key_and_remember_where() -> None:
    host = FakeHost(user=ROOT)
    host.files["/usr/share/containers/containers.conf"] = (
        '[engine]\nruntime = "crun"\ncgroup_manager = "systemd"\n'
    )
    host.files["/etc/containers/containers.conf.d/50-x.conf"] = '[engine]\nruntime = "runc"\n'
    layers = conf.load_containers_conf(host, ROOT)
    assert layers.get("engine", "runtime") == "runc"
    assert layers.origin("engine", "runtime") == "/etc/containers/containers.conf.d/50-x.conf"
    assert layers.get("engine", "cgroup_manager") == "systemd"
    assert layers.get("engine", "missing") is None
    assert layers.files == [
        "/usr/share/containers/containers.conf",
        "/etc/containers/containers.conf.d/50-x.conf",
    ]


def test_unparsable_files_are_reported_not_raised() -> None:
    host = FakeHost(user=ROOT)
    host.files["/etc/containers/containers.conf"] = "[engine\n"
    layers = conf.load_containers_conf(host, ROOT)
    assert layers.files == []
    assert len(layers.errors) == 1
    assert layers.errors[0].startswith("/etc/containers/containers.conf: ")


def test_registries_user_file_replaces_the_system_file_but_not_dropins() -> None:
    host = rootless_host()
    host.files["/home/alice/.config/containers/registries.conf"] = (
        'unqualified-search-registries = ["quay.io"]\n'
    )
    host.files["/etc/containers/registries.conf.d/shortnames.conf"] = (
        '[aliases]\n"alpine" = "docker.io/library/alpine"\n'
    )
    host.files["/home/alice/.config/containers/registries.conf.d/local.conf"] = (
        '[[registry]]\nlocation = "127.0.0.1:5000"\ninsecure = true\n'
    )
    regs = conf.load_registries(host, ALICE)
    assert regs.files == [
        "/home/alice/.config/containers/registries.conf",
        "/etc/containers/registries.conf.d/shortnames.conf",
        "/home/alice/.config/containers/registries.conf.d/local.conf",
    ]
    assert regs.search == ["quay.io"]
    assert regs.search_origin == "/home/alice/.config/containers/registries.conf"
    assert regs.aliases == {"alpine": "docker.io/library/alpine"}
    assert regs.insecure == ["127.0.0.1:5000"]


def test_registries_env_names_the_main_file() -> None:
    host = rootless_host()
    host.environ["CONTAINERS_REGISTRIES_CONF"] = "/tmp/r.conf"
    host.files["/tmp/r.conf"] = "unqualified-search-registries = []\n"
    regs = conf.load_registries(host, ALICE)
    assert regs.files == ["/tmp/r.conf"]
    assert regs.search == []


def test_registries_version_1_format() -> None:
    host = FakeHost(user=ROOT)
    host.files["/etc/containers/registries.conf"] = (
        '[registries.search]\nregistries = ["docker.io"]\n'
        '[registries.insecure]\nregistries = ["old.example:5000"]\n'
    )
    regs = conf.load_registries(host, ROOT)
    assert regs.search == ["docker.io"]
    assert regs.insecure == ["old.example:5000"]
