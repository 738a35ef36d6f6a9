"""`--dry-run` output: podman command lines for a plan and its convergence actions."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from composer.model import Project
from composer.plan import labels
from composer.plan.converge import ConvergeOptions, ObservedContainer, ObservedPod, converge
from composer.plan.render import (
    network_create_argv,
    pod_create_argv,
    render,
    volume_create_argv,
)
from composer.plan.render_container import create_argv, health_command, publish
from composer.plan.translate import plan_project
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

ProjectLoader = Callable[..., Project]  # the `project` fixture of conftest.py

TWO = """
services:
  web: {image: web, ports: ["127.0.0.1:8080:80"], depends_on: [db]}
  db: {image: postgres, volumes: ["data:/var/lib/postgresql/data"]}
volumes:
  data: {}
"""


def test_publish_syntax() -> None:
    assert publish(PortSpec(80)) == "80"
    assert publish(PortSpec(80, 8080)) == "8080:80"
    assert publish(PortSpec(80, 0, "127.0.0.1")) == "127.0.0.1::80"
    assert publish(PortSpec(53, 5353, "127.0.0.1", "udp")) == "127.0.0.1:5353:53/udp"
    assert publish(PortSpec(9000, 9000, range=3)) == "9000-9002:9000-9002"
    assert publish(PortSpec(80, 8080, "::1")) == "[::1]:8080:80"


def test_shared_mode_first_up(project: ProjectLoader, tmp_path: Path) -> None:
    loaded = project(TWO)
    plan = plan_project(loaded, pod_mode="shared")
    assert plan.pod is not None
    web_hash = loaded.services["web"].config_hash
    db_hash = loaded.services["db"].config_hash
    common = (
        f"--label com.docker.compose.oneoff=False --label com.docker.compose.project=demo "
        f"--label com.docker.compose.project.config_files={tmp_path}/compose.yaml "
        f"--label com.docker.compose.project.working_dir={tmp_path}"
    )
    assert render(plan) == [
        "podman network create --driver bridge --label com.docker.compose.network=default "
        "--label com.docker.compose.project=demo --label io.podman.compose.project=demo "
        "demo_default",
        "podman volume create --driver local --label com.docker.compose.project=demo "
        "--label com.docker.compose.volume=data --label io.podman.compose.project=demo "
        "demo_data",
        "podman pod create --name pod_demo --infra=true --share=net,ipc -p 127.0.0.1:8080:80 "
        "--add-host db:127.0.0.1 --add-host demo-db-1:127.0.0.1 --add-host demo-web-1:127.0.0.1 "
        "--add-host web:127.0.0.1 --network demo_default:alias=db,alias=demo-db-1,alias=web,"
        "alias=demo-web-1 --label com.docker.compose.project=demo "
        f"--label io.composer.pod-config-hash={plan.pod_hash} "
        "--label io.podman.compose.project=demo",
        f"podman create --name demo-db-1 --pod pod_demo --label com.docker.compose.config-hash="
        f"{db_hash} --label com.docker.compose.container-number=1 {common} "
        "--label com.docker.compose.service=db --label io.podman.compose.project=demo "
        "--label io.podman.compose.service=db -v demo_data:/var/lib/postgresql/data postgres",
        "podman start demo-db-1",
        f"podman create --name demo-web-1 --pod pod_demo --label com.docker.compose.config-hash="
        f"{web_hash} --label com.docker.compose.container-number=1 "
        "--label com.docker.compose.depends_on=db:service_started:false "
        f"{common} --label com.docker.compose.service=web --label io.podman.compose.project=demo "
        "--label io.podman.compose.service=web web",
        "podman start demo-web-1",
    ]


def test_separate_mode_pod_and_container_networking(project: ProjectLoader) -> None:
    plan = plan_project(project(TWO), pod_mode="separate")
    lines = render(plan)
    assert lines[2].startswith("podman pod create --name pod_demo --infra=false --share= --label")
    web = lines[5]
    assert "--pod pod_demo" in web
    assert web.endswith(
        "--network demo_default:alias=web,alias=demo-web-1 -p 127.0.0.1:8080:80 web"
    )


def test_none_mode_has_no_pod(project: ProjectLoader) -> None:
    lines = render(plan_project(project(TWO), pod_mode="none"))
    assert not any("pod" in line.split()[:3] or "--pod" in line for line in lines)


def test_existing_networks_and_volumes_are_not_created(project: ProjectLoader) -> None:
    plan = plan_project(project(TWO), pod_mode="none")
    lines = render(plan, existing_networks={"demo_default"}, existing_volumes={"demo_data"})
    assert lines[0].startswith("podman create --name demo-db-1")


def test_convergence_lines(project: ProjectLoader) -> None:
    text = """
services:
  db: {image: postgres}
  api: {image: api, depends_on: {db: {condition: service_started, restart: true}}}
  web: {image: web, scale: 2}
"""
    plan = plan_project(project(text), pod_mode="none")
    records = [
        ObservedContainer(spec.name, dict(spec.labels))
        for specs in plan.containers.values()
        for spec in specs
    ]
    records = [
        replace(r, labels={**r.labels, labels.CONFIG_HASH: "old"}) if r.name == "demo-db-1" else r
        for r in records
    ]
    records = [replace(r, state="exited") if r.name == "demo-web-2" else r for r in records]
    web3 = ObservedContainer(
        "demo-web-3",
        {labels.PROJECT: "demo", labels.SERVICE: "web", labels.CONTAINER_NUMBER: "3"},
    )
    orphan = ObservedContainer("demo-old-1", {labels.PROJECT: "demo", labels.SERVICE: "old"})
    steps = converge(plan, [*records, web3, orphan], None, ConvergeOptions(remove_orphans=True))
    lines = render(plan, steps, existing_networks={"demo_default"})
    db_create = shlex.join(create_argv(plan.containers["db"][0]))
    assert lines == [
        "podman stop demo-old-1",
        "podman rm demo-old-1",
        "podman stop demo-db-1",
        "podman rm demo-db-1",
        "podman stop demo-web-3",
        "podman rm demo-web-3",
        db_create,
        "podman start demo-db-1",
        "podman restart demo-api-1",
        "podman start demo-web-2",
    ]


def test_none_mode_removes_an_old_pod_after_its_containers(project: ProjectLoader) -> None:
    plan = plan_project(project("services:\n  web: {image: web}\n"), pod_mode="none")
    old = ObservedContainer("demo-web-1", dict(plan.containers["web"][0].labels))
    steps = converge(plan, [old], ObservedPod("pod_demo", {labels.PROJECT: "demo"}))
    lines = render(plan, steps, existing_networks={"demo_default"})
    assert lines == [
        "podman stop demo-web-1",
        "podman rm demo-web-1",
        "podman pod rm --force pod_demo",
        shlex.join(create_argv(plan.containers["web"][0])),
        "podman start demo-web-1",
    ]


def test_no_start_renders_no_start_lines(project: ProjectLoader) -> None:
    plan = plan_project(project(TWO), pod_mode="none")
    steps = converge(plan, [], None, ConvergeOptions(no_start=True))
    assert not any(line.startswith("podman start") for line in render(plan, steps))


def test_pod_recreate_lines(project: ProjectLoader) -> None:
    plan = plan_project(project(TWO), pod_mode="shared")
    assert plan.pod is not None
    steps = converge(plan, [], ObservedPod("pod_demo", {labels.POD_HASH: "old"}))
    lines = render(plan, steps, existing_networks={"demo_default"}, existing_volumes={"demo_data"})
    assert lines[:2] == ["podman pod rm --force pod_demo", shlex.join(pod_create_argv(plan.pod))]


def test_container_argv_covers_every_setting() -> None:
    spec = ContainerSpec(
        name="x-web-1",
        image="nginx",
        pod="pod_x",
        command=("nginx", "-g", "daemon off;"),
        entrypoint=("/bin/sh", "-c"),
        env={"B": "2", "A": "1"},
        working_dir="/srv",
        user="1000",
        hostname="web",
        domainname="example.org",
        labels={"k": "v"},
        annotations={"a": "b"},
        cap_add=("NET_ADMIN",),
        cap_drop=("MKNOD",),
        privileged=True,
        devices=(DeviceSpec("/dev/fuse"), DeviceSpec("/dev/sda", "/dev/xvda", "r")),
        dns=("1.1.1.1",),
        dns_search=("example.org",),
        dns_opt=("ndots:2",),
        extra_hosts=(HostEntry("gw", "10.0.0.1"),),
        init=True,
        ulimits=(UlimitSpec("nofile", 1024, 2048),),
        sysctls={"net.core.somaxconn": "1024"},
        security_opt=("label=disable",),
        read_only=True,
        shm_size=67108864,
        stop_signal="SIGQUIT",
        stop_timeout=0,
        tty=True,
        stdin_open=True,
        restart=RestartSpec("on-failure", 3),
        healthcheck=HealthcheckSpec(("CMD", "true"), interval=10, timeout=1.5, retries=2),
        logging=LogSpec("json-file", {"max-size": "10m"}),
        resources=ResourcesSpec(
            memory_limit=1024,
            memory_reservation=512,
            memory_swap=2048,
            cpus=0.5,
            cpu_shares=100,
            cpuset="0",
            pids_limit=50,
        ),  # fmt: skip
        tmpfs=("/run",),
        mounts=(
            MountSpec("bind", "/data", "/srv/data", read_only=True, selinux="Z"),
            MountSpec("volume", "/v", "x_v", nocopy=True),
            MountSpec("volume", "/anon"),
            MountSpec("tmpfs", "/t", tmpfs_size=1000, tmpfs_mode=0o1777),
            MountSpec("volume", "/sub", "x_v", options=("subpath=a",)),
        ),
        networks=(NetworkAttachment("x_front", ("web", "x-web-1"), ipv4_address="10.0.0.5"),),
        ports=(PortSpec(80, 8080),),
        expose=(PortSpec(3000),),
        userns="keep-id",
        ipc="shareable",
        pid="container:x-db-1",
        group_add=("audio",),
        volumes_from=("x-db-1:ro",),
    )
    assert shlex.join(create_argv(spec)) == (
        "podman create --name x-web-1 --pod pod_x --label k=v --annotation a=b -e A=1 -e B=2 "
        "--workdir /srv --user 1000 --group-add audio --hostname web "
        "--cap-add NET_ADMIN --cap-drop MKNOD --privileged --device /dev/fuse "
        "--device /dev/sda:/dev/xvda:r --security-opt label=disable --read-only "
        "--read-only-tmpfs=false "
        "--sysctl kernel.domainname=example.org --sysctl net.core.somaxconn=1024 "
        "--userns keep-id --ipc shareable "
        "--pid container:x-db-1 --init --tty --interactive --ulimit nofile=1024:2048 "
        "--shm-size 67108864 --stop-signal SIGQUIT --stop-timeout 0 --restart on-failure:3 "
        "--health-cmd 'CMD true' --health-interval 10s --health-timeout 1.5s "
        "--health-retries 2 --log-driver json-file --log-opt max-size=10m --memory 1024 "
        "--memory-reservation 512 --memory-swap 2048 --cpus 0.5 --cpu-shares 100 "
        "--cpuset-cpus 0 --pids-limit 50 --tmpfs /run -v /srv/data:/data:ro,Z "
        "-v x_v:/v:nocopy -v /anon --mount type=tmpfs,destination=/t,tmpfs-size=1000,"
        "tmpfs-mode=1777 --mount type=volume,source=x_v,destination=/sub,subpath=a "
        "--volumes-from x-db-1:ro --network x_front:alias=web,alias=x-web-1,ip=10.0.0.5 "
        "-p 8080:80 --expose 3000/tcp --dns 1.1.1.1 --dns-search example.org "
        '--dns-option ndots:2 --add-host gw:10.0.0.1 --entrypoint \'["/bin/sh", "-c"]\' '
        "nginx nginx -g 'daemon off;'"
    )


def test_container_argv_special_cases() -> None:
    shell = ContainerSpec(
        name="a",
        image="i",
        entrypoint=(),
        healthcheck=HealthcheckSpec(("CMD-SHELL", "curl -f localhost")),
        network_mode="host",
    )
    assert shlex.join(create_argv(shell)) == (
        "podman create --name a --health-cmd 'curl -f localhost' --network host --entrypoint '' i"
    )
    disabled = ContainerSpec(
        name="a", image="i", healthcheck=HealthcheckSpec(("NONE",), disabled=True)
    )
    assert create_argv(disabled) == ["podman", "create", "--name", "a", "--no-healthcheck", "i"]


def test_network_and_volume_argv() -> None:
    network = NetworkSpec(
        name="x_front",
        labels={"k": "v"},
        driver="macvlan",
        options={"parent": "eth0"},
        internal=True,
        ipv6=True,
        subnets=(SubnetSpec("10.5.0.0/24", "10.5.0.1", "10.5.0.128/25"), SubnetSpec("fd00::/64")),
        dns_enabled=False,
    )
    assert shlex.join(network_create_argv(network)) == (
        "podman network create --driver macvlan --opt parent=eth0 --label k=v --internal "
        "--ipv6 --subnet 10.5.0.0/24 --gateway 10.5.0.1 --ip-range 10.5.0.128/25 "
        "--subnet fd00::/64 --disable-dns x_front"
    )
    volume = VolumeSpec(name="x_data", labels={"k": "v"}, options={"type": "tmpfs"})
    assert shlex.join(volume_create_argv(volume)) == (
        "podman volume create --driver local --opt type=tmpfs --label k=v x_data"
    )


def test_pod_argv_with_everything() -> None:
    pod = PodSpec(
        name="pod_x",
        labels={"k": "v"},
        infra_image="localhost/pause",
        ports=(PortSpec(80, 8080, "127.0.0.1"),),
        hosts=(HostEntry("web", "127.0.0.1"),),
        dns=("1.1.1.1",),
        dns_search=("example.org",),
        dns_opt=("ndots:2",),
        userns="keep-id",
        networks=(NetworkAttachment("x_default", ("web",)),),
    )
    assert shlex.join(pod_create_argv(pod)) == (
        "podman pod create --name pod_x --infra=true --infra-image localhost/pause "
        "--share=net,ipc -p 127.0.0.1:8080:80 --add-host web:127.0.0.1 --dns 1.1.1.1 "
        "--dns-search example.org --dns-option ndots:2 --network x_default:alias=web "
        "--userns keep-id --label k=v"
    )


def test_health_command_is_what_podmans_cli_reads_back() -> None:
    # Podman 4.3 splits a JSON array starting with "CMD" at every space (checked by hand:
    # `--health-cmd '["CMD", "test", "-f", "/x"]'` is stored as ["[\"CMD\",", ...]).
    assert health_command(("CMD", "test", "-f", "/tmp/o k")) == '["test", "-f", "/tmp/o k"]'
    assert health_command(("CMD", "true")) == "CMD true"
    assert health_command(("CMD", "my check")) == '["my check"]'
    assert health_command(("CMD-SHELL", "curl -f localhost || exit 1")) == (
        "curl -f localhost || exit 1"
    )
