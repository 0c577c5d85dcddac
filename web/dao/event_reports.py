"""The events' report figures for a scope (a hub or a school, a year): what pupils said, by format,
organisation and route, and who came of those the registers marked, by format."""

from __future__ import annotations

from sqlalchemy import func, select

from web.dao.event_feedback import Answers, answer_counts
from web.dao.reports import Scope, cohort_of
from web.extensions import db
from web.models import Employer, EncounterEvent, EventPlace, EventSlot, PupilFeedback

QualityKey = tuple[str, int | None, str | None]  # (format, organisation id, route)


def quality_counts(scope: Scope) -> tuple[dict[QualityKey, Answers], dict[int, str]]:
    """Answers of pupils in scope about places at events held in its year (to the last day counted), by
    (format, organisation running the slot, event route); and the organisations' names. Two queries."""
    cohort = cohort_of(scope)
    rows = db.session.execute(
        select(EncounterEvent.format, EventSlot.employer_id, EncounterEvent.route, *answer_counts())
        .select_from(PupilFeedback)
        .join(EventPlace, EventPlace.id == PupilFeedback.place_id)
        .join(cohort, cohort.c.id == EventPlace.student_id)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(EncounterEvent.held_on.between(scope.start, scope.as_of))
        .group_by(EncounterEvent.format, EventSlot.employer_id, EncounterEvent.route)
    ).all()
    counts = {(row[0], row[1], row[2]): Answers(*(int(n) for n in row[3:])) for row in rows}
    return counts, _names({employer_id for _, employer_id, _ in counts if employer_id is not None})


def _names(employer_ids: set[int]) -> dict[int, str]:
    if not employer_ids:
        return {}
    named = db.session.execute(select(Employer.id, Employer.name).where(Employer.id.in_(employer_ids)))
    return {int(employer_id): name for employer_id, name in named}


def no_show_counts(scope: Scope) -> dict[str, tuple[int, int]]:
    """(came, did not come) of pupils in scope whom registers marked at events held in its year (to the
    last day counted), by format. One query."""
    cohort = cohort_of(scope)
    rows = db.session.execute(
        select(
            EncounterEvent.format,
            func.count().filter(EventPlace.status == "attended"),
            func.count().filter(EventPlace.status == "absent"),
        )
        .select_from(EventPlace)
        .join(cohort, cohort.c.id == EventPlace.student_id)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(
            EncounterEvent.held_on.between(scope.start, scope.as_of),
            EventPlace.status.in_(("attended", "absent")),
        )
        .group_by(EncounterEvent.format)
    ).all()
    return {kind: (int(came), int(absent)) for kind, came, absent in rows}
