"""The demo hub's events, so `make run` shows both ends of one: a mock-interview day a fortnight ago whose
register was marked (the demo pupil went; two others did not come) and five of those who went said how it
went, and a careers fair three weeks on, open,
ready for the hub admin to allocate and the careers leader to approve."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from web.dao import event_places
from web.extensions import db
from web.models import EncounterEvent, EventPlace, EventSchool, EventSlot, PupilFeedback

Row = dict[str, Any]
STANDS = (
    "Engineering and manufacturing",
    "Health and science",
    "Digital",
    "Construction",
    "Legal and finance",
)
FAIR_PERIODS = (time(9, 30), time(10, 15), time(11, 0))
# (learned something, wants to find out more, rating) of the pupils who went to the mock interviews.
FEEDBACK = ((True, True, 5), (True, False, 4), (True, True, 4), (False, False, 3), (True, True, 5))


def add(
    hub_id: int, schools: list[Row], employer: Row, students: list[Row], user_id: int, today: date
) -> None:
    """The past mock-interview day (the first school's first pupils) and the coming fair (three schools'
    Year 9 and 10), all in the caller's transaction."""
    _past_interviews(hub_id, schools[0], employer, students, user_id, today)
    fair = _event(
        hub_id, "Spring careers fair", "careers_fair", today + timedelta(days=21), [9, 10], len(FAIR_PERIODS)
    )
    db.session.add_all(EventSchool(event_id=fair.id, school_id=school["id"]) for school in schools[:3])
    for start in FAIR_PERIODS:
        begins = datetime.combine(fair.held_on, start)
        for stand in STANDS:
            db.session.add(
                EventSlot(
                    event_id=fair.id,
                    label=f"{stand} stand",
                    starts_at=begins,
                    ends_at=begins + timedelta(minutes=40),
                    capacity=25,
                    invite_limit=25,
                    places_taken=0,
                )
            )


def _event(
    hub_id: int, title: str, format_: str, day: date, years: list[int], max_slots: int
) -> EncounterEvent:
    event = EncounterEvent(
        hub_id=hub_id,
        title=title,
        format=format_,
        route=None,
        pathway="both",
        held_on=day,
        venue="Manchester Central, Windmill Street",
        year_groups=years,
        max_slots=max_slots,
        status="open",
    )
    db.session.add(event)
    db.session.flush()
    return event


def _past_interviews(
    hub_id: int, school: Row, employer: Row, students: list[Row], user_id: int, today: date
) -> None:
    pupils = [student for student in students if student["school_id"] == school["id"]][:8]
    day = today - timedelta(days=14)
    event = _event(
        hub_id, "Mock interview morning", "mock_interviews", day, sorted({p["year_group"] for p in pupils}), 1
    )
    event.status = "held"
    db.session.add(EventSchool(event_id=event.id, school_id=school["id"]))
    slots = []
    for n in range(len(pupils)):
        begins = datetime.combine(day, time(9)) + timedelta(minutes=20 * n)
        slot = EventSlot(
            event_id=event.id,
            label=f"Interview with {employer['name']}",
            employer_id=employer["id"],
            starts_at=begins,
            ends_at=begins + timedelta(minutes=20),
            capacity=1,
            invite_limit=1,
            places_taken=1,
        )
        db.session.add(slot)
        slots.append(slot)
    db.session.flush()
    for n, (slot, pupil) in enumerate(zip(slots, pupils, strict=True)):
        place = EventPlace(
            slot_id=slot.id,
            student_id=pupil["id"],
            status="invited",
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            decided_by_id=user_id,
        )
        db.session.add(place)
        db.session.flush()
        # The demo pupil (the first) went; the last two did not come: the format's no-show rate.
        event_places.mark(place.id, n < len(pupils) - 2, user_id)
        # Those between said how it went, enough for the quality report; the demo pupil has yet to.
        if 0 < n < len(pupils) - 2:
            learned, wants_more, rating = FEEDBACK[n % len(FEEDBACK)]
            db.session.add(
                PupilFeedback(place_id=place.id, learned=learned, wants_more=wants_more, rating=rating)
            )
