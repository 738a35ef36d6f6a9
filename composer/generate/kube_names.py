"""Kubernetes names for a project's objects: DNS-1123, the same in both flavours, stable.

Compose allows names Kubernetes refuses (`pod_demo`, `My.Service`), so every name goes through
`dns_label`: lowercase, and `_`, `.` and `/` become `-`. Anything else outside `[a-z0-9-]`, or a
name too long, gets a short hash of the original appended instead, so that the name stays
readable where it can and the same input always gives the same name (`kubectl apply` then
updates what it made before instead of adding to it). Two objects of one kind that still end
up with one name are refused (KubeContext.add).
"""

from __future__ import annotations

import hashlib
import re

MAX_LABEL = 63
HASH_LENGTH = 6
_INVALID = re.compile(r"[^a-z0-9-]+")
_SEPARATORS = str.maketrans("_./", "---")
_LABEL_VALUE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$")
_QUALIFIED_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$"
)

# app.kubernetes.io labels (the recommended labels) on every object composer writes.
NAME_LABEL = "app.kubernetes.io/name"
PART_OF_LABEL = "app.kubernetes.io/part-of"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
COMPONENT_LABEL = "app.kubernetes.io/component"
MANAGED_BY = "composer"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def dns_label(*parts: str, limit: int = MAX_LABEL, letter_first: bool = False) -> str:
    """`parts` joined by `-` as a DNS-1123 label of at most `limit` characters.

    `letter_first` gives a DNS-1035 label (what a Service name must be): a leading digit gets
    an `s-` in front.
    """
    original = "-".join(part for part in parts if part)
    readable = original.lower().translate(_SEPARATORS)
    text = _INVALID.sub("-", readable).strip("-")
    if letter_first and text[:1].isdigit():
        text = f"s-{text}"
    if text == readable and 0 < len(text) <= limit:
        return text
    stem = text[: limit - HASH_LENGTH - 1].rstrip("-")
    return f"{stem}-{_digest(original)}" if stem else f"x-{_digest(original)}"


def data_key(name: str) -> str:
    """A ConfigMap or Secret key: `[-._a-zA-Z0-9]+`, at most 253 characters."""
    cleaned = re.sub(r"[^-._a-zA-Z0-9]+", "-", name).strip("-") or "data"
    return cleaned[:253]


def is_label_value(value: str) -> bool:
    """Whether `value` may be a label value (63 characters, alphanumerics, `-_.` inside)."""
    return bool(_LABEL_VALUE.match(value))


def is_annotation_key(key: str) -> bool:
    """An annotation key is a qualified name: an optional DNS subdomain prefix and `/`."""
    prefix, sep, name = key.rpartition("/")
    if sep and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return False
    return bool(_QUALIFIED_NAME.match(name))


def label_value(value: str) -> str:
    """`value` where it is a valid label value, else a DNS label made from it."""
    return value if is_label_value(value) else dns_label(value)


class KubeNames:
    """The names of one project's objects; every flavour asks here, so they agree."""

    def __init__(self, project: str) -> None:
        self.project = project
        self.prefix = dns_label(project)

    def shared_pod(self) -> str:
        """The one Pod of the podman flavour in shared pod mode (`pod_<project>` cannot be)."""
        return self.prefix

    def workload(self, service: str) -> str:
        """A service's own Pod (podman flavour), Deployment, StatefulSet or Job (cluster)."""
        return dns_label(self.prefix, service)

    def service(self, service: str) -> str:
        """A Kubernetes Service: the compose service's own name, so that DNS finds it as before."""
        return dns_label(service, letter_first=True)

    def container(self, service: str, number: int = 1, replicas: int = 1) -> str:
        """A container: the service name, numbered when the service runs several replicas."""
        return dns_label(service, str(number)) if replicas > 1 else dns_label(service)

    def volume(self, real_name: str) -> str:
        """A PersistentVolumeClaim for a named volume (`<project>_<key>` -> `<project>-<key>`)."""
        return dns_label(real_name)

    def bind_claim(self, relative_source: str) -> str:
        """The claim that replaces a bind mount in the cluster flavour, named after its source."""
        return dns_label(self.prefix, relative_source)

    def config(self, key: str) -> str:
        return dns_label(self.prefix, key)

    def secret(self, key: str) -> str:
        return dns_label(self.prefix, key)

    def waiter(self) -> str:
        """ServiceAccount, Role and RoleBinding of the init containers that wait."""
        return dns_label(self.prefix, "dependency-wait")

    def selector(self, service: str) -> dict[str, str]:
        """The labels that pick a service's Pods (a Service's selector, a workload's)."""
        return {NAME_LABEL: label_value(service), PART_OF_LABEL: label_value(self.project)}

    def labels(self, service: str | None = None) -> dict[str, str]:
        """app.kubernetes.io labels: the service's when given, else the project's."""
        found = {PART_OF_LABEL: label_value(self.project), MANAGED_BY_LABEL: MANAGED_BY}
        if service is not None:
            found = {NAME_LABEL: label_value(service), **found}
        return found
