"""Leavers at the yearly roll-over: their accounts are deactivated and every link for them ends, and the
roll-over is in the audit trail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from web.careers import roll_over
from web.dao import consent as consent_dao
from web.dao import tokens
from web.dao.base import transaction
from web.extensions import db
from web.models import AuditEvent, Consent, User
from web.models.base import utcnow


def test_a_leaver_at_roll_over_loses_their_account_and_every_link_for_them(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    leaver = factories.create_student(school, year_group=11, last_name="Leaver")
    invited = factories.create_student(school, year_group=11, last_name="Invited")
    staying = factories.create_student(school, year_group=10, last_name="Staying")
    leaver_user = factories.create_user_for("student", leaver)
    invited_user = factories.create_user_for("student", invited, password="")
    staying_user = factories.create_user_for("student", staying)
    place = factories.create_opportunity(factories.create_employer())
    allocation = factories.create_allocation(factories.create_round(school), leaver, place, status="accepted")
    salt, token_hash = consent_dao._new_salt()
    db.session.add(
        Consent(
            allocation_id=allocation.id,
            salt=salt,
            token_hash=token_hash,
            expires_at=utcnow() + timedelta(days=14),
        )
    )
    db.session.commit()
    consent_link = consent_dao.secret_of(db.session.scalar(select(Consent)))
    with transaction():
        reset = tokens.secret_of(tokens.issue(leaver_user.id, "reset", timedelta(hours=24), None))
        invitation = tokens.secret_of(tokens.issue(invited_user.id, "invitation", timedelta(days=7), None))
        kept = tokens.secret_of(tokens.issue(staying_user.id, "reset", timedelta(hours=24), None))
    year = str(roll_over.academic_year_to_roll_into(utcnow().date()))

    careers_leader_request.post("careers.roll_over", {"last_year": "11", "academic_year": year})

    db.session.expire_all()
    assert [db.session.get(User, user.id).active for user in (leaver_user, invited_user, staying_user)] == [
        False,
        False,
        True,
    ]
    assert tokens.find(reset, "reset", utcnow()) is None
    assert tokens.find(invitation, "invitation", utcnow()) is None
    assert consent_dao.find(consent_link, utcnow()) is None
    assert tokens.find(kept, "reset", utcnow()) is not None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "students_rolled_over"))
    assert (event.user_id, event.detail["left"], event.detail["accounts_deactivated"]) == (
        careers_leader_request.user.id,  # type: ignore[attr-defined]
        2,
        2,
    )
