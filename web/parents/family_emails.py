"""What a parent's link email says: who it is about, the link, and how long it works."""

from __future__ import annotations

from typing import Any

from web.dao import parent_links as dao
from web.dates import long_date
from web.emails import email, link
from web.models.base import utcnow


@email("parent_link")
def parent_link(parent_link_id: int) -> dict[str, Any] | None:
    """To a parent or carer: the link to see their child's encounters, experiences and what is owed."""
    found = dao.get(parent_link_id)
    # Revoked, used, run out or for a pupil who has left: not worth sending.
    if found is None or dao.find(dao.secret_of(found), utcnow()) is None:
        return None
    student = dao.pupil_of(found)
    school = dao.school_of(student)
    if school is None:
        return None
    return {
        "first_name": student.known_as,
        "school": school.name,
        "link": link("family.start", secret=dao.secret_of(found)),
        "start_by": long_date((found.sent_at + dao.START_WITHIN).date()),
        "expires": long_date(found.expires_at.date()),
    }
