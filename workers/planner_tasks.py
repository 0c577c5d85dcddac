"""The planner's task: a hub's term planned in a worker with progress, as rounds and event allocations are.

It takes the plan's id only, claims it (a second delivery, or a worker meeting one another holds, does
nothing), and stores the sessions and items in one transaction with the plan's figures, so a worker killed
mid-plan leaves nothing half-saved and the repair task gives it to a worker again.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import numpy as np
from celery import Task, shared_task
from flask import current_app
from sqlalchemy import select

from web.dao import plans as dao
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import TermPlan
from web.models.base import utcnow
from web.planner.gaps import PLANNED
from workers.matching_tasks import MAX_RETRIES, TRANSIENT

if TYPE_CHECKING:
    from web.planner.planning import Plan
    from workers.plan_inputs import PlanInputs

log = logging.getLogger(__name__)

BROKEN = "Something went wrong while planning the term. Try again later."
UNAVAILABLE = "The planner could not reach its database. Try again later."


class PlanLostError(Exception):
    """The plan stopped being this attempt's."""


def enqueue_plan(plan_id: int) -> bool:
    """Send a committed, queued plan to a worker; False (logged) if the broker cannot be reached."""
    try:
        make_plan.apply_async(args=[plan_id])
    except Exception:
        log.exception("Could not send term plan %s to a worker", plan_id)
        return False
    return True


@shared_task(  # type: ignore[untyped-decorator]
    bind=True,
    name="planner.make_plan",
    autoretry_for=TRANSIENT,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_jitter=True,
)
def make_plan(self: Task, plan_id: int) -> None:
    """Plan the hub's term: which pupils and tutor groups go to which offers' sessions, and why."""
    claim = uuid4().hex
    stale_before = utcnow() - timedelta(seconds=current_app.config["EVENT_STALE_SECONDS"])
    with transaction():
        claimed = dao.claim_plan(plan_id, claim, stale_before)
    if not claimed:
        log.info("Term plan %s is finished or held by a live worker; nothing to do", plan_id)
        return
    try:
        _attempt(plan_id, claim)
    except PlanLostError:
        db.session.rollback()
        log.info("Term plan %s was taken over; its result is not saved", plan_id)
    except TRANSIENT:
        db.session.rollback()
        final = self.request.retries >= MAX_RETRIES
        _release_or_fail(plan_id, claim, UNAVAILABLE if final else None)
        raise
    except Exception:
        db.session.rollback()
        log.exception("Term plan %s failed", plan_id)
        _release_or_fail(plan_id, claim, BROKEN)


def _attempt(plan_id: int, claim: str) -> None:
    from web.planner.planning import plan_term
    from workers.plan_inputs import load_plan_inputs

    plan = db.session.get(TermPlan, plan_id)
    if plan is None:
        raise PlanLostError
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    _stage(plan_id, claim, 20, "Reading pupils and offers")
    time.sleep(float(current_app.config["ROUND_PAUSE_SECONDS"]))  # the fault tests kill a worker here
    inputs = load_plan_inputs(plan, london_today())
    seconds["read"] = time.perf_counter() - started
    _stage(plan_id, claim, 50, "Planning the term")
    mark = time.perf_counter()
    result = plan_term(inputs.pupils, inputs.offers, inputs.group_school, inputs.group_year, seed=plan.seed)
    seconds["engine"] = time.perf_counter() - mark
    mark = time.perf_counter()
    sessions, items = rows_of(inputs, result)
    metrics = coverage(inputs, result)
    seconds["explain"] = time.perf_counter() - mark
    mark = time.perf_counter()
    with transaction():
        if not dao.set_stage(plan_id, claim, 90, "Saving the plan"):
            raise PlanLostError
        metrics["items"] = dao.save_plan(plan_id, sessions, items)
        metrics["sessions"] = len(sessions)
        seconds["save"] = time.perf_counter() - mark
        metrics["seconds"] = seconds
        dao.finish_plan(plan_id, claim, "succeeded", metrics)


def rows_of(inputs: PlanInputs, result: Plan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The plan's sessions and items: each offer's pupils in sessions of its seats, by school then tutor
    group, so a school's pupils go together; a whole group in a session of its own."""
    pupils, offers = inputs.pupils, inputs.offers
    whole: dict[int, set[int]] = defaultdict(set)  # offer -> pupils placed with their whole group
    sessions: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    numbers: dict[int, int] = defaultdict(int)
    _item = _Items(inputs)
    order = np.argsort(pupils.group, kind="stable")
    bounds = np.searchsorted(pupils.group[order], np.arange(len(inputs.group_names) + 1))
    for g, o in result.groups:
        members = order[bounds[g] : bounds[g + 1]]
        numbers[o] += 1
        sessions.append(
            _session(inputs, o, numbers[o], int(members.size), inputs.group_school[g], inputs.group_names[g])
        )
        for p in members.tolist():
            whole[o].add(p)
            items.append(_item(p, o, len(sessions) - 1))
    by_offer: dict[int, list[int]] = defaultdict(list)
    for p, o in zip(result.pupil.tolist(), result.offer.tolist(), strict=True):
        if p not in whole[o]:
            by_offer[o].append(p)
    school, group, student = pupils.school.tolist(), pupils.group.tolist(), inputs.student_ids.tolist()
    for o, people in sorted(by_offer.items()):
        people.sort(key=lambda p: (school[p], group[p], student[p]))
        seats = int(offers.seats[o])
        for start in range(0, len(people), seats):
            chunk = people[start : start + seats]
            numbers[o] += 1
            sessions.append(_session(inputs, o, numbers[o], len(chunk), None, None))
            items.extend(_item(p, o, len(sessions) - 1) for p in chunk)
    return sessions, items


def _session(
    inputs: PlanInputs, o: int, number: int, taken: int, school: Any, group: str | None
) -> dict[str, Any]:
    return {
        "offer_id": inputs.offer_ids[o],
        "number": number,
        "school_id": None if school is None else inputs.school_ids[int(school)],
        "tutor_group": group,
        "seats": max(int(inputs.offers.seats[o]), taken),
        "places_taken": taken,
    }


class _Items:
    """Items made from plain lists (numpy's per-element reads would cost seconds over 600,000 items)."""

    def __init__(self, inputs: PlanInputs) -> None:
        pupils, offers = inputs.pupils, inputs.offers
        self.offer_ids, self.school_ids = inputs.offer_ids, inputs.school_ids
        self.student_ids, self.school = inputs.student_ids.tolist(), pupils.school.tolist()
        self.need, self.at_risk = pupils.need.round(1).tolist(), pupils.at_risk.tolist()
        self.priority = pupils.priority.tolist()
        self.measure, self.amount = offers.measure.tolist(), offers.amount.round(1).tolist()

    def __call__(self, p: int, o: int, session_index: int) -> dict[str, Any]:
        column = self.measure[o]
        return {
            "session_index": session_index,
            "offer_id": self.offer_ids[o],
            "school_id": self.school_ids[self.school[p]],
            "student_id": self.student_ids[p],
            "measure": PLANNED[column],
            "amount": self.amount[o],
            "need": self.need[p][column],
            "at_risk": self.at_risk[p][column],
            "priority": self.priority[p],
        }


def coverage(inputs: PlanInputs, result: Plan) -> dict[str, Any]:
    """Per group, the pupils short of something this year, those the plan gives a place, and the share of
    their shortfall it covers (in each measure's own units, capped at the need)."""
    pupils, offers = inputs.pupils, inputs.offers
    n = pupils.school.size
    short = (pupils.need > 0).any(axis=1)
    given = np.zeros(n, dtype=bool)
    given[result.pupil] = True
    filled = np.zeros_like(pupils.need)
    np.add.at(filled, (result.pupil, offers.measure[result.offer]), offers.amount[result.offer])
    covered = np.minimum(filled, pupils.need).sum(axis=1)
    needed = pupils.need.sum(axis=1)
    no_experience = inputs.no_experience
    groups = {
        "all": np.ones(n, dtype=bool),
        "priority": pupils.priority,
        "at_risk": pupils.at_risk.any(axis=1),
        "no_experience": no_experience,
    }
    found: dict[str, Any] = {"places": int(result.pupil.size)}
    for name, members in groups.items():
        wanting = members & short
        found[name] = {
            "short": int(wanting.sum()),
            "given": int((wanting & given).sum()),
            "covered": round(float(covered[wanting].sum() / max(needed[wanting].sum(), 1e-9)), 4),
        }
    return found


def _stage(plan_id: int, claim: str, progress: int, stage: str) -> None:
    with transaction():
        if not dao.set_stage(plan_id, claim, progress, stage):
            raise PlanLostError


def _release_or_fail(plan_id: int, claim: str, message: str | None) -> None:
    try:
        with transaction():
            if message is None:
                dao.release_plan(plan_id, claim)
            else:
                dao.finish_plan(plan_id, claim, "failed", {}, message)
    except Exception:
        db.session.rollback()
        log.exception("Could not record the end of term plan %s", plan_id)


@shared_task(name="schedule.repair_term_plans")  # type: ignore[untyped-decorator]
def repair_term_plans() -> None:
    """Send again every plan left queued, or running past its time (its worker died)."""
    stale_before = utcnow() - timedelta(seconds=current_app.config["EVENT_STALE_SECONDS"])
    waiting = db.session.scalars(
        select(TermPlan.id).where(
            (TermPlan.status == "queued")
            | ((TermPlan.status == "running") & (TermPlan.started_at < stale_before))
        )
    ).all()
    db.session.rollback()
    for plan_id in waiting:
        enqueue_plan(plan_id)
