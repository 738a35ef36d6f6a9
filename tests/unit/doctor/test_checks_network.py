"""The rootless network helper, /dev/net/tun, ping and unprivileged ports."""

from __future__ import annotations

from composer.doctor.checks_network import (
    check_dns,
    check_low_ports,
    check_network_tool,
    check_ping,
    check_tun,
)
from composer.doctor.host import FileInfo
from tests.unit.doctor.fakes import (
    CAPABILITIES,
    PROGRAM,
    context,
    root_host,
    rootless_host,
    shown,
)

NO_NET_RAW = CAPABILITIES.replace("CAP_NET_RAW,", "")


def test_slirp4netns_on_podman_4() -> None:
    assert shown(check_network_tool(context(rootless_host()))) == [
        "ok       network: slirp4netns (/usr/bin/slirp4netns) connects rootless containers"
    ]


def test_slirp4netns_missing() -> None:
    host = rootless_host()
    del host.programs["slirp4netns"]
    del host.info["host"]["slirp4netns"]  # type: ignore[index]
    assert shown(check_network_tool(context(host))) == [
        "problem  network: slirp4netns is not installed: rootless containers get no network "
        '("could not find slirp4netns, the network namespace can\'t be configured")',
        "         fix: sudo apt-get install slirp4netns",
    ]


def test_podman_5_needs_pasta_or_a_dropin_choosing_slirp4netns() -> None:
    host = rootless_host()
    host.version = "5.0.0"
    (check,) = check_network_tool(context(host))
    dropin = "/home/alice/.config/containers/containers.conf.d/50-composer-network.conf"
    assert shown([check]) == [
        "problem  network: pasta is not installed: rootless containers get no network "
        '("could not find pasta, the network namespace can\'t be configured")',
        "         fix: sudo apt-get install passt; or `composer doctor --fix` writes "
        f'{dropin} ([network] default_rootless_network_cmd = "slirp4netns")',
    ]
    assert check.action is not None
    assert check.action.content == '[network]\ndefault_rootless_network_cmd = "slirp4netns"\n'


def test_configured_network_command_wins() -> None:
    host = rootless_host()
    host.version = "5.1.0"
    host.files["/home/alice/.config/containers/containers.conf"] = (
        '[network]\ndefault_rootless_network_cmd = "slirp4netns"\n'
    )
    assert check_network_tool(context(host))[0].status == "ok"


def test_network_and_tun_are_rootless_only() -> None:
    assert check_network_tool(context(root_host())) == []
    assert check_tun(context(root_host())) == []


def test_tun_ok() -> None:
    assert shown(check_tun(context(rootless_host()))) == [
        "ok       tun: /dev/net/tun is readable and writable by alice"
    ]


def test_tun_not_usable() -> None:
    host = rootless_host()
    host.accessible.discard("/dev/net/tun")
    assert shown(check_tun(context(host))) == [
        "problem  tun: /dev/net/tun is not readable and writable by alice: rootless networking "
        "(slirp4netns) cannot start",
        "         fix: sudo chmod 0666 /dev/net/tun",
    ]


def test_tun_missing() -> None:
    host = rootless_host()
    del host.stats["/dev/net/tun"]
    assert shown(check_tun(context(host))) == [
        "problem  tun: /dev/net/tun does not exist: rootless networking (slirp4netns) needs it",
        "         fix: sudo modprobe tun",
    ]


def test_ping_ok_with_net_raw() -> None:
    assert shown(check_ping(context(rootless_host()))) == [
        "ok       ping: CAP_NET_RAW is among Podman's default capabilities: ping works"
    ]


def test_ping_without_net_raw_but_group_range() -> None:
    host = rootless_host()
    host.set_info("host", "security", "capabilities", NO_NET_RAW)
    assert shown(check_ping(context(host))) == [
        "warning  ping: CAP_NET_RAW is not among Podman's default capabilities: ping in a "
        'container fails with "ping: permission denied (are you root?)"',
        "         fix: add `cap_add: [NET_RAW]` to the services that ping",
    ]


def test_ping_without_net_raw_or_group_range() -> None:
    host = root_host()
    host.set_info("host", "security", "capabilities", NO_NET_RAW)
    host.files["/proc/sys/net/ipv4/ping_group_range"] = "1\t0\n"
    assert shown(check_ping(context(host))) == [
        "warning  ping: CAP_NET_RAW is not among Podman's default capabilities and "
        "net.ipv4.ping_group_range (1 0) excludes GID 0: ping in a container fails with "
        '"ping: permission denied (are you root?)"',
        "         fix: add `cap_add: [NET_RAW]` to the services that ping; for network_mode: "
        'host also sysctl -w "net.ipv4.ping_group_range=0 2000000" '
        "(persist it in /etc/sysctl.d/)",
    ]


def test_ping_unknown_without_podman_info() -> None:
    host = rootless_host()
    host.info_error = "boom"
    assert check_ping(context(host)) == []


def test_low_ports() -> None:
    assert shown(check_low_ports(context(rootless_host()))) == [
        "ok       low-ports: rootless containers can publish ports from 1024 up "
        "(net.ipv4.ip_unprivileged_port_start)"
    ]
    host = rootless_host()
    host.files["/proc/sys/net/ipv4/ip_unprivileged_port_start"] = "0\n"
    assert shown(check_low_ports(context(host))) == [
        "ok       low-ports: rootless containers can publish any port"
    ]
    assert check_low_ports(context(root_host())) == []


def test_dns_on_cni_with_dnsname() -> None:
    host = root_host()
    host.set_info("host", "networkBackend", "cni")
    host.stats["/usr/lib/cni/dnsname"] = FileInfo(PROGRAM, 0)
    assert shown(check_dns(context(host))) == [
        "ok       dns: dnsname (/usr/lib/cni/dnsname) gives cni networks DNS"
    ]


def test_dns_on_cni_without_dnsname() -> None:
    host = root_host()
    host.set_info("host", "networkBackend", "cni")
    assert shown(check_dns(context(host))) == [
        "warning  dns: dnsname is not installed: on cni networks container names do not resolve,"
        " so services in pod modes separate and none cannot reach each other by name (shared"
        " mode is not affected: its names are in /etc/hosts)",
        "         fix: apt-get install golang-github-containernetworking-plugin-dnsname",
    ]


def test_dns_on_netavark_with_aardvark() -> None:
    host = root_host()
    host.set_info("host", "networkBackend", "netavark")
    host.stats["/usr/lib/podman/aardvark-dns"] = FileInfo(PROGRAM, 0)
    assert shown(check_dns(context(host))) == [
        "ok       dns: aardvark-dns (/usr/lib/podman/aardvark-dns) gives netavark networks DNS"
    ]


def test_dns_unknown_backend_says_nothing() -> None:
    assert check_dns(context(root_host())) == []
