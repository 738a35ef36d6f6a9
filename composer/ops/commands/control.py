"""`pause`, `unpause`, `kill` and `rm`: one engine call per container, all at once.

As docker compose does, these act on the containers in the right state (pause the running ones,
unpause the paused ones, kill the running ones, remove the stopped ones) and on no others;
one-off containers are left out, except by `kill`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from composer.errors import ComposerError
from composer.execute import run_graph
from composer.ops.results import raise_failures
from composer.ops.steps.containers import item
from composer.ops.view import ProjectView, is_active
from composer.plan import labels
from composer.progress import Progress
from composer.runtime.base import ContainerInfo, Runtime

KILLABLE = frozenset({"running", "paused", "restarting"})


@dataclass
class Control:
    """Acts on the containers of the chosen services (every service when none is chosen)."""

    runtime: Runtime
    view: ProjectView
    progress: Progress
    limit: int | None = None

    def containers(self, chosen: Sequence[str]) -> list[ContainerInfo]:
        services = list(chosen) or self.view.services
        return [info for service in services for info in self.view.containers(service)]

    def pause(self, chosen: Sequence[str]) -> None:
        targets = [c for c in self.containers(chosen) if c.state.lower() == "running"]
        self._each(targets, "Pausing", "Paused", self.runtime.pause_container)

    def unpause(self, chosen: Sequence[str]) -> None:
        targets = [c for c in self.containers(chosen) if c.state.lower() == "paused"]
        self._each(targets, "Unpausing", "Unpaused", self.runtime.unpause_container)

    def kill(self, chosen: Sequence[str], signal: str, *, remove_orphans: bool = False) -> None:
        """Send `signal` to the running containers (one-offs of the services too); with
        remove_orphans, those of services the file no longer has (docker compose's meaning)."""
        services = set(chosen or self.view.services)
        found = self.containers(chosen)
        found += [c for c in self.view.oneoffs() if c.labels.get(labels.SERVICE) in services]
        if remove_orphans and not chosen:
            found += self.view.orphans()
            found += [
                c for c in self.view.oneoffs() if c.labels.get(labels.SERVICE) not in services
            ]
        targets = [c for c in found if c.state.lower() in KILLABLE]
        if not targets:
            self.progress.message("no container to kill")
            return
        self._each(
            targets, "Killing", "Killed", lambda name: self.runtime.kill_container(name, signal)
        )

    def removable(self, chosen: Sequence[str]) -> list[ContainerInfo]:
        """The stopped containers `rm` removes, read afresh (`rm --stop` has just stopped some)."""
        self.view = ProjectView.load(self.runtime, self.view.name, self.view.project)
        return sorted(
            (c for c in self.containers(chosen) if not is_active(c)), key=lambda c: c.name
        )

    def remove(self, targets: Sequence[ContainerInfo], *, volumes: bool = False) -> None:
        """Remove these containers (with their anonymous volumes when asked)."""

        def remove(name: str) -> None:
            self.runtime.remove_container(name, force=True, volumes=volumes)

        self._each(list(targets), "Removing", "Removed", remove)

    def _each(
        self,
        targets: list[ContainerInfo],
        doing: str,
        done: str,
        action: Callable[[str], None],
    ) -> None:
        """Run `action` on every container in parallel, each shown; all failures raise."""

        def work(name: str) -> None:
            self.progress.update(item(name), doing)
            try:
                action(name)
            except ComposerError as error:
                self.progress.update(item(name), "Error", error.message.splitlines()[0])
                raise
            self.progress.update(item(name), done)

        names = [c.name for c in targets]
        results = run_graph(names, lambda _n: (), work, limit=self.limit)
        raise_failures(results)
