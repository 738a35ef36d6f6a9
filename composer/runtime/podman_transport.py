"""The HTTP side of the Podman runtime: podman-py's client, requests, and errors made composer's."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, NoReturn

import podman
import requests
from podman.errors import APIError, PodmanError

from composer import console
from composer.errors import PodmanUnavailableError
from composer.runtime import convert


def _log_request(method: str, path: str, status: int, started: float) -> None:
    # Method, path and status only: request bodies carry environment values (secrets).
    elapsed = (time.monotonic() - started) * 1000
    console.debug(f"podman API: {method.upper()} {path} -> {status} ({elapsed:.0f} ms)")


@dataclass(frozen=True)
class Subject:
    """The object a request is about: a 404 is then NotFoundError(kind, name), a refused
    removal of something still used InUseError(kind, name)."""

    kind: str  # container, pod, network, volume, image
    name: str

    def __str__(self) -> str:
        # Image references hold `/` and `:`, so they are quoted, as Podman quotes them.
        return f'image "{self.name}"' if self.kind == "image" else f"{self.kind} {self.name}"


class PodmanTransport:
    """One Podman API service (URL from composer.runtime.socket) and how to ask it things."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = podman.PodmanClient(base_url=url)
        self._api = self._client.api

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]

    def _request(
        self, method: str, path: str, what: str, *, about: Subject | None = None, **kwargs: Any
    ) -> Any:
        """Send one request; turn every failure into a composer error that names `what`."""
        started = time.monotonic()
        try:
            response = getattr(self._api, method)(path, **kwargs)
            _log_request(method, path, response.status_code, started)
            response.raise_for_status()
        except APIError as error:
            said = convert.podman_message(error.explanation, str(error))
            self._fail(
                what, said, about=about, status=error.status_code, removing=method == "delete"
            )
        except requests.exceptions.ConnectionError as error:
            raise PodmanUnavailableError(
                f"{what}: lost the connection to the Podman service at {self.url}: {error}",
                hint="run the command again; composer restarts its Podman service if needed",
            ) from None
        except PodmanError as error:
            self._fail(what, str(error))
        return response

    def _fail(
        self,
        what: str,
        said: str,
        *,
        about: Subject | None = None,
        status: int | None = None,
        removing: bool = False,
    ) -> NoReturn:
        kind, name = (about.kind, about.name) if about is not None else ("", "")
        raise convert.operation_error(
            what, said, kind=kind, name=name, status=status, removing=removing
        )

    def _exists(self, path: str, found: int = 204) -> bool:
        started = time.monotonic()
        try:
            response = self._api.get(path)
        except requests.exceptions.ConnectionError as error:
            raise PodmanUnavailableError(
                f"lost the connection to Podman at {self.url}: {error}"
            ) from None
        _log_request("get", path, response.status_code, started)
        return bool(response.status_code == found)

    def _json(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        return self._request(method, path, what, **kwargs).json()

    def _on(self, about: Subject, method: str, suffix: str, action: str, **kwargs: Any) -> Any:
        """A request at `/<kind>s/<name><suffix>`; its errors say `<about>: <action>`."""
        path = f"/{about.kind}s/{about.name}{suffix}"
        return self._request(method, path, f"{about}: {action}", about=about, **kwargs)
