"""Term plans: started by the hub (what-if until kept), run by a worker that claims them as rounds are,
stored as sessions with their seats and pupils' items, and approved item by item by each school's careers
leader. Approved items count as booked on the pupils' ledgers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from web.dao.base import audit, insert_many
from web.extensions import db
from web.models import Employer, EncounterOffer, PlanItem, PlanSession, Student, TermPlan
from web.models.base import utcnow
from web.planner.plan_words import reason


def start_plan(hub_id: int, academic_year: int, term: int, seed: int, user_id: int) -> TermPlan | None:
    """A queued plan for the term; None while another of the hub's plans is queued or running (a partial
    unique index holds that, so two started at once cannot both be)."""
    plan = TermPlan(hub_id=hub_id, academic_year=academic_year, term=term, seed=seed, created_by_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(plan)
    except IntegrityError:
        return None
    audit(
        user_id, "term_plan_started", "term_plan", plan.id, academic_year=academic_year, term=term, seed=seed
    )
    return plan


def plans_of(hub_id: int, limit: int = 20) -> list[TermPlan]:
    """The hub's plans, newest first."""
    return list(
        db.session.scalars(
            select(TermPlan).where(TermPlan.hub_id == hub_id).order_by(TermPlan.id.desc()).limit(limit)
        )
    )


def plan_of(hub_id: int, plan_id: int) -> TermPlan | None:
    """The hub's plan with this id (None for another hub's)."""
    plan = db.session.get(TermPlan, plan_id)
    return plan if plan is not None and plan.hub_id == hub_id else None


def kept_plan(hub_id: int, academic_year: int, term: int) -> TermPlan | None:
    """The plan the hub kept for the term, which its schools see."""
    return db.session.scalar(
        select(TermPlan).where(
            TermPlan.hub_id == hub_id,
            TermPlan.academic_year == academic_year,
            TermPlan.term == term,
            TermPlan.kept.is_(True),
        )
    )


def keep_plan(plan: TermPlan, user_id: int) -> bool:
    """Make a finished plan the term's kept one (any other the hub kept for the term is set aside, with
    its items not yet decided); False if it has not succeeded, or a school has approved part of the
    other one already."""
    if plan.status != "succeeded" or plan.kept:
        return False
    other = kept_plan(plan.hub_id, plan.academic_year, plan.term)
    if other is not None:
        decided = db.session.scalar(
            select(PlanItem.id).where(PlanItem.plan_id == other.id, PlanItem.status != "proposed").limit(1)
        )
        if decided is not None:
            return False
        other.kept = False
        db.session.flush()
    plan.kept = True
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        return False
    audit(user_id, "term_plan_kept", "term_plan", plan.id)
    return True


def claim_plan(plan_id: int, claim: str, stale_before: datetime) -> bool:
    """Take a queued plan, or a running one begun before stale_before (its worker died), for this attempt;
    False if it is finished or held by a live worker (a task delivered twice)."""
    waiting = TermPlan.status == "queued"
    abandoned = (TermPlan.status == "running") & (TermPlan.started_at < stale_before)
    result = db.session.execute(
        update(TermPlan)
        .where(TermPlan.id == plan_id, or_(waiting, abandoned))
        .values(
            status="running", claim=claim, started_at=utcnow(), progress=5, stage="Reading pupils", error=""
        )
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def _mine(plan_id: int, claim: str) -> Any:
    return (TermPlan.id == plan_id) & (TermPlan.claim == claim) & (TermPlan.status == "running")


def set_stage(plan_id: int, claim: str, progress: int, stage: str) -> bool:
    """Record progress; False if the plan is no longer this attempt's."""
    result = db.session.execute(
        update(TermPlan).where(_mine(plan_id, claim)).values(progress=progress, stage=stage)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def release_plan(plan_id: int, claim: str) -> bool:
    """Put a running plan back in the queue for a retry; False if it is no longer this attempt's."""
    result = db.session.execute(
        update(TermPlan)
        .where(_mine(plan_id, claim))
        .values(status="queued", claim="", stage="Waiting to try again")
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def finish_plan(plan_id: int, claim: str, status: str, metrics: dict[str, Any], error: str = "") -> bool:
    """Close the plan as succeeded or failed; False if it is no longer this attempt's."""
    result = db.session.execute(
        update(TermPlan)
        .where(_mine(plan_id, claim))
        .values(
            status=status,
            progress=100,
            stage="Finished" if status == "succeeded" else "Stopped",
            metrics=metrics,
            error=error,
            finished_at=utcnow(),
        )
    )
    return bool(cast(CursorResult[Any], result).rowcount)


ITEM_COLUMNS = (
    "plan_id", "session_id", "offer_id", "school_id", "student_id", "measure", "amount", "need", "at_risk",
    "priority", "status",
)  # fmt: skip


def save_plan(plan_id: int, sessions: list[dict[str, Any]], items: list[dict[str, Any]]) -> int:
    """Store the plan's sessions and items (a retry's earlier rows are replaced); items name their session
    by its index in `sessions` (session_index). How many items were stored."""
    db.session.execute(PlanSession.__table__.delete().where(PlanSession.plan_id == plan_id))
    if sessions:
        db.session.execute(insert(PlanSession), [{**row, "plan_id": plan_id} for row in sessions])
    ids = db.session.execute(
        select(PlanSession.id, PlanSession.offer_id, PlanSession.number).where(PlanSession.plan_id == plan_id)
    ).all()
    by_key = {(offer_id, number): session_id for session_id, offer_id, number in ids}
    session_ids = [by_key[(row["offer_id"], row["number"])] for row in sessions]
    rows = [
        (
            plan_id, session_ids[item["session_index"]], item["offer_id"], item["school_id"],
            item["student_id"], item["measure"], Decimal(str(item["amount"])), Decimal(str(item["need"])),
            item["at_risk"], item["priority"], "proposed",
        )
        for item in items
    ]  # fmt: skip
    insert_many(PlanItem.__table__, ITEM_COLUMNS, rows)
    return len(rows)


@dataclass(frozen=True)
class SchoolItem:
    """One of a school's proposed places in a plan, as its careers leader sees it."""

    item: PlanItem
    student: Student
    offer: EncounterOffer
    organisation: str
    session_number: int
    tutor_group: str | None

    @property
    def reason(self) -> str:
        item = self.item
        return reason(item.measure, item.need, item.amount, item.at_risk, item.priority, self.tutor_group)


def school_items(plan_id: int, school_id: int) -> list[SchoolItem]:
    """The school's items in the plan, by offer, session and pupil's surname."""
    rows = db.session.execute(
        select(PlanItem, Student, EncounterOffer, Employer.name, PlanSession.number, PlanSession.tutor_group)
        .join(Student, Student.id == PlanItem.student_id)
        .join(EncounterOffer, EncounterOffer.id == PlanItem.offer_id)
        .join(Employer, Employer.id == EncounterOffer.employer_id)
        .join(PlanSession, PlanSession.id == PlanItem.session_id)
        .where(PlanItem.plan_id == plan_id, PlanItem.school_id == school_id)
        .order_by(Employer.name, EncounterOffer.id, PlanSession.number, Student.last_name, Student.id)
    ).all()
    return [SchoolItem(*row) for row in rows]


def decide(plan_id: int, school_id: int, item_ids: list[int] | None, status: str, user_id: int) -> int:
    """Approve or reject the school's proposed items of a kept plan (these, or all with None); how many."""
    query = (
        update(PlanItem)
        .where(
            PlanItem.plan_id == plan_id,
            PlanItem.school_id == school_id,
            PlanItem.status == "proposed",
            PlanItem.plan_id.in_(select(TermPlan.id).where(TermPlan.kept.is_(True))),
        )
        .values(status=status, decided_by_id=user_id, decided_at=utcnow())
    )
    if item_ids is not None:
        query = query.where(PlanItem.id.in_(item_ids))
    changed = int(cast(CursorResult[Any], db.session.execute(query)).rowcount)
    if changed:
        audit(user_id, f"plan_items_{status}", "term_plan", plan_id, school_id=school_id, items=changed)
    return changed


def counts_by_status(plan_id: int, school_id: int | None = None) -> dict[str, int]:
    """The plan's items by status (of one school, or all)."""
    query = select(PlanItem.status, func.count()).where(PlanItem.plan_id == plan_id).group_by(PlanItem.status)
    if school_id is not None:
        query = query.where(PlanItem.school_id == school_id)
    return {status: count for status, count in db.session.execute(query).all()}
