"""The images `up` needs: found locally, built, or pulled per `--pull` / `pull_policy`; their ids.

Runs before anything is created, so a missing image changes nothing on the host. The ids feed
the `com.docker.compose.image` label, by which a new image recreates the containers that use it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from composer.errors import ComposerError
from composer.execute import run_graph
from composer.model import Project
from composer.model.build import Build
from composer.ops.results import failures, first_bug
from composer.ops.steps.build import build_image
from composer.progress import Progress
from composer.runtime.base import Runtime

PULL_CHOICES = ("always", "missing", "never", "build")
# pull_policy values that mean "pull when missing" (daily/weekly/every_N are treated alike).
MISSING_LIKE = ("missing", "if_not_present", "")


def pull_policy(service_policy: str | None, flag: str | None) -> str:
    """`--pull` wins over the service's pull_policy; the default is `missing`."""
    if flag:
        if flag not in PULL_CHOICES:
            raise ComposerError(
                f'invalid --pull value "{flag}"', hint="use always, missing, never or build"
            )
        return flag
    policy = (service_policy or "missing").lower()
    if policy in ("always", "never", "build"):
        return policy
    return "missing"


@dataclass
class ImageResolver:
    """Finds or pulls each image once, however many services use it."""

    runtime: Runtime
    progress: Progress
    _ids: dict[str, str] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def resolve(self, service: str, ref: str, policy: str, build: Build | None) -> str:
        """The local id of `ref`, built or pulled when the policy says so."""
        with self._guard:
            lock = self._locks.setdefault(ref, threading.Lock())
        with lock:
            if ref not in self._ids:
                self._ids[ref] = self._fetch(service, ref, policy, build)
            return self._ids[ref]

    def _fetch(self, service: str, ref: str, policy: str, build: Build | None) -> str:
        if build is not None and policy == "build":
            return build_image(self.runtime, self.progress, service, build, ref)
        local = None if policy == "always" else self.runtime.image_id(ref)
        if local:
            return local
        # As docker compose: a missing image of a service with a build section is built, not pulled.
        if build is not None and policy != "always":
            return build_image(self.runtime, self.progress, service, build, ref)
        if policy == "never":
            raise _not_found(service, ref)
        item = f"Image {ref}"
        self.progress.update(item, "Pulling")
        try:
            pulled = self.runtime.pull_image(ref)
        except ComposerError as error:
            self.progress.update(item, "Error", "pull failed")
            raise ComposerError(
                f'service "{service}": {error.message}',
                hint=error.hint or "check the image name, or build or load the image locally",
            ) from None
        self.progress.update(item, "Pulled")
        return self.runtime.image_id(ref) or pulled


def _not_found(service: str, ref: str) -> ComposerError:
    return ComposerError(
        f'service "{service}": image "{ref}" not found locally and the pull policy is never',
        hint="load or build the image first, or use --pull missing",
    )


def ensure_images(
    runtime: Runtime,
    project: Project,
    images: Mapping[str, str],
    *,
    flag: str | None,
    progress: Progress,
    limit: int | None = None,
    build: str = "auto",
) -> dict[str, str]:
    """service -> local image id for each `service -> image ref` given; all problems at once.

    `build` is "auto" (build what is missing), "always" (`--build`) or "never" (`--no-build`).
    """
    resolver = ImageResolver(runtime, progress)

    def work(service: str) -> str:
        svc = project.services[service]
        if svc.build is not None and build == "never":
            return _local_only(runtime, service, images[service])
        policy = "build" if svc.build is not None and build == "always" else None
        policy = policy or pull_policy(svc.pull_policy, flag)
        return resolver.resolve(service, images[service], policy, svc.build)

    results = run_graph(list(images), lambda _service: (), work, limit=limit)
    errors = failures(results)
    if errors:
        raise _combined(errors) from first_bug(errors)
    return {name: str(result.value) for name, result in results.items()}


def _local_only(runtime: Runtime, service: str, ref: str) -> str:
    found = runtime.image_id(ref)
    if not found:
        raise ComposerError(
            f'service "{service}": image "{ref}" not found locally and --no-build was given',
            hint="run up without --no-build to build it",
        )
    return found


def _combined(errors: Iterable[BaseException]) -> ComposerError:
    found = list(errors)
    if len(found) == 1 and isinstance(found[0], ComposerError):
        return found[0]
    hints = {e.hint for e in found if isinstance(e, ComposerError) and e.hint}
    return ComposerError("\n".join(str(e) for e in found), "; ".join(sorted(hints)) or None)
