"""The read stage: find the compose files and the project environment; read YAML, .env files."""
