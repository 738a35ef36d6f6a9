"""`composer doctor`: check the host (and a project) for Podman, rootless or not, and fix it."""

from composer.doctor.check import Check, LocalFix, Status
from composer.doctor.subids import SubIdRange, host_uid_for

__all__ = ["Check", "LocalFix", "Status", "SubIdRange", "host_uid_for"]
