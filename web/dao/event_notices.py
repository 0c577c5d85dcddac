"""The emails an event sends on its own schedule, each once however often beat runs: the day before, a
reminder to each invited pupil and their parent or carer; on the day, the register prompt to whoever marks
it; in the week after, the thank-you to each organisation that met pupils there. (The invitation goes on
approval, web/encounters/event_approvals.py; the question about how it went when the register says a pupil
came, web/dao/event_places.write_records.)"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from web.dao.users import reachable_leaders
from web.dao.vetting import employer_users
from web.emails import notify_many
from web.extensions import db
from web.models import EncounterEvent, EventPlace, EventSlot, Student

LIVE = ("allocated", "held")  # events with pupils in them
THANKS_WITHIN = timedelta(days=7)  # how long after the day a thank-you that beat missed is still sent


def send_due(today: date) -> int:
    """Queue every message due today (England's date) that has not been queued before; how many."""
    return _reminders(today + timedelta(days=1)) + _register_prompts(today) + _thanks(today)


def _reminders(day: date) -> int:
    rows = db.session.execute(
        select(EventPlace.id, Student.email, Student.parent_email)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .join(Student, Student.id == EventPlace.student_id)
        .where(
            # The slot's day, not the event's: a project's later days are its later slots.
            EventSlot.starts_at >= datetime.combine(day, time.min),
            EventSlot.starts_at < datetime.combine(day + timedelta(days=1), time.min),
            EncounterEvent.status.in_(LIVE),
            EventPlace.status == "invited",
        )
        .order_by(EventPlace.id)
    ).all()
    messages = [
        (f"event-reminder:{place_id}:{who}", address, {"place_id": place_id})
        for place_id, pupil, parent in rows
        for who, address in (("pupil", pupil), ("parent", parent))
    ]
    return len(notify_many("event_reminder", messages))


def _register_prompts(day: date) -> int:
    """To the users of each organisation running a slot, and the careers leaders of each school with a
    pupil invited."""
    live = select(EncounterEvent.id).where(EncounterEvent.held_on == day, EncounterEvent.status.in_(LIVE))
    runners = db.session.execute(
        select(EventSlot.event_id, EventSlot.employer_id)
        .where(EventSlot.event_id.in_(live), EventSlot.employer_id.is_not(None))
        .distinct()
    ).all()
    schools = db.session.execute(
        select(EventSlot.event_id, Student.school_id)
        .join(EventPlace, EventPlace.slot_id == EventSlot.id)
        .join(Student, Student.id == EventPlace.student_id)
        .where(EventSlot.event_id.in_(live), EventPlace.status == "invited")
        .distinct()
    ).all()
    users = [(event_id, user) for event_id, employer_id in runners for user in employer_users(employer_id)]
    users += [(event_id, user) for event_id, school_id in schools for user in reachable_leaders(school_id)]
    messages = [
        (f"event-register:{event_id}:{user.id}", user.email, {"event_id": event_id})
        for event_id, user in users
    ]
    return len(notify_many("event_register_prompt", messages))


def _thanks(today: date) -> int:
    """To the users of each organisation whose slots had a pupil marked present, after the day."""
    met = db.session.execute(
        select(EventSlot.event_id, EventSlot.employer_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .join(EventPlace, EventPlace.slot_id == EventSlot.id)
        .where(
            EncounterEvent.held_on.between(today - THANKS_WITHIN, today - timedelta(days=1)),
            EncounterEvent.status.in_(LIVE),
            EventSlot.employer_id.is_not(None),
            EventPlace.status == "attended",
        )
        .distinct()
    ).all()
    messages = [
        (f"event-thanks:{event_id}:{user.id}", user.email, {"event_id": event_id, "user_id": user.id})
        for event_id, employer_id in met
        for user in employer_users(employer_id)
    ]
    return len(notify_many("event_thanks", messages))
