"""Subordinate ID ranges and the container-to-host UID mapping."""

from __future__ import annotations

import pytest

from composer.doctor.subids import (
    SubIdRange,
    host_uid_for,
    mapping_summary,
    next_free_start,
    overlaps_with_others,
    parse_getsubids,
    parse_subid_file,
    ranges_of,
)

ALICE = [SubIdRange("alice", 100000, 65536)]


def test_parse_subid_file_keeps_well_formed_lines_only() -> None:
    text = "alice:100000:65536\n# comment\nbroken\n1001:200000:1000\nbob:x:5\n"
    assert parse_subid_file(text) == [
        SubIdRange("alice", 100000, 65536),
        SubIdRange("1001", 200000, 1000),
    ]


def test_parse_getsubids_reads_numbered_lines() -> None:
    assert parse_getsubids("0: alice 100000 65536\n1: alice 300000 10\n") == [
        SubIdRange("alice", 100000, 65536),
        SubIdRange("alice", 300000, 10),
    ]
    assert parse_getsubids("Error fetching ranges\n") == []


def test_ranges_of_matches_name_or_uid() -> None:
    entries = parse_subid_file("alice:100000:10\n1000:200000:10\nbob:300000:10\n")
    assert [str(r) for r in ranges_of(entries, "alice", 1000)] == ["100000-100009", "200000-200009"]


def test_overlaps_with_others_names_both_ranges() -> None:
    entries = parse_subid_file("alice:100000:65536\nbob:150000:65536\ncarol:300000:10\n")
    own = ranges_of(entries, "alice", 1000)
    assert overlaps_with_others(own, entries, "alice", 1000) == [
        (SubIdRange("alice", 100000, 65536), SubIdRange("bob", 150000, 65536))
    ]


def test_adjacent_ranges_do_not_overlap() -> None:
    assert not SubIdRange("a", 100000, 65536).overlaps(SubIdRange("b", 165536, 65536))
    assert SubIdRange("a", 100000, 65536).overlaps(SubIdRange("b", 165535, 1))


def test_next_free_start_is_after_every_range_and_at_least_100000() -> None:
    assert next_free_start([]) == 100000
    assert next_free_start(parse_subid_file("a:100000:65536\nb:10:5\n")) == 165536


@pytest.mark.parametrize(
    ("container_uid", "host_uid"),
    [(0, 1001), (1, 100000), (999, 100998), (65536, 165535), (65537, None)],
)
def test_host_uid_for_a_rootless_user(container_uid: int, host_uid: int | None) -> None:
    assert host_uid_for(container_uid, 1001, ALICE) == host_uid


def test_host_uid_for_counts_through_several_ranges() -> None:
    ranges = [SubIdRange("alice", 100000, 10), SubIdRange("alice", 500000, 10)]
    assert host_uid_for(10, 1001, ranges) == 100009
    assert host_uid_for(11, 1001, ranges) == 500000
    assert host_uid_for(20, 1001, ranges) == 500009
    assert host_uid_for(21, 1001, ranges) is None


def test_host_uid_for_root_maps_nothing() -> None:
    assert host_uid_for(999, 0, []) == 999


def test_host_uid_for_without_ranges_maps_only_uid_0() -> None:
    assert host_uid_for(0, 1001, []) == 1001
    assert host_uid_for(1, 1001, []) is None


def test_host_uid_for_refuses_negative_uids() -> None:
    with pytest.raises(ValueError, match="a UID cannot be negative: -1"):
        host_uid_for(-1, 1001, ALICE)


def test_mapping_summary() -> None:
    ranges = [SubIdRange("alice", 100000, 65536), SubIdRange("alice", 300000, 10)]
    assert mapping_summary(1001, ranges) == (
        "container UID 0 is host UID 1001, 1-65536 are host UIDs 100000-165535, "
        "65537-65546 are host UIDs 300000-300009"
    )
