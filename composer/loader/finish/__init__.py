"""The finishing stages: name, normalize, profiles, consistency, selection, environment."""
