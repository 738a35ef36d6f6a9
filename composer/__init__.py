"""composer: run Compose projects on Podman."""

__version__ = "0.1.0"
