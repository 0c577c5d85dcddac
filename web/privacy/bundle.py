"""A pupil's subject access bundle: a zip of bundle.html, a page a person can read, and bundle.json, the same
sections for a machine, both from web/dao/subject_access.py's sections.

The page is standalone (its styles inline, no scripts, nothing fetched), so it reads the same offline years
later; the zip's entries carry the time it was made, so making it again from the same rows gives the same
bytes.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from flask import current_app, render_template

from web.dao import bundle_sections as dao

FORMAT_VERSION = 1
# A stored code (a status, a kind): lower-case words joined by underscores. The JSON keeps the code.
CODE = re.compile(r"[a-z]+(?:_[a-z]+)+")


def _plain(value: Any) -> Any:
    """A value JSON can hold: dates and times as ISO 8601, decimals as their exact digits."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None  # never written into a bundle; a guard, should a binary column appear
    raise TypeError(f"Cannot put {type(value).__name__} in a bundle")


def label(key: str) -> str:
    """A field's name in words: "emergency_phone" is "Emergency phone"."""
    return key.replace("_", " ").capitalize()


def words(value: Any) -> str:
    """A value as the readable page shows it."""
    if value is None or value == "":
        return "Not recorded"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, datetime):
        return value.strftime("%-d %B %Y, %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, str) and CODE.fullmatch(value):
        return label(value)  # a code such as work_experience or consent_refused, in words
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return ", ".join(str(item) for item in value) or "None"
    if isinstance(value, dict) and {"name", "role", "organisation"} <= value.keys():
        return ", ".join(part for part in (value["name"], value["role"], value["organisation"]) if part)
    if isinstance(value, dict | list):
        return json.dumps(value, default=_plain, ensure_ascii=False, sort_keys=True)
    return str(value)


# The field that names an entry in a list, in the order looked for: its heading says "2 of 4: <that>".
TITLE_FIELDS = ("what", "opportunity", "event", "title", "about", "action", "organisation", "page", "reason")


def title(entry: Any) -> str:
    """What names one entry of a section (a placement's opportunity, an email's kind), or ""."""
    if isinstance(entry, dict):
        for key in TITLE_FIELDS:
            if isinstance(entry.get(key), str) and entry[key]:
                return str(entry[key])
    return ""


def contents(student_id: int, made_at: datetime) -> dict[str, Any]:
    """The bundle's sections, with when and by which service it was made."""
    return {
        "format_version": FORMAT_VERSION,
        "service": current_app.config["SERVICE_NAME"],
        "made_at": made_at,
        "student_id": student_id,
        "sections": dao.gather(student_id),
    }


def build(student_id: int, made_at: datetime) -> bytes:
    """The zip of bundle.html and bundle.json for this pupil, made now."""
    held = contents(student_id, made_at)
    page = render_template(
        "privacy/bundle.html",
        held=held,
        sections=dao.SECTIONS,
        label=label,
        words=words,
        title=title,
    )
    machine = json.dumps(held, default=_plain, ensure_ascii=False, indent=2, sort_keys=False)
    stamp = made_at.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("bundle.html", page), ("bundle.json", machine)):
            entry = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text.encode("utf-8"))
    return out.getvalue()


def read(content: bytes) -> tuple[str, dict[str, Any]]:
    """The page and the parsed JSON of a bundle's zip (for tests and for anyone checking one)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("bundle.html").decode("utf-8"), json.loads(archive.read("bundle.json"))
