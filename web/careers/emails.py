"""What the emails about students' own placements say, from the ids they are about."""

from __future__ import annotations

from typing import Any

from web.emails import email, link
from web.extensions import db
from web.models import OwnPlacement, Student


@email("own_placement_decided")
def own_placement_decided(own_placement_id: int, status: str) -> dict[str, Any] | None:
    """To a student: their careers leader approved the placement they found, or asked for changes."""
    placement = db.session.get(OwnPlacement, own_placement_id)
    student = db.session.get(Student, placement.student_id) if placement else None
    # Changed again since it was queued (withdrawn, say): the message would no longer be true.
    if placement is None or student is None or placement.status != status:
        return None
    return {
        "approved": status == "approved",
        "name": student.known_as,
        "employer": placement.employer_name,
        "note": placement.leader_note,
        "link": link("students.own_placement", placement_id=placement.id),
    }
