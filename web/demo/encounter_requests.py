"""The demo school's requests for encounters: one answered by the demo employer, so `make run` shows a
request to accept (careers leader), an answer given (employer) and a request on the hub's list; and one
nobody has answered, which the hub's "Propose matches" pairs with the demo employer's mock interviews."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from web.extensions import db
from web.models import Employer, EncounterOffer, EncounterRequest, EncounterResponse

ANSWERED_BY = "Northern Quarter Digital"  # the demo employer, whose careers talk fits the request


def add(school: dict[str, Any], today: date) -> None:
    """An open request from the school (a row as seeded) for a Year 9 assembly, with one answer."""
    start = today + timedelta(days=35 - today.weekday())  # a Monday five weeks or so away
    request = EncounterRequest(
        school_id=school["id"],
        format="careers_talk",
        route="digital",
        pathway="both",
        year_groups=[9],
        audience=180,
        location="school",
        wanted_from=start,
        wanted_until=start + timedelta(days=4),
        note=f"The week of {start.day} {start:%B}, an assembly slot at 9:00",
        status="open",
    )
    interviews = start + timedelta(days=14)
    unanswered = EncounterRequest(
        school_id=school["id"],
        format="mock_interviews",
        route="digital",
        pathway="both",
        year_groups=[11],
        audience=20,
        location="school",
        wanted_from=interviews,
        wanted_until=interviews + timedelta(days=11),
        note="Two mornings of mock interviews for our Year 11 digital group",
        status="open",
    )
    db.session.add_all([request, unanswered])
    offer_id = db.session.scalar(
        select(EncounterOffer.id)
        .join(Employer, Employer.id == EncounterOffer.employer_id)
        .where(Employer.name == ANSWERED_BY, EncounterOffer.format == "careers_talk")
    )
    if offer_id is None:
        return
    db.session.flush()
    employer_id = db.session.scalar(select(EncounterOffer.employer_id).where(EncounterOffer.id == offer_id))
    db.session.add(
        EncounterResponse(
            request_id=request.id,
            offer_id=offer_id,
            employer_id=employer_id,
            message="One of our developers and an apprentice can give a 20-minute talk on careers in "
            "software, with time for questions. We need a projector with an HDMI cable.",
            status="offered",
        )
    )
