"""What the emails about event places say: the invitation a pupil (and their parent or carer) gets once
their careers leader approves the place."""

from __future__ import annotations

from typing import Any

from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.models import EncounterEvent, EventPlace, EventSlot


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
        "day": long_date(event.held_on),
        "time": f"{slot.starts_at:%H:%M} to {slot.ends_at:%H:%M}",
        "venue": event.venue,
        "link": link("students.home"),
    }
