"""The one error hierarchy: every failure a user can cause is a ComposerError.

The runtime raises the typed subclasses where it understands Podman's answer (a port taken, an
object missing or still in use), so that callers choose by type and never read messages back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self


class ComposerError(Exception):
    """An expected failure: the CLI prints it as `error: message` plus an optional hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def prefixed(self, prefix: str) -> Self:
        """The same error (type and fields kept) with `prefix` before its message."""
        twin = type(self).__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.message = prefix + self.message
        twin.args = (twin.message,)
        return twin


@dataclass(frozen=True)
class Problem:
    """One problem in a compose file: where it is and what is wrong."""

    file: str | None
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        key = f"{self.path}: " if self.path else ""
        return f"{where}{key}{self.message}"


class ConfigError(ComposerError):
    """One or more problems in the compose files; nothing was created."""

    def __init__(self, problems: Iterable[Problem], hint: str | None = None) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems), hint)


def config_error(
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    path: str = "",
    hint: str | None = None,
) -> ConfigError:
    """A ConfigError with a single problem."""
    return ConfigError([Problem(file, line, path, message)], hint)


class NoComposeFileError(ComposerError):
    """No compose file was named and none was found upwards from the working directory."""


# -- the runtime: what Podman answered --------------------------------------------------------


class RuntimeOperationError(ComposerError):
    """Podman refused or failed an operation on a named object."""


class NotFoundError(RuntimeOperationError):
    """Podman has no such object (a container removed meanwhile, an image not known)."""

    def __init__(self, message: str, hint: str | None = None, *, kind: str, name: str) -> None:
        super().__init__(message, hint)
        self.kind = kind
        self.name = name


class InUseError(RuntimeOperationError):
    """Podman refuses to remove an object something still uses; `users` when it names them."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        kind: str,
        name: str,
        users: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, hint)
        self.kind = kind
        self.name = name
        self.users = users


PORT_IN_USE_HINT = "stop what uses that port, or publish the service on another host port"


class PortInUseError(RuntimeOperationError):
    """A host port the object publishes is taken; `host_ip` is "" for every address."""

    def __init__(self, what: str, said: str, *, host_ip: str, port: int, protocol: str) -> None:
        self.host_ip = host_ip
        self.port = port
        self.protocol = protocol
        super().__init__(
            f"{what}: port {self.address} is already in use on the host ({said})",
            hint=PORT_IN_USE_HINT,
        )

    @property
    def address(self) -> str:
        """`127.0.0.1:8080/tcp`, `[::1]:53/udp`, or `8080/tcp` for every address."""
        host = f"[{self.host_ip}]" if ":" in self.host_ip else self.host_ip
        return f"{host}:{self.port}/{self.protocol}" if host else f"{self.port}/{self.protocol}"


class PodmanUnavailableError(ComposerError):
    """No Podman API socket answers and none could be started."""


# -- running a project ------------------------------------------------------------------------


class DependencyError(Exception):
    """Raised inside an executor worker when a required dependency's condition cannot be met.

    Not a ComposerError: it only carries its cause (the condition's error) to the results.
    """


class StepCancelledError(ComposerError):
    """Ctrl-C arrived before this step began: it was not done."""

    def __init__(self) -> None:
        super().__init__("cancelled")


class ConditionError(ComposerError):
    """A dependency's condition will never hold; the message is docker compose's."""


class ServiceFailedError(ConditionError):
    """The dependency ran and failed its condition (unhealthy, or did not complete successfully):
    its logs say why."""


class HealthError(ComposerError):
    """A container will not become healthy: it exited, or has no healthcheck."""


class UnhealthyError(HealthError):
    """A container failed its healthcheck `retries` times in a row."""


class WaitCancelledError(ComposerError):
    """Waiting was given up (Ctrl-C, or another failure ended the run)."""


class WaitTimeoutError(ComposerError):
    """The deadline passed before the condition held."""


class UpInterruptedError(ComposerError):
    """Ctrl-C during `up`: what was done stays; the next `up` carries on."""


class LifecycleInterruptedError(ComposerError):
    """Ctrl-C during start, stop or restart: what was done stays done."""


class RunInterruptedError(ComposerError):
    """Ctrl-C while `run` prepared its one-off container: the dependencies started stay up."""
