"""What invitation and password reset emails say, from their token's id."""

from __future__ import annotations

from typing import Any

from web.dao import offers, tokens
from web.dates import london_today, long_date
from web.emails import email, link
from web.extensions import db
from web.models import Employer, Hub, School, Student, User
from web.models.base import utcnow

ROLE_WORDS = {
    "hub_admin": "run the careers hub",
    "careers_leader": "arrange work experience for your students",
    "employer": "offer work experience and other placements to students",
    "student": "find work experience and other placements, and see your offers",
}


def organisation(user: User) -> str:
    """The name of the hub, school or employer the user acts for (a student's school)."""
    if user.hub_id:
        hub = db.session.get(Hub, user.hub_id)
        return hub.name if hub else ""
    if user.school_id:
        school = db.session.get(School, user.school_id)
        return school.name if school else ""
    if user.employer_id:
        employer = db.session.get(Employer, user.employer_id)
        return employer.name if employer else ""
    student = db.session.get(Student, user.student_id)
    school = db.session.get(School, student.school_id) if student else None
    return school.name if school else ""


def _token_context(token_id: int) -> dict[str, Any] | None:
    token = tokens.get(token_id)
    # A link used, replaced by a newer one or out of date is not worth sending.
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    return {
        "link": link("accounts.link", token=tokens.secret_of(token)),
        "organisation": organisation(user),
        "role_words": ROLE_WORDS[user.role],
        "expires": token.expires_at,
    }


@email("invitation")
def invitation(token_id: int) -> dict[str, Any] | None:
    """An invitation to set a password and start using the service; a student's says which offers wait for
    their answer (an offer to a student with no account sends this), as they stand when it is sent."""
    context = _token_context(token_id)
    token = tokens.get(token_id)
    user = db.session.get(User, token.user_id) if context and token else None
    if context and user and user.student_id:
        today = london_today()
        context["offers"] = offers.count_answerable(user.student_id, today)
        respond_by = offers.next_respond_by(user.student_id, today)
        context["respond_by"] = long_date(respond_by) if respond_by else ""
    return context


@email("password_reset")
def password_reset(token_id: int) -> dict[str, Any] | None:
    """A link to choose a new password."""
    return _token_context(token_id)
