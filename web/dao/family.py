"""What a parent's or carer's page shows of their child's time to come: event places they are invited to and
placements they said yes to, still ahead. Read from the pupil's own lists, so the parent sees no more than
the pupil does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from web.dao.event_places import PupilPlace, places_of_pupil
from web.dao.ledger import BOOKED_PLACEMENTS
from web.dao.offers import student_offers
from web.models import Allocation, Opportunity


@dataclass(frozen=True)
class ComingUp:
    """The pupil's events and placements still to come, soonest first."""

    places: list[PupilPlace]
    placements: list[tuple[Allocation, Opportunity, str]]


def coming_up(student_id: int, today: date) -> ComingUp:
    """The pupil's invited event places from today, and placements accepted, consented or confirmed that
    have not ended, each with its employer's name."""
    places = [
        place for place in places_of_pupil(student_id) if place.status == "invited" and place.held_on >= today
    ]
    placements = [
        (allocation, opportunity, employer)
        for allocation, opportunity, employer, _ in student_offers(student_id, today)
        if allocation.status in BOOKED_PLACEMENTS and opportunity.end_date >= today
    ]
    placements.sort(key=lambda row: (row[1].start_date, row[0].id))
    return ComingUp(places, placements)
