"""Operations: what each command does with a project through a Runtime.

`commands/` holds one operation per command, `steps/` what they do to the host (containers,
the pod, networks and volumes, images, hooks), `waiting/` what they wait for (conditions,
healthchecks, `--wait`); `state.py` and `view.py` read what exists from the labels.
"""
