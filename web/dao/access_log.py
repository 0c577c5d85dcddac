"""Which pupils the page being drawn shows, gathered as it runs, for the access log (web/privacy/access_log.py
writes it after the page): every Student row loaded through the ORM counts, and pages that read pupils'
names as columns (registers) call seen()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, has_request_context
from sqlalchemy import event

from web.models import Student


def seen(student_ids: Iterable[int]) -> None:
    """Note that the page being drawn shows these pupils (outside a request, nothing happens)."""
    if has_request_context():
        g.setdefault("pupils_seen", set()).update(student_ids)


def taken() -> set[int]:
    """The pupils the page showed, forgotten once read."""
    return g.pop("pupils_seen", None) or set() if has_request_context() else set()


@event.listens_for(Student, "load")
def _loaded(student: Student, _context: Any) -> None:
    seen([student.id])
