"""The offline postcode index: lookups, errors naming the postcode, the cache, drawing an area's postcodes."""

from __future__ import annotations

import time

import numpy as np
import pytest

from matcher.postcodes import PostcodeError, PostcodeIndex, format_postcode, normalise


def test_postcodes_are_normalised_whatever_their_spacing_and_case() -> None:
    assert normalise(" m13  9pl ") == "M139PL"
    assert normalise("SW1A1AA") == "SW1A1AA"
    assert format_postcode("sw1a1aa") == "SW1A 1AA"


def test_a_malformed_postcode_is_named_in_the_error() -> None:
    with pytest.raises(PostcodeError, match='"M13 9P"'):
        normalise("M13 9P")


def test_lookup_gives_eastings_and_northings_in_metres(postcodes: PostcodeIndex) -> None:
    xy = postcodes.lookup(["M1 1AA", "m13 9pl", "SW1A 1AA"])
    assert xy.shape == (3, 2)
    # Manchester is around (384000, 398000); Westminster around (529000, 179000).
    assert np.allclose(xy[0], [385022, 398985])
    assert 380_000 < xy[1, 0] < 390_000 and 390_000 < xy[1, 1] < 400_000
    assert 525_000 < xy[2, 0] < 535_000 and 175_000 < xy[2, 1] < 185_000


def test_an_unknown_postcode_is_named_in_the_error(postcodes: PostcodeIndex) -> None:
    with pytest.raises(PostcodeError, match='Unknown postcode "ZZ1 1ZZ"'):
        postcodes.lookup(["M1 1AA", "ZZ1 1ZZ"])


def test_a_malformed_postcode_in_a_lookup_is_named_in_the_error(postcodes: PostcodeIndex) -> None:
    with pytest.raises(PostcodeError, match='"not a postcode"'):
        postcodes.lookup(["not a postcode"])


def test_locate_marks_missing_malformed_and_unknown_postcodes_without_raising(
    postcodes: PostcodeIndex,
) -> None:
    xy, found = postcodes.locate(["M1 1AA", None, "rubbish", "ZZ1 1ZZ", "M13 9PLXX", "é1 1AA"])
    assert found.tolist() == [True, False, False, False, False, False]
    assert np.isnan(xy[1:]).all()


def test_every_uk_country_is_in_the_index(postcodes: PostcodeIndex) -> None:
    # England, Scotland, Wales, Northern Ireland
    assert all(p in postcodes for p in ["M1 1AA", "EH1 1YZ", "CF10 1EP", "BT1 5GS"])
    assert len(postcodes) > 2_500_000


def test_the_cached_index_loads_in_well_under_a_second(postcodes: PostcodeIndex) -> None:
    started = time.perf_counter()
    PostcodeIndex.load()
    assert time.perf_counter() - started < 1.0


def test_postcodes_in_a_local_authority_are_real_distinct_and_seeded(postcodes: PostcodeIndex) -> None:
    drawn = postcodes.in_district("E08000003", 300, seed=1)  # Manchester
    assert len(set(drawn)) == 300
    assert drawn == postcodes.in_district("E08000003", 300, seed=1)
    xy = postcodes.lookup(drawn)
    assert (np.abs(xy - [384000, 396000]) < 15_000).all()


def test_a_postcode_area_does_not_take_in_its_longer_neighbours(postcodes: PostcodeIndex) -> None:
    drawn = postcodes.in_district("M", 200, seed=2)
    assert all(p[0] == "M" and p[1].isdigit() for p in drawn)
    assert all(p.startswith("M14 ") for p in postcodes.in_district("M14", 20))
    assert all(p.startswith("M14 5") for p in postcodes.in_district("M14 5", 20))
    assert all(p.startswith("M1 ") for p in postcodes.in_district("M1", 20))


def test_asking_for_more_postcodes_than_an_area_has_is_an_error(postcodes: PostcodeIndex) -> None:
    with pytest.raises(PostcodeError, match="E99999999"):
        postcodes.in_district("E99999999", 1)
