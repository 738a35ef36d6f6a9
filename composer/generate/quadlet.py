"""`composer systemd --format quadlet`: `.container`, `.network`, `.volume`, `.pod`, `.build`.

The generated services carry the same names as `--format units` writes (`X.container` ->
`X.service`, `demo.pod` -> `demo-pod.service`, `demo-data.volume` -> `demo-data-volume.service`),
so `<project>.target` (a plain unit) wants them the same way. What the target Podman's Quadlet
cannot express is refused, all problems at once, each naming the compose key and the version
that would do.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from composer.errors import ComposerError, ConfigError, Problem
from composer.generate.quadlet_container import ContainerKeys, container_section, raw
from composer.generate.quadlet_keys import (
    BUILD_FILES_SINCE,
    NAMES_SINCE,
    POD_FILES_SINCE,
    POD_KEYS,
    QUADLET_SINCE,
    version_text,
)
from composer.generate.systemd_model import (
    ContainerUnit,
    NetworkUnit,
    PodUnit,
    SystemdProject,
    VolumeUnit,
)
from composer.generate.systemd_units import (
    START_TIMEOUT,
    STOP_MARGIN,
    Host,
    bind_sources,
    dependencies,
    health_wait_line,
    hook_line,
    start_limit,
    stopped_statuses,
    target_unit,
)
from composer.generate.unit_text import Section, UnitFile, escape_value, exec_line, quoted_words
from composer.model import Project
from composer.model.build import Build
from composer.plan.render import pod_create_argv
from composer.plan.render_container import publish

Locate = Callable[[tuple[str | int, ...], str], Problem]
# compose build keys a .build file can carry; any other one is refused by name.
BUILD_KEYS = ("context", "dockerfile", "args", "target", "labels", "network", "pull", "no_cache")
VOLUME_OPTIONS = {"type": "Type", "device": "Device", "o": "Options"}


def containerfile(build: Build) -> str:
    """The build's Containerfile; the loader's default `Dockerfile` falls back to Podman's own
    `Containerfile` when only that one exists (as `up` builds)."""
    named = os.path.join(build.context, build.dockerfile or "Dockerfile")
    podman_default = os.path.join(build.context, "Containerfile")
    fallback = build.dockerfile in (None, "Dockerfile") and not os.path.exists(named)
    return podman_default if fallback and os.path.exists(podman_default) else named


def stem(unit: str, suffix: str = ".service") -> str:
    return unit.removesuffix(suffix)


@dataclass
class QuadletWriter:
    """Writes the Quadlet files of a project for one Podman version."""

    project: SystemdProject
    model: Project
    host: Host
    locate: Locate
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def version(self) -> tuple[int, int]:
        return self.host.podman_version

    def files(self) -> list[UnitFile]:
        """Every file, sorted by name, the target last; raises when anything is refused."""
        self._check_version()
        files = [self.network(n) for n in self.project.networks]
        files += [self.volume(v) for v in self.project.volumes]
        if self.project.pod is not None:
            files.append(self.pod(self.project.pod))
        for container in self.project.containers:
            files += self.container(container)
        if self.problems:
            raise ConfigError(list(dict.fromkeys(self.problems)))
        unique = {f.name: f for f in files}  # one .build file per service, however many replicas
        return [
            *sorted(unique.values(), key=lambda f: f.name),
            target_unit(self.project, self.host),
        ]

    def _check_version(self) -> None:
        if self.version < QUADLET_SINCE:
            raise ComposerError(
                f"--format quadlet needs Podman {version_text(QUADLET_SINCE)} or later; this "
                f"is Podman {version_text(self.version)}",
                hint="use --format units (every Podman version), or --podman-version X.Y to "
                "write Quadlet files for another host",
            )
        pod = self.project.pod
        if pod is not None and not pod.spec.infra:
            raise ComposerError(
                'pod mode "separate" has no Quadlet form: a .pod file always has an infra '
                "container",
                hint="use --format units, or --pod-mode none (no pod) or shared",
            )
        if pod is not None and self.version < POD_FILES_SINCE:
            raise ComposerError(
                f'pod mode "shared" needs Quadlet .pod files, which Podman '
                f"{version_text(POD_FILES_SINCE)} brought; this is Podman "
                f"{version_text(self.version)}",
                hint="use --format units, or --pod-mode none (no pod)",
            )

    def _unit_section(self, file: UnitFile, what: str) -> Section:
        description = escape_value(f"{self.project.project}: {what}")
        return file.section("Unit").add("Description", description)

    def _member_of(self, unit: Section) -> None:
        unit.add("PartOf", self.project.target).add("Before", self.project.target)

    def _named(self, kind: str, key: str, file: UnitFile) -> bool:
        if self.version >= NAMES_SINCE:
            return True
        self.problems.append(
            self.locate(
                (f"{kind}s", key),
                f"Quadlet of Podman {version_text(self.version)} names the {kind} "
                f"systemd-{Path(file.name).stem}, not what `up` names it "
                f"({kind.capitalize()}Name= needs Podman {version_text(NAMES_SINCE)})",
            )
        )
        return False

    def network(self, network: NetworkUnit) -> UnitFile:
        file = UnitFile(f"{stem(network.unit, '-network.service')}.network", self.project.project)
        self._member_of(self._unit_section(file, f"network {network.spec.name}"))
        section = file.section("Network")
        spec = network.spec
        if self._named("network", network.key, file):
            section.add("NetworkName", raw(spec.name))
        if spec.driver != "bridge":
            section.add("Driver", raw(spec.driver))
        for subnet in spec.subnets:
            section.add("Subnet", subnet.subnet)
            if subnet.gateway:
                section.add("Gateway", subnet.gateway)
            if subnet.ip_range:
                section.add("IPRange", subnet.ip_range)
        for key, flag in (("Internal", spec.internal), ("IPv6", spec.ipv6)):
            if flag:
                section.add(key, "true")
        if not spec.dns_enabled:
            section.add("DisableDNS", "true")
        section.extend("Options", [raw(f"{k}={v}") for k, v in sorted(spec.options.items())])
        section.extend("Label", [raw(f"{k}={v}") for k, v in sorted(spec.labels.items())])
        return file

    def volume(self, volume: VolumeUnit) -> UnitFile:
        file = UnitFile(f"{stem(volume.unit, '-volume.service')}.volume", self.project.project)
        self._member_of(self._unit_section(file, f"volume {volume.spec.name}"))
        section = file.section("Volume")
        spec = volume.spec
        if self._named("volume", volume.key, file):
            section.add("VolumeName", raw(spec.name))
        if spec.driver != "local":
            self._volume_driver(section, volume)
        for key, value in sorted(spec.options.items()):
            if key in VOLUME_OPTIONS:
                section.add(VOLUME_OPTIONS[key], raw(value))
            else:
                self.problems.append(
                    self.locate(
                        ("volumes", volume.key, "driver_opts", key),
                        "a .volume file takes only the driver options type, device and o",
                    )
                )
        section.extend("Label", [raw(f"{k}={v}") for k, v in sorted(spec.labels.items())])
        return file

    def _volume_driver(self, section: Section, volume: VolumeUnit) -> None:
        if self.version >= (4, 8):
            section.add("Driver", raw(volume.spec.driver))
        else:
            self.problems.append(
                self.locate(
                    ("volumes", volume.key, "driver"),
                    f"Quadlet of Podman {version_text(self.version)} cannot express it "
                    "(Driver= needs Podman 4.8)",
                )
            )

    def pod(self, pod: PodUnit) -> UnitFile:
        file = UnitFile(f"{stem(pod.unit, '-pod.service')}.pod", self.project.project)
        unit = self._unit_section(file, f"pod {pod.spec.name}")
        for network in pod.networks:
            unit.add("Requires", network).add("After", network)
        self._member_of(unit)
        section = file.section("Pod").add("PodName", raw(pod.spec.name))
        spec = pod.spec
        section.extend("PublishPort", [publish(port) for port in spec.ports])
        left = replace(spec, ports=())
        if self.version >= POD_KEYS["AddHost"]:
            section.extend("AddHost", [raw(f"{h.name}:{h.ip}") for h in spec.hosts])
            section.extend("DNS", list(spec.dns)).extend("DNSSearch", list(spec.dns_search))
            section.extend("DNSOption", list(spec.dns_opt))
            if spec.userns:
                section.add("UserNS", raw(spec.userns))
            left = replace(left, hosts=(), dns=(), dns_search=(), dns_opt=(), userns="")
        argv = pod_create_argv(left)[5:]  # after `podman pod create --name NAME`
        args = [word for word in argv if word != "--infra=true"]
        if args:
            section.add("PodmanArgs", quoted_words(args))
        return file

    def container(self, container: ContainerUnit) -> list[UnitFile]:
        name = f"{stem(container.unit)}.container"
        file = UnitFile(name, self.project.project)
        what = f"service {container.service} (container {container.spec.name})"
        unit = self._unit_section(file, what)
        dependencies(unit, container, self.project, pod=False)
        self._member_of(unit)
        start_limit(unit, container)
        extra, image = self._image(container)
        keys = ContainerKeys(self.version, self.locate, container.service)
        pod = self.project.pod
        pod_file = f"{stem(pod.unit, '-pod.service')}.pod" if pod and container.spec.pod else ""
        file.sections.append(container_section(container, keys, image, pod_file))
        self.problems += keys.problems
        self._service(file, container)
        return [file, *extra]

    def _service(self, file: UnitFile, container: ContainerUnit) -> None:
        service = file.section("Service")
        restart = {"no": "no", "on-failure": "on-failure"}.get(container.restart.policy, "always")
        service.add("Restart", restart)
        service.add("TimeoutStopSec", str(container.stop_timeout + STOP_MARGIN))
        waited = sum(wait.seconds for wait in container.health_waits)
        if waited:
            service.add("TimeoutStartSec", f"{int(waited) + START_TIMEOUT}")
        for source in bind_sources(container):
            service.add("ExecStartPre", "-" + exec_line([self.host.mkdir, "-p", source]))
        for wait in container.health_waits:
            service.add("ExecStartPre", health_wait_line(wait, self.host))
        for hook in container.post_start:
            service.add("ExecStartPost", hook_line(hook, container.spec.name, self.host))
        for hook in container.pre_stop:
            service.add("ExecStop", hook_line(hook, container.spec.name, self.host))
        if container.oneshot:
            service.add("Type", "oneshot").add("RemainAfterExit", "yes")
        else:
            service.add("SuccessExitStatus", " ".join(stopped_statuses(container.spec.stop_signal)))

    def _image(self, container: ContainerUnit) -> tuple[list[UnitFile], str]:
        """The image, or a `.build` file that makes it (Podman 5.2 and later)."""
        service = self.model.services[container.service]
        image = container.spec.image
        if service.build is None:
            return [], image
        if self.version < BUILD_FILES_SINCE:
            self.warnings.append(
                f'service "{container.service}" builds its image {image}, which Quadlet of '
                f"Podman {version_text(self.version)} cannot (.build files need "
                f"{version_text(BUILD_FILES_SINCE)}): build it before starting the units "
                f"(podman build -t {image} {service.build.context})"
            )
            return [], image
        build_file = self.build_file(container.service, service.build, image)
        return [build_file], build_file.name

    def build_file(self, service: str, build: Build, image: str) -> UnitFile:
        file = UnitFile(f"{self.project.project}-{service}.build", self.project.project)
        self._member_of(self._unit_section(file, f"image {image} of service {service}"))
        self._refuse_build_keys(service, build)
        section = file.section("Build").add("ImageTag", raw(image))
        section.add("SetWorkingDirectory", raw(build.context))
        section.add("File", raw(containerfile(build)))
        if build.target:
            section.add("Target", raw(build.target))
        section.extend("Label", [raw(f"{k}={v}") for k, v in sorted(build.labels.items())])
        if build.network:
            section.add("Network", raw(build.network))
        if build.pull:
            section.add("Pull", "always")
        values = sorted((k, v) for k, v in build.args.items() if v is not None)
        args = [word for k, v in values for word in ("--build-arg", f"{k}={v}")]
        args += ["--no-cache"] if build.no_cache else []
        if args:
            section.add("PodmanArgs", quoted_words(args))
        return file

    def _refuse_build_keys(self, service: str, build: Build) -> None:
        default = Build()
        for name in build.__dataclass_fields__:
            if name not in BUILD_KEYS and getattr(build, name) != getattr(default, name):
                self.problems.append(
                    self.locate(
                        ("services", service, "build", name),
                        "a Quadlet .build file cannot express it; build the image yourself "
                        "and name it in `image:`, or use --format units",
                    )
                )
        if "://" in build.context or build.context.startswith("git@"):
            self.problems.append(
                self.locate(
                    ("services", service, "build", "context"),
                    "a Quadlet .build file needs a local build context",
                )
            )
