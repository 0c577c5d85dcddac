"""A student's offers and their answers: accepting takes a seat atomically, so no place is double-booked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from web.dao import consent, placements
from web.dao.base import audit
from web.dao.users import reachable, reachable_leaders
from web.dates import end_of_day_utc, long_date
from web.emails import notify
from web.extensions import db
from web.models import Allocation, Employer, Opportunity, Student, User
from web.models.base import ALLOCATION_STATUSES, HOLDING_STATUSES, utcnow

# What a student sees: the offer once a person has released it, and everything after as history.
# Proposed, approved and rejected allocations are the careers leader's business until they are offered;
# a what-if draft's are nobody's but the person comparing.
STUDENT_VISIBLE_STATUSES = tuple(
    status for status in ALLOCATION_STATUSES if status not in ("draft", "proposed", "approved", "rejected")
)


class OfferError(Exception):
    """An answer to an offer that cannot be recorded; the message is for the student."""


def answerable(today: date) -> ColumnElement[bool]:
    """An offer the student can still accept or decline: released to them, on a placement still published
    that has not begun. (Join Opportunity to use it.)"""
    return and_(
        Allocation.status == "offered",
        Opportunity.status == "published",
        Opportunity.start_date > today,
        in_time(today),
    )


def in_time(today: date) -> ColumnElement[bool]:
    """An offer whose respond-by date (the last day to answer, in England) has not passed; offers
    released before there were deadlines have none."""
    return or_(Allocation.respond_by.is_(None), Allocation.respond_by >= today)


def count_answerable(student_id: int, today: date) -> int:
    """How many offers the student can act on now."""
    query = (
        select(func.count())
        .select_from(Allocation)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(Allocation.student_id == student_id, answerable(today))
    )
    return int(db.session.scalar(query) or 0)


def next_respond_by(student_id: int, today: date) -> date | None:
    """The soonest respond-by date of the offers the student can act on now."""
    query = (
        select(func.min(Allocation.respond_by))
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(Allocation.student_id == student_id, answerable(today))
    )
    return db.session.scalar(query)


def student_offers(student_id: int, today: date) -> list[tuple[Allocation, Opportunity, str, bool]]:
    """The student's offers, those they can answer first, each with its opportunity, employer name and
    whether they can answer it now."""
    can_answer = answerable(today)
    waiting_first = case((can_answer, 0), else_=1)
    rows = db.session.execute(
        select(Allocation, Opportunity, Employer.name, can_answer)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.student_id == student_id, Allocation.status.in_(STUDENT_VISIBLE_STATUSES))
        .order_by(waiting_first, Opportunity.start_date, Allocation.id)
    )
    return [(allocation, opportunity, name, bool(open_)) for allocation, opportunity, name, open_ in rows]


def student_offer(
    student_id: int, allocation_id: int, today: date
) -> tuple[Allocation, Opportunity, str, bool] | None:
    """One of the student's offers with its opportunity, employer name and whether they can answer it now;
    None if not theirs to see."""
    row = db.session.execute(
        select(Allocation, Opportunity, Employer.name, answerable(today))
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Allocation.id == allocation_id,
            Allocation.student_id == student_id,
            Allocation.status.in_(STUDENT_VISIBLE_STATUSES),
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2], bool(row[3]))


def _execute(statement: Any) -> CursorResult[Any]:
    # An UPDATE's result is a cursor result, whose rowcount says whether the condition held.
    return cast(CursorResult[Any], db.session.execute(statement))


def _answer(allocation_id: int, student_id: int, status: str, today: date) -> None:
    # Conditional on an answerable offer, so a second click, a second tab, a late expiry or a placement
    # closed meanwhile cannot be answered.
    open_placements = select(Opportunity.id).where(
        Opportunity.status == "published", Opportunity.start_date > today
    )
    result = _execute(
        update(Allocation)
        .where(
            Allocation.id == allocation_id,
            Allocation.student_id == student_id,
            Allocation.status == "offered",
            in_time(today),
            Allocation.opportunity_id.in_(open_placements),
        )
        .values(status=status, responded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        answered = db.session.execute(
            select(Allocation.status, Allocation.respond_by).where(Allocation.id == allocation_id)
        ).first()
        if answered and answered.status == "offered":
            if answered.respond_by is not None and answered.respond_by < today:
                raise OfferError(f"The date to respond to this offer was {long_date(answered.respond_by)}")
            raise OfferError("This placement is no longer available")
        raise OfferError("You have already responded to this offer")


def take_seat(opportunity_id: int) -> bool:
    """Take one place on the opportunity if one is left; the database decides, so two takers never share."""
    result = _execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.places_taken < Opportunity.capacity)
        .values(places_taken=Opportunity.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def accept_offer(allocation_id: int, student_id: int, user_id: int | None, today: date) -> bool:
    """Accept an offer in the caller's transaction: True if a seat was taken, False if the placement was
    full (the offer is then expired). Raise OfferError if it cannot be answered."""
    opportunity_id = db.session.scalar(
        select(Allocation.opportunity_id).where(
            Allocation.id == allocation_id, Allocation.student_id == student_id
        )
    )
    if opportunity_id is None:
        raise OfferError("This offer is not yours to answer")
    # The student's row is locked (on PostgreSQL) so two acceptances of clashing placements at once are
    # checked one after the other; the rules are checked once the offer is known to be answerable, and
    # an OfferError rolls the answer back with the caller's transaction.
    db.session.execute(select(Student.id).where(Student.id == student_id).with_for_update())
    try:
        _answer(allocation_id, student_id, "accepted", today)
    except IntegrityError as error:
        # The partial unique index: the student already has this place live from another round.
        raise OfferError("You have already accepted a place on this opportunity") from error
    _check_rules(allocation_id, student_id, opportunity_id)
    if not take_seat(opportunity_id):
        db.session.execute(
            update(Allocation)
            .where(Allocation.id == allocation_id)
            .values(status="expired")
            .execution_options(synchronize_session=False)
        )
        audit(user_id, "offer_expired_full", "allocation", allocation_id, opportunity_id=opportunity_id)
        return False
    audit(user_id, "offer_accepted", "allocation", allocation_id, opportunity_id=opportunity_id)
    # The parent or carer is asked now (the employer, for a student of 18 or over), in this transaction.
    consent.request(allocation_id, user_id)
    return True


def decline_offer(allocation_id: int, student_id: int, user_id: int | None, today: date) -> None:
    """Decline an offer in the caller's transaction; raise OfferError if it cannot be answered."""
    _answer(allocation_id, student_id, "declined", today)
    audit(user_id, "offer_declined", "allocation", allocation_id)


def _held(student_id: int, allocation_id: int) -> list[tuple[Opportunity, str]]:
    rows = db.session.execute(
        select(Opportunity, Employer.name)
        .join(Allocation, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Allocation.student_id == student_id,
            Allocation.id != allocation_id,
            Allocation.status.in_(HOLDING_STATUSES),
        )
        .order_by(Opportunity.start_date, Opportunity.id)
    )
    return [(opportunity, name) for opportunity, name in rows]


T_LEVEL = "t_level_placement"
T_LEVEL_EMPLOYERS = 2  # a T Level industry placement can be split across at most two employers


def _check_rules(allocation_id: int, student_id: int, opportunity_id: int) -> None:
    wanted = db.session.get(Opportunity, opportunity_id)
    assert wanted is not None  # the allocation refers to it
    check_rules(student_id, wanted, allocation_id)


def check_rules(student_id: int, wanted: Any, except_id: int = 0, whose: str = "you") -> None:
    """Rules of the field checked when a student says yes (or their own placement is approved): no two
    placements at once, and a T Level industry placement with at most two employers. `wanted` has the
    placement's start_date, end_date, kind and employer_id; OfferError says what is wrong, to `whose`."""
    held = _held(student_id, except_id)
    subject, have = (
        ("You cannot accept", "you have") if whose == "you" else ("The student cannot take", "they have")
    )
    for other, _ in held:
        if other.start_date <= wanted.end_date and other.end_date >= wanted.start_date:
            raise OfferError(
                f"{subject} this placement because its dates overlap a placement {have} already "
                f"accepted, from {long_date(other.start_date)} to {long_date(other.end_date)}"
            )
    if wanted.kind == T_LEVEL:
        employers = {
            other.employer_id: name
            for other, name in held
            if other.kind == T_LEVEL and other.employer_id != wanted.employer_id
        }
        if len(employers) >= T_LEVEL_EMPLOYERS:
            names = " and ".join(sorted(employers.values()))
            raise OfferError(
                f"{subject} this placement because a T Level industry placement can be with up to "
                f"two employers, and {have} placements with {names} already"
            )


def student_account(student_id: int) -> User | None:
    """The student's account if it is active: where their offer emails go (its links need a sign-in)."""
    return db.session.scalar(select(User).where(User.student_id == student_id, User.active.is_(True)))


REMINDER_DAYS = 2


def remind_before_deadline(today: date) -> int:
    """Remind students of offers still open whose respond-by date is within REMINDER_DAYS, once per offer;
    not those released inside that window, whose first email already says how little time is left.
    How many reminders were queued now."""
    rows = db.session.execute(
        select(Allocation.id, Allocation.respond_by, Allocation.offered_at, User.email)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(User, and_(User.student_id == Allocation.student_id, User.active.is_(True)))
        .where(
            answerable(today),
            Allocation.respond_by.is_not(None),
            Allocation.respond_by <= today + timedelta(days=REMINDER_DAYS),
        )
        .order_by(Allocation.id)
    )
    queued = 0
    for allocation_id, respond_by, offered_at, email in rows:
        window_opens = end_of_day_utc(respond_by - timedelta(days=REMINDER_DAYS + 1))
        if offered_at is not None and offered_at >= window_opens:
            continue
        key = f"offer-reminder:{allocation_id}"
        queued += notify(key, "offer_reminder", email, allocation_id=allocation_id) is not None
    return queued


def expire_overdue(today: date) -> int:
    """Expire offers whose respond-by date has passed in England, freeing their seats, and tell the
    student; each once, however often it runs. How many expired now."""
    overdue = db.session.execute(
        select(Allocation.id, Allocation.student_id)
        .where(Allocation.status == "offered", Allocation.respond_by < today)
        .order_by(Allocation.id)
    ).all()
    expired = 0
    for allocation_id, student_id in overdue:
        if not placements.move(allocation_id, "expired", ("offered",)):
            continue  # answered meanwhile
        expired += 1
        audit(None, "offer_expired", "allocation", allocation_id)
        account = student_account(student_id)
        if account is not None:
            notify(
                f"offer-expired:{allocation_id}", "offer_expired", account.email, allocation_id=allocation_id
            )
    return expired


# Said yes, and the placement has not begun: the student can still withdraw.
WITHDRAWABLE = ("accepted", "consented", "confirmed")


def can_withdraw(allocation: Allocation, opportunity: Opportunity, today: date) -> bool:
    """Whether the student can withdraw from this placement now."""
    return allocation.status in WITHDRAWABLE and opportunity.start_date > today


def withdraw(
    allocation_id: int,
    student_id: int,
    user_id: int | None,
    today: date,
    reason: str = "The student withdrew",
) -> None:
    """Withdraw the student from a placement they said yes to, before it starts, giving its seat back,
    and tell the employer's people and the school's careers leaders; raise OfferError if they cannot. A
    careers leader withdraws a student (whose parent asked, say) with a reason of their own."""
    row = db.session.execute(
        select(Allocation, Opportunity, Student.school_id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Student, Allocation.student_id == Student.id)
        .where(Allocation.id == allocation_id, Allocation.student_id == student_id)
    ).first()
    if row is None:
        raise OfferError("This placement is not yours to withdraw from")
    allocation, opportunity, school_id = row
    if opportunity.start_date <= today and allocation.status in WITHDRAWABLE:
        raise OfferError("This placement has already started. Talk to your careers leader")
    if not placements.undo(allocation_id, "withdrawn", WITHDRAWABLE, user_id, reason):
        raise OfferError("You cannot withdraw from this placement: it is not one you have said yes to")
    people = [
        (person, "employer")
        for person in reachable(User.role == "employer", User.employer_id == opportunity.employer_id)
    ] + [(person, "school") for person in reachable_leaders(school_id)]
    for person, audience in people:
        notify(
            f"placement-withdrawn:{allocation_id}:{person.id}",
            "placement_withdrawn",
            person.email,
            allocation_id=allocation_id,
            audience=audience,
        )
