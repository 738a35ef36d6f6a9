"""`composer config`: parse, resolve and print the project in canonical form (docker's flags)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from composer import console
from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.loader.pipeline import LoadedProject


@dataclass(frozen=True)
class ConfigRequest:
    """What `composer config` was asked for (the command line, parsed)."""

    fmt: str | None = None
    quiet: bool = False
    output: str | None = None
    services: tuple[str, ...] = ()
    interpolate: bool = True
    normalize: bool = True
    resolve_paths: bool = True
    consistency: bool = True
    resolve_environment: bool = True

    def load_overrides(self, *, listing: bool = False, select: bool = True) -> dict[str, Any]:
        """LoadOptions for this request. Listings skip env_file resolution, as docker does."""
        return {
            "interpolate": self.interpolate,
            "normalize": self.normalize,
            "resolve_paths": self.resolve_paths,
            "consistency": self.consistency,
            "resolve_environment": self.resolve_environment and not listing,
            "services": self.services if select else (),
            "select_services": select,
        }


def render_project(request: ConfigRequest, project: LoadedProject) -> str:
    from composer.generate.config_output import render_config

    return render_config(
        project.data,
        request.fmt or "yaml",
        model=not request.interpolate,
        escape_dollars=request.interpolate,
    )


def emit(request: ConfigRequest, text: str) -> None:
    """Print the result, or write it to --output; --quiet prints nothing."""
    if request.quiet:
        return
    if request.output:
        if text:
            _write_file(request.output, text)
        return
    console.out(text, end="")


def _write_file(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise ComposerError(f"cannot write {path}: {exc.strerror or exc}") from None


def hash_services(project: LoadedProject, spec: str) -> str:
    """`--hash '*'` or `--hash a,b`: one `name hash` line per service, sorted."""
    from composer.generate.config_listing import hash_text

    services = project.data.get("services") or {}
    names = list(services) if spec == "*" else [n for n in spec.split(",") if n]
    for name in names:
        if name not in services:
            raise ComposerError(f"no such service: {name}")
    return hash_text(services, names)


def _check_format(fmt: str | None, allowed: tuple[str, ...]) -> None:
    if fmt is not None and fmt not in allowed:
        raise ComposerError(
            f'unsupported format "{fmt}"', hint=f"use --format {' or '.join(allowed)}"
        )


class ConfigRun:
    """One `config` invocation: picks the listing or the full rendering, like docker."""

    def __init__(self, session: Session, request: ConfigRequest) -> None:
        self.session = session
        self.request = request

    def load(self, **overrides: Any) -> LoadedProject:
        return self.session.load(**overrides)

    def listing(self, kind: str, hash_spec: str | None) -> str:
        from composer.generate import config_listing as listing

        request = self.request
        if kind == "variables":
            from composer.loader.interpolation.interpolate import variables

            overrides = request.load_overrides(listing=True)
            overrides["interpolate"] = False
            return listing.variables_text(variables(self.load(**overrides).data), request.fmt)
        if kind == "environment":
            return listing.environment_text(self.load(**request.load_overrides()).environment)
        select = kind in ("profiles", "images")
        project = self.load(**request.load_overrides(listing=True, select=select))
        if kind == "services":
            return listing.services_text(project.data)
        if kind in ("volumes", "networks", "models"):
            return listing.names_text(project.data, kind)
        if kind == "images":
            return listing.images_text(project.data, project.name)
        if kind == "profiles":
            services = project.data.get("services") or {}
            everything = [*services.values(), *project.disabled_services.values()]
            return listing.profiles_text(everything)
        return hash_services(project, hash_spec or "*")

    def full(self) -> str:
        project = self.load(**self.request.load_overrides())
        return render_project(self.request, project)


def config(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services to include.")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Format the output: yaml or json.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Only validate the configuration.")
    ] = False,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Save to file (default: stdout).")
    ] = None,
    list_services: Annotated[
        bool, typer.Option("--services", help="Print the service names, one per line.")
    ] = False,
    list_volumes: Annotated[
        bool, typer.Option("--volumes", help="Print the volume names, one per line.")
    ] = False,
    list_networks: Annotated[
        bool, typer.Option("--networks", help="Print the network names, one per line.")
    ] = False,
    list_models: Annotated[
        bool, typer.Option("--models", help="Print the model names, one per line.")
    ] = False,
    list_images: Annotated[
        bool, typer.Option("--images", help="Print the image names, one per line.")
    ] = False,
    list_profiles: Annotated[
        bool, typer.Option("--profiles", help="Print the profile names, one per line.")
    ] = False,
    hash_spec: Annotated[
        str | None,
        typer.Option("--hash", help="Print the config hash of SERVICE[,SERVICE] or '*'."),
    ] = None,
    list_variables: Annotated[
        bool, typer.Option("--variables", help="Print the model's variables and defaults.")
    ] = False,
    list_environment: Annotated[
        bool, typer.Option("--environment", help="Print the environment used to interpolate.")
    ] = False,
    no_interpolate: Annotated[
        bool, typer.Option("--no-interpolate", help="Don't interpolate variables.")
    ] = False,
    no_normalize: Annotated[
        bool, typer.Option("--no-normalize", help="Don't normalize the model.")
    ] = False,
    no_path_resolution: Annotated[
        bool, typer.Option("--no-path-resolution", help="Don't resolve file paths.")
    ] = False,
    no_consistency: Annotated[
        bool,
        typer.Option("--no-consistency", help="Don't check the model's consistency."),
    ] = False,
    no_env_resolution: Annotated[
        bool, typer.Option("--no-env-resolution", help="Don't resolve service env files.")
    ] = False,
    resolve_image_digests: Annotated[
        bool, typer.Option("--resolve-image-digests", help="Pin image tags to digests.")
    ] = False,
    lock_image_digests: Annotated[
        bool,
        typer.Option("--lock-image-digests", help="Print an override file pinning digests."),
    ] = False,
) -> None:
    """Parse, resolve and print the compose file in canonical form."""
    if resolve_image_digests or lock_image_digests:
        raise ComposerError(
            "image digests need a registry, which composer config does not contact",
            hint="pin digests in the compose file (image: name@sha256:...)",
        )
    request = ConfigRequest(
        fmt=fmt,
        quiet=quiet,
        output=output,
        services=tuple(services or ()),
        interpolate=not no_interpolate,
        normalize=not no_normalize,
        resolve_paths=not no_path_resolution,
        consistency=not no_consistency,
        # docker compose v2.40.3 accepts --no-env-resolution yet still folds env_file into
        # environment in its output; composer prints what it prints
        resolve_environment=True,
    )
    del no_env_resolution
    run = ConfigRun(ctx.obj, request)
    listings = (
        ("services", list_services),
        ("volumes", list_volumes),
        ("networks", list_networks),
        ("models", list_models),
        ("hash", hash_spec is not None),
        ("profiles", list_profiles),
        ("images", list_images),
        ("variables", list_variables),
        ("environment", list_environment),
    )
    kind = next((name for name, wanted in listings if wanted), None)
    if kind is None:
        _check_format(fmt, ("yaml", "json"))
        emit(request, run.full())
        return
    if kind == "variables":
        _check_format(fmt, ("table", "json", "yaml"))
    if request.quiet:
        run.listing(kind, hash_spec)  # still validates, as docker does
        return
    console.out(run.listing(kind, hash_spec), end="")


def register(app: typer.Typer) -> None:
    app.command("config")(config)


__all__ = ["ConfigRequest", "config", "register"]
