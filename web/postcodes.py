"""Checking a student's home postcode: its shape, and that it is a real, locatable postcode."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from flask import current_app

from matcher.postcodes import PostcodeError, PostcodeIndex, format_postcode, normalise

log = logging.getLogger(__name__)

SHAPE_MESSAGE = "Enter a postcode in the correct format, like M1 1AD"
REAL_MESSAGE = "Enter a real postcode, like M1 1AD"


class InvalidPostcodeError(ValueError):
    """A postcode the student must correct; the message is for the student."""


@cache
def _index(cache_dir: str) -> Any:
    try:
        return PostcodeIndex.load(cache_dir or None)
    except Exception:  # noqa: BLE001 - without the directory, the shape check still stands
        log.warning("Postcode directory unavailable: home postcodes are checked for shape only")
        return None


def clean_postcode(text: str) -> str:
    """The postcode written the Royal Mail way ("M1 1AD"); InvalidPostcodeError if malformed or unknown."""
    try:
        compact = normalise(text)
    except PostcodeError:
        raise InvalidPostcodeError(SHAPE_MESSAGE) from None
    index = _index(current_app.config.get("MATCHER_CACHE_DIR", ""))
    # A postcode with no grid reference cannot give a distance, so it is no use as a home postcode.
    if index is not None and not index.locate([compact])[1][0]:
        raise InvalidPostcodeError(REAL_MESSAGE)
    return format_postcode(compact)


def district(postcode: str | None) -> str:
    """The outward code ("M1" of "M1 1AD"), all of a placement's address a listing needs."""
    if not postcode:
        return ""
    compact = "".join(postcode.split()).upper()
    return compact[:-3] if len(compact) > 3 else compact
