"""What the emails about events say: the invitation a pupil (and their parent or carer) gets once their
careers leader approves the place, the reminder the day before with a calendar entry, the prompt on the day
to mark the register, the pupil's question afterwards about how it went, and the organisation's thank-you
with whom it has met this year."""

from __future__ import annotations

from datetime import date
from typing import Any

from web import calendar
from web.dao import event_feedback
from web.dao.event_places import invitees
from web.dates import academic_year_of, london_today, long_date
from web.emails import email, link, notify_many
from web.extensions import db
from web.models import EncounterEvent, EventPlace, EventSlot, PupilFeedback, User
from web.models.event_feedback import RATINGS
from web.reports.encounter_figures import SUPPRESS_UNDER


def send_invitations(place_ids: list[int]) -> None:
    """Queue the invitation to each of these places, to the pupil and their parent or carer, once each
    (in the caller's transaction, so only approved places that are saved are sent)."""
    messages = [
        (f"event_invitation:{place_id}{who}", address, {"place_id": place_id})
        for place_id, pupil, parent in invitees(place_ids)
        for who, address in (("", pupil), (":parent", parent))
    ]
    notify_many("event_invitation", messages)


@email("event_invitation")
def event_invitation(place_id: int) -> dict[str, Any] | None:
    """To a pupil and their parent or carer: a place at an event, approved by the school."""
    place = db.session.get(EventPlace, place_id)
    if place is None or place.status != "invited":
        return None  # declined or withdrawn since it was queued
    slot = db.session.get(EventSlot, place.slot_id)
    event = db.session.get(EncounterEvent, slot.event_id) if slot else None
    if slot is None or event is None:
        return None
    return {
        "title": event.title,
        "format": event.format_label,
        "slot": slot.label,
        "day": long_date(slot.starts_at.date()),  # a project's later days are its later slots
        "time": f"{slot.starts_at:%H:%M} to {slot.ends_at:%H:%M}",
        "venue": event.venue,
        "link": link("students.home"),
    }


def _place(place_id: int, status: str) -> tuple[EventPlace, EventSlot, EncounterEvent] | None:
    place = db.session.get(EventPlace, place_id)
    slot = db.session.get(EventSlot, place.slot_id) if place and place.status == status else None
    event = db.session.get(EncounterEvent, slot.event_id) if slot else None
    return None if place is None or slot is None or event is None else (place, slot, event)


@email("event_reminder")
def event_reminder(place_id: int) -> dict[str, Any] | None:
    """To a pupil and their parent or carer the day before: where and when, with a calendar entry."""
    found = _place(place_id, "invited")
    if found is None:
        return None  # given up or moved since
    place, slot, event = found
    entry = calendar.event(
        f"event-place-{place.id}@work-experience",
        f"{event.title}: {slot.label}",
        slot.starts_at.date(),
        slot.starts_at.date(),
        location=event.venue,
        arrive=slot.starts_at.time(),
        finish=slot.ends_at.time(),
    )
    return {
        "title": event.title,
        "slot": slot.label,
        "day": long_date(slot.starts_at.date()),  # a project's later days are its later slots
        "time": f"{slot.starts_at:%H:%M} to {slot.ends_at:%H:%M}",
        "venue": event.venue,
        "link": link("encounters.pupil_events"),
        "attachments": [("event.ics", entry, "text/calendar")],
    }


@email("event_register_prompt")
def event_register_prompt(event_id: int) -> dict[str, Any] | None:
    """To an organisation running slots and to careers leaders with pupils there, on the day."""
    event = db.session.get(EncounterEvent, event_id)
    if event is None or event.status not in ("allocated", "held"):
        return None
    return {
        "title": event.title,
        "venue": event.venue,
        "link": link("encounters.event_register", event_id=event.id),
    }


@email("event_feedback")
def event_feedback_link(place_id: int) -> dict[str, Any] | None:
    """To a pupil the register marked present: three questions about how it went, unless answered."""
    found = _place(place_id, "attended")
    if found is None or db.session.query(PupilFeedback.id).filter_by(place_id=place_id).first():
        return None
    _, slot, event = found
    return {
        "title": event.title,
        "slot": slot.label,
        "link": link("encounters.pupil_feedback", place_id=place_id),
    }


@email("event_thanks")
def event_thanks(event_id: int, user_id: int) -> dict[str, Any] | None:
    """To an organisation's user after an event where it ran slots: whom it has met this school year."""
    event = db.session.get(EncounterEvent, event_id)
    user = db.session.get(User, user_id)
    if event is None or user is None or user.employer_id is None:
        return None
    year = academic_year_of(london_today())
    reach = event_feedback.reach(user.employer_id, date(year, 9, 1), date(year + 1, 8, 31))
    return {
        "title": event.title,
        "reach": reach,
        "rating_scale": len(RATINGS),
        "enough": SUPPRESS_UNDER,
        "link": link("encounters.organisation_feedback", event_id=event.id),
        "events": link("encounters.employer_events"),
    }
