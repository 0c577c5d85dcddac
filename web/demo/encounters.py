"""The demo hub's education and training providers, and the encounters they and a few employers offer, so
`make run` shows both on the hub's and the organisations' pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from matcher.postcodes import PostcodeIndex

Row = dict[str, Any]

# name, kind, route, postcode district
PROVIDERS = [
    ("Ancoats College of Further Education", "fe_college", "construction-and-the-built-environment", "M4"),
    ("Trafford Park Apprenticeships", "apprenticeship_provider", "engineering-and-manufacturing", "M17"),
]
# organisation -> what it offers: format, route, pathway, year groups, group size, hours, where, travel km,
# sessions, when (free text), how many a term
# fmt: off
OFFERS: dict[str, list[tuple[Any, ...]]] = {
    "Ancoats College of Further Education": [
        ("technical_talk", "construction-and-the-built-environment", "technical", [9, 10, 11], (30, 200),
         "1", "school", 20, None, "Any Tuesday or Thursday morning", 3),
        ("taster_day", "construction-and-the-built-environment", "technical", [10, 11], (10, 30),
         "5", "workplace", 25, None, "Wednesdays in the summer term", 1),
    ],
    "Trafford Park Apprenticeships": [
        ("technical_talk", "engineering-and-manufacturing", "technical", [10, 11, 12, 13], (20, 120),
         "1", "school", 30, None, "", 4),
        ("cv_workshop", "engineering-and-manufacturing", "technical", [12, 13], (8, 30),
         "1.5", "online", None, None, "After school, 4pm to 5:30pm", 2),
    ],
    "Northern Quarter Digital": [
        ("careers_talk", "digital", "both", [8, 9], (30, 240), "1", "school", 15, None,
         "Any Tuesday in spring term", 2),
        ("mock_interviews", "digital", "both", [11, 12, 13], (6, 24), "2.5", "school", 15, None, "", 1),
    ],
    "Piccadilly Business Services": [
        ("workplace_visit", "business-and-administration", "academic", [10], (10, 25), "3", "workplace",
         10, None, "Mornings only", 1),
        ("workplace_visit", "business-and-administration", "both", [8, 9], (20, 30), "2", "workplace",
         10, None, "Any Friday morning", 2),
        ("workplace_project", "business-and-administration", "both", [9], (6, 8), "15", "workplace",
         10, None, "Three days running in the summer term", 1),
    ],
    "Chorlton Vets": [
        ("mentoring_programme", "agriculture-environmental-and-animal-care", "both", [12, 13], (1, 4), "1",
         "workplace", 8, 6, "Fortnightly, after school", 1),
    ],
}
# fmt: on
# Group formats (Key Stage 3): (organisation, format, first year group) -> days, whole group, staff places.
GROUPS: dict[tuple[str, str, int], tuple[int, bool, int]] = {
    ("Piccadilly Business Services", "workplace_visit", 8): (1, True, 2),  # a tour for a tutor group
    ("Piccadilly Business Services", "workplace_project", 9): (3, False, 0),
}


def providers(hub_id: int, postcodes: PostcodeIndex, today: date, seed: int) -> list[Row]:
    """The providers as Employer rows: approved by the hub, with current safeguarding evidence."""
    return [
        {
            "hub_id": hub_id,
            "name": name,
            "kind": kind,
            "route": route,
            "postcode": postcodes.in_district(district, 1, seed=seed + 500 + n)[0],
            "status": "approved",
            "insurer": "Made-up Mutual Insurance (demo)",
            "insurance_cover": 10_000_000,
            "insurance_expires": today + timedelta(days=400),
            "last_checked_on": today - timedelta(days=20),
            "next_check_due": today + timedelta(days=300),
            "risk_assessment_on_file": True,
            "risk_assessment_summary": "Visiting pupils are supervised at all times by their own staff and "
            "ours; workshops are inducted and protective equipment is provided.",
            "supervisor_name": "Jo Outreach",
            "contact_name": "Jo Outreach",
            "contact_email": f"outreach{n + 1}@provider.example",
        }
        for n, (name, kind, route, district) in enumerate(PROVIDERS)
    ]


def offers(organisations: list[Row], today: date) -> list[Row]:
    """The encounters offered by those of OFFERS among the organisations (rows as seeded, with their ids)."""
    ids = {row["name"]: row["id"] for row in organisations if row["status"] == "approved"}
    rows = []
    for name, offered in OFFERS.items():
        if name not in ids:
            continue
        for format, route, pathway, years, (
            smallest,
            largest,
        ), hours, where, km, sessions, when, n in offered:
            days, whole_group, staff_places = GROUPS.get((name, format, years[0]), (1, False, 0))
            rows.append(
                {
                    "employer_id": ids[name],
                    "days": days,
                    "whole_group": whole_group,
                    "staff_places": staff_places,
                    "format": format,
                    "sessions": sessions,
                    "route": route,
                    "pathway": pathway,
                    "year_groups": years,
                    "group_min": smallest,
                    "group_max": largest,
                    "hours": Decimal(hours),
                    "location": where,
                    "travel_km": km,
                    "available_from": today + timedelta(days=14),
                    "available_until": today + timedelta(days=180),
                    "availability_note": when,
                    "per_term": n,
                    "status": "offered",
                }
            )
    return rows
