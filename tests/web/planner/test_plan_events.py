"""A kept plan's sessions become events: the hub gives one a day, its approved pupils are invited (a pupil
approved later is invited on approval; one busy elsewhere then is not), the places count as booked once
(not as the plan's item too), and the register writes each attendee's record. Bad days are named and save
nothing; other roles, hubs and plans are refused."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import rows
from tests.web.planner.test_plans import _plan_here, _seed
from web.dao.plan_events import days_of
from web.dates import london_today
from web.extensions import db
from web.models import (
    EncounterEvent,
    EncounterOffer,
    EventPlace,
    EventSlot,
    ExperienceRecord,
    Hub,
    Notification,
    PlanItem,
    PlanSession,
    School,
    Student,
    TermPlan,
)
from web.planner.terms import term_dates

SCHEDULE, SESSIONS = "planner.schedule_session", "planner.plan_sessions"


@pytest.fixture
def hub(hub_admin_request: ClientRequest) -> Hub:
    return db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined,return-value]


def _kept(hub_admin_request: ClientRequest, hub: Hub) -> tuple[School, list[Student], TermPlan]:
    school, pupils = _seed(hub)
    plan = _plan_here(hub, hub_admin_request.user.id)  # type: ignore[attr-defined]
    hub_admin_request.post("planner.keep_plan", plan_id=plan.id)
    return school, pupils, plan


def _first_weekday(plan: TermPlan) -> date:
    day = max(term_dates(plan.academic_year, plan.term)[0], london_today()) + timedelta(days=7)
    return day + timedelta(days=(7 - day.weekday()) % 7)  # a Monday


def _tour(plan: TermPlan) -> PlanSession:
    found = db.session.scalar(
        select(PlanSession).where(PlanSession.plan_id == plan.id, PlanSession.tutor_group == "8A")
    )
    assert found is not None
    return found


def _when(day: date, starts: str = "10:00", ends: str = "13:00") -> dict[str, object]:
    return {
        "first_day": [str(day.day), str(day.month), str(day.year)],
        "starts": starts,
        "ends": ends,
        "venue": "Acme Engineering, Trafford Park",
    }


def test_a_session_given_a_day_invites_its_approved_pupils_and_the_register_records_them(
    hub_admin_request: ClientRequest,
    hub: Hub,
    sign_in_as,  # type: ignore[no-untyped-def]
) -> None:
    school, pupils, plan = _kept(hub_admin_request, hub)
    for n, pupil in enumerate(pupils):
        pupil.email, pupil.parent_email = f"p{n}@pupils.example", f"family{n}@example.org"
    db.session.commit()
    leader = sign_in_as(factories.create_user_for("careers_leader", school))
    tour = _tour(plan)
    late = db.session.scalar(
        select(PlanItem).where(PlanItem.session_id == tour.id, PlanItem.student_id == pupils[3].id)
    )
    assert late is not None
    late_id = late.id
    # Three of the tour's four approved now (the fourth is held back by hand, to be approved later).
    db.session.execute(update(PlanItem).where(PlanItem.id == late_id).values(status="approved"))
    db.session.commit()
    leader.post("planner.approve_plan", plan_id=plan.id)
    db.session.execute(update(PlanItem).where(PlanItem.id == late_id).values(status="proposed"))
    db.session.commit()
    ledger_before = {row[0]: row for row in rows(leader.get("planner.year_ledger", year="8"), "ledger")}

    listed = hub_admin_request.get(SESSIONS, plan_id=plan.id)
    links = [a["href"] for a in listed.select("#sessions-table a") if "Give it a day" in a.get_text()]
    assert f"/planner/plans/{plan.id}/sessions/{tour.id}" in links
    day = _first_weekday(plan)
    hub_admin_request.post(SCHEDULE, _when(day), plan_id=plan.id, session_id=tour.id)

    db.session.expire_all()
    tour = db.session.get(PlanSession, tour.id)  # type: ignore[assignment]
    event = db.session.get(EncounterEvent, tour.event_id)
    assert event is not None and event.status == "allocated" and event.held_on == day
    [slot] = db.session.scalars(select(EventSlot).where(EventSlot.event_id == event.id)).all()
    assert (slot.starts_at, slot.ends_at, slot.capacity) == (
        datetime.combine(day, time(10)),
        datetime.combine(day, time(13)),
        tour.seats,
    )
    places = db.session.scalars(select(EventPlace).where(EventPlace.slot_id == slot.id)).all()
    assert {place.student_id for place in places} == {pupil.id for pupil in pupils[:3]}
    assert {place.status for place in places} == {"invited"} and slot.places_taken == 3
    assert all("tutor group 8A" in place.reason for place in places)
    invitations = db.session.scalars(
        select(Notification.recipient).where(Notification.template == "event_invitation")
    ).all()
    addresses = [a for pupil in pupils[:3] for a in (pupil.email, pupil.parent_email) if a]
    assert sorted(invitations) == sorted(addresses)  # each pupil and their parent or carer
    # Booked once: the place now, not the plan's item as well.
    ledger_after = {row[0]: row for row in rows(leader.get("planner.year_ledger", year="8"), "ledger")}
    assert ledger_after == ledger_before
    assert f"On {day.day}" in leader.get("planner.school_plan").get_text()

    # The fourth is approved after the day was given: invited on approval.
    leader.post("planner.approve_plan", plan_id=plan.id)
    invited = db.session.scalars(
        select(EventPlace.student_id).where(EventPlace.slot_id == slot.id, EventPlace.status == "invited")
    ).all()
    assert set(invited) == {pupil.id for pupil in pupils[:4]}

    # The day comes (moved here to today), and the careers leader marks the register.
    today = london_today()
    moved = {"starts_at": datetime.combine(today, time(10)), "ends_at": datetime.combine(today, time(13))}
    db.session.execute(update(EncounterEvent).where(EncounterEvent.id == event.id).values(held_on=today))
    db.session.execute(update(EventSlot).where(EventSlot.id == slot.id).values(**moved))
    db.session.execute(update(EventPlace).where(EventPlace.slot_id == slot.id).values(**moved))
    db.session.commit()
    place = db.session.scalar(
        select(EventPlace).where(EventPlace.slot_id == slot.id, EventPlace.student_id == pupils[0].id)
    )
    leader.post("encounters.mark_place", {"attended": "yes"}, event_id=event.id, place_id=place.id)  # type: ignore[union-attr]
    [record] = db.session.scalars(select(ExperienceRecord).where(ExperienceRecord.student_id == pupils[0].id))
    assert (record.benchmark, record.hours, record.on_date) == ("6", 3, today)

    hub_admin_request.post(SCHEDULE, _when(day), plan_id=plan.id, session_id=tour.id)  # again: nothing
    assert db.session.scalar(select(func.count()).select_from(EncounterEvent)) == 1


def test_a_project_runs_on_weekdays_and_a_busy_pupil_is_left_out(
    hub_admin_request: ClientRequest,
    hub: Hub,
    sign_in_as,  # type: ignore[no-untyped-def]
) -> None:
    friday = date(2027, 3, 12)
    assert days_of(friday, 3) == [friday, date(2027, 3, 15), date(2027, 3, 16)]
    school, pupils, plan = _kept(hub_admin_request, hub)
    sign_in_as(factories.create_user_for("careers_leader", school)).post(
        "planner.approve_plan", plan_id=plan.id
    )
    tour = _tour(plan)
    db.session.execute(update(EncounterOffer).where(EncounterOffer.id == tour.offer_id).values(days=2))
    db.session.commit()
    day = _first_weekday(plan) + timedelta(days=4)  # a Friday: its second day is the Monday after
    # Pupil 0 already holds a place at another event on that Monday morning.
    elsewhere = factories.create_event(hub, [school], held_on=day + timedelta(days=3), status="allocated")
    factories.create_place(factories.create_slot(elsewhere, 11), pupils[0])
    hub_admin_request.post(SCHEDULE, _when(day, "09:00", "15:00"), plan_id=plan.id, session_id=tour.id)

    db.session.expire_all()
    event_id = db.session.get(PlanSession, tour.id).event_id  # type: ignore[union-attr]
    slots = db.session.scalars(
        select(EventSlot).where(EventSlot.event_id == event_id).order_by(EventSlot.starts_at)
    ).all()
    assert [slot.starts_at.date() for slot in slots] == [day, day + timedelta(days=3)]
    assert "day 2 of 2" in slots[1].label and [slot.places_taken for slot in slots] == [3, 3]
    invited = db.session.scalars(
        select(EventPlace.student_id).where(EventPlace.slot_id.in_([slot.id for slot in slots]))
    ).all()
    assert sorted(invited) == sorted(2 * [pupil.id for pupil in pupils[1:4]])  # each day; not pupil 0


def test_a_bad_day_is_named_and_nothing_is_saved(hub_admin_request: ClientRequest, hub: Hub) -> None:
    _, _, plan = _kept(hub_admin_request, hub)
    tour = _tour(plan)
    start, end = term_dates(plan.academic_year, plan.term)
    cases = [
        (_when(end + timedelta(days=3)), "The first day must be between"),
        ({**_when(_first_weekday(plan)), "ends": "09:00"}, "The end time must be after the start time"),
        ({**_when(_first_weekday(plan)), "starts": "25:00"}, "must be a real time"),
        ({**_when(_first_weekday(plan) + timedelta(days=5))}, "The first day must be a weekday"),
        ({**_when(_first_weekday(plan)), "venue": ""}, "Enter where it is"),
        (
            {**_when(_first_weekday(plan)), "first_day": ["9", "", "2027"]},
            "The first day must include a month",
        ),
    ]
    for answers, message in cases:
        page = hub_admin_request.post(
            SCHEDULE, answers, _expected_status=200, plan_id=plan.id, session_id=tour.id
        )
        assert message in page.get_text(), message
    assert db.session.scalar(select(func.count()).select_from(EncounterEvent)) == 0


def test_other_roles_hubs_and_plans_are_refused(
    hub_admin_request: ClientRequest,
    hub: Hub,
    careers_leader_request: ClientRequest,
    student_request: ClientRequest,
    employer_request: ClientRequest,
    sign_in_as,  # type: ignore[no-untyped-def]
) -> None:
    _, _, plan = _kept(hub_admin_request, hub)
    tour = _tour(plan)
    day = _when(_first_weekday(plan))
    for request in (careers_leader_request, student_request, employer_request):
        request.get(SESSIONS, _expected_status=403, plan_id=plan.id)
        request.post(SCHEDULE, day, _expected_status=403, plan_id=plan.id, session_id=tour.id)
    other_admin = sign_in_as(factories.create_user_for("hub_admin", factories.create_hub()))
    other_admin.get(SESSIONS, _expected_status=404, plan_id=plan.id)
    other_admin.post(SCHEDULE, day, _expected_status=404, plan_id=plan.id, session_id=tour.id)
    what_if = _plan_here(hub, hub_admin_request.user.id, seed=1)  # type: ignore[attr-defined]
    hub_admin_request.get(
        SESSIONS, _expected_status=404, plan_id=what_if.id
    )  # not kept: nothing to give a day
    other_session = db.session.scalar(select(PlanSession.id).where(PlanSession.plan_id == what_if.id))
    hub_admin_request.post(SCHEDULE, day, _expected_status=404, plan_id=plan.id, session_id=other_session)
    assert db.session.scalar(select(func.count()).select_from(EncounterEvent)) == 0
