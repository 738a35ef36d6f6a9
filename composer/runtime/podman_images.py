"""Images on the Podman API: existence, inspection, pulls, builds and removal."""

from __future__ import annotations

from typing import Any

from podman.errors import APIError, BuildError, PodmanError

from composer.errors import RuntimeOperationError
from composer.runtime import convert
from composer.runtime.base import BuildRequest
from composer.runtime.build_context import build_tar
from composer.runtime.podman_transport import PodmanTransport, Subject


class PodmanImages(PodmanTransport):
    """The image calls of the Runtime."""

    def image_exists(self, ref: str) -> bool:
        return self._exists(f"/images/{ref}/exists")

    def image_id(self, ref: str) -> str | None:
        if not self.image_exists(ref):
            return None
        raw = self._json("get", f"/images/{ref}/json", f'image "{ref}": cannot inspect')
        return str(raw.get("Id", ""))

    def image_volumes(self, ref: str) -> tuple[str, ...]:
        if not self.image_exists(ref):
            return ()
        raw = self._json("get", f"/images/{ref}/json", f'image "{ref}": cannot inspect')
        return convert.image_volumes(raw)

    def remove_image(self, ref: str) -> None:
        # Podman answers 404 for an unknown image and 409 while a container uses it.
        self._on(Subject("image", ref), "delete", "", "cannot remove")

    def pull_image(self, ref: str) -> str:
        return self._pull(ref, what=f'image "{ref}" is not available locally')

    def _pull(self, ref: str, what: str) -> str:
        params = {"reference": ref, "policy": "missing"}
        response = self._request(
            "post",
            "/images/pull",
            f"{what} and could not be pulled",
            params=params,
            stream=True,
            timeout=None,
        )
        image_id, error = convert.pull_outcome(response.iter_lines())
        if error or not image_id:
            raise RuntimeOperationError(
                f"{what} and could not be pulled: {error or 'Podman reported no image'}",
                hint="check the image name, or build the image locally first",
            )
        return image_id

    def build_image(self, request: BuildRequest) -> str:
        what = f'image "{request.tag}": build failed'
        context, containerfile = build_tar(request)
        options: dict[str, Any] = {
            "custom_context": True,
            "fileobj": context,
            "dockerfile": containerfile,
            "tag": request.tag,
            "buildargs": dict(request.args),
            "labels": dict(request.labels),
            "pull": request.pull,
            "nocache": request.no_cache,
            # The podman CLI's default; the API's leaves a failed build's container behind.
            "forcerm": True,
        }
        if request.target:
            options["target"] = request.target
        if request.network:
            options["network_mode"] = request.network
        try:
            image, _ = self._client.images.build(**options)
        except APIError as error:
            self._fail(what, convert.podman_message(error.explanation, str(error)))
        except BuildError as error:
            reason = str(getattr(error, "msg", "") or error)
            self._fail(what, convert.build_failure(reason, getattr(error, "build_log", None) or ()))
        except PodmanError as error:
            self._fail(what, str(getattr(error, "msg", "") or error))
        finally:
            context.close()
        return str(image.id)
