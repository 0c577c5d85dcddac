"""Test data: a student and an opportunity in Manchester that fit each other, overridable field by field."""

from __future__ import annotations

from datetime import date
from typing import Any

from matcher.people import Opportunity, Student

TODAY = date(2026, 11, 23)
START = date(2027, 6, 7)  # a Monday in the summer term


def create_student(**overrides: Any) -> Student:
    """A Year 10 student near Manchester University who can travel 10 km."""
    fields: dict[str, Any] = {
        "id": "s1",
        "school": "Manchester Academy",
        "year_group": 10,
        "date_of_birth": date(2012, 1, 15),
        "postcode": "M13 9PL",
        "max_travel_km": 10.0,
        "routes": ("digital",),
        "statement": "I like coding and building computer games",
        "pathway_interest": "both",
    }
    fields.update(overrides)
    return Student(**fields)


def create_opportunity(**overrides: Any) -> Opportunity:
    """A week's software work experience in Manchester city centre for Years 10 and 11."""
    fields: dict[str, Any] = {
        "id": "o1",
        "kind": "work_experience",
        "title": "Software developer",
        "description": "Write and test code for computer games with our developers",
        "route": "digital",
        "pathway": "technical",
        "postcode": "M1 1AA",
        "remote": False,
        "capacity": 2,
        "start": START,
        "end": date(2027, 6, 11),
        "year_groups": (10, 11),
        "min_age": 14,
    }
    fields.update(overrides)
    return Opportunity(**fields)
