"""Postcodes people type: their shape, that they are real and locatable, and the part a listing shows."""

from __future__ import annotations

from functools import cache

from flask import current_app

from matcher.postcodes import PostcodeError, PostcodeIndex, format_postcode, normalise

SHAPE_MESSAGE = "Enter a postcode in the correct format, like M1 1AD"
REAL_MESSAGE = "Enter a real postcode, like M1 1AD"


class InvalidPostcodeError(ValueError):
    """A postcode the person must correct; the message is for them."""


@cache
def _index(cache_dir: str) -> PostcodeIndex:
    # Memory-mapped once per process: opening it for every form or round would read the disk each time.
    return PostcodeIndex.load(cache_dir or None)


def postcode_index() -> PostcodeIndex:
    """The offline postcode directory, loaded once per process."""
    return _index(current_app.config.get("MATCHER_CACHE_DIR") or "")


def clean_postcode(text: str) -> str:
    """The postcode written the Royal Mail way ("M1 1AD"); InvalidPostcodeError if malformed or unknown."""
    try:
        compact = normalise(text)
    except PostcodeError:
        raise InvalidPostcodeError(SHAPE_MESSAGE) from None
    # Matching measures travel from it, so a postcode without a grid reference is no use.
    if not postcode_index().locate([compact])[1][0]:
        raise InvalidPostcodeError(REAL_MESSAGE)
    return format_postcode(compact)


def district(postcode: str | None) -> str:
    """The outward code ("M1" of "M1 1AD"), all of a placement's address a listing needs."""
    if not postcode:
        return ""
    compact = "".join(postcode.split()).upper()
    return compact[:-3] if len(compact) > 3 else compact
