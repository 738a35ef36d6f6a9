"""Benchmarks of composer against podman-compose, docker compose and the Podman API floor."""
