"""Kubernetes names: valid DNS-1123, readable where possible, stable, never two for one."""

from __future__ import annotations

import re

import pytest

from composer.generate.kube_names import (
    KubeNames,
    data_key,
    dns_label,
    is_annotation_key,
    label_value,
)

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("web",), "web"),
        (("my_app", "db"), "my-app-db"),
        (("My.Service",), "my-service"),
        (("gogs-app", "gogs-data/postgresql"), "gogs-app-gogs-data-postgresql"),
    ],
)
def test_readable_names_stay_readable(parts: tuple[str, ...], expected: str) -> None:
    assert dns_label(*parts) == expected


def test_other_characters_get_a_stable_hash() -> None:
    first = dns_label("a b")
    assert DNS_LABEL.match(first)
    assert first.startswith("a-b-")
    assert first == dns_label("a b")
    assert first != dns_label("a+b")


def test_long_names_are_cut_with_a_hash_and_stay_unique() -> None:
    long_a = dns_label("x" * 80, "a")
    long_b = dns_label("x" * 80, "b")
    assert len(long_a) <= 63
    assert DNS_LABEL.match(long_a)
    assert long_a != long_b


def test_a_service_name_must_start_with_a_letter() -> None:
    names = KubeNames("demo")
    assert names.service("1web").startswith("s-1web")
    assert names.service("web") == "web"


def test_the_shared_pod_has_no_underscore() -> None:
    names = KubeNames("my_project")
    assert names.shared_pod() == "my-project"
    assert names.workload("db") == "my-project-db"
    assert names.container("web", 2, replicas=3) == "web-2"
    assert names.container("web") == "web"


def test_labels_and_keys() -> None:
    assert label_value("web") == "web"
    assert DNS_LABEL.match(label_value("a b"))
    assert data_key("db password") == "db-password"
    assert is_annotation_key("com.example.team")
    assert is_annotation_key("io.example/owner")
    assert not is_annotation_key("has space")
    assert not is_annotation_key("Bad_Prefix/x")
