"""Pupils' event places: the database keeps a pupil out of two slots at once and a slot within its invite
limit (also under concurrent writers); approving, turning down and giving up places; the waitlist refills."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests import db as factories
from tests.web.students.test_offer_concurrency import _race
from web.dao import event_places as dao
from web.dao.base import transaction
from web.extensions import db
from web.models import EventAllocation, EventPlace, EventSlot, ExperienceRecord


@pytest.fixture
def fair(app: Flask) -> dict[str, Any]:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    event = factories.create_event(hub, [school])
    leader = factories.create_user_for("careers_leader", school)
    slot = factories.create_slot(event, hour=10)
    return {"hub": hub, "school": school, "event": event, "slot": slot, "leader": leader.id}


def test_a_pupil_cannot_hold_two_places_that_overlap(fair: dict[str, Any]) -> None:
    pupil = factories.create_student(fair["school"], year_group=9)
    factories.create_place(fair["slot"], pupil, "invited")
    half_past = factories.create_slot(fair["event"], hour=10, label="Law stand")
    half_past.starts_at += timedelta(minutes=30)
    half_past.ends_at += timedelta(minutes=30)
    db.session.commit()

    with pytest.raises(IntegrityError):
        factories.create_place(half_past, pupil, "proposed")
    db.session.rollback()


def test_places_that_hold_no_time_may_overlap_and_back_to_back_ones_may_be_held(fair: dict[str, Any]) -> None:
    pupil = factories.create_student(fair["school"], year_group=9)
    factories.create_place(fair["slot"], pupil, "invited")
    same_time = factories.create_slot(fair["event"], hour=10, label="Law stand")
    next_hour = factories.create_slot(fair["event"], hour=11, label="Nursing stand")

    factories.create_place(same_time, pupil, "waitlisted")
    factories.create_place(next_hour, pupil, "invited")

    statuses = db.session.scalars(select(EventPlace.status).where(EventPlace.student_id == pupil.id)).all()
    assert sorted(statuses) == ["invited", "invited", "waitlisted"]


def test_a_waitlisted_place_cannot_become_held_over_another(fair: dict[str, Any]) -> None:
    pupil = factories.create_student(fair["school"], year_group=9)
    factories.create_place(fair["slot"], pupil, "invited")
    waiting = factories.create_place(
        factories.create_slot(fair["event"], hour=10, label="Law"), pupil, "waitlisted"
    )

    waiting.status, waiting.waitlist_rank = "proposed", None
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_slot_takes_no_more_than_its_invite_limit(fair: dict[str, Any]) -> None:
    slot = factories.create_slot(fair["event"], hour=13, capacity=1, invite_limit=1)
    factories.create_place(slot, factories.create_student(fair["school"], year_group=9), "invited")

    with pytest.raises(IntegrityError):
        factories.create_place(slot, factories.create_student(fair["school"], year_group=9), "invited")
    db.session.rollback()


def test_two_writers_cannot_give_one_pupil_overlapping_places(app: Flask, fair: dict[str, Any]) -> None:
    pupil = factories.create_student(fair["school"], year_group=9)
    other = factories.create_slot(fair["event"], hour=10, label="Law stand")
    slots = [
        (fair["slot"].id, fair["slot"].starts_at, fair["slot"].ends_at),
        (other.id, other.starts_at, other.ends_at),
    ]

    def hold(slot_id: int, starts: Any, ends: Any) -> Any:
        def call() -> bool:
            with transaction():
                db.session.add(
                    EventPlace(
                        slot_id=slot_id, student_id=pupil.id, status="invited", starts_at=starts, ends_at=ends
                    )
                )
            return True

        return call

    results = _race(app, [hold(*slot) for slot in slots])

    assert sum(result is True for result in results) == 1
    assert [type(result) for result in results if result is not True] == [IntegrityError]
    assert db.session.scalar(select(EventPlace.id).where(EventPlace.student_id == pupil.id)) is not None


def test_turning_a_place_down_proposes_the_next_pupil_free_at_that_time(fair: dict[str, Any]) -> None:
    slot = factories.create_slot(fair["event"], hour=14, capacity=1, invite_limit=1)
    proposed = factories.create_place(
        slot, factories.create_student(fair["school"], year_group=9), "proposed"
    )
    busy, free = (factories.create_student(fair["school"], year_group=9) for _ in range(2))
    factories.create_place(factories.create_slot(fair["event"], hour=14, label="Busy then"), busy, "invited")
    factories.create_place(slot, busy, "waitlisted", waitlist_rank=1)
    factories.create_place(slot, free, "waitlisted", waitlist_rank=2)

    with transaction():
        assert dao.reject(fair["school"].id, fair["leader"], [proposed.id]) == [proposed.id]

    places = dict(
        db.session.execute(
            select(EventPlace.student_id, EventPlace.status).where(EventPlace.slot_id == slot.id)
        ).all()
    )
    assert places[busy.id] == "waitlisted"
    assert places[free.id] == "proposed"
    assert db.session.get(EventSlot, slot.id).places_taken == 1


def test_a_careers_leader_decides_only_their_own_pupils_places(fair: dict[str, Any]) -> None:
    other_school = factories.create_school(fair["hub"])
    theirs = factories.create_place(
        fair["slot"], factories.create_student(other_school, year_group=9), "proposed"
    )

    with transaction():
        assert dao.approve(fair["school"].id, fair["leader"], [theirs.id]) == []
        assert dao.reject(fair["school"].id, fair["leader"], [theirs.id]) == []

    assert db.session.get(EventPlace, theirs.id).status == "proposed"


def test_an_attended_place_is_recorded_once_however_often_it_is_marked(fair: dict[str, Any]) -> None:
    place = factories.create_place(
        fair["slot"], factories.create_student(fair["school"], year_group=9), "invited"
    )

    for attended in (True, True, False, True, True):
        with transaction():
            assert dao.mark(place.id, attended, fair["leader"])

    records = db.session.scalars(
        select(ExperienceRecord).where(ExperienceRecord.event_place_id == place.id)
    ).all()
    assert [(r.benchmark, r.kind, r.title) for r in records] == [
        ("5", "careers_fair", "Spring careers fair: Engineering stand")
    ]
    assert records[0].on_date == fair["event"].held_on


def test_an_absent_pupil_gets_no_record(fair: dict[str, Any]) -> None:
    place = factories.create_place(
        fair["slot"], factories.create_student(fair["school"], year_group=9), "invited"
    )

    with transaction():
        assert dao.mark(place.id, False, fair["leader"])

    assert (
        db.session.scalar(select(ExperienceRecord.id).where(ExperienceRecord.event_place_id == place.id))
        is None
    )
    assert db.session.get(EventPlace, place.id).status == "absent"


def test_a_workplace_visit_is_recorded_as_benchmark_6_with_its_hours(fair: dict[str, Any]) -> None:
    visit = factories.create_event(
        fair["hub"], [fair["school"]], format="workplace_visit", title="Factory tour"
    )
    slot = factories.create_slot(visit, hour=9)
    slot.ends_at += timedelta(hours=2)
    db.session.commit()
    place = factories.create_place(slot, factories.create_student(fair["school"], year_group=9), "invited")

    with transaction():
        dao.mark(place.id, True, fair["leader"])

    record = db.session.scalars(
        select(ExperienceRecord).where(ExperienceRecord.event_place_id == place.id)
    ).one()
    assert (record.benchmark, record.kind, str(record.hours)) == ("6", "workplace_visit", "3.0")


def test_an_allocations_saved_places_keep_their_times_and_reasons_as_written(fair: dict[str, Any]) -> None:
    pupils = [factories.create_student(fair["school"], year_group=9) for _ in range(2)]
    slot = fair["slot"]
    reason = "Priority group 1 of 4.\tGiven 1 of 2; C:\\path\nA second line"
    allocation = EventAllocation(
        hub_id=fair["hub"].id, seed=0, status="running", progress=90, stage="", error=""
    )
    db.session.add(allocation)
    db.session.commit()
    with transaction():
        saved = dao.save_allocation(
            allocation.id,
            [(slot.id, pupils[0].id, "proposed", None, reason), (slot.id, pupils[1].id, "waitlisted", 1, "")],
            {slot.id: slot.invite_limit},
            [fair["event"].id],
        )

    assert saved == 1
    rows = db.session.execute(
        select(EventPlace.student_id, EventPlace.status, EventPlace.waitlist_rank, EventPlace.reason)
        .add_columns(EventPlace.starts_at, EventPlace.ends_at)
        .where(EventPlace.slot_id == slot.id)
        .order_by(EventPlace.student_id)
    ).all()
    assert [tuple(row) for row in rows] == [
        (pupils[0].id, "proposed", None, reason, slot.starts_at, slot.ends_at),
        (pupils[1].id, "waitlisted", 1, "", slot.starts_at, slot.ends_at),
    ]
    assert db.session.get(EventSlot, slot.id).places_taken == 1
