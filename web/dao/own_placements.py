"""Placements students find themselves: proposed by the student, approved (or sent back for changes) by their
careers leader, then a self-found Opportunity and an accepted Allocation that follow the usual lifecycle.

An employer the hub has not approved is added as a pending employer and its contact invited to register and
give its evidence; the placement waits until the hub approves it (vetting.decide calls place_waiting).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, true, update

from web.dao import accounts, consent, offers
from web.dao.base import audit
from web.dao.offers import student_account
from web.emails import notify
from web.extensions import db
from web.models import Allocation, Employer, Opportunity, OwnPlacement, School, Student
from web.models.base import utcnow

# The student can change or withdraw a proposal until it is decided.
OPEN_STATUSES = ("proposed", "changes_requested")
FIELDS = (
    "employer_id",
    "employer_name",
    "contact_name",
    "contact_email",
    "postcode",
    "kind",
    "role",
    "start_date",
    "end_date",
    "hours_per_day",
)
# A new employer's sector, until it says otherwise, when the student chose no route of interest.
DEFAULT_ROUTE = "business-and-administration"
MIN_AGE = 11  # the opportunity form's youngest


class OwnPlacementError(Exception):
    """A decision that cannot be made; the message is for the careers leader."""


def hub_of_student(student: Student) -> int:
    """The hub of the student's school."""
    return int(db.session.scalar(select(School.hub_id).where(School.id == student.school_id)))


def approved_employers(hub_id: int) -> list[Employer]:
    """The hub's approved employers, by name: those a student can pick."""
    return list(
        db.session.scalars(
            select(Employer)
            .where(Employer.hub_id == hub_id, Employer.status == "approved")
            .order_by(Employer.name, Employer.id)
        )
    )


def propose(student: Student, user_id: int, **fields: Any) -> OwnPlacement:
    """A new proposal from the student (fields checked by the form)."""
    placement = OwnPlacement(student_id=student.id, status="proposed", **_fields(fields))
    db.session.add(placement)
    db.session.flush()
    audit(user_id, "own_placement_proposed", "own_placement", placement.id)
    return placement


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in FIELDS}


def student_proposals(student_id: int) -> list[OwnPlacement]:
    """The student's proposals, newest first."""
    return list(
        db.session.scalars(
            select(OwnPlacement)
            .where(OwnPlacement.student_id == student_id)
            .order_by(OwnPlacement.created_at.desc(), OwnPlacement.id.desc())
        )
    )


def get_for_student(placement_id: int, student_id: int) -> OwnPlacement | None:
    """One of the student's own proposals; None if it is not theirs."""
    return db.session.scalar(
        select(OwnPlacement).where(OwnPlacement.id == placement_id, OwnPlacement.student_id == student_id)
    )


def _move(placement_id: int, expected: tuple[str, ...], seen: datetime | None = None, **values: Any) -> bool:
    # `seen`: the version the careers leader decided on; a proposal the student changed since is not it.
    same = OwnPlacement.updated_at == seen if seen is not None else true()
    result = db.session.execute(
        update(OwnPlacement)
        .where(OwnPlacement.id == placement_id, OwnPlacement.status.in_(expected), same)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def change(placement_id: int, user_id: int, **fields: Any) -> bool:
    """The student's changes to an undecided proposal, which goes back to the careers leader; False if it
    was decided or withdrawn meanwhile."""
    if not _move(placement_id, OPEN_STATUSES, status="proposed", updated_at=utcnow(), **_fields(fields)):
        return False
    audit(user_id, "own_placement_changed", "own_placement", placement_id)
    return True


def withdraw(placement_id: int, user_id: int) -> bool:
    """The student withdraws an undecided proposal; False if it was decided or withdrawn already."""
    if not _move(placement_id, OPEN_STATUSES, status="withdrawn", updated_at=utcnow()):
        return False
    audit(user_id, "own_placement_withdrawn", "own_placement", placement_id)
    return True


def school_proposals(school_id: int) -> list[tuple[OwnPlacement, Student]]:
    """The school's proposals, those waiting for a decision first, then newest first."""
    rows = db.session.execute(
        select(OwnPlacement, Student)
        .join(Student, OwnPlacement.student_id == Student.id)
        .where(Student.school_id == school_id)
        .order_by(
            (OwnPlacement.status != "proposed"),
            OwnPlacement.updated_at.desc(),
            OwnPlacement.id.desc(),
        )
    ).all()
    return [(placement, student) for placement, student in rows]


def get_for_school(placement_id: int, school_id: int) -> tuple[OwnPlacement, Student] | None:
    """One proposal from a student of the school; None otherwise."""
    row = db.session.execute(
        select(OwnPlacement, Student)
        .join(Student, OwnPlacement.student_id == Student.id)
        .where(OwnPlacement.id == placement_id, Student.school_id == school_id)
    ).first()
    return (row[0], row[1]) if row else None


def ask_for_changes(placement_id: int, user_id: int, note: str, seen: datetime | None = None) -> bool:
    """Send a proposal back to the student with a note; False if it was not waiting for a decision (or
    is not the version `seen`)."""
    if not _move(
        placement_id,
        ("proposed",),
        seen,
        status="changes_requested",
        leader_note=note,
        decided_by_id=user_id,
        decided_at=utcnow(),
    ):
        return False
    audit(user_id, "own_placement_changes_requested", "own_placement", placement_id)
    _tell_student(placement_id, "changes_requested")
    return True


def approve(
    placement_id: int, user_id: int, note: str = "", seen: datetime | None = None
) -> tuple[bool, int | None]:
    # The rules a yes must meet: checked first, so a proposal that breaks them stays as it was.
    proposal = db.session.get(OwnPlacement, placement_id)
    if proposal is not None and proposal.status == "proposed":
        _check_rules(proposal)
    """Approve a proposal. With an employer the hub has approved, the placement is made now: its
    allocation's id comes back (the parent's consent is asked for next). Otherwise the employer is added
    (pending) and its contact invited to register, and the placement waits for the hub's approval.
    (approved now, allocation id or None). OwnPlacementError if the contact cannot be invited."""
    if not _move(
        placement_id,
        ("proposed",),
        seen,
        status="approved",
        leader_note=note,
        decided_by_id=user_id,
        decided_at=utcnow(),
    ):
        return False, None
    placement = db.session.get(OwnPlacement, placement_id)
    db.session.refresh(placement)
    audit(user_id, "own_placement_approved", "own_placement", placement_id)
    employer = db.session.get(Employer, placement.employer_id) if placement.employer_id else None
    allocation_id = None
    if employer is None:
        _add_employer(placement, user_id)
    elif employer.status == "approved":
        allocation_id = _seat(placement, employer, user_id)
    _tell_student(placement_id, "approved")
    return True, allocation_id


def _add_employer(placement: OwnPlacement, user_id: int) -> None:
    student = db.session.get(Student, placement.student_id)
    employer = Employer(
        hub_id=hub_of_student(student),
        status="pending",
        name=placement.employer_name,
        route=(student.routes or [DEFAULT_ROUTE])[0],
        postcode=placement.postcode,
        contact_name=placement.contact_name,
        contact_email=placement.contact_email,
    )
    db.session.add(employer)
    db.session.flush()
    placement.employer_id = employer.id
    audit(user_id, "employer_added_for_own_placement", "employer", employer.id, own_placement_id=placement.id)
    try:
        accounts.invite(
            placement.contact_email, "employer", employer.id, user_id, name=placement.contact_name
        )
    except accounts.AccountError:
        raise OwnPlacementError(
            "The employer's contact email address already has an account, so they cannot be invited. Ask "
            "the student to choose the employer from the list or give another contact"
        ) from None


def place_waiting(employer_id: int, user_id: int | None) -> list[int]:
    """Make the placements of approved proposals that were waiting for this employer's approval (the caller
    has just approved it); the new allocations' ids (the parents' consent is asked for next)."""
    employer = db.session.get(Employer, employer_id)
    waiting = db.session.scalars(
        select(OwnPlacement)
        .where(
            OwnPlacement.employer_id == employer_id,
            OwnPlacement.status == "approved",
            OwnPlacement.opportunity_id.is_(None),
        )
        .with_for_update()
    ).all()
    made = []
    for placement in waiting:
        try:
            _check_rules(placement)
        except OwnPlacementError:
            continue  # the student took another placement meanwhile: the careers leader sees it waiting
        made.append(_seat(placement, employer, user_id))
    return made


def _check_rules(placement: OwnPlacement) -> None:
    # No two placements at once, and a T Level with at most two employers, as when a student accepts.
    db.session.execute(select(Student.id).where(Student.id == placement.student_id).with_for_update())
    try:
        offers.check_rules(placement.student_id, placement, whose="they")
    except offers.OfferError as problem:
        raise OwnPlacementError(str(problem)) from problem


def _seat(placement: OwnPlacement, employer: Employer, user_id: int | None) -> int:
    """The self-found opportunity (one place, taken) and the student's accepted allocation on it."""
    student = db.session.get(Student, placement.student_id)
    opportunity = Opportunity(
        employer_id=employer.id,
        kind=placement.kind,
        title=placement.role,
        description=placement.role,
        route=employer.route,
        pathway="both",
        postcode=placement.postcode,
        remote=False,
        capacity=1,
        places_taken=1,
        start_date=placement.start_date,
        end_date=placement.end_date,
        hours_per_day=placement.hours_per_day,
        year_groups=[student.year_group],
        # The youngest age the form allows, not the student's own: the employer's pages show it.
        min_age=MIN_AGE,
        status="published",
        self_found=True,
    )
    db.session.add(opportunity)
    db.session.flush()
    now = utcnow()
    allocation = Allocation(
        round_id=None,
        student_id=student.id,
        opportunity_id=opportunity.id,
        score=0.0,
        explanation={},
        status="accepted",
        decided_by_id=placement.decided_by_id,
        decided_at=placement.decided_at or now,
        responded_at=now,
    )
    db.session.add(allocation)
    db.session.flush()
    placement.opportunity_id = opportunity.id
    audit(user_id, "own_placement_placed", "allocation", allocation.id, own_placement_id=placement.id)
    # From here it is like any placement a student said yes to: the parent is asked (or the employer, 18+).
    consent.request(allocation.id, user_id)
    return allocation.id


def _tell_student(placement_id: int, status: str) -> None:
    student_id, decided_at = db.session.execute(
        select(OwnPlacement.student_id, OwnPlacement.decided_at).where(OwnPlacement.id == placement_id)
    ).one()
    account = student_account(student_id)
    if account is not None:
        # Each decision is its own message: changes can be asked for more than once.
        notify(
            f"own-placement-decided:{placement_id}:{status}:{decided_at:%Y%m%d%H%M%S%f}",
            "own_placement_decided",
            account.email,
            own_placement_id=placement_id,
            status=status,
        )
