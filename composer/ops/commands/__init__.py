"""One operation per command (`up`, `down`, `start`, `ps`, ...): the whole command on a Runtime."""
