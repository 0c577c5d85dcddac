"""Each demo school's published provider access policy, so its public page is there on `make run`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from web.dao.provider_access import Blackout, as_stored

HOW_TO_ASK = (
    "Email the careers leader with the year groups you would like to meet, what you would offer (an "
    "assembly, a class talk, a taster session) and two or three dates that suit you.\n"
    "We reply within five school days, and agree the room, timings and equipment with you."
)
PREMISES = (
    "The main hall for assemblies of up to 200 pupils, with a projector and microphone. Classrooms with "
    "a screen for talks to a class. A stand at our careers fair each spring. Free parking for visitors."
)
GROUNDS = [
    "It clashes with exams or mock exams",
    "Less notice than the policy asks for",
    "More visiting staff than we can host at once",
    "The premises asked for are already booked",
    "A safeguarding concern about the visit",
]


def policies(schools: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """A published policy for each school (rows as seeded, with their ids), with blackouts ahead."""
    return [
        {
            "school_id": school["id"],
            "contact_name": "The careers leader",
            "contact_email": f"careers@{school['urn']}.school.example",
            "how_to_ask": HOW_TO_ASK,
            "notice_days": 10,
            "blackout_dates": as_stored(_blackouts(today)),
            "max_visitors": 4,
            "premises": PREMISES,
            "refusal_grounds": GROUNDS,
        }
        for school in schools
    ]


def _blackouts(today: date) -> list[Blackout]:
    # Mock exams for a fortnight from the Monday five weeks on; the summer exam season of the coming summer.
    mocks = today + timedelta(days=35 - today.weekday())
    summer = date(today.year if today < date(today.year, 6, 26) else today.year + 1, 5, 11)
    return [
        Blackout("Mock exams", mocks, mocks + timedelta(days=11)),
        Blackout("GCSE and A level exams", summer, date(summer.year, 6, 26)),
    ]
