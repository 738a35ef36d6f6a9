"""The shape `docker compose config` prints: field order of each object and where objects nest.

docker compose prints its typed model: an object's fields come out in a fixed order (the order
below, observed with the reference binary), while user-keyed mappings (services, environment,
labels...) come out sorted. A child kind is `None` (plain data), `"name"` (one object),
`"[name]"` (a list of objects) or `"{name}"` (a mapping whose values are objects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

Fields = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Shape:
    """One object type: its fields in print order, plus the JSON-only quirks of the reference."""

    fields: Fields
    json_defaults: tuple[tuple[str, Any], ...] = ()  # printed in JSON even when absent
    json_names: dict[str, str] = field(default_factory=dict)  # JSON key for a field

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.positions)

    @cached_property
    def positions(self) -> dict[str, tuple[int, str | None]]:
        """Each field's place in the print order, and its child kind."""
        return {name: (index, child) for index, (name, child) in enumerate(self.fields)}


def _plain(*names: str) -> Fields:
    return tuple((name, None) for name in names)


SERVICE_FIELDS: Fields = (
    *_plain("profiles", "annotations", "attach"),
    ("build", "build"),
    ("develop", "develop"),
    ("blkio_config", "blkio"),
    *_plain("cap_add", "cap_drop", "cgroup_parent", "cgroup", "cpu_count", "cpu_percent"),
    *_plain("cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset"),
    *_plain("cpu_shares", "command"),
    ("configs", "[fileref]"),
    ("container_name", None),
    ("credential_spec", "credential_spec"),
    ("depends_on", "{dependency}"),
    ("deploy", "deploy"),
    ("device_cgroup_rules", None),
    ("devices", "[device]"),
    *_plain("dns", "dns_opt", "dns_search", "dockerfile", "domainname", "entrypoint"),
    ("provider", "provider"),
    ("environment", None),
    ("env_file", "[env_file]"),
    ("expose", None),
    ("extends", "extends"),
    *_plain("external_links", "extra_hosts", "group_add"),
    ("gpus", "[device_request]"),
    ("hostname", None),
    ("healthcheck", "healthcheck"),
    *_plain("image", "init", "ipc", "isolation", "labels", "label_file", "links"),
    ("logging", "logging"),
    *_plain("log_driver", "log_opt", "mem_limit", "mem_reservation", "memswap_limit"),
    *_plain("mem_swappiness", "mac_address"),
    ("models", "{service_model}"),
    *_plain("net", "network_mode"),
    ("networks", "{service_network}"),
    *_plain("oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform"),
    ("ports", "[port]"),
    *_plain("privileged", "pull_policy", "read_only", "restart", "runtime", "scale"),
    ("secrets", "[fileref]"),
    *_plain("security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal"),
    *_plain("storage_opt", "sysctls", "tmpfs", "tty"),
    ("ulimits", "{ulimit}"),
    *_plain("use_api_socket", "user", "userns_mode", "uts", "volume_driver"),
    ("volumes", "[service_volume]"),
    *_plain("volumes_from", "working_dir"),
    ("post_start", "[hook]"),
    ("pre_stop", "[hook]"),
)

SHAPES: dict[str, Shape] = {
    "service": Shape(SERVICE_FIELDS, json_defaults=(("command", None), ("entrypoint", None))),
    "build": Shape(
        (
            *_plain("context", "dockerfile", "dockerfile_inline", "entitlements", "args"),
            *_plain("provenance", "sbom", "ssh", "labels", "cache_from", "cache_to", "no_cache"),
            *_plain("no_cache_filter", "additional_contexts", "pull", "extra_hosts"),
            *_plain("isolation", "network", "target"),
            ("secrets", "[fileref]"),
            *_plain("shm_size", "tags"),
            ("ulimits", "{ulimit}"),
            *_plain("platforms", "privileged"),
        )
    ),
    "develop": Shape((("watch", "[trigger]"),)),
    "trigger": Shape(
        (*_plain("path", "action", "target"), ("exec", "hook"), ("ignore", None)),
        json_defaults=(("exec", {}),),
    ),
    "hook": Shape(
        _plain("command", "user", "privileged", "working_dir", "environment"),
        json_defaults=(("command", None),),
    ),
    "blkio": Shape(
        (
            ("weight", None),
            ("weight_device", "[weight_device]"),
            ("device_read_bps", "[throttle]"),
            ("device_read_iops", "[throttle]"),
            ("device_write_bps", "[throttle]"),
            ("device_write_iops", "[throttle]"),
        )
    ),
    "weight_device": Shape(
        _plain("path", "weight"), json_names={"path": "Path", "weight": "Weight"}
    ),
    "throttle": Shape(_plain("path", "rate"), json_names={"path": "Path", "rate": "Rate"}),
    "device": Shape(_plain("source", "target", "permissions")),
    "logging": Shape(_plain("driver", "options")),
    "deploy": Shape(
        (
            *_plain("mode", "replicas", "labels"),
            ("update_config", "update"),
            ("rollback_config", "update"),
            ("resources", "resources"),
            ("restart_policy", "restart_policy"),
            ("placement", "placement"),
            ("endpoint_mode", None),
        ),
        json_defaults=(("resources", {}), ("placement", {})),
    ),
    "update": Shape(
        _plain("parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order")
    ),
    "resources": Shape((("limits", "resource"), ("reservations", "resource"))),
    "resource": Shape(
        (
            *_plain("cpus", "memory", "pids"),
            ("devices", "[device_request]"),
            ("generic_resources", "[generic_resource]"),
        )
    ),
    "generic_resource": Shape((("discrete_resource_spec", "discrete_resource"),)),
    "discrete_resource": Shape(_plain("kind", "value")),
    "restart_policy": Shape(_plain("condition", "delay", "max_attempts", "window")),
    "placement": Shape(
        (("constraints", None), ("preferences", "[preference]"), ("max_replicas_per_node", None))
    ),
    "preference": Shape(_plain("spread")),
    "service_network": Shape(
        _plain(
            "aliases",
            "driver_opts",
            "gw_priority",
            "interface_name",
            "ipv4_address",
            "ipv6_address",
            "link_local_ips",
            "mac_address",
            "priority",
        )
    ),
    "port": Shape(
        _plain("name", "mode", "host_ip", "target", "published", "protocol", "app_protocol")
    ),
    "service_volume": Shape(
        (
            *_plain("type", "source", "target", "read_only", "consistency"),
            ("bind", "bind"),
            ("volume", "volume_options"),
            ("tmpfs", "tmpfs"),
            ("image", "image_options"),
        )
    ),
    "bind": Shape(_plain("selinux", "propagation", "create_host_path", "recursive")),
    "volume_options": Shape(_plain("labels", "nocopy", "subpath")),
    "tmpfs": Shape(_plain("size", "mode")),
    "image_options": Shape(_plain("subpath")),
    "fileref": Shape(_plain("source", "target", "uid", "gid", "mode")),
    "ulimit": Shape(_plain("soft", "hard")),
    "credential_spec": Shape(_plain("config", "file", "registry")),
    "dependency": Shape(_plain("condition", "restart", "required")),
    "extends": Shape(_plain("file", "service")),
    "healthcheck": Shape(
        _plain(
            "test", "timeout", "interval", "retries", "start_period", "start_interval", "disable"
        )
    ),
    "device_request": Shape(_plain("capabilities", "driver", "count", "device_ids", "options")),
    "env_file": Shape(_plain("path", "required", "format")),
    "provider": Shape(_plain("type", "options")),
    "service_model": Shape(_plain("endpoint_var")),
    "network": Shape(
        (
            *_plain("name", "driver", "driver_opts"),
            ("ipam", "ipam"),
            *_plain("external", "internal", "attachable", "labels", "enable_ipv4", "enable_ipv6"),
        ),
        json_defaults=(("ipam", {}),),
    ),
    "ipam": Shape((("driver", None), ("config", "[ipam_pool]"))),
    "ipam_pool": Shape(_plain("subnet", "gateway", "ip_range", "aux_addresses")),
    "volume": Shape(_plain("name", "driver", "driver_opts", "external", "labels")),
    "file_object": Shape(
        _plain(
            "name",
            "file",
            "environment",
            "content",
            "external",
            "labels",
            "driver",
            "driver_opts",
            "template_driver",
        )
    ),
    "model": Shape(_plain("name", "model", "context_size", "runtime_flags")),
}

# The project's own sections, in the order the YAML output prints them.
PROJECT_FIELDS: Fields = (
    ("name", None),
    ("services", "{service}"),
    ("networks", "{network}"),
    ("volumes", "{volume}"),
    ("secrets", "{file_object}"),
    ("configs", "{file_object}"),
    ("models", "{model}"),
)

# docker compose's JSON output has no `models` section (its project marshaller omits it).
JSON_PROJECT_SECTIONS = frozenset({"name", "services", "networks", "volumes", "secrets", "configs"})
