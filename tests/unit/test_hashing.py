"""Config hashes: stable, and blind to the fields that do not change a container."""

from __future__ import annotations

from composer.hashing import config_hash, hashed_fields

SERVICE = {
    "image": "web:1",
    "command": ["serve"],
    "environment": {"A": "1"},
    "networks": {"default": None},
}


def test_hash_is_sha256_hex_and_independent_of_key_order() -> None:
    digest = config_hash(SERVICE)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert config_hash(dict(reversed(list(SERVICE.items())))) == digest


def test_ignored_fields_do_not_change_the_hash() -> None:
    changed = {
        **SERVICE,
        "build": {"context": "/src"},
        "pull_policy": "always",
        "scale": 3,
        "depends_on": {"db": {"condition": "service_started", "required": True}},
        "profiles": ["debug"],
        "deploy": {"replicas": 4},
        "entrypoint": None,
    }
    assert config_hash(changed) == config_hash(SERVICE)


def test_a_real_change_changes_the_hash() -> None:
    assert config_hash({**SERVICE, "image": "web:2"}) != config_hash(SERVICE)
    assert config_hash({**SERVICE, "environment": {"A": "2"}}) != config_hash(SERVICE)
    limited = {**SERVICE, "deploy": {"replicas": 2, "resources": {"limits": {"cpus": 1}}}}
    assert config_hash(limited) != config_hash(SERVICE)


def test_deploy_keeps_everything_but_replicas() -> None:
    fields = hashed_fields({"deploy": {"replicas": 2, "labels": {"a": "b"}}, "image": "x"})
    assert fields == {"deploy": {"labels": {"a": "b"}}, "image": "x"}
