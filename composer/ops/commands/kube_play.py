"""`composer kube --apply` / `--down`: the podman flavour played by `podman play kube`.

Podman 4.3 facts that shape this (seen on this project's test machines):

- a PersistentVolumeClaim whose volume already exists fails the play, `--replace` or not
  ("volume with name X already exists"): the claims of volumes that exist are left out, and
  the Pod then mounts the existing volume by its claim name, data and all;
- without `--network` play kube creates and keeps a network of its own
  (`podman-default-kube-network`): the Pods are played on the project's networks instead,
  made first with the labels `up` gives them;
- `--down` removes the Pods only. The volumes Podman made for ConfigMaps and Secrets, and the
  Podman secrets, stay: `--down` removes them by name (they are made again from the project
  at every play). Claims' volumes hold data and stay, as with `composer down`, unless
  `--volumes` is given;
- Podman before 4.4 ignores `subPath` on ConfigMap and Secret volumes (the file appears as
  a directory of that name), which the apply says when the manifests use one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from composer import console
from composer.errors import ComposerError
from composer.generate.kube_yaml import Manifest, dump_manifests
from composer.plan.render import network_create_argv
from composer.plan.translate import ProjectPlan
from composer.specs import NetworkSpec

Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]
PLAY_TIMEOUT = 600
SUBPATH_FIXED = (4, 4)


def run_podman(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=PLAY_TIMEOUT)


@dataclass
class PodmanCli:
    """The podman command line (argv lists only), remote when a service URL is given."""

    url: str = ""
    runner: Runner = run_podman
    binary: str = field(default_factory=lambda: shutil.which("podman") or "")

    def argv(self, *args: str) -> list[str]:
        if not self.binary:
            raise ComposerError(
                "podman is not on PATH: composer kube --apply and --down run `podman play kube`"
            )
        remote = ["--remote", "--url", self.url] if self.url else []
        return [self.binary, *remote, *args]

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.runner(self.argv(*args))

    def exists(self, kind: str, name: str) -> bool:
        # Podman 4.3 has no `podman secret exists`.
        if kind == "secret":
            return self("secret", "inspect", "--format", "{{.ID}}", name).returncode == 0
        return self(kind, "exists", name).returncode == 0

    def version(self) -> tuple[int, int]:
        done = self("version", "--format", "{{.Client.Version}}")
        parts = done.stdout.strip().split(".")
        try:
            return int(parts[0]), int(parts[1])
        except (IndexError, ValueError):
            return (0, 0)


def failure(what: str, done: subprocess.CompletedProcess[str]) -> ComposerError:
    said = (done.stderr or done.stdout).strip().splitlines()
    last = said[-1].removeprefix("Error: ") if said else f"exit code {done.returncode}"
    return ComposerError(f"{what}: {last}")


def _kind_names(documents: Iterable[Manifest], kind: str) -> list[str]:
    return [str(doc["metadata"]["name"]) for doc in documents if doc["kind"] == kind]


def _uses_subpath(documents: Iterable[Manifest]) -> bool:
    for doc in documents:
        if doc["kind"] != "Pod":
            continue
        volumes = {
            v["name"] for v in doc["spec"].get("volumes", []) if "secret" in v or "configMap" in v
        }
        for box in doc["spec"]["containers"]:
            if any(m.get("subPath") and m["name"] in volumes for m in box.get("volumeMounts", [])):
                return True
    return False


class KubePlay:
    """Plays and removes the podman flavour of one project."""

    def __init__(self, podman: PodmanCli, plan: ProjectPlan, documents: list[Manifest]) -> None:
        self.podman = podman
        self.plan = plan
        self.documents = documents

    def networks(self) -> list[str]:
        """The networks the Pods join: those of the shared pod, else every project network."""
        if self.plan.pod is not None and self.plan.pod.infra:
            return [attachment.name for attachment in self.plan.pod.networks]
        names = [spec.name for spec in self.plan.networks]
        for specs in self.plan.containers.values():
            for spec in specs[:1]:
                names.extend(attachment.name for attachment in spec.networks)
        return list(dict.fromkeys(names))

    def apply(self) -> list[str]:
        """Play the manifests (`--replace`); returns the Pods played."""
        if _uses_subpath(self.documents) and self.podman.version() < SUBPATH_FIXED:
            console.warn(
                "this Podman is older than 4.4 and ignores subPath on ConfigMap and Secret "
                "volumes: a config or secret from the environment or inline content appears "
                "as a directory of that name holding the file"
            )
        self._create_networks()
        claims = [
            name
            for name in _kind_names(self.documents, "PersistentVolumeClaim")
            if self.podman.exists("volume", name)
        ]
        kept = [
            doc
            for doc in self.documents
            if not (doc["kind"] == "PersistentVolumeClaim" and doc["metadata"]["name"] in claims)
        ]
        networks = [arg for name in self.networks() for arg in ("--network", name)]
        done = self._play(kept, "--replace", *networks)
        if done.returncode != 0:
            raise failure("podman play kube failed", done)
        return _kind_names(self.documents, "Pod")

    def down(self, volumes: bool = False) -> list[str]:
        """Remove the Pods, what Podman made for ConfigMaps and Secrets, and the networks."""
        pods = [
            name for name in _kind_names(self.documents, "Pod") if self.podman.exists("pod", name)
        ]
        if pods:
            done = self._play(self.documents, "--down")
            if done.returncode != 0:
                raise failure("podman play kube --down failed", done)
        removed = [f"Pod {name}" for name in pods]
        for name in _kind_names(self.documents, "ConfigMap"):
            removed += self._remove("volume", name)
        for name in _kind_names(self.documents, "Secret"):
            removed += self._remove("volume", name) + self._remove("secret", name)
        if volumes:
            for name in _kind_names(self.documents, "PersistentVolumeClaim"):
                removed += self._remove("volume", name)
        for spec in self.plan.networks:
            removed += self._remove_network(spec)
        return removed

    def _play(self, documents: list[Manifest], *flags: str) -> subprocess.CompletedProcess[str]:
        handle, path = tempfile.mkstemp(prefix="composer-kube-", suffix=".yaml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(dump_manifests(documents))
            return self.podman("play", "kube", *flags, path)
        finally:
            os.unlink(path)

    def _create_networks(self) -> None:
        wanted = set(self.networks())
        for spec in self.plan.networks:
            if spec.name in wanted and not self.podman.exists("network", spec.name):
                done = self.podman(*network_create_argv(spec)[1:])
                if done.returncode != 0:
                    raise failure(f"network {spec.name}: cannot create", done)
        for name in sorted(wanted - {spec.name for spec in self.plan.networks}):
            if not self.podman.exists("network", name):
                raise ComposerError(f'network "{name}" is external and does not exist')

    def _remove(self, kind: str, name: str) -> list[str]:
        if not self.podman.exists(kind, name):
            return []
        done = self.podman(kind, "rm", name)
        if done.returncode != 0:
            raise failure(f"{kind} {name}: cannot remove", done)
        return [f"{kind.capitalize()} {name}"]

    def _remove_network(self, spec: NetworkSpec) -> list[str]:
        """A project network, unless something else (an `up` of the project) still uses it."""
        if not self.podman.exists("network", spec.name):
            return []
        done = self.podman("network", "rm", spec.name)
        if done.returncode != 0:
            console.warn(f"network {spec.name} kept: {failure('in use', done).message}")
            return []
        return [f"Network {spec.name}"]
