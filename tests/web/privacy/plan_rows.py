"""A parent's link and a place in a term plan for a pupil, for the erasure and retention tests of them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from tests import db as factories
from tests.web.employers.test_encounter_offers import create_offer
from web.extensions import db
from web.models import Hub, ParentLink, PlanItem, PlanSession, Student, TermPlan


def create_link(student: Student, ends: datetime | None = None, **overrides: object) -> ParentLink:
    """A link to the pupil's entitlements sent by their school, running out at `ends` (in 30 days)."""
    link = ParentLink(
        student_id=student.id,
        school_id=student.school_id,
        salt=secrets.token_hex(16),
        token_hash=secrets.token_hex(32),
        expires_at=ends or datetime.now() + timedelta(days=30),
        **overrides,
    )
    db.session.add(link)
    db.session.commit()
    return link


def create_session(hub: Hub, seats: int = 5) -> PlanSession:
    """A session of an employer's talk in a kept plan of the hub's, with no pupils yet."""
    offer = create_offer(factories.create_employer(hub))
    plan = TermPlan(hub_id=hub.id, academic_year=2026, term=2, status="succeeded", kept=True)
    db.session.add(plan)
    db.session.flush()
    session = PlanSession(plan_id=plan.id, offer_id=offer.id, number=1, seats=seats, places_taken=0)
    db.session.add(session)
    db.session.commit()
    return session


def place(session: PlanSession, student: Student, status: str = "proposed") -> PlanItem:
    """The pupil's place in the session, one of its places taken."""
    item = PlanItem(
        plan_id=session.plan_id,
        session_id=session.id,
        offer_id=session.offer_id,
        school_id=student.school_id,
        student_id=student.id,
        measure="employer",
        amount=Decimal(1),
        need=Decimal(1),
        priority=True,
        status=status,
    )
    session.places_taken += 1
    db.session.add(item)
    db.session.commit()
    return item
