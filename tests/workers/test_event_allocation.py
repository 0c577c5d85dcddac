"""The event allocation task, called as a function: pupils of the events' schools and year groups proposed
for slots (no encounter yet first), waitlists kept, a task delivered twice changing nothing, time already
held elsewhere respected, and slots over-invited by their format's no-show rate."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from web.dao import event_places
from web.dao import events as dao
from web.dao.base import transaction
from web.extensions import db
from web.models import EncounterEvent, EventAllocation, EventPlace, EventSlot, ExperienceRecord, Student
from workers.encounter_tasks import allocate_events


@pytest.fixture
def hub_fair(app: Flask) -> dict[str, Any]:
    """A fair with one slot of 2 seats for Year 9 of two schools: 3 pupils at each, one of whom had an
    encounter this year; a Year 10 pupil who is not invited."""
    hub = factories.create_hub()
    schools = [factories.create_school(hub), factories.create_school(hub)]
    event = factories.create_event(hub, schools)
    slot = factories.create_slot(event, capacity=2, invite_limit=2)
    pupils = [factories.create_student(school, year_group=9) for school in schools for _ in range(3)]
    factories.create_student(schools[0], year_group=10)
    met = pupils[0]
    db.session.add(ExperienceRecord(student_id=met.id, benchmark="5", title="Talk", on_date=date.today()))
    db.session.commit()
    admin = factories.create_user_for("hub_admin", hub)
    return {"hub": hub, "event": event, "slot": slot, "pupils": pupils, "met": met, "admin": admin}


def _allocate(world: dict[str, Any]) -> EventAllocation:
    with transaction():
        allocation = dao.start_allocation(world["hub"].id, world["admin"].id, seed=3)
    assert allocation is not None
    allocate_events.run(allocation.id)
    db.session.expire_all()
    return db.session.get(EventAllocation, allocation.id)


def _places(slot_id: int) -> dict[int, str]:
    rows = db.session.execute(
        select(EventPlace.student_id, EventPlace.status).where(EventPlace.slot_id == slot_id)
    )
    return dict(rows.all())


def test_an_allocation_proposes_each_schools_share_and_waitlists_the_rest(hub_fair: dict[str, Any]) -> None:
    allocation = _allocate(hub_fair)

    assert allocation.status == "succeeded", allocation.error
    places = _places(hub_fair["slot"].id)
    proposed = [pupil for pupil, status in places.items() if status == "proposed"]
    # 2 seats, and a format with no registers yet is taken to lose 1 in 10: 3 are invited.
    assert db.session.get(EventSlot, hub_fair["slot"].id).invite_limit == 3
    assert len(proposed) == 3
    assert hub_fair["met"].id not in proposed  # the others had no encounter yet: they come first
    schools = {db.session.get(type(hub_fair["pupils"][0]), pupil).school_id for pupil in proposed}
    assert len(schools) == 2  # each school gets its fair share
    assert sorted(places) == sorted(
        pupil.id for pupil in hub_fair["pupils"]
    )  # the Year 10 pupil is not there
    assert sorted(places.values()).count("waitlisted") == 3
    assert db.session.get(EventSlot, hub_fair["slot"].id).places_taken == 3
    assert db.session.get(EncounterEvent, hub_fair["event"].id).status == "allocated"
    assert allocation.metrics["proposed"] == 3 and allocation.metrics["pupils"] == 6
    assert allocation.metrics["waitlisted"] == 3
    reasons = db.session.scalars(select(EventPlace.reason).where(EventPlace.status == "proposed")).all()
    assert all(reason for reason in reasons)


def test_a_task_delivered_twice_allocates_once(hub_fair: dict[str, Any]) -> None:
    allocation = _allocate(hub_fair)

    allocate_events.run(allocation.id)

    assert db.session.scalar(select(func.count()).select_from(EventPlace)) == 6
    assert db.session.get(EventSlot, hub_fair["slot"].id).places_taken == 3


def test_a_pupil_busy_at_that_time_is_not_proposed(hub_fair: dict[str, Any]) -> None:
    other = factories.create_event(hub_fair["hub"], [], status="allocated", title="Talk")
    clash = factories.create_slot(other, hour=10)
    busy = [pupil for pupil in hub_fair["pupils"] if pupil.id != hub_fair["met"].id]
    for pupil in busy[:4]:
        factories.create_place(clash, pupil, "invited")

    _allocate(hub_fair)

    places = _places(hub_fair["slot"].id)
    assert all(pupil.id not in places for pupil in busy[:4])
    assert places[busy[4].id] == "proposed"


def test_slots_are_over_invited_by_the_formats_no_show_rate(hub_fair: dict[str, Any]) -> None:
    past = factories.create_event(
        hub_fair["hub"], [], status="held", held_on=date.today() - timedelta(days=30)
    )
    past_slot = factories.create_slot(past, capacity=60, invite_limit=60)
    school = factories.create_school(hub_fair["hub"])
    for n in range(60):
        factories.create_place(
            past_slot, factories.create_student(school, year_group=11), "absent" if n < 30 else "attended"
        )
    big = factories.create_slot(hub_fair["event"], hour=14, capacity=10, invite_limit=10, label="Big stand")

    _allocate(hub_fair)

    # Half of 60 did not come (smoothed toward 10% by 20 more), so 10 seats get ceil(10 / (1 - 0.4)) invites.
    assert db.session.get(EventSlot, big.id).invite_limit == 17


def test_stands_at_the_same_time_share_their_pupils_and_none_is_given_a_stand_twice(
    hub_fair: dict[str, Any],
) -> None:
    # A second stand beside the first, at the same time: 1 seat, so 2 invited; with the first's 3, 5 places.
    law = factories.create_slot(hub_fair["event"], capacity=1, invite_limit=1, label="Law stand")
    turned_down = hub_fair["pupils"][1]
    turned_down.disadvantaged = True  # served first, so the engine gives them that time
    factories.create_place(hub_fair["slot"], turned_down, "declined")

    _allocate(hub_fair)

    first, second = _places(hub_fair["slot"].id), _places(law.id)
    assert first[turned_down.id] == "declined" and second[turned_down.id] == "proposed"
    proposed = [p for places in (first, second) for p, status in places.items() if status == "proposed"]
    assert sorted(proposed) == sorted(set(proposed)) and len(proposed) == 5
    assert list(first.values()).count("proposed") == 3 and list(second.values()).count("proposed") == 2
    # The one left is queued once for that time; a seat freed at either stand is offered to them.
    waiting = db.session.execute(
        select(EventPlace.student_id, EventPlace.slot_id, EventPlace.waitlist_rank).where(
            EventPlace.status == "waitlisted"
        )
    ).all()
    assert len(waiting) == 1 and waiting[0][1:] == (hub_fair["slot"].id, 1)
    law_place, school = db.session.execute(
        select(EventPlace.id, Student.school_id)
        .join(Student, Student.id == EventPlace.student_id)
        .where(EventPlace.slot_id == law.id, EventPlace.status == "proposed")
    ).first()
    with transaction():
        assert event_places.reject(school, hub_fair["admin"].id, [law_place]) == [law_place]
    assert _places(law.id)[waiting[0][0]] == "proposed"
    assert waiting[0][0] not in _places(hub_fair["slot"].id)


def test_a_proposed_places_reason_says_why_in_brief(hub_fair: dict[str, Any]) -> None:
    _allocate(hub_fair)

    reason = db.session.scalar(
        select(EventPlace.reason).where(
            EventPlace.status == "proposed", EventPlace.student_id == hub_fair["pupils"][1].id
        )
    )
    assert reason.startswith("Priority group 2 of 4: no encounter yet this school year")
    assert "Given 1 of the 1 slots they may hold." in reason
    assert "Their school was owed" in reason
