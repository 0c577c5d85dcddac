"""A calendar entry (RFC 5545 .ics) for a placement: one all-day event from its first day to its last."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Response

from web.models.base import utcnow

LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded


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
) -> str:
    """A calendar with one all-day event from `start` to `end` (both days included), as .ics text."""
    stamp = stamp or utcnow()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Work experience placements//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",  # stored times are UTC
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
        # DTEND of an all-day event is the day after the last (exclusive).
        f"DTEND;VALUE=DATE:{min(end, date.max - timedelta(days=1)) + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape(summary)}",
    ]
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
