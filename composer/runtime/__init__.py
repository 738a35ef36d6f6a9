"""The one boundary to the container engine: the Runtime protocol and its podman-py side."""
