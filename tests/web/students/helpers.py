"""Records and page readers the student page tests share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests import db as factories
from tests.conftest import ClientRequest
from web.extensions import db
from web.models import Allocation, ExperienceRecord, Hub, Opportunity, School, Student


def me(request: ClientRequest) -> Student:
    """The signed-in student's record."""
    return db.session.get(Student, request.user.student_id)  # type: ignore[attr-defined]


def hub_opportunity(student: Student, **overrides: Any) -> Opportunity:
    """A published opportunity from an employer in the student's own hub."""
    hub = db.session.get(School, student.school_id).hub_id
    employer = factories.create_employer(db.session.get(Hub, hub))
    return factories.create_opportunity(employer, **overrides)


def create_offer(student: Student, opportunity: Opportunity, **overrides: Any) -> Allocation:
    """An allocation released to the student (status offered), in a round of the student's school."""
    match_round = factories.create_round(db.session.get(School, student.school_id), status="succeeded")
    fields = {
        "status": "offered",
        "rank": 2,
        "explanation": {
            "parts": {"route": 0.3, "distance": 0.25, "text": 0.12, "send": 0.25, "disadvantaged": 0.5},
            "distance_km": 3.6,
        },
        **overrides,
    }
    return factories.create_allocation(match_round, student, opportunity, **fields)


def create_experience(student: Student, **overrides: Any) -> ExperienceRecord:
    """An entry on the student's record of encounters and experiences."""
    fields = {
        "student_id": student.id,
        "benchmark": "6",
        "title": "Week at the hospital",
        "on_date": date(2026, 3, 2),
        "hours": Decimal("35"),
    }
    record = ExperienceRecord(**{**fields, **overrides})
    db.session.add(record)
    db.session.commit()
    return record


def cards(page: Any) -> list[dict[str, Any]]:
    """Each opportunity card on the list: its title, employer, details by name and reasons."""
    found = []
    for card in page.select("#opportunities .app-opportunity"):
        title = card.select_one(".govuk-summary-card__title")
        details = {
            " ".join(row.dt.text.split()): " ".join(row.dd.text.split())
            for row in card.select(".govuk-summary-list__row")
        }
        found.append(
            {
                "title": " ".join(title.a.text.split()),
                "employer": " ".join(title.span.text.split()),
                "details": details,
                "reasons": [" ".join(item.text.split()) for item in card.select(".app-reasons li")],
                "chosen": "In your choices" in card.text,
            }
        )
    return found
