"""A demo provider's request for access to the demo careers leader's school, waiting for an answer, so
`make run` shows it on the careers leader's home and requests pages."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select

from web.dao import provider_access, provider_requests
from web.extensions import db
from web.models import EncounterOffer, ProviderAccessRequest

PROVIDER = "Ancoats College of Further Education"
MESSAGE = (
    "We would like to give a 20-minute assembly on T Levels and apprenticeships in construction, with two "
    "of our current T Level students, and stay for questions.\n"
    "We need a projector and a microphone. Please reply to outreach1@provider.example."
)


def add(school: dict[str, Any], providers: list[dict[str, Any]], today: date) -> None:
    """A waiting request from the demo college to the school (rows as seeded, with their ids), on the first
    Tuesday the school's policy allows, about the college's T Level talk."""
    provider_id = next(row["id"] for row in providers if row["name"] == PROVIDER)
    policy = provider_access.policy_of(school["id"])
    assert policy is not None  # every demo school publishes one
    day = today + timedelta(days=policy.notice_days)
    while day.weekday() != 1 or provider_requests.date_problem(policy, day, today):
        day += timedelta(days=1)
    offer_id = db.session.scalar(
        select(EncounterOffer.id).where(
            EncounterOffer.employer_id == provider_id, EncounterOffer.format == "technical_talk"
        )
    )
    db.session.add(
        ProviderAccessRequest(
            provider_id=provider_id,
            school_id=school["id"],
            offer_id=offer_id,
            visit_date=day,
            visit_time=time(9, 0),
            year_groups=[9],
            audience_size=180,
            visitors=3,
            message=MESSAGE,
            status="requested",
        )
    )
