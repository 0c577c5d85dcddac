"""What the hub's asks are sized from: the shortfall a term's kept plan leaves per measure, and the hub's
engaged employers with their past offers, most past sessions first (web/dao/asks.py drafts from them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from sqlalchemy import func, select

from web.dao import entitlements
from web.dao.amounts import amounts_of, current_pupils
from web.extensions import db
from web.models import (
    Employer,
    EncounterEvent,
    EncounterOffer,
    EventSlot,
    PlanItem,
    PlanSession,
    Student,
    TermPlan,
)
from web.planner.gaps import MEASURE_OF, PLANNED, gaps, shortfall


def measure_of(format: str) -> int:
    """The column of PLANNED a format fills (web/planner/gaps.py's MEASURE_OF)."""
    return MEASURE_OF.get(format, 0)


def per_session(format: str, group_max: int, hours: Decimal) -> float:
    """What one session gives of its measure at the most: a seat an encounter, or its hours each seat."""
    return group_max * (float(hours) if measure_of(format) == 2 else 1.0)


def shortfall_left(plan: TermPlan, today: date) -> np.ndarray:
    """Per measure of PLANNED, what the hub's pupils still need this year once the plan's places are given.

    Worked out per pupil as the plan's task does (workers/plan_inputs.py): each pupil's need from the
    ledger's rules, with the term's own kept-plan places left out (amounts_of's `replanned`), less what
    the plan's items not rejected give them, never below nothing; then summed. Read here, not from the
    plan's metrics, whose coverage is a share across measures and not an amount per measure."""
    rows = current_pupils(plan.hub_id, Student.year_group)
    student_ids = np.array([row.id for row in rows], dtype=np.int64)
    year_group = np.array([row.year_group for row in rows], dtype=np.int64)
    amounts = amounts_of(plan.hub_id, student_ids, today, (plan.academic_year, plan.term))
    need = shortfall(gaps(entitlements.targets_of(plan.hub_id), year_group, amounts, today), len(rows))
    given = np.zeros_like(need)
    for student_id, measure, amount in db.session.execute(
        select(PlanItem.student_id, PlanItem.measure, PlanItem.amount).where(
            PlanItem.plan_id == plan.id, PlanItem.status != "rejected"
        )
    ):
        at = int(np.searchsorted(student_ids, student_id))
        if at < len(student_ids) and student_ids[at] == student_id and measure in PLANNED:
            given[at, PLANNED.index(measure)] += float(amount)
    left: np.ndarray = np.maximum(need - given, 0).sum(axis=0)
    return left


@dataclass(frozen=True)
class Engaged:
    """An engaged employer: its id, how many sessions it ran before, and its past offers (a model each)."""

    employer_id: int
    past_sessions: int
    models: list[EncounterOffer]


def engaged_employers(hub_id: int, academic_year: int, term: int, today: date) -> list[Engaged]:
    """The hub's approved organisations with an encounter offer (any status) or a past event slot they ran,
    most past sessions first (event slots held, and their offers' sessions in earlier terms' kept plans),
    then by name. Each one's models: its latest offer of each format and whole-group or not."""
    offers = db.session.scalars(
        select(EncounterOffer)
        .join(Employer, Employer.id == EncounterOffer.employer_id)
        .where(Employer.hub_id == hub_id, Employer.status == "approved")
        .order_by(EncounterOffer.id.desc())
    ).all()
    slots = dict(
        db.session.execute(
            select(EventSlot.employer_id, func.count())
            .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
            .join(Employer, Employer.id == EventSlot.employer_id)
            .where(
                Employer.hub_id == hub_id,
                Employer.status == "approved",
                EncounterEvent.status != "cancelled",
                EncounterEvent.held_on < today,
            )
            .group_by(EventSlot.employer_id)
        ).all()
    )
    planned = dict(
        db.session.execute(
            select(EncounterOffer.employer_id, func.count())
            .join(PlanSession, PlanSession.offer_id == EncounterOffer.id)
            .join(TermPlan, TermPlan.id == PlanSession.plan_id)
            .where(
                TermPlan.hub_id == hub_id,
                TermPlan.kept.is_(True),
                (TermPlan.academic_year < academic_year)
                | ((TermPlan.academic_year == academic_year) & (TermPlan.term < term)),
            )
            .group_by(EncounterOffer.employer_id)
        ).all()
    )
    models: dict[int, dict[tuple[str, bool], EncounterOffer]] = {}
    for offer in offers:  # newest first: the first of each kind is its model
        models.setdefault(offer.employer_id, {}).setdefault((offer.format, offer.whole_group), offer)
    names = dict(
        db.session.execute(
            select(Employer.id, Employer.name).where(Employer.id.in_(set(models) | set(slots)))
        ).all()
    )
    found = [
        Engaged(
            employer_id,
            int(slots.get(employer_id, 0)) + int(planned.get(employer_id, 0)),
            sorted(models.get(employer_id, {}).values(), key=lambda offer: offer.id),
        )
        for employer_id in names
    ]
    found.sort(key=lambda one: (-one.past_sessions, names[one.employer_id], one.employer_id))
    return found
