"""Which Quadlet key exists since which Podman version, and which compose key each one carries.

Versions follow Podman's release notes and man pages (docs/systemd.md lists them); where a
source was unclear the later version is used, so composer refuses rather than writes a key a
Podman does not know. `PodmanArgs=` carries every `podman run` flag that has no key of its own.
"""

from __future__ import annotations

from composer.generate.systemd_model import Version

QUADLET_SINCE: Version = (4, 4)
PODMAN_ARGS_SINCE: Version = (4, 6)
POD_FILES_SINCE: Version = (5, 0)
BUILD_FILES_SINCE: Version = (5, 2)
NAMES_SINCE: Version = (4, 7)  # NetworkName=, VolumeName=: before, Quadlet names them systemd-X

# [Container] keys composer writes, with the first Podman version that has them.
CONTAINER_KEYS: dict[str, Version] = {
    "Image": (4, 4),
    "ContainerName": (4, 4),
    "Exec": (4, 4),
    "Environment": (4, 4),
    "EnvironmentFile": (4, 4),
    "Label": (4, 4),
    "Annotation": (4, 4),
    "PublishPort": (4, 4),
    "ExposeHostPort": (4, 4),
    "Network": (4, 4),
    "Volume": (4, 4),
    "AddCapability": (4, 4),
    "DropCapability": (4, 4),
    "AddDevice": (4, 4),
    "RunInit": (4, 4),
    "User": (4, 4),
    "Group": (4, 4),
    "Tmpfs": (4, 5),
    "Mount": (4, 5),
    "Secret": (4, 5),
    "LogDriver": (4, 5),
    "UserNS": (4, 5),
    "HealthCmd": (4, 5),
    "HostName": (4, 6),
    "WorkingDir": (4, 6),
    "Sysctl": (4, 6),
    "Pull": (4, 6),
    "PodmanArgs": PODMAN_ARGS_SINCE,
    "DNS": (4, 7),
    "DNSSearch": (4, 7),
    "DNSOption": (4, 7),
    "ShmSize": (4, 7),
    "Entrypoint": (5, 0),
    "StopTimeout": (5, 0),
    "Pod": POD_FILES_SINCE,
    "Ulimit": (5, 0),  # repeatable since 5.0
    "GroupAdd": (5, 1),
    "StopSignal": (5, 2),
    "LogOpt": (5, 2),
    "AddHost": (5, 3),
}

# [Pod] keys (the file type itself is 5.0).
POD_KEYS: dict[str, Version] = {
    "PodName": (5, 0),
    "PublishPort": (5, 0),
    "Network": (5, 0),
    "PodmanArgs": (5, 0),
    "AddHost": (5, 3),
    "DNS": (5, 3),
    "DNSSearch": (5, 3),
    "DNSOption": (5, 3),
    "UserNS": (5, 3),
}

# ContainerSpec field -> the compose key a user wrote (for refusals that name it).
COMPOSE_KEYS: dict[str, str] = {
    "entrypoint": "entrypoint",
    "env": "environment",
    "working_dir": "working_dir",
    "user": "user",
    "group_add": "group_add",
    "hostname": "hostname",
    "domainname": "domainname",
    "labels": "labels",
    "annotations": "annotations",
    "cap_add": "cap_add",
    "cap_drop": "cap_drop",
    "privileged": "privileged",
    "devices": "devices",
    "security_opt": "security_opt",
    "read_only": "read_only",
    "sysctls": "sysctls",
    "userns": "userns_mode",
    "ipc": "ipc",
    "pid": "pid",
    "uts": "uts",
    "cgroupns": "cgroup",
    "cgroup_parent": "cgroup_parent",
    "oom_score_adj": "oom_score_adj",
    "device_cgroup_rules": "device_cgroup_rules",
    "oci_runtime": "runtime",
    "storage_opt": "storage_opt",
    "init": "init",
    "tty": "tty",
    "stdin_open": "stdin_open",
    "ulimits": "ulimits",
    "shm_size": "shm_size",
    "stop_signal": "stop_signal",
    "stop_timeout": "stop_grace_period",
    "healthcheck": "healthcheck",
    "logging": "logging",
    "resources": "resources",
    "tmpfs": "tmpfs",
    "mounts": "volumes",
    "volumes_from": "volumes_from",
    "secrets": "secrets",
    "network_mode": "network_mode",
    "networks": "networks",
    "ports": "ports",
    "expose": "expose",
    "dns": "dns",
    "dns_search": "dns_search",
    "dns_opt": "dns_opt",
    "extra_hosts": "extra_hosts",
}


def version_text(version: Version) -> str:
    return f"{version[0]}.{version[1]}"
