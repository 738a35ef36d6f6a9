"""Building a service's image from its `build` section (used by `up` for images it needs)."""

from __future__ import annotations

from pathlib import Path

from composer.errors import ComposerError
from composer.model.build import Build
from composer.progress import Progress
from composer.runtime.base import BuildRequest, Runtime


def build_request(service: str, build: Build, tag: str) -> BuildRequest:
    """The runtime's request for `build`; refuses what composer cannot build yet."""
    if "://" in build.context or build.context.startswith("git@"):
        raise ComposerError(
            f'service "{service}": build context "{build.context}" is a URL',
            hint="composer builds from local directories only: clone it and use its path",
        )
    context = Path(build.context)
    if not context.is_dir():
        raise ComposerError(
            f'service "{service}": build context {context} is not a directory',
            hint="check build.context (relative paths start at the compose file's directory)",
        )
    containerfile = build.dockerfile or ""
    # The loader fills docker's default name; Podman's own is Containerfile, so look for both.
    if containerfile == "Dockerfile" and not (context / containerfile).exists():
        containerfile = ""
    # An unset build arg (`args: [NAME]` with NAME not in the environment) is left out, as docker.
    args = {key: value for key, value in build.args.items() if value is not None}
    return BuildRequest(
        context=context,
        tag=tag,
        containerfile=containerfile,
        args=args,
        target=build.target or "",
        labels=dict(build.labels),
        pull=build.pull,
        no_cache=build.no_cache,
        network=build.network or "",
        inline_containerfile=build.dockerfile_inline or "",
    )


def build_image(runtime: Runtime, progress: Progress, service: str, build: Build, tag: str) -> str:
    """Build `tag` for `service`; its local image id. Failures name the service."""
    request = build_request(service, build, tag)
    item = f"Image {tag}"
    progress.update(item, "Building")
    try:
        image_id = runtime.build_image(request)
    except ComposerError as error:
        progress.update(item, "Error", "build failed")
        raise ComposerError(
            f'service "{service}": {error.message}',
            hint=error.hint or "fix the Containerfile or the build context, then run up again",
        ) from None
    progress.update(item, "Built")
    return runtime.image_id(tag) or image_id
