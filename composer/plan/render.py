"""`--dry-run`: the podman command lines equivalent to a plan and its convergence actions.

Output only: composer talks to the Podman API and never runs these lines.
"""

from __future__ import annotations

import shlex
from collections.abc import Collection, Mapping

from composer.model.parts import ServiceHook
from composer.plan.converge import ContainerAction, Convergence, converge
from composer.plan.render_container import (
    Argv,
    create_argv,
    network,
    optional,
    pairs,
    publish,
    repeated,
    switch,
)
from composer.plan.translate import ProjectPlan
from composer.specs import NetworkSpec, PodSpec, VolumeSpec


def network_create_argv(spec: NetworkSpec) -> Argv:
    argv = ["podman", "network", "create", "--driver", spec.driver]
    argv += pairs("--opt", spec.options) + pairs("--label", spec.labels)
    argv += switch("--internal", spec.internal) + switch("--ipv6", spec.ipv6)
    for subnet in spec.subnets:
        argv += ["--subnet", subnet.subnet]
        argv += optional("--gateway", subnet.gateway) + optional("--ip-range", subnet.ip_range)
    return [*argv, *switch("--disable-dns", not spec.dns_enabled), spec.name]


def volume_create_argv(spec: VolumeSpec) -> Argv:
    argv = ["podman", "volume", "create", "--driver", spec.driver]
    return [*argv, *pairs("--opt", spec.options), *pairs("--label", spec.labels), spec.name]


def pod_create_argv(spec: PodSpec) -> Argv:
    """`podman pod create`: infra, shared namespaces, and in shared mode ports, hosts, DNS."""
    argv = ["podman", "pod", "create", "--name", spec.name]
    argv += [f"--infra={str(spec.infra).lower()}", *optional("--infra-image", spec.infra_image)]
    argv += [f"--share={','.join(spec.share) if spec.infra else ''}"]
    argv += repeated("-p", [publish(port) for port in spec.ports])
    argv += repeated("--add-host", [f"{host.name}:{host.ip}" for host in spec.hosts])
    argv += repeated("--dns", spec.dns) + repeated("--dns-search", spec.dns_search)
    argv += repeated("--dns-option", spec.dns_opt)
    argv += repeated("--network", [network(attachment) for attachment in spec.networks])
    argv += optional("--userns", spec.userns)
    return [*argv, *pairs("--label", spec.labels)]


def render(
    plan: ProjectPlan,
    convergence: Convergence | None = None,
    *,
    existing_networks: Collection[str] = (),
    existing_volumes: Collection[str] = (),
    hooks: Mapping[str, tuple[ServiceHook, ...]] | None = None,
) -> list[str]:
    """The command lines, in order: networks, volumes, removals, the pod, then each service.

    Without a convergence, nothing is taken to exist yet.
    """
    steps = convergence or converge(plan, [])
    argvs = [network_create_argv(n) for n in plan.networks if n.name not in existing_networks]
    argvs += [volume_create_argv(v) for v in plan.volumes if v.name not in existing_volumes]
    for action in steps.actions:
        if action.kind in ("remove", "recreate"):
            argvs += [["podman", "stop", action.existing], ["podman", "rm", action.existing]]
    argvs += _pod_argvs(steps)
    for action in steps.actions:
        argvs += _container_argvs(action)
        if _starts(action):
            name = action.existing if action.kind == "start" else action.name
            argvs += [hook_argv(name, hook) for hook in (hooks or {}).get(action.service, ())]
    return [shlex.join(argv) for argv in argvs]


def _starts(action: ContainerAction) -> bool:
    return action.kind == "start" or (action.kind in ("create", "recreate") and action.start)


def hook_argv(container: str, hook: ServiceHook) -> Argv:
    """`podman exec` for a post_start hook."""
    env = {key: value for key, value in hook.environment.items() if value is not None}
    return [
        "podman",
        "exec",
        *optional("--user", hook.user),
        *optional("--workdir", hook.working_dir),
        *switch("--privileged", hook.privileged),
        *pairs("--env", env),
        container,
        *hook.command,
    ]


def _pod_argvs(steps: Convergence) -> list[Argv]:
    pod = steps.pod
    if pod is None or pod.kind == "keep":
        return []
    argvs = [] if pod.kind == "create" else [["podman", "pod", "rm", "--force", pod.name]]
    if pod.spec is not None and pod.kind in ("create", "recreate"):
        argvs.append(pod_create_argv(pod.spec))
    return argvs


def _container_argvs(action: ContainerAction) -> list[Argv]:
    """Create (and start) new containers; start stopped ones; restart dependents."""
    if action.kind in ("create", "recreate") and action.spec is not None:
        start = [["podman", "start", action.name]] if action.start else []
        # The content stays out of the output: it may be a secret.
        copies = [
            ["podman", "cp", f"<{copy.what}>", f"{action.name}:{copy.target}"]
            for copy in action.spec.copies
        ]
        return [create_argv(action.spec), *copies, *start]
    if action.kind == "start":
        return [["podman", "start", action.existing]]
    if action.kind == "restart":
        return [["podman", "restart", action.existing]]
    return []
