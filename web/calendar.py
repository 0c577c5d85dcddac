"""A calendar entry (RFC 5545 .ics) for a placement: one all-day event from its first day to its last, or,
when the employer gave arrival and finish times, those hours on each day from the first to the last."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Response

from web.models.base import utcnow

LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded
# Times are England's wall-clock times; RFC 5545 3.6.5 wants the zone a TZID names described in the file.
LONDON = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/London",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19810329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19961027T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    """A TEXT value as RFC 5545 3.3.11 writes it: backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded into lines of at most 75 octets, never splitting a UTF-8 character."""
    parts, current = [], ""
    for character in line:
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1  # a continuation starts with a space
        if len((current + character).encode()) > limit:
            parts.append(current)
            current = ""
        current += character
    parts.append(current)
    return "\r\n ".join(parts)


def event(
    uid: str,
    summary: str,
    start: date,
    end: date,
    location: str = "",
    description: str = "",
    stamp: datetime | None = None,
    arrive: time | None = None,
    finish: time | None = None,
) -> str:
    """A calendar with one event from `start` to `end` (both days included), as .ics text: all day, or from
    `arrive` to `finish` (London time) on each of those days when both are given."""
    stamp = stamp or utcnow()
    timed = arrive is not None and finish is not None
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Work experience placements//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *(LONDON if timed else []),
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",  # stored times are UTC
    ]
    if timed:
        days = (end - start).days + 1
        lines += [
            f"DTSTART;TZID=Europe/London:{start:%Y%m%d}T{arrive:%H%M%S}",
            f"DTEND;TZID=Europe/London:{start:%Y%m%d}T{finish:%H%M%S}",
            *([f"RRULE:FREQ=DAILY;COUNT={days}"] if days > 1 else []),
        ]
    else:
        lines += [
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            # DTEND of an all-day event is the day after the last (exclusive).
            f"DTEND;VALUE=DATE:{min(end, date.max - timedelta(days=1)) + timedelta(days=1):%Y%m%d}",
        ]
    lines.append(f"SUMMARY:{escape(summary)}")
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    lines += ["TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def download(filename: str, *args: object, **kwargs: object) -> Response:
    """An .ics download of event(*args, **kwargs)."""
    response = Response(event(*args, **kwargs), mimetype="text/calendar")  # type: ignore[arg-type]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def placement(filename: str, uid: str, summary: str, opportunity: Any) -> Response:
    """An .ics download of a placement on `opportunity`, for a student who has said yes to it or its host:
    its full address, its daily times where given, and what to know for the day."""
    said = [f"{question}: {answer}" for question, answer in opportunity.practical_details if answer]
    return download(
        filename,
        uid,
        summary,
        opportunity.start_date,
        opportunity.end_date,
        location=opportunity.full_address,
        description="\n".join(said),
        arrive=opportunity.arrival_time,
        finish=opportunity.finish_time,
    )
