"""What waits on each person, for their home page: counts of their own school's, employer's or hub's
things to do, each read in one query whatever the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from web.dao import access_log, provider_requests
from web.dao.placements import under_age
from web.extensions import db
from web.models import (
    AccessToken,
    Allocation,
    Consent,
    Employer,
    MatchRound,
    Notification,
    Opportunity,
    Student,
    User,
)
from web.models.base import utcnow

# How far back a careers leader is told of emails to pupils and parents that were not delivered.
NOT_DELIVERED_DAYS = 30


@dataclass(frozen=True)
class SchoolWaiting:
    """What waits on a school's careers leaders."""

    to_decide: int  # proposals of rounds to approve or reject
    offers: int  # offers waiting for the student's answer
    unreached: int  # of those, to students with no account to be emailed at (no address, or deactivated)
    consents: int  # placements waiting for a parent's or carer's consent
    not_delivered: list[tuple[int, str, int]]  # (student id, name, emails) to pupils or parents, lately
    provider_requests: int = 0  # providers' requests for access waiting for an answer

    @property
    def any(self) -> bool:
        """Whether anything waits at all."""
        return bool(
            self.to_decide or self.offers or self.consents or self.not_delivered or self.provider_requests
        )


def for_school(school_id: int) -> SchoolWaiting:
    """What waits on the school's careers leaders: proposals, offers and consents in one query, emails not
    delivered in the last NOT_DELIVERED_DAYS (by pupil, most first) in another, and providers' requests
    for access in a third."""
    status = Allocation.status
    # An offered student with an address and no account was invited (web/dao/reach.py): one with no active
    # account now heard of their offer from nobody.
    account = exists().where(User.student_id == Student.id, User.active.is_(True))
    to_decide, offers, unreached, consents = db.session.execute(
        select(
            func.count().filter(status == "proposed"),
            func.count().filter(status == "offered"),
            func.count().filter(and_(status == "offered", ~account)),
            func.count().filter(and_(status == "accepted", under_age())),
        )
        .select_from(Allocation)
        .join(Student, Allocation.student_id == Student.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(Student.school_id == school_id, status.in_(("proposed", "offered", "accepted")))
    ).one()
    return SchoolWaiting(
        int(to_decide),
        int(offers),
        int(unreached),
        int(consents),
        _not_delivered(school_id),
        provider_requests.waiting_count(school_id),
    )


def _not_delivered(school_id: int) -> list[tuple[int, str, int]]:
    # Whose a message is, from the ids it is about (as a pupil's own page finds them); only those to the
    # pupil or their parent count: the careers leader can correct those addresses in the MIS.
    about = Notification.about
    student_of = func.coalesce(
        select(Allocation.student_id)
        .where(Allocation.id == about["allocation_id"].as_integer())
        .scalar_subquery(),
        select(Allocation.student_id)
        .join(Consent, Consent.allocation_id == Allocation.id)
        .where(Consent.id == about["consent_id"].as_integer())
        .scalar_subquery(),
        select(User.student_id)
        .join(AccessToken, AccessToken.user_id == User.id)
        .where(AccessToken.id == about["token_id"].as_integer())
        .scalar_subquery(),
    )
    account = select(func.lower(User.email)).where(User.student_id == Student.id).scalar_subquery()
    to = func.lower(Notification.recipient)
    name = func.coalesce(func.nullif(Student.preferred_name, ""), Student.first_name)
    rows = db.session.execute(
        select(Student.id, name, Student.last_name, func.count(Notification.id))
        .join(Student, Student.id == student_of)
        .where(
            Notification.status == "failed",
            Notification.created_at >= utcnow() - timedelta(days=NOT_DELIVERED_DAYS),
            Student.school_id == school_id,
            or_(to == func.lower(Student.email), to == func.lower(Student.parent_email), to == account),
        )
        .group_by(Student.id, name, Student.last_name)
        .order_by(func.count(Notification.id).desc(), Student.last_name, Student.id)
    )
    found = [(student_id, f"{first} {last}", int(n)) for student_id, first, last, n in rows]
    access_log.seen(student_id for student_id, _, _ in found)
    return found


def ready_to_confirm(employer_id: int) -> list[tuple[int, str, int]]:
    """(opportunity id, title, students) of the employer's opportunities with students ready for it to
    confirm: consent given, or none needed. None while the hub has suspended it (it sees none of them)."""
    status = Allocation.status
    ready = or_(status == "consented", and_(status == "accepted", ~under_age()))
    rows = db.session.execute(
        select(Opportunity.id, Opportunity.title, func.count())
        .select_from(Allocation)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .join(Student, Allocation.student_id == Student.id)
        .where(
            Opportunity.employer_id == employer_id,
            Employer.status == "approved",
            status.in_(("accepted", "consented")),
            ready,
        )
        .group_by(Opportunity.id, Opportunity.title, Opportunity.start_date)
        .order_by(Opportunity.start_date, Opportunity.id)
    )
    return [(opportunity_id, title, int(n)) for opportunity_id, title, n in rows]


@dataclass(frozen=True)
class HubWaiting:
    """What waits on a hub's admins."""

    to_decide: int  # employers waiting for the hub's first check and decision
    checks_due: int  # approved employers whose safeguarding check is due
    to_release: list[tuple[int, Any]]  # (round id, when started) of hub-wide rounds ready to release

    @property
    def any(self) -> bool:
        """Whether anything waits at all."""
        return bool(self.to_decide or self.checks_due or self.to_release)


def for_hub(hub_id: int, today: date) -> HubWaiting:
    """What waits on the hub's admins: employers (one query) and rounds to release (another)."""
    due = or_(Employer.next_check_due.is_(None), Employer.next_check_due <= today)
    to_decide, checks_due = db.session.execute(
        select(
            func.count().filter(Employer.status == "pending"),
            func.count().filter(and_(Employer.status == "approved", due)),
        ).where(Employer.hub_id == hub_id)
    ).one()
    return HubWaiting(int(to_decide), int(checks_due), _to_release(hub_id, today))


def _to_release(hub_id: int, today: date) -> list[tuple[int, Any]]:
    # As release_blocker has it: finished, kept, not released, something approved, and every school has
    # decided or the decide-by day has passed.
    def having(status: str) -> Any:
        return exists().where(Allocation.round_id == MatchRound.id, Allocation.status == status)

    rows = db.session.execute(
        select(MatchRound.id, MatchRound.created_at)
        .where(
            MatchRound.hub_id == hub_id,
            MatchRound.school_id.is_(None),
            MatchRound.status == "succeeded",
            MatchRound.draft.is_(False),
            MatchRound.released_at.is_(None),
            having("approved"),
            or_(~having("proposed"), MatchRound.decide_by < today),
        )
        .order_by(MatchRound.created_at, MatchRound.id)
    )
    return [(round_id, created_at) for round_id, created_at in rows]
