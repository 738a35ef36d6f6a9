"""What commands wait for: dependency conditions, healthchecks composer runs itself, `--wait`."""
