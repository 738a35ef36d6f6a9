"""The podman-py Runtime against a real Podman; each effect checked by `podman inspect` or I/O."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.errors import InUseError, NotFoundError, RuntimeOperationError
from composer.runtime import socket as podman_socket
from composer.runtime.podman_api import PodmanRuntime
from composer.specs import (
    ContainerSpec,
    DeviceSpec,
    HealthcheckSpec,
    HostEntry,
    LogSpec,
    MountSpec,
    NetworkAttachment,
    NetworkSpec,
    PodSpec,
    PortSpec,
    ResourcesSpec,
    RestartSpec,
    SubnetSpec,
    UlimitSpec,
    VolumeSpec,
)
from tests.integration.conftest import missing

pytestmark = pytest.mark.podman


@pytest.fixture(autouse=True)
def podman_installed() -> None:
    if shutil.which("podman") is None:
        missing("podman is not installed")


BUSYBOX = "localhost/composer/busybox:latest"
REPO = Path(__file__).resolve().parents[2]
MiB = 1 << 20
# The hard RLIMIT_NPROC podman's processes get on the test machines is 32768 (pid_max);
# an explicit nofile makes Podman ask for more nproc than that, so always give both.
LIMITS = (UlimitSpec("nofile", 1024, 1024), UlimitSpec("nproc", 4096, 4096))


def make_busybox_image() -> None:
    """A one-layer busybox image from Debian's busybox-static (no registry)."""
    work = Path(f"/tmp/composer-busybox-{uuid.uuid4().hex[:8]}")
    root = work / "root"
    (root / "bin").mkdir(parents=True)
    for name in ("etc", "tmp"):
        (root / name).mkdir()
    shutil.copy2("/bin/busybox", root / "bin" / "busybox")
    listed = subprocess.run(["/bin/busybox", "--list"], check=True, capture_output=True, text=True)
    applets = listed.stdout
    for applet in applets.split():
        if applet != "busybox":
            (root / "bin" / applet).symlink_to("busybox")
    with tarfile.open(work / "rootfs.tar", "w") as tar:
        tar.add(root, arcname=".")
    change = "ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin"
    argv = ["podman", "import", "--change", change, str(work / "rootfs.tar"), BUSYBOX]
    subprocess.run(argv, check=True, capture_output=True)
    shutil.rmtree(work)


@pytest.fixture(scope="module")
def runtime() -> Iterator[PodmanRuntime]:
    if subprocess.run(["podman", "image", "exists", BUSYBOX], check=False).returncode != 0:
        make_busybox_image()
    rt = PodmanRuntime(podman_socket.resolve_url())
    yield rt
    rt.close()


class Created:
    """Names of everything a test made, removed in reverse kind order at the end."""

    def __init__(self, rt: PodmanRuntime) -> None:
        self.rt = rt
        self.prefix = f"crt{uuid.uuid4().hex[:8]}"
        self.label = {"org.composer.test": self.prefix}
        self.pods: list[str] = []
        self.containers: list[str] = []
        self.networks: list[str] = []
        self.volumes: list[str] = []

    def name(self, suffix: str) -> str:
        return f"{self.prefix}-{suffix}"

    def cleanup(self) -> None:
        rt = self.rt
        steps: list[tuple[Callable[[str], None], list[str]]] = [
            (lambda n: rt.remove_container(n, force=True, volumes=True), self.containers),
            (lambda n: rt.remove_pod(n, force=True), self.pods),
            (lambda n: rt.remove_network(n, force=True), self.networks),
            (lambda n: rt.remove_volume(n, force=True), self.volumes),
        ]
        for remove, names in steps:
            for name in names:
                with contextlib.suppress(RuntimeOperationError):  # already gone
                    remove(name)


@pytest.fixture
def made(runtime: PodmanRuntime) -> Iterator[Created]:
    created = Created(runtime)
    yield created
    created.cleanup()


def container(made: Created, suffix: str, **fields: Any) -> ContainerSpec:
    name = made.name(suffix)
    made.containers.append(name)
    fields.setdefault("ulimits", LIMITS)
    fields.setdefault("labels", made.label)
    return ContainerSpec(name=name, image=fields.pop("image", BUSYBOX), **fields)


def inspect(name: str) -> dict[str, Any]:
    done = subprocess.run(["podman", "inspect", name], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)[0]
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def http_get(port: int, path: str = "/") -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as response:
        body: bytes = response.read()
        return body


def test_ping_and_version(runtime: PodmanRuntime) -> None:
    assert runtime.ping()
    version = runtime.version()
    assert version.version.split(".")[0].isdigit()
    assert runtime.info().oci_runtime


def test_pod_with_published_port_serves_http_and_hosts_resolve(
    runtime: PodmanRuntime, made: Created
) -> None:
    port = free_port()
    pod = made.name("pod")
    made.pods.append(pod)
    hosts = (HostEntry("web", "127.0.0.1"), HostEntry("db-alias", "127.0.0.1"))
    runtime.create_pod(
        PodSpec(
            name=pod, labels=made.label, ports=(PortSpec(8080, port, "127.0.0.1"),), hosts=hosts
        )
    )
    web = container(
        made,
        "web",
        pod=pod,
        hostname="webhost",
        tmpfs=("/www",),
        command=(
            "sh",
            "-c",
            "echo hello-from-pod > /www/index.html; exec httpd -f -p 8080 -h /www",
        ),
    )
    client = container(made, "client", pod=pod, hostname="clienthost", command=("sleep", "300"))
    runtime.create_container(web)
    runtime.create_container(client)
    runtime.start_pod(pod)

    assert eventually(lambda: http_get(port)) == b"hello-from-pod\n"
    # Names from the pod's hosts entries reach the web container through the shared netns.
    fetched = runtime.exec(client.name, ["wget", "-q", "-O", "-", "http://db-alias:8080/"])
    assert (fetched.exit_code, fetched.stdout) == (0, "hello-from-pod\n")
    hosts_file = runtime.exec(client.name, ["cat", "/etc/hosts"]).stdout
    assert "127.0.0.1\tweb" in hosts_file
    assert "127.0.0.1\tdb-alias" in hosts_file
    # No shared uts namespace: each container keeps its own hostname.
    assert runtime.exec(client.name, ["hostname"]).stdout == "clienthost\n"
    assert runtime.exec(web.name, ["hostname"]).stdout == "webhost\n"
    assert inspect(pod)["InfraConfig"]["PortBindings"]["8080/tcp"][0]["HostPort"] == str(port)


def test_container_fields_reach_podman(
    runtime: PodmanRuntime, made: Created, tmp_path: Path
) -> None:
    net, vol = made.name("net"), made.name("vol")
    made.networks.append(net)
    made.volumes.append(vol)
    subnet = SubnetSpec("10.89.213.0/24", "10.89.213.1", "10.89.213.128/25")
    runtime.create_network(NetworkSpec(name=net, labels=made.label, subnets=(subnet,)))
    runtime.create_volume(VolumeSpec(name=vol, labels=made.label))
    host_port = free_port()
    check = HealthcheckSpec(
        ("CMD-SHELL", "true"), interval=30, timeout=5, retries=4, start_period=2
    )
    spec = container(
        made,
        "fields",
        entrypoint=("/bin/sh", "-c"),
        command=("sleep 300",),
        env={"FOO": "bar"},
        working_dir="/tmp",
        user="1000:1000",
        hostname="fieldhost",
        domainname="example.test",
        annotations={"org.example.note": "hi"},
        cap_add=("NET_ADMIN",),
        cap_drop=("CHOWN",),
        devices=(DeviceSpec("/dev/null", "/dev/composer-null", "rw"),),
        dns=("10.0.0.53",),
        dns_search=("example.test",),
        dns_opt=("ndots:2",),
        extra_hosts=(HostEntry("db.test", "10.1.2.3"),),
        init=True,
        ulimits=(UlimitSpec("nofile", 1000, 2000), UlimitSpec("nproc", 4096, 4096)),
        sysctls={"kernel.msgmax": "65536"},
        security_opt=("no-new-privileges",),
        read_only=True,
        shm_size=32 * MiB,
        stop_signal="SIGINT",
        stop_timeout=7,
        tty=True,
        stdin_open=True,
        restart=RestartSpec("on-failure", 3),
        healthcheck=check,
        logging=LogSpec("k8s-file", {"max-size": "2mb"}),
        resources=ResourcesSpec(
            memory_limit=64 * MiB,
            memory_reservation=32 * MiB,
            cpus=0.5,
            cpu_shares=512,
            pids_limit=100,
        ),
        tmpfs=("/scratch:size=1m",),
        mounts=(
            MountSpec("volume", "/vol", source=vol, read_only=True),
            MountSpec("volume", "/anon"),
            MountSpec("tmpfs", "/t2", tmpfs_size=2 * MiB),
            MountSpec("bind", "/data", source=str(tmp_path)),
        ),
        group_add=("4242",),
        ipc="shareable",
        # inside ip_range: CNI's host-local IPAM refuses a static address outside it
        networks=(NetworkAttachment(net, aliases=("alias1",), ipv4_address="10.89.213.130"),),
        ports=(PortSpec(80, host_port, "127.0.0.1"),),
        expose=(PortSpec(9000),),
    )
    runtime.create_container(spec)
    runtime.start_container(spec.name)
    data = inspect(spec.name)
    config, host = data["Config"], data["HostConfig"]

    assert (config["Entrypoint"], config["Cmd"]) == ("/bin/sh -c", ["sleep 300"])
    assert "FOO=bar" in config["Env"]
    assert (config["WorkingDir"], config["User"], config["Hostname"]) == (
        "/tmp",
        "1000:1000",
        "fieldhost",
    )
    assert config["Labels"]["org.composer.test"] == made.prefix
    assert config["Annotations"]["org.example.note"] == "hi"
    assert (config["StopSignal"], config["StopTimeout"]) == (2, 7)
    assert (config["Tty"], config["OpenStdin"]) == (True, True)
    assert config["Healthcheck"] == {
        "Test": ["CMD-SHELL", "true"],
        "Interval": 30_000_000_000,
        "Timeout": 5_000_000_000,
        "StartPeriod": 2_000_000_000,
        "Retries": 4,
    }
    assert (host["CapAdd"], "CAP_CHOWN" in host["CapDrop"]) == (["CAP_NET_ADMIN"], True)
    assert host["Devices"][0]["PathInContainer"] == "/dev/composer-null"
    assert (host["Dns"], host["DnsSearch"], host["DnsOptions"]) == (
        ["10.0.0.53"],
        ["example.test"],
        ["ndots:2"],
    )
    assert host["ExtraHosts"] == ["db.test:10.1.2.3"]
    assert host["Init"] is True
    assert {"Name": "RLIMIT_NOFILE", "Soft": 1000, "Hard": 2000} in host["Ulimits"]
    assert host["SecurityOpt"] == ["no-new-privileges"]
    assert (host["ReadonlyRootfs"], host["ShmSize"]) == (True, 32 * MiB)
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
    assert (host["LogConfig"]["Type"], host["LogConfig"]["Size"]) == ("k8s-file", "2MB")
    assert (host["Memory"], host["MemoryReservation"]) == (64 * MiB, 32 * MiB)
    assert (host["CpuQuota"], host["CpuPeriod"], host["CpuShares"]) == (50_000, 100_000, 512)
    assert host["PidsLimit"] == 100
    assert set(host["Tmpfs"]) == {"/scratch", "/t2"}
    assert host["Tmpfs"]["/scratch"].startswith("size=1m")
    assert (host["GroupAdd"], host["IpcMode"]) == (["4242"], "shareable")
    assert host["PortBindings"]["80/tcp"] == [{"HostIp": "127.0.0.1", "HostPort": str(host_port)}]
    assert "9000/tcp" in host["PortBindings"]
    mounts = {m["Destination"]: m for m in data["Mounts"]}
    assert (mounts["/vol"]["Name"], mounts["/vol"]["RW"]) == (vol, False)
    assert mounts["/anon"]["Type"] == "volume"
    assert mounts["/anon"]["Name"] != ""
    assert mounts["/data"]["Source"] == str(tmp_path)
    network = data["NetworkSettings"]["Networks"][net]
    assert network["IPAddress"] == "10.89.213.130"
    assert "alias1" in network["Aliases"]

    # What inspect does not show on Podman 4.3 (sysctls), checked from inside.
    inside = runtime.exec(
        spec.name, ["sh", "-c", "cat /proc/sys/kernel/msgmax /proc/sys/kernel/domainname; id -G"]
    )
    assert inside.stdout == "65536\nexample.test\n1000 4242\n"
    resolv = runtime.exec(spec.name, ["cat", "/etc/resolv.conf"]).stdout
    assert "nameserver 10.0.0.53" in resolv
    assert "options ndots:2" in resolv


def test_network_mode_privileged_and_volumes_from(runtime: PodmanRuntime, made: Created) -> None:
    source = container(
        made, "src", command=("sleep", "300"), mounts=(MountSpec("volume", "/shared"),)
    )
    runtime.create_container(source)
    runtime.start_container(source.name)
    runtime.exec(source.name, ["sh", "-c", "echo from-source > /shared/file"])
    user = container(
        made,
        "user",
        command=("sleep", "300"),
        network_mode="none",
        privileged=True,
        volumes_from=(f"{source.name}:ro",),
        pid="host",
    )
    runtime.create_container(user)
    runtime.start_container(user.name)
    host = inspect(user.name)["HostConfig"]
    assert (host["NetworkMode"], host["Privileged"], host["PidMode"]) == ("none", True, "host")
    assert runtime.exec(user.name, ["cat", "/shared/file"]).stdout == "from-source\n"
    refused = runtime.exec(user.name, ["sh", "-c", "echo x > /shared/other"])
    assert refused.exit_code != 0  # volumes_from ... :ro


def test_bind_mount_selinux_label_is_kept_in_binds(
    runtime: PodmanRuntime, made: Created, tmp_path: Path
) -> None:
    spec = container(
        made,
        "bind",
        command=("true",),
        mounts=(
            MountSpec("bind", "/data", source=str(tmp_path), selinux="Z"),
            MountSpec("bind", "/shared", source=str(tmp_path), selinux="z", read_only=True),
        ),
    )
    runtime.create_container(spec)
    # Podman drops the label from Binds once the container has started, so look before.
    binds = inspect(spec.name)["HostConfig"]["Binds"]
    assert f"{tmp_path}:/data:Z,rw,rprivate,rbind" in binds
    assert f"{tmp_path}:/shared:ro,z,rprivate,rbind" in binds


def test_named_volume_keeps_data_across_containers(runtime: PodmanRuntime, made: Created) -> None:
    vol = made.name("data")
    made.volumes.append(vol)
    runtime.create_volume(VolumeSpec(name=vol, labels=made.label))
    mount = (MountSpec("volume", "/data", source=vol),)
    writer = container(made, "writer", command=("sh", "-c", "echo kept > /data/f"), mounts=mount)
    runtime.create_container(writer)
    runtime.start_container(writer.name)
    assert runtime.wait_container(writer.name) == 0
    runtime.remove_container(writer.name, force=True, volumes=True)
    reader = container(made, "reader", command=("cat", "/data/f"), mounts=mount)
    runtime.create_container(reader)
    runtime.start_container(reader.name)
    assert runtime.wait_container(reader.name) == 0
    assert [line.text for line in runtime.logs(reader.name)] == ["kept"]
    assert runtime.volume_exists(vol)
    assert [v.name for v in runtime.list_volumes(made.label)] == [vol]


def test_volume_driver_options_reach_podman(runtime: PodmanRuntime, made: Created) -> None:
    vol = made.name("tmpfsvol")
    made.volumes.append(vol)
    options = {"type": "tmpfs", "device": "tmpfs", "o": "nodev,noexec"}
    runtime.create_volume(VolumeSpec(name=vol, labels=made.label, options=options))
    data = inspect(vol)
    assert (data["Driver"], data["Options"], data["Labels"]) == ("local", options, made.label)
    spec = container(made, "df", command=("df", "/v"), mounts=(MountSpec("volume", "/v", vol),))
    runtime.create_container(spec)
    runtime.start_container(spec.name)
    assert runtime.wait_container(spec.name) == 0
    assert any(line.text.startswith("tmpfs") for line in runtime.logs(spec.name))


def test_healthcheck_run_makes_container_healthy(runtime: PodmanRuntime, made: Created) -> None:
    check = HealthcheckSpec(("CMD-SHELL", "cat /tmp/ready"), interval=60, retries=3)
    spec = container(made, "health", command=("sleep", "300"), healthcheck=check)
    runtime.create_container(spec)
    runtime.start_container(spec.name)
    assert runtime.container_state(spec.name).health == "starting"
    failed = runtime.run_healthcheck(spec.name)
    assert (failed.passed, failed.status, failed.failing_streak) == (False, "starting", 1)
    runtime.exec(spec.name, ["sh", "-c", "echo ready > /tmp/ready"])
    passed = runtime.run_healthcheck(spec.name)
    assert (passed.passed, passed.status, passed.failing_streak) == (True, "healthy", 0)
    assert runtime.container_state(spec.name).health == "healthy"
    assert runtime.list_containers(made.label)[0].health == "healthy"


def test_healthcheck_past_its_timeout_is_a_failed_run(
    runtime: PodmanRuntime, made: Created
) -> None:
    check = HealthcheckSpec(("CMD", "sleep", "5"), interval=60, timeout=1, retries=3)
    spec = container(made, "slowhealth", command=("sleep", "300"), healthcheck=check)
    runtime.create_container(spec)
    runtime.start_container(spec.name)
    result = runtime.run_healthcheck(spec.name)
    assert (result.passed, result.status, result.failing_streak) == (False, "starting", 1)


def test_healthcheck_without_one_is_a_clear_error(runtime: PodmanRuntime, made: Created) -> None:
    spec = container(made, "nohealth", command=("sleep", "300"))
    runtime.create_container(spec)
    runtime.start_container(spec.name)
    with pytest.raises(RuntimeOperationError) as caught:
        runtime.run_healthcheck(spec.name)
    assert str(caught.value).startswith(f"container {spec.name}: cannot run its healthcheck: ")
    assert "has no defined healthcheck" in str(caught.value)


def test_logs_streams_tail_and_follow(runtime: PodmanRuntime, made: Created) -> None:
    script = "echo one; echo two >&2; sleep 1; echo three"
    spec = container(made, "logs", command=("sh", "-c", script))
    runtime.create_container(spec)
    runtime.start_container(spec.name)
    followed = [(line.stream, line.text) for line in runtime.logs(spec.name, follow=True)]
    assert followed == [("stdout", "one"), ("stderr", "two"), ("stdout", "three")]
    assert [line.text for line in runtime.logs(spec.name, tail=1)] == ["three"]
    stamped = next(iter(runtime.logs(spec.name, timestamps=True))).text
    assert stamped.endswith(" one")
    assert stamped[:4].isdigit()
    assert list(runtime.logs(spec.name, since="2999-01-01T00:00:00Z")) == []


def test_exec_returns_exit_code_and_output(runtime: PodmanRuntime, made: Created) -> None:
    spec = container(made, "exec", command=("sleep", "300"))
    runtime.create_container(spec)
    runtime.start_container(spec.name)
    result = runtime.exec(
        spec.name,
        ["sh", "-c", 'echo "$GREETING $(pwd) $(id -u)"; echo oops >&2; exit 3'],
        env={"GREETING": "hi"},
        workdir="/tmp",
        user="1234",
    )
    assert (result.exit_code, result.stdout, result.stderr) == (3, "hi /tmp 1234\n", "oops\n")


def test_wait_stop_kill_restart_pause(runtime: PodmanRuntime, made: Created) -> None:
    quick = container(made, "exit3", command=("sh", "-c", "exit 3"))
    runtime.create_container(quick)
    runtime.start_container(quick.name)
    assert runtime.wait_container(quick.name) == 3
    state = runtime.container_state(quick.name)
    assert (state.status, state.running, state.exit_code) == ("exited", False, 3)

    long = container(made, "long", command=("sleep", "300"), init=True)
    runtime.create_container(long)
    runtime.start_container(long.name)
    runtime.pause_container(long.name)
    assert runtime.container_state(long.name).status == "paused"
    runtime.unpause_container(long.name)
    runtime.restart_container(long.name, timeout=1)
    assert runtime.container_state(long.name).running
    runtime.kill_container(long.name, "SIGKILL")
    assert runtime.wait_container(long.name) == 137
    runtime.start_container(long.name)
    runtime.stop_container(long.name, timeout=1)
    assert runtime.container_state(long.name).status == "exited"


def test_list_by_labels_and_removal_leaves_nothing(runtime: PodmanRuntime, made: Created) -> None:
    pod, net, vol = made.name("pod"), made.name("net"), made.name("vol")
    made.pods.append(pod)
    made.networks.append(net)
    made.volumes.append(vol)
    runtime.create_pod(PodSpec(name=pod, labels=made.label))
    runtime.create_network(NetworkSpec(name=net, labels=made.label))
    runtime.create_volume(VolumeSpec(name=vol, labels=made.label))
    member = container(
        made,
        "member",
        pod=pod,
        command=("sleep", "300"),
        labels=made.label | {"com.docker.compose.service": "member"},
    )
    runtime.create_container(member)
    runtime.start_pod(pod)

    listed = runtime.list_containers(made.label)
    assert [(c.name, c.state) for c in listed] == [(member.name, "running")]  # no infra
    assert listed[0].labels["com.docker.compose.service"] == "member"
    assert listed[0].image_id
    assert listed[0].pod
    assert runtime.list_containers(made.label | {"com.docker.compose.service": "other"}) == []
    assert runtime.list_containers({"org.composer.test": None, **made.label})[0].name == member.name
    assert [(p.name, p.state) for p in runtime.list_pods(made.label)] == [(pod, "Running")]
    assert [n.name for n in runtime.list_networks(made.label)] == [net]
    assert [v.name for v in runtime.list_volumes(made.label)] == [vol]

    runtime.stop_pod(pod, timeout=1)
    runtime.remove_container(member.name, force=True, volumes=True)
    runtime.remove_pod(pod)
    runtime.remove_network(net)
    runtime.remove_volume(vol)
    assert not runtime.pod_exists(pod)
    assert not runtime.container_exists(member.name)
    assert not runtime.network_exists(net)
    assert not runtime.volume_exists(vol)
    assert runtime.list_containers(made.label) == []
    assert runtime.list_pods(made.label) == []
    assert runtime.list_networks(made.label) == []
    assert runtime.list_volumes(made.label) == []


def test_anonymous_volumes_go_with_their_container(runtime: PodmanRuntime, made: Created) -> None:
    spec = container(made, "anon", command=("true",), mounts=(MountSpec("volume", "/anon"),))
    runtime.create_container(spec)
    volume = inspect(spec.name)["Mounts"][0]["Name"]
    assert runtime.volume_exists(volume)
    runtime.remove_container(spec.name, force=True, volumes=True)
    assert not runtime.volume_exists(volume)


def test_missing_image_names_the_container_and_image(runtime: PodmanRuntime, made: Created) -> None:
    # A localhost/ name: the pull attempt only ever talks to 127.0.0.1.
    image = f"localhost/{made.prefix}/nope:latest"
    spec = container(made, "web-1", image=image)
    with pytest.raises(RuntimeOperationError) as caught:
        runtime.create_container(spec)
    message = str(caught.value)
    expected = f'container {spec.name}: image "{image}" not found locally and could not be pulled: '
    assert message.startswith(expected)
    with pytest.raises(RuntimeOperationError) as not_pulled:
        runtime.create_container(spec, pull_missing=False)
    assert str(not_pulled.value) == f'container {spec.name}: image "{image}" not found locally'
    with pytest.raises(RuntimeOperationError) as pulled:
        runtime.pull_image(image)
    expected = f'image "{image}" is not available locally and could not be pulled: '
    assert str(pulled.value).startswith(expected)


def test_port_in_use_names_the_port(runtime: PodmanRuntime, made: Created) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pod = made.name("pod")
        made.pods.append(pod)
        runtime.create_pod(PodSpec(name=pod, ports=(PortSpec(80, port, "127.0.0.1"),)))
        with pytest.raises(RuntimeOperationError) as caught:
            runtime.start_pod(pod)
        message = str(caught.value)
        assert message.startswith(
            f"pod {pod}: cannot start: port 127.0.0.1:{port}/tcp is already in use on the host"
        )
        spec = container(
            made,
            "port",
            command=("sleep", "300"),
            network_mode="bridge",
            ports=(PortSpec(80, port, "127.0.0.1"),),
        )
        runtime.create_container(spec)
        with pytest.raises(RuntimeOperationError) as direct:
            runtime.start_container(spec.name)
        assert str(direct.value).startswith(
            f"container {spec.name}: cannot start: port 127.0.0.1:{port}/tcp is already in use"
        )


def test_missing_objects_are_named(runtime: PodmanRuntime, made: Created) -> None:
    ghost = made.name("ghost")
    with pytest.raises(RuntimeOperationError) as caught:
        runtime.start_container(ghost)
    assert str(caught.value).startswith(f"container {ghost}: cannot start: ")
    assert "no container with name or ID" in str(caught.value)
    assert not runtime.container_exists(ghost)
    assert runtime.image_id(f"localhost/{ghost}") is None
    assert (runtime.image_id(BUSYBOX) or "").startswith(inspect(BUSYBOX)["Id"][:12])


def test_build_image_from_containerfile(
    runtime: PodmanRuntime, made: Created, tmp_path: Path
) -> None:
    from composer.runtime.base import BuildRequest

    (tmp_path / "Containerfile.test").write_text(
        f"FROM {BUSYBOX}\nARG WORD\nRUN echo $WORD > /word\n"
    )
    tag = f"localhost/{made.prefix}-built:latest"
    request = BuildRequest(
        context=tmp_path,
        tag=tag,
        containerfile="Containerfile.test",
        args={"WORD": "built"},
        labels=made.label,
    )
    try:
        image_id = runtime.build_image(request)
        assert runtime.image_id(tag) == image_id
        spec = container(made, "built", image=tag, command=("cat", "/word"))
        runtime.create_container(spec)
        runtime.start_container(spec.name)
        assert runtime.wait_container(spec.name) == 0
        assert [line.text for line in runtime.logs(spec.name)] == ["built"]
    finally:
        made.cleanup()
        subprocess.run(["podman", "rmi", "--ignore", tag], check=False, capture_output=True)


def test_remove_image_refuses_while_a_container_uses_it_and_says_when_it_is_gone(
    runtime: PodmanRuntime, made: Created, tmp_path: Path
) -> None:
    from composer.runtime.base import BuildRequest

    # An image of its own (one name, a new id), so that removing it really removes an image.
    (tmp_path / "Containerfile").write_text(f"FROM {BUSYBOX}\nLABEL test={made.prefix}\n")
    tag = f"localhost/{made.prefix}-rmi:latest"
    try:
        runtime.build_image(BuildRequest(context=tmp_path, tag=tag, labels=made.label))
        spec = container(made, "user", image=tag, command=("true",))
        runtime.create_container(spec)
        with pytest.raises(InUseError) as busy:
            runtime.remove_image(tag)
        assert (busy.value.kind, busy.value.name) == ("image", tag)
        assert busy.value.message.startswith(f'image "{tag}": cannot remove: ')
        assert runtime.image_exists(tag)
        runtime.remove_container(spec.name, force=True)
        runtime.remove_image(tag)
        assert not runtime.image_exists(tag)
        with pytest.raises(NotFoundError) as gone:
            runtime.remove_image(tag)
        assert (gone.value.kind, gone.value.name) == ("image", tag)
        with pytest.raises(NotFoundError) as no_container:
            runtime.inspect_container(spec.name)
        assert no_container.value.message.startswith(f"container {spec.name}: cannot inspect: ")
    finally:
        made.cleanup()
        subprocess.run(["podman", "rmi", "--ignore", "--force", tag], check=False)


def _service_running(sock: Path) -> bool:
    """Whether a `podman system service` for sock runs, without connecting (that resets idling)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            argv = cmdline.read_bytes().split(b"\0")
            if b"service" in argv and f"unix://{sock}".encode() in argv:
                return True
    return False


def _wait_gone(url: str, timeout: float) -> bool:
    sock = Path(url.removeprefix("unix://"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _service_running(sock):
            return True
        time.sleep(0.25)
    return False


def test_socket_autostart_as_root_with_custom_runtime_dir(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        missing("this variant runs as root")
    runtime_dir = tmp_path / "run"
    runtime_dir.mkdir(mode=0o700)
    environ = {"PATH": os.environ["PATH"], "XDG_RUNTIME_DIR": str(runtime_dir)}
    if podman_socket.ping(podman_socket.unix_url(podman_socket.ROOTFUL_SOCKET)):
        # A rootful service answers first on this machine; ask for composer's own directly.
        podman = shutil.which("podman") or "podman"
        url = podman_socket.start_private(podman, environ, 0, 3, 20)
    else:
        url = podman_socket.resolve_url(environ=environ, idle_seconds=3)
    assert url == f"unix://{runtime_dir}/composer/podman.sock"
    rt = PodmanRuntime(url)
    assert rt.version().version
    rt.close()
    assert (runtime_dir / "composer" / "podman-service.log").exists()
    # A second resolution finds the running service instead of starting another.
    assert podman_socket.resolve_url(environ=environ, idle_seconds=3) == url
    assert _wait_gone(url, 20), "the private service should exit by itself when idle"


def _unprivileged_user() -> pwd.struct_passwd:
    name = os.environ.get("COMPOSER_TEST_USER", "composer-test")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        missing(f"no unprivileged test user {name!r} (scripts/setup-machine creates it)")


def test_socket_autostart_as_unprivileged_user() -> None:
    if os.geteuid() != 0:
        missing("needs root to switch to the test user")
    user = _unprivileged_user()
    # Not under pytest's tmp_path: its parents are private to root.
    runtime_dir = Path(tempfile.mkdtemp(prefix="composer-rt-"))
    try:
        os.chown(runtime_dir, user.pw_uid, user.pw_gid)
        url = _resolve_as(user, runtime_dir)
        assert url == f"unix://{runtime_dir}/composer/podman.sock"
        assert (runtime_dir / "composer" / "podman.sock").stat().st_uid == user.pw_uid
        assert podman_socket.ping(url)
        assert _wait_gone(url, 20), "the private service should exit by itself when idle"
    finally:
        shutil.rmtree(runtime_dir, ignore_errors=True)


def _resolve_as(user: pwd.struct_passwd, runtime_dir: Path) -> str:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from composer.runtime.socket import resolve_url; print(resolve_url(idle_seconds=3))"
    )
    argv = [
        "runuser",
        "-u",
        user.pw_name,
        "--",
        "env",
        "-i",
        f"HOME={user.pw_dir}",
        f"XDG_RUNTIME_DIR={runtime_dir}",
        "PATH=/usr/local/bin:/usr/bin:/bin",
        # Debian's python: the root user's interpreter may live where others cannot run it.
        "/usr/bin/python3",
        "-c",
        code,
        str(REPO),
    ]
    done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_private_service_survives_the_deletion_of_the_directory_it_started_in(
    tmp_path: Path,
) -> None:
    if os.geteuid() != 0:
        missing("this variant runs as root")
    runtime_dir = tmp_path / "run"
    runtime_dir.mkdir(mode=0o700)
    started_in = tmp_path / "project"
    started_in.mkdir()
    environ = {"PATH": os.environ["PATH"], "XDG_RUNTIME_DIR": str(runtime_dir)}
    podman = shutil.which("podman") or "podman"
    here = Path.cwd()
    os.chdir(started_in)
    try:
        url = podman_socket.start_private(podman, environ, 0, 30, 20)
    finally:
        os.chdir(here)
    started_in.rmdir()
    rt = PodmanRuntime(url)
    name = f"crt{uuid.uuid4().hex[:8]}-cwd"
    try:
        rt.create_container(
            ContainerSpec(name=name, image=BUSYBOX, command=("true",), ulimits=LIMITS)
        )
        rt.start_container(name)  # conmon failed here when the service kept a deleted cwd
        assert rt.wait_container(name) == 0
    finally:
        with contextlib.suppress(RuntimeOperationError):
            rt.remove_container(name, force=True)
        rt.close()
