"""The interpolation stage: `${VAR}` forms replaced in values, then docker compose's casts."""
