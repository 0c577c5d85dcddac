"""Event allocations: claim the allocation, allocate pupils to the hub's open events' slots with the engine,
save every proposal and waitlist in one transaction; and give a dead worker's allocation to another.

An allocation takes seconds, so it has no heartbeat: one still running after EVENT_STALE_SECONDS lost its
worker, and the repair task (Celery beat, every EVENT_REPAIR_SECONDS, on the schedule's queue so that it
never queues up ahead of a round) sends it again. A task delivered twice finds it claimed and does nothing;
an attempt that lost its claim meanwhile saves nothing.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from celery import Task, shared_task
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from web.dao import event_places
from web.dao import events as dao
from web.dao.base import transaction
from web.extensions import db
from web.models import EventAllocation
from web.models.base import utcnow
from workers.matching_tasks import MAX_RETRIES, TRANSIENT

if TYPE_CHECKING:
    from matcher.slots import SlotResult
    from workers.event_inputs import EventInputs

log = logging.getLogger(__name__)

BROKEN = "Something went wrong while allocating the events. Try again later."
UNAVAILABLE = "The allocation could not reach its database. Try again later."
# Pupils waiting for each session (an event's stands at one time): a fifth of its seats, and at least 10.
WAITLIST, WAITLIST_SHARE = 10, 0.2


class AllocationLostError(Exception):
    """The allocation stopped being this attempt's."""


def enqueue_allocation(allocation_id: int) -> bool:
    """Send a committed, queued allocation to a worker; False (logged) if the broker cannot be reached."""
    try:
        allocate_events.apply_async(args=[allocation_id])
    except Exception:
        log.exception("Could not send event allocation %s to a worker", allocation_id)
        return False
    return True


@shared_task(  # type: ignore[untyped-decorator]
    bind=True,
    name="matching.allocate_events",
    # A pupil given another place at the same time meanwhile makes the save clash: read again and retry.
    autoretry_for=(*TRANSIENT, IntegrityError),
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_jitter=True,
)
def allocate_events(self: Task, allocation_id: int) -> None:
    """Allocate pupils to the slots of the hub's open events; the allocation is its own record."""
    claim = uuid4().hex
    stale_before = utcnow() - timedelta(seconds=current_app.config["EVENT_STALE_SECONDS"])
    with transaction():
        claimed = dao.claim_allocation(allocation_id, claim, stale_before)
    if not claimed:
        log.info("Event allocation %s is finished or held by a live worker; nothing to do", allocation_id)
        return
    try:
        _attempt(allocation_id, claim)
    except AllocationLostError:
        db.session.rollback()
        log.info("Event allocation %s was taken over; its result is not saved", allocation_id)
    except (*TRANSIENT, IntegrityError):
        db.session.rollback()
        final = self.request.retries >= MAX_RETRIES
        _release_or_fail(allocation_id, claim, UNAVAILABLE if final else None)
        raise
    except Exception:
        db.session.rollback()
        log.exception("Event allocation %s failed", allocation_id)
        _release_or_fail(allocation_id, claim, BROKEN)


def _attempt(allocation_id: int, claim: str) -> None:
    # The engine (numpy, OR-Tools) loads on a worker's first allocation, not whenever the web app starts.
    from matcher.slots import allocate_slots
    from workers.event_inputs import load_event_inputs

    allocation = db.session.get(EventAllocation, allocation_id)
    if allocation is None:
        raise AllocationLostError
    _stage(allocation_id, claim, 20, "Reading pupils and slots")
    _pause_for_tests()
    inputs = load_event_inputs(allocation.hub_id, date.today())
    _stage(allocation_id, claim, 50, "Allocating places")
    result = allocate_slots(inputs.instance, seed=allocation.seed)
    places = _places(inputs, result)
    with transaction():
        if not dao.set_stage(allocation_id, claim, 90, "Saving places"):
            raise AllocationLostError
        proposed = event_places.save_allocation(allocation_id, places, inputs.invite_limits, inputs.event_ids)
        waiting = sum(status == "waitlisted" for _, _, status, _, _ in places)
        dao.finish_allocation(allocation_id, claim, "succeeded", _metrics(inputs, result, proposed, waiting))


def _pause_for_tests() -> None:
    # The fault tests kill a worker here, mid-allocation; the setting is zero outside tests.
    time.sleep(float(current_app.config["ROUND_PAUSE_SECONDS"]))


def _places(inputs: EventInputs, result: SlotResult) -> list[tuple[int, int, str, int | None, str]]:
    """(slot id, student id, status, waitlist rank, reason) for every place given and every pupil waiting.

    The engine gives sessions (see EventInputs); each session's pupils are dealt to its stands, those who
    already have a place in one of them first, each to the stand with most seats left that they may take.
    A pupil waiting for a session is queued once, at a stand of it they may take: whichever of its stands
    frees a seat offers it to the first in the session's queue who is free then (event_places.backfill).
    """
    from matcher.slots import summaries

    students, slots, rows = inputs.student_ids, inputs.slot_ids, inputs.rows
    reasons = summaries(inputs.instance, result)
    left = list(inputs.seats)
    given: dict[int, list[int]] = defaultdict(list)
    for p, j in zip(result.pair_pupil.tolist(), result.pair_slot.tolist(), strict=True):
        given[j].append(p)
    places: list[tuple[int, int, str, int | None, str]] = []
    for j, pupils in given.items():
        stands = inputs.sessions[j]
        for p in sorted(pupils, key=lambda p: students[p] not in rows):
            mine = rows.get(students[p], set())
            open_ = [i for i in stands if left[i] > 0 and slots[i] not in mine]
            if open_:  # always, but for a pupil whose only stands with seats left they have a place in
                i = max(open_, key=lambda i: left[i])
                left[i] -= 1
                places.append((slots[i], students[p], "proposed", None, reasons[p]))
    ptr, waiting = result.waitlist_ptr.tolist(), result.waitlist_pupil.tolist()
    seats = inputs.instance.capacity.tolist()
    for j, stands in enumerate(inputs.sessions):
        longest = max(WAITLIST, math.ceil(WAITLIST_SHARE * seats[j]))
        for rank, p in enumerate(waiting[ptr[j] : min(ptr[j + 1], ptr[j] + longest)], start=1):
            mine = rows.get(students[p], set())
            i = next(i for i in stands if slots[i] not in mine)  # the engine listed only such sessions
            places.append((slots[i], students[p], "waitlisted", rank, ""))
    return places


def _metrics(inputs: EventInputs, result: SlotResult, proposed: int, waiting: int) -> dict[str, Any]:
    """Figures for the hub's page: no pupil's data, only counts and seconds."""
    return {
        "events": len(inputs.event_ids),
        "slots": len(inputs.slot_ids),
        "pupils": len(inputs.student_ids),
        "pairs": int(inputs.instance.pref_slot.size),
        "proposed": proposed,
        "waitlisted": waiting,  # as saved: the engine lists every pupil who could wait, _places cuts it
        "fairness": result.fairness,
        "seconds": result.seconds,
    }


def _stage(allocation_id: int, claim: str, progress: int, stage: str) -> None:
    with transaction():
        if not dao.set_stage(allocation_id, claim, progress, stage):
            raise AllocationLostError


def _release_or_fail(allocation_id: int, claim: str, message: str | None) -> None:
    """Fail the allocation with this message, or (None) put it back in the queue for a retry."""
    try:
        with transaction():
            if message is None:
                dao.release_allocation(allocation_id, claim)
            else:
                dao.finish_allocation(allocation_id, claim, "failed", {}, message)
    except Exception:
        log.exception("Could not record the outcome of event allocation %s", allocation_id)


@shared_task(name="schedule.repair_event_allocations")  # type: ignore[untyped-decorator]
def repair_event_allocations() -> None:
    """Send again allocations whose worker died or whose message the broker lost. Run by Celery beat."""
    stale_before = utcnow() - timedelta(seconds=current_app.config["EVENT_STALE_SECONDS"])
    with transaction():
        stuck = list(
            db.session.scalars(
                select(EventAllocation.id).where(
                    (EventAllocation.status == "running") & (EventAllocation.started_at < stale_before)
                    | (EventAllocation.status == "queued") & (EventAllocation.created_at < stale_before)
                )
            )
        )
    for allocation_id in stuck:
        log.warning("Event allocation %s lost its worker or message; sent again", allocation_id)
        enqueue_allocation(allocation_id)
