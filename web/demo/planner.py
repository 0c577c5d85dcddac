"""The demo hub's year planner, so `make run` shows it at work: next term planned by the planner's own task
and kept by the hub admin, half the first school's sessions approved by its careers leader and the rest
waiting for them, and the hub's asks of its employers drafted from what the plan leaves short and sent, the
demo employer having accepted one part of theirs and left the rest to answer.

The hub keeps the default entitlement targets (a hub with none of its own uses them, and the targets page
says so), so none are saved. Each step calls what the page or the worker it stands in for calls, in
transactions of their own as theirs are; the task runs here as a function, so no worker is needed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from web.dao import asks, plans
from web.dao.base import transaction
from web.extensions import db
from web.models import Employer, EncounterOffer, PlanItem, School, Student, TermPlan, User
from web.planner.terms import coming_terms, term_dates
from workers.planner_tasks import make_plan

SEED = 2026
# Group formats for the demo's Years 10 to 12 (web/demo/encounters.py's are for Key Stage 3), available all
# next term: organisation -> format, year groups, smallest and largest group, hours, days, whole group,
# staff places, travel km, sessions a term, when.
# fmt: off
OFFERS: dict[str, list[tuple[Any, ...]]] = {
    "Piccadilly Business Services": [
        ("workplace_visit", [10], 15, 30, "2", 1, True, 2, 20, 4, "A two-hour tour for a tutor group"),
        ("workplace_project", [10, 11], 4, 8, "15", 3, False, 0, 20, 2, "Three days running"),
    ],
    "Northern Quarter Digital": [
        ("workplace_visit", [12], 10, 30, "3", 1, True, 2, 20, 2, "A morning in the studio for a class"),
    ],
}
# fmt: on


def add(hub_id: int, school_id: int, today: date) -> None:
    """Plan, keep and half approve next term's plan for the school, then draft and send the term's asks
    and accept part of the demo employer's. Nothing if the hub has any term plan already."""
    if db.session.scalar(select(TermPlan.id).where(TermPlan.hub_id == hub_id).limit(1)) is not None:
        return
    admin, leader, employer = _users(hub_id, school_id)
    year, term = coming_terms(today)[1]  # next term: nothing of it has happened yet
    with transaction():
        _offers(hub_id, term_dates(year, term))
        plan = plans.start_plan(hub_id, year, term, SEED, admin.id)
        if plan is None:
            raise RuntimeError("The demo hub is making a term plan already")
    make_plan(plan.id)  # the worker's task, called as a function: its claim, engine and save
    with transaction():
        db.session.refresh(plan)
        if not plans.keep_plan(plan, admin.id):
            raise RuntimeError(f"The demo's term plan could not be kept: {plan.status} {plan.error}")
        _approve_half(plan.id, school_id, leader.id)
    with transaction():
        drafted = asks.draft_asks(hub_id, year, term, admin.id, today)
        if isinstance(drafted, str):
            raise RuntimeError(drafted)
        asks.send_asks(hub_id, year, term, admin.id)
    with transaction():
        _accept_part(hub_id, employer, today)


def _users(hub_id: int, school_id: int) -> tuple[User, User, User]:
    """The hub's admin, the school's careers leader and an employer user of the hub (the demo's logins)."""

    def first(*where: Any) -> User:
        found = db.session.scalar(select(User).where(*where).order_by(User.id).limit(1))
        if found is None:
            raise RuntimeError("The demo hub has no login for the planner's steps")
        return found

    return (
        first(User.role == "hub_admin", User.hub_id == hub_id),
        first(User.role == "careers_leader", User.school_id == school_id),
        first(
            User.role == "employer",
            User.employer_id.in_(select(Employer.id).where(Employer.hub_id == hub_id)),
        ),
    )


def _offers(hub_id: int, term: tuple[date, date]) -> None:
    organisations = db.session.execute(
        select(Employer.name, Employer.id, Employer.route).where(
            Employer.hub_id == hub_id, Employer.name.in_(OFFERS), Employer.status == "approved"
        )
    ).all()
    for name, employer_id, route in organisations:
        for format_, years, smallest, largest, hours, days, whole, staff, km, per_term, when in OFFERS[name]:
            db.session.add(
                EncounterOffer(
                    employer_id=employer_id,
                    format=format_,
                    route=route,
                    pathway="both",
                    year_groups=years,
                    group_min=smallest,
                    group_max=largest,
                    hours=Decimal(hours),
                    days=days,
                    whole_group=whole,
                    staff_places=staff,
                    location="workplace",
                    travel_km=km,
                    available_from=term[0],
                    available_until=term[1],
                    availability_note=when,
                    per_term=per_term,
                    status="offered",
                )
            )


def _approve_half(plan_id: int, school_id: int, leader_id: int) -> None:
    """The careers leader approves the school's first half of its sessions, the rest left proposed."""
    sessions = list(
        db.session.scalars(
            select(PlanItem.session_id)
            .where(PlanItem.plan_id == plan_id, PlanItem.school_id == school_id)
            .distinct()
            .order_by(PlanItem.session_id)
        )
    )
    chosen = sessions[: len(sessions) // 2]
    items = db.session.scalars(
        select(PlanItem.id).where(
            PlanItem.plan_id == plan_id, PlanItem.school_id == school_id, PlanItem.session_id.in_(chosen)
        )
    )
    plans.decide(plan_id, school_id, list(items), "approved", leader_id)


def _accept_part(hub_id: int, user: User, today: date) -> None:
    """The employer accepts the first part of its ask that the hub's pupils' year groups can take."""
    years = set(
        db.session.scalars(
            select(Student.year_group)
            .join(School, School.id == Student.school_id)
            .where(School.hub_id == hub_id, Student.left_on.is_(None))
            .distinct()
        )
    )
    employer_id = int(user.employer_id or 0)
    for row in asks.asks_of_employer(employer_id):
        for part in row.parts:
            if years & set(part.year_groups):
                accepted = asks.accept_part(employer_id, part.id, user.id, today)
                if isinstance(accepted, str):
                    raise RuntimeError(accepted)
                return
