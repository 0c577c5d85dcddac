"""Allocations: a careers leader's decisions on a round's proposals."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, select, update

from web.dao.base import audit
from web.dao.reach import Reached, tell_of_offers
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, AuditEvent, Opportunity, Student
from web.models.base import utcnow

# How long a student has to answer an offer unless the careers leader chooses otherwise.
RESPOND_DAYS = 7


def default_respond_by(today: date) -> date:
    """The respond-by date an offer gets unless the careers leader chooses one."""
    return today + timedelta(days=RESPOND_DAYS)


def get_allocation_for_school(allocation_id: int, school_id: int) -> Allocation | None:
    """The allocation with this id if its student is at this school."""
    return db.session.scalar(
        select(Allocation)
        .join(Student, Allocation.student_id == Student.id)
        .where(Allocation.id == allocation_id, Student.school_id == school_id)
    )


def _decide(allocation_id: int, status: str, user_id: int, **fields: object) -> bool:
    # Conditional on 'proposed', so two careers leaders deciding at once cannot both succeed.
    now = utcnow()
    changed = db.session.execute(
        update(Allocation)
        .where(Allocation.id == allocation_id, Allocation.status == "proposed")
        .values(status=status, decided_by_id=user_id, decided_at=now, **fields)
        .execution_options(synchronize_session=False)
    )
    return bool(changed.rowcount)  # type: ignore[attr-defined]


def _offer(allocation_id: int, user_id: int, respond_by: date) -> bool:
    """Approve a proposed allocation and release it as an offer to answer by `respond_by` (or the day
    before the placement starts, if sooner); False if not proposed, or if the placement has closed or
    starts too soon for an answer (it stays proposed: reject it)."""
    row = db.session.execute(
        select(Allocation.student_id, Opportunity.start_date, Opportunity.status)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(Allocation.id == allocation_id)
    ).first()
    if row is None:
        return False
    last_day = min(respond_by, row.start_date - timedelta(days=1))
    if row.status != "published" or last_day < london_today():
        return False
    if not _decide(allocation_id, "offered", user_id, offered_at=utcnow(), respond_by=last_day):
        return False
    # Approval and release happen together here; the trail shows both steps.
    audit(user_id, "allocation_approved", "allocation", allocation_id)
    audit(user_id, "allocation_offered", "allocation", allocation_id)
    return True


def approve_and_offer(allocation_id: int, user_id: int, respond_by: date) -> Reached | None:
    """Approve a proposed allocation, release it to the student as an offer to answer by `respond_by` (or
    the day before the placement starts, if sooner) and tell them (web.dao.reach); how they were reached,
    or None if not proposed, or if the placement has closed or starts too soon for an answer (it stays
    proposed: reject it)."""
    if not _offer(allocation_id, user_id, respond_by):
        return None
    return tell_of_offers([allocation_id], user_id)


def approve(allocation_id: int, user_id: int) -> bool:
    """Approve a proposed allocation of a hub-wide round to be offered when the hub admin releases the
    round; False if it was not proposed."""
    if not _decide(allocation_id, "approved", user_id):
        return False
    audit(user_id, "allocation_approved", "allocation", allocation_id)
    return True


def approve_share(round_id: int, school_id: int, user_id: int) -> int:
    """Approve every proposal of a hub-wide round still undecided for this school's students, to be offered
    at the release, in one statement (a school's share can run to hundreds); how many."""
    approved = db.session.scalars(
        update(Allocation)
        .where(
            Allocation.round_id == round_id,
            Allocation.status == "proposed",
            Allocation.student_id.in_(select(Student.id).where(Student.school_id == school_id)),
        )
        .values(status="approved", decided_by_id=user_id, decided_at=utcnow())
        .returning(Allocation.id)
        .execution_options(synchronize_session=False)
    ).all()
    if approved:
        db.session.execute(
            insert(AuditEvent),
            [
                {
                    "user_id": user_id,
                    "action": "allocation_approved",
                    "record_type": "allocation",
                    "record_id": i,
                    "detail": {},
                }
                for i in approved
            ],
        )
    return len(approved)


def reject(allocation_id: int, user_id: int, reason: str = "", note: str = "") -> bool:
    """Reject a proposed allocation, keeping why in the audit trail (a REJECT_REASONS code of
    web/careers/forms.py, and the careers leader's own words); False if it was not proposed."""
    if not _decide(allocation_id, "rejected", user_id):
        return False
    audit(user_id, "allocation_rejected", "allocation", allocation_id, reason=reason, note=note)
    return True


def proposed_ids(round_id: int, school_id: int) -> list[int]:
    """Ids of a round's allocations still proposed, for students of this school."""
    return list(
        db.session.scalars(
            select(Allocation.id)
            .join(Student, Allocation.student_id == Student.id)
            .where(
                Allocation.round_id == round_id,
                Allocation.status == "proposed",
                Student.school_id == school_id,
            )
            .order_by(Allocation.id)
        )
    )


def approve_all(round_id: int, school_id: int, user_id: int, respond_by: date) -> Reached:
    """Approve and offer every proposed allocation of the round for this school's students, to answer by
    `respond_by`, and tell the students (each once, however many offers are theirs); how they were reached."""
    offered = [i for i in proposed_ids(round_id, school_id) if _offer(i, user_id, respond_by)]
    return tell_of_offers(offered, user_id)
