"""One service replica as a Quadlet `.container` file.

Settings with a Quadlet key of their own (on the target Podman version) get it; every other
flag `up` would give the container goes to `PodmanArgs=`, rendered by the same code as
`--dry-run`. A setting neither can carry on that version is a Problem naming the compose key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from composer.errors import Problem
from composer.generate.quadlet_keys import (
    COMPOSE_KEYS,
    CONTAINER_KEYS,
    PODMAN_ARGS_SINCE,
    version_text,
)
from composer.generate.systemd_model import ContainerUnit, Version
from composer.generate.unit_text import Section, quote_word, quoted_words
from composer.plan.render_container import (
    create_argv,
    device,
    health_command,
    mount,
    network,
    publish,
    seconds,
    secret_option,
    sysctls,
)
from composer.specs import ContainerSpec, LogSpec, RestartSpec

DEFAULTS = ContainerSpec(name="", image="")
Emit = Callable[[Section, ContainerSpec], None]


def raw(value: object) -> str:
    """A single-value key: Quadlet quotes it itself; systemd still expands `%` and `$`."""
    return str(value).replace("%", "%%").replace("$", "$$")


@dataclass(frozen=True)
class KeyRule:
    """Spec fields one Quadlet key carries, and how to write them."""

    key: str
    fields: tuple[str, ...]
    emit: Emit


def _lines(key: str, values: Callable[[ContainerSpec], list[str]]) -> Emit:
    """A rule writing one `key=` line per value."""

    def emit(section: Section, spec: ContainerSpec) -> None:
        section.extend(key, values(spec))

    return emit


def _user(section: Section, spec: ContainerSpec) -> None:
    user, sep, group = spec.user.partition(":")
    section.add("User", raw(user))
    if sep:
        section.add("Group", raw(group))


def _health(section: Section, spec: ContainerSpec) -> None:
    check = spec.healthcheck
    if check is None:
        return
    if check.disabled:
        section.add("HealthCmd", "none")
        return
    section.add("HealthCmd", raw(health_command(check.test)))
    for key, value in (
        ("HealthInterval", check.interval),
        ("HealthTimeout", check.timeout),
        ("HealthStartPeriod", check.start_period),
    ):
        if value is not None:
            section.add(key, seconds(value))
    if check.retries is not None:
        section.add("HealthRetries", str(check.retries))


def _pairs(values: Any) -> list[str]:
    return [quote_word(f"{key}={value}") for key, value in sorted(values.items())]


def _rule(
    key: str, fields: tuple[str, ...], values: Callable[[ContainerSpec], list[str]]
) -> KeyRule:
    """A key written once per value."""
    return KeyRule(key, fields, _lines(key, values))


RULES: tuple[KeyRule, ...] = (
    _rule("Exec", ("command",), lambda c: [quoted_words(c.command or ())]),
    _rule("Entrypoint", ("entrypoint",), lambda c: [raw(json.dumps(list(c.entrypoint or ())))]),
    _rule("Environment", ("env",), lambda c: _pairs(c.env)),
    _rule("Label", ("labels",), lambda c: _pairs(c.labels)),
    _rule("Annotation", ("annotations",), lambda c: _pairs(c.annotations)),
    _rule("WorkingDir", ("working_dir",), lambda c: [raw(c.working_dir)]),
    KeyRule("User", ("user",), _user),
    _rule("GroupAdd", ("group_add",), lambda c: [raw(g) for g in c.group_add]),
    _rule("HostName", ("hostname",), lambda c: [raw(c.hostname)]),
    _rule("AddCapability", ("cap_add",), lambda c: list(c.cap_add)),
    _rule("DropCapability", ("cap_drop",), lambda c: list(c.cap_drop)),
    _rule("AddDevice", ("devices",), lambda c: [raw(device(d)) for d in c.devices]),
    _rule("RunInit", ("init",), lambda c: ["true"]),
    _rule("Sysctl", ("sysctls", "domainname"), lambda c: _pairs(sysctls(c))),
    _rule("UserNS", ("userns",), lambda c: [raw(c.userns)]),
    _rule("Tmpfs", ("tmpfs",), lambda c: [raw(t) for t in c.tmpfs]),
    KeyRule("HealthCmd", ("healthcheck",), _health),
    _rule("DNS", ("dns",), lambda c: list(c.dns)),
    _rule("DNSSearch", ("dns_search",), lambda c: list(c.dns_search)),
    _rule("DNSOption", ("dns_opt",), lambda c: list(c.dns_opt)),
    _rule("ShmSize", ("shm_size",), lambda c: [str(c.shm_size)]),
    _rule("StopTimeout", ("stop_timeout",), lambda c: [str(c.stop_timeout)]),
    _rule("StopSignal", ("stop_signal",), lambda c: [raw(c.stop_signal)]),
    _rule("Ulimit", ("ulimits",), lambda c: [f"{u.name}={u.soft}:{u.hard}" for u in c.ulimits]),
    _rule("AddHost", ("extra_hosts",), lambda c: [raw(f"{h.name}:{h.ip}") for h in c.extra_hosts]),
    _rule("PublishPort", ("ports",), lambda c: [publish(p) for p in c.ports]),
    _rule(
        "ExposeHostPort",
        ("expose",),
        lambda c: [f"{p.container_port}/{p.protocol}" for p in c.expose],
    ),
    _rule(
        "Network",
        ("network_mode", "networks"),
        lambda c: (
            [raw(c.network_mode)] * bool(c.network_mode) + [raw(network(n)) for n in c.networks]
        ),
    ),
    _rule("Secret", ("secrets",), lambda c: [raw(secret_option(r)) for r in c.secrets]),
)


def _log_rule(section: Section, spec: ContainerSpec) -> None:
    if spec.logging.driver:
        section.add("LogDriver", raw(spec.logging.driver))
    section.extend("LogOpt", _pairs(spec.logging.options))


def _mount_rule(section: Section, spec: ContainerSpec) -> None:
    for entry in spec.mounts:
        flag, value = mount(entry)
        section.add("Volume" if flag == "-v" else "Mount", raw(value))


@dataclass
class ContainerKeys:
    """Writes one spec's [Container] keys for a Podman version, collecting refusals."""

    version: Version
    locate: Callable[[tuple[str | int, ...], str], Problem]
    service: str
    problems: list[Problem] = field(default_factory=list)

    def available(self, key: str) -> bool:
        return self.version >= CONTAINER_KEYS[key]

    def refuse(self, key: str, needs: Version) -> None:
        self.problems.append(
            self.locate(
                ("services", self.service, key),
                f"Quadlet of Podman {version_text(self.version)} cannot express it "
                f"(needs Podman {version_text(needs)})",
            )
        )

    def pull(self, section: Section, policy: str) -> None:
        if self.available("Pull"):
            section.add("Pull", policy)
        else:
            self.refuse("pull_policy", CONTAINER_KEYS["Pull"])

    def write(self, section: Section, spec: ContainerSpec) -> None:
        """Keyed settings first, then PodmanArgs= with whatever is left."""
        left = replace(spec, restart=RestartSpec(), name=spec.name, pod="")
        for rule in RULES:
            if any(_is_set(left, name) for name in rule.fields) and self.available(rule.key):
                rule.emit(section, left)
                left = replace(left, **{name: getattr(DEFAULTS, name) for name in rule.fields})
        left = self._logging(section, left)
        plain = all(mount(m)[0] == "-v" for m in spec.mounts)
        if spec.mounts and (self.available("Mount") or plain):
            _mount_rule(section, left)
            left = replace(left, mounts=())
        self._podman_args(section, left)

    def _logging(self, section: Section, left: ContainerSpec) -> ContainerSpec:
        logging = left.logging
        if logging == LogSpec():
            return left
        if self.available("LogDriver") and (not logging.options or self.available("LogOpt")):
            _log_rule(section, left)
            return replace(left, logging=LogSpec())
        return left

    def _podman_args(self, section: Section, left: ContainerSpec) -> None:
        rest = replace(left, command=None)
        argv = create_argv(rest)[2:-1]  # after `podman create`, before the image
        argv = argv[2:]  # `--name NAME`: ContainerName= carries it
        if not argv:
            return
        if self.version >= PODMAN_ARGS_SINCE:
            section.add("PodmanArgs", quoted_words(argv))
            return
        for name in (f.name for f in fields(ContainerSpec)):
            if name in COMPOSE_KEYS and _is_set(rest, name):
                self.refuse(COMPOSE_KEYS[name], PODMAN_ARGS_SINCE)


def _is_set(spec: ContainerSpec, name: str) -> bool:
    return bool(getattr(spec, name) != getattr(DEFAULTS, name))


def container_section(
    unit: ContainerUnit, keys: ContainerKeys, image: str, pod_file: str
) -> Section:
    """The [Container] section of `unit` (image may be a `.build` file)."""
    section = Section("Container")
    section.add("ContainerName", raw(unit.spec.name)).add("Image", raw(image))
    if pod_file:
        section.add("Pod", pod_file)
    for path in unit.env_files:
        section.add("EnvironmentFile", raw(path))
    if unit.pull:
        keys.pull(section, unit.pull)
    keys.write(section, unit.spec)
    return section
