"""A parent's or carer's consent to a placement, through a single-use link: asked for, reminded, decided
(on the link or on paper), and run out.

The link's secret is an HMAC of the Consent row's salt under SECRET_KEY (web/dao/tokens.py), so the email
can be written when it is sent; the row keeps the salt and a SHA-256 of the secret. Sending the link again
gives the row a new salt, which ends the old link. Every change is a conditional UPDATE, so a second tab, a
task delivered twice or a careers leader acting at the same time change nothing twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from web.dao import placements, tokens
from web.dao.base import audit
from web.dao.users import reachable, reachable_leaders
from web.dates import end_of_day_utc, london_today
from web.emails import notify
from web.extensions import db
from web.models import Allocation, Consent, Employer, Opportunity, School, Student, User
from web.models.base import HOLDING_STATUSES, UNDONE_STATUSES, utcnow

PURPOSE = "consent"
LIFETIME = timedelta(days=14)
REMINDER_DAYS = (4, 10)  # after the link was sent, while the parent has not answered
REFUSED_REASON = "The parent or carer did not give consent"
EXPIRED_REASON = "The parent or carer did not answer in time"
# What the careers leader sees for each consent state (and for none).
STATUS_WORDS = {
    "pending": "Waiting",
    "given": "Given",
    "refused": "Refused",
    "expired": "Run out",
    "no_email": "No parent email",
    "not_needed": "Not needed (18 or over)",
    "ended": "Not asked now: the placement ended",
    "not_yet": "Asked once they say yes",
}


class LinkGoneError(Exception):
    """The link was used, ran out or its placement moved on while the parent was deciding."""


def secret_of(consent: Consent) -> str:
    """The secret in the consent's current link (computed, never stored)."""
    return tokens.secret_for(consent.salt, PURPOSE)


def _new_salt() -> tuple[str, str]:
    salt = secrets.token_hex(32)
    return salt, tokens.hash_of(tokens.secret_for(salt, PURPOSE))


def get(consent_id: int) -> Consent | None:
    """The consent with this id."""
    return db.session.get(Consent, consent_id)


def for_allocation(allocation_id: int) -> Consent | None:
    """The consent asked for on this placement, if any."""
    return db.session.scalar(select(Consent).where(Consent.allocation_id == allocation_id))


def request(allocation_id: int, user_id: int | None) -> None:
    """Call in the transaction in which the allocation became accepted: ask the parent or carer of a student
    under 18 for consent by email (if there is no address, the careers leader sees that), or, if the student
    will be 18, tell the employer's people the student is ready to confirm. Once per placement."""
    if not placements.allocation_needs_consent(allocation_id):
        audit(user_id, "consent_not_needed", "allocation", allocation_id)
        tell_employer(allocation_id)
        return
    if for_allocation(allocation_id) is not None:
        return  # asked already
    # With no parent email nothing is sent: the careers leader sees that, and can record consent on paper.
    consent = _new_consent(allocation_id, utcnow(), sent=bool(_student(allocation_id).parent_email))
    audit(user_id, "consent_requested", "consent", consent.id, allocation_id=allocation_id)
    _send_link(consent)


def _student(allocation_id: int) -> Student:
    return db.session.execute(
        select(Student)
        .join(Allocation, Allocation.student_id == Student.id)
        .where(Allocation.id == allocation_id)
    ).scalar_one()


def _send_link(consent: Consent) -> None:
    student = _student(consent.allocation_id)
    notify(
        f"consent-request:{consent.id}:{consent.salt[:8]}",
        "consent_request",
        student.parent_email,
        consent_id=consent.id,
        link_of=consent.salt[:8],
    )


def tell_employer(allocation_id: int) -> None:
    """Email the employer's people that a student is ready for them to confirm, once per placement."""
    employer_id = db.session.scalar(
        select(Opportunity.employer_id)
        .join(Allocation, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.id == allocation_id, Employer.status == "approved")
    )
    if employer_id is None:  # suspended or not yet approved: the hub is told of its placements instead
        return
    for person in reachable(User.role == "employer", User.employer_id == employer_id):
        notify(
            f"employer-to-confirm:{allocation_id}:{person.id}",
            "employer_to_confirm",
            person.email,
            allocation_id=allocation_id,
        )


def _tell_student_and_leaders(consent: Consent, template: str) -> None:
    student = _student(consent.allocation_id)
    key = f"{template.replace('_', '-')}:{consent.id}"
    account = db.session.scalar(select(User).where(User.student_id == student.id, User.active.is_(True)))
    if account is not None:
        notify(f"{key}:student", template, account.email, consent_id=consent.id, to="student")
    for leader in reachable_leaders(student.school_id):
        notify(f"{key}:leader:{leader.id}", template, leader.email, consent_id=consent.id, to="leader")


def find(secret: str, now: datetime) -> Consent | None:
    """The unused, unexpired, undecided consent whose link this is, on a placement still waiting for it;
    None for anything else."""
    if not secret or len(secret) > tokens.MAX_SECRET_LENGTH:
        return None
    consent = db.session.scalar(select(Consent).where(Consent.token_hash == tokens.hash_of(secret)))
    if consent is None or consent.decision != "pending" or consent.used_at is not None:
        return None
    if consent.expires_at <= now:
        return None
    status = db.session.scalar(select(Allocation.status).where(Allocation.id == consent.allocation_id))
    return consent if status == "accepted" else None


@dataclass(frozen=True)
class Answer:
    """What the parent or carer (or a careers leader, from a paper form) recorded."""

    given: bool
    parent_name: str
    emergency_name: str = ""
    emergency_phone: str = ""
    shared_needs: str = ""


def _decide(consent_id: int, answer: Answer, now: datetime, *conditions: Any, **values: Any) -> bool:
    result = db.session.execute(
        update(Consent)
        .where(Consent.id == consent_id, Consent.decision == "pending", *conditions)
        .values(
            decision="given" if answer.given else "refused",
            parent_name=answer.parent_name,
            emergency_name=answer.emergency_name,
            emergency_phone=answer.emergency_phone,
            shared_needs=answer.shared_needs if answer.given else "",
            decided_at=now,
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def _apply(consent: Consent, answer: Answer, user_id: int | None) -> None:
    if answer.given:
        if not placements.move(consent.allocation_id, "consented", ("accepted",)):
            raise LinkGoneError()
        audit(user_id, "consent_given", "consent", consent.id, allocation_id=consent.allocation_id)
        tell_employer(consent.allocation_id)
    else:
        if not placements.undo(
            consent.allocation_id, "consent_refused", ("accepted",), user_id, REFUSED_REASON
        ):
            raise LinkGoneError()
        audit(user_id, "consent_refused", "consent", consent.id, allocation_id=consent.allocation_id)
    _tell_student_and_leaders(consent, "consent_result")


def decide(consent_id: int, answer: Answer, now: datetime) -> None:
    """The parent's or carer's answer through the link, in the caller's transaction: spends the link, moves
    the placement on (or ends it, freeing the seat) and tells the student, the careers leaders and, once
    consent is given, the employer. Raises LinkGoneError if the link no longer works; roll back then."""
    spent = _decide(consent_id, answer, now, Consent.used_at.is_(None), Consent.expires_at > now, used_at=now)
    consent = get(consent_id)
    if not spent or consent is None:
        raise LinkGoneError()
    _apply(consent, answer, None)


def record_on_paper(allocation_id: int, answer: Answer, user_id: int, decided_at: datetime) -> bool:
    """A careers leader records consent a parent gave on paper (on the day `decided_at`), creating the
    consent row if no link was ever sent (no parent email); False if the placement is not waiting for it."""
    now = decided_at
    if _status(allocation_id) != "accepted":
        return False
    consent = for_allocation(allocation_id) or _new_consent(allocation_id, now, sent=False)
    # A paper answer counts whether or not the emailed link ran out; the link stops working either way.
    if not _decide(consent.id, answer, now, recorded_by_id=user_id):
        return False
    _apply(consent, answer, user_id)
    return True


def _status(allocation_id: int) -> str | None:
    return db.session.scalar(select(Allocation.status).where(Allocation.id == allocation_id))


def _runs_out(allocation_id: int, now: datetime) -> datetime:
    # 14 days, or the end of the day before the placement starts if that is sooner: consent comes first.
    start = db.session.scalar(
        select(Opportunity.start_date)
        .join(Allocation, Allocation.opportunity_id == Opportunity.id)
        .where(Allocation.id == allocation_id)
    )
    return min(now + LIFETIME, end_of_day_utc(start - timedelta(days=1)))


def _new_consent(allocation_id: int, now: datetime, sent: bool) -> Consent:
    salt, token_hash = _new_salt()
    consent = Consent(
        allocation_id=allocation_id,
        salt=salt,
        token_hash=token_hash,
        decision="pending",
        expires_at=_runs_out(allocation_id, now),
        sent_at=now if sent else None,
        created_at=now,
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def resend(allocation_id: int, user_id: int | None, now: datetime) -> bool:
    """Send the parent a new link (new salt, a new 14 days): the old link stops working. Creates the consent
    row if none was sent before (the parent email was added since); False if the placement is not waiting
    for consent or there is no parent email."""
    if _status(allocation_id) != "accepted" or not _student(allocation_id).parent_email:
        return False
    consent = for_allocation(allocation_id)
    if consent is None:
        consent = _new_consent(allocation_id, now, sent=True)
    else:
        salt, token_hash = _new_salt()
        result = db.session.execute(
            update(Consent)
            .where(Consent.id == consent.id, Consent.decision == "pending")
            .values(
                salt=salt,
                token_hash=token_hash,
                expires_at=_runs_out(allocation_id, now),
                sent_at=now,
                used_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        if not cast(CursorResult[Any], result).rowcount:
            return False
        db.session.refresh(consent)
    audit(user_id, "consent_link_sent", "consent", consent.id, allocation_id=allocation_id)
    _send_link(consent)
    return True


def remind_and_expire(now: datetime) -> int:
    """For the schedule: remind parents 4 and 10 days after a link was sent, once per reminder per link; end
    pending consent whose link ran out or whose placement has started (the seat goes back, the student
    and careers leaders are told). Idempotent. How many messages and expiries there were."""
    today = london_today()
    done = 0
    rows = db.session.execute(
        select(Consent, Opportunity.start_date, Employer.status)
        .join(Allocation, Consent.allocation_id == Allocation.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Consent.decision == "pending", Allocation.status == "accepted")
        .order_by(Consent.id)
    ).all()
    for consent, start_date, employer_status in rows:
        if start_date <= today:
            done += _expire(consent, now)
            continue
        # While the hub has the employer suspended the parent cannot answer: no reminders, and the link's
        # time does not run out on them (the school can send a new link once it is approved again).
        if employer_status != "approved" or consent.sent_at is None:
            continue
        if consent.expires_at <= now:
            done += _expire(consent, now)
            continue
        # Only the latest reminder due: after a pause in the schedule, one email rather than two at once.
        due = [days for days in REMINDER_DAYS if consent.sent_at + timedelta(days=days) <= now]
        if due:
            key = f"consent-reminder:{consent.id}:{consent.salt[:8]}:{due[-1]}"
            parent_email = _student(consent.allocation_id).parent_email
            about = {"consent_id": consent.id, "link_of": consent.salt[:8]}
            done += notify(key, "consent_reminder", parent_email, **about) is not None
    return done


def _expire(consent: Consent, now: datetime) -> int:
    # The placement first: a student who withdrew meanwhile keeps that story, and is told nothing else.
    if not placements.undo(consent.allocation_id, "consent_expired", ("accepted",), None, EXPIRED_REASON):
        return 0
    # (A parent answering now would have moved the placement on first: undo, conditional, saw it.)
    db.session.execute(
        update(Consent)
        .where(Consent.id == consent.id, Consent.decision == "pending")
        .values(decision="expired", decided_at=now)
        .execution_options(synchronize_session=False)
    )
    audit(None, "consent_expired", "consent", consent.id, allocation_id=consent.allocation_id)
    _tell_student_and_leaders(consent, "consent_expired")
    return 1


# The careers leader's placements: every status after a yes.
AFTER_YES = (*HOLDING_STATUSES, "no_show", *UNDONE_STATUSES)


@dataclass(frozen=True)
class Placement:
    """One of a school's placements, as its careers leader sees it."""

    allocation: Allocation
    student: Student
    opportunity: Opportunity
    employer: Employer
    consent: Consent | None
    consent_status: str

    @property
    def student_name(self) -> str:
        return self.student.full_name


def consent_status(
    consent: Consent | None, student: Student, opportunity: Opportunity, allocation: Allocation
) -> str:
    """One of STATUS_WORDS' keys, for this placement."""
    if allocation.status == "offered":
        return "not_yet"
    if allocation.status in UNDONE_STATUSES and (consent is None or consent.decision == "pending"):
        return "ended"  # withdrawn, declined or cancelled before the parent answered: the link is dead
    if consent is not None:
        unsent = consent.decision == "pending" and consent.sent_at is None
        return "no_email" if unsent else consent.decision
    if not placements.needs_consent(student.date_of_birth, opportunity.start_date):
        return "not_needed"
    return "no_email" if not student.parent_email else "pending"


def _query() -> Any:
    return (
        select(Allocation, Student, Opportunity, Employer, Consent)
        .join(Student, Allocation.student_id == Student.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .outerjoin(Consent, Consent.allocation_id == Allocation.id)
    )


def _placement(row: Any) -> Placement:
    allocation, student, opportunity, employer, consent = row
    return Placement(
        allocation,
        student,
        opportunity,
        employer,
        consent,
        consent_status(consent, student, opportunity, allocation),
    )


# What each placement waits for, as the careers leader's list finds them (a query joining Student and
# Opportunity): the student's answer, a parent's consent, or the employer's confirmation.
WAITING: dict[str, Any] = {
    "waiting_student": lambda: Allocation.status == "offered",
    "waiting_consent": lambda: (Allocation.status == "accepted") & placements.under_age(),
    "waiting_employer": lambda: (
        (Allocation.status == "consented") | ((Allocation.status == "accepted") & ~placements.under_age())
    ),
}


def _shown(school_id: int, shown: str | None) -> list[Any]:
    """The school's placements after a yes; with `shown`, those waiting for one of WAITING (offers
    waiting for the student's answer among them) or of one status."""
    if shown in WAITING:
        return [Student.school_id == school_id, WAITING[shown]()]
    return [Student.school_id == school_id, Allocation.status.in_((shown,) if shown else AFTER_YES)]


def count_school_placements(school_id: int, shown: str | None = None) -> int:
    """How many of the school's placements the list shows (see school_placements)."""
    query = (
        select(func.count())
        .select_from(Allocation)
        .join(Student, Allocation.student_id == Student.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(*_shown(school_id, shown))
    )
    return int(db.session.scalar(query) or 0)


def school_placements(
    school_id: int, shown: str | None = None, page: int = 1, per_page: int = 50
) -> list[Placement]:
    """A page of the school's placements after a yes, soonest first: all of them, those waiting for one of
    WAITING (offers waiting for the student's answer among them), or those of one status."""
    query = (
        _query()
        .where(*_shown(school_id, shown))
        .order_by(Opportunity.start_date, Student.last_name, Student.first_name, Allocation.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [_placement(row) for row in db.session.execute(query)]


def school_placement(allocation_id: int, school_id: int) -> Placement | None:
    """One of the school's placements after a yes; None if it is not theirs or not after a yes."""
    row = db.session.execute(
        _query().where(
            Allocation.id == allocation_id,
            Student.school_id == school_id,
            Allocation.status.in_(AFTER_YES),
        )
    ).first()
    return _placement(row) if row else None


def school_of(allocation_id: int) -> School | None:
    """The school of the placement's student."""
    return db.session.scalar(
        select(School)
        .join(Student, Student.school_id == School.id)
        .join(Allocation, Allocation.student_id == Student.id)
        .where(Allocation.id == allocation_id)
    )


def recorded_by(consent: Consent) -> User | None:
    """Who recorded a paper consent, if anyone did."""
    return db.session.get(User, consent.recorded_by_id) if consent.recorded_by_id else None


def details(consent: Consent) -> dict[str, Any]:
    """What the parent's page shows: the student's first name, their school, the placement and employer."""
    allocation, student, opportunity, employer = db.session.execute(
        select(Allocation, Student, Opportunity, Employer)
        .join(Student, Allocation.student_id == Student.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.id == consent.allocation_id)
    ).one()
    school = db.session.get(School, student.school_id)
    return {
        # The hub has suspended the employer (or not approved it yet): the parent cannot consent for now.
        "on_hold": employer.status != "approved",
        "first_name": student.known_as,
        "school_name": school.name if school else "",
        "opportunity": opportunity,
        "employer": employer,
        "expires_at": consent.expires_at,
    }
