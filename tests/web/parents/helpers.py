"""Records the consent tests share: a placement a student has just accepted, and its emailed link."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests import db as factories
from tests.mail import deliver_queued, link_in, sent_to
from web.dao import consent as consent_dao
from web.dao.base import transaction
from web.extensions import db
from web.models import Allocation, Consent, School

PARENT = "parent@example.org"


def accepted(school: School | None = None, employer: Any = None, **student: Any) -> Allocation:
    """A placement the student (15 unless told) has just accepted, its seat taken, consent asked for."""
    school = school or factories.create_school()
    employer = employer or factories.create_employer()
    opportunity = factories.create_opportunity(employer, places_taken=1)
    fields = {"first_name": "Alex", "parent_email": PARENT, "parent_name": "Pat Smith", **student}
    person = factories.create_student(school, **fields)
    match_round = factories.create_round(school, status="succeeded")
    allocation = factories.create_allocation(match_round, person, opportunity, status="accepted")
    with transaction():
        consent_dao.request(allocation.id, None)
    return allocation


def adult() -> dict[str, Any]:
    """Student fields for someone who will be 18 when the placement starts."""
    return {"date_of_birth": date.today() - timedelta(days=365 * 19)}


def consent_of(allocation: Allocation) -> Consent:
    found = consent_dao.for_allocation(allocation.id)
    assert found is not None
    db.session.refresh(found)
    return found


def emailed_link(address: str = PARENT) -> str:
    """The path in the newest consent email to this address (sending what is queued first)."""
    deliver_queued()
    return link_in(sent_to(address)[0])
