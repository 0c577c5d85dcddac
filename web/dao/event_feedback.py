"""Feedback after an event: each pupil's three answers about a place they went to, each organisation's two
about an event where it ran slots, and an organisation's reach and ratings (the reports' figures are in
web/dao/event_reports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from web.dao.base import audit, insert_into
from web.extensions import db
from web.models import (
    EncounterEvent,
    EventPlace,
    EventSlot,
    OrganisationFeedback,
    PupilFeedback,
    Student,
)
from web.models.base import utcnow

SHOWN_EVENTS = ("allocated", "held")  # an organisation's events that have pupils


@dataclass(frozen=True)
class FeedbackPlace:
    """A place the pupil went to, what it was, and their answers so far (None: none yet)."""

    place_id: int
    event_title: str
    slot_label: str
    held_on: date
    answers: PupilFeedback | None


def attended_place(place_id: int, student_id: int) -> FeedbackPlace | None:
    """The pupil's own place that the register marked them present at, or None."""
    row = db.session.execute(
        select(EventPlace.id, EncounterEvent.title, EventSlot.label, EncounterEvent.held_on, PupilFeedback)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .outerjoin(PupilFeedback, PupilFeedback.place_id == EventPlace.id)
        .where(
            EventPlace.id == place_id,
            EventPlace.student_id == student_id,
            EventPlace.status == "attended",
        )
    ).first()
    return None if row is None else FeedbackPlace(*row)


def answered_places(student_id: int) -> set[int]:
    """Ids of the pupil's places they have answered about."""
    return set(
        db.session.scalars(
            select(PupilFeedback.place_id)
            .join(EventPlace, EventPlace.id == PupilFeedback.place_id)
            .where(EventPlace.student_id == student_id)
        )
    )


def save_pupil_feedback(place_id: int, user_id: int, learned: bool, wants_more: bool, rating: int) -> None:
    """Save the pupil's answers about a place, or change them (one set per place)."""
    answers = {"learned": learned, "wants_more": wants_more, "rating": rating, "updated_at": utcnow()}
    db.session.execute(
        insert_into(PupilFeedback)
        .values(place_id=place_id, created_at=utcnow(), **answers)
        .on_conflict_do_update(index_elements=["place_id"], set_=answers)
    )
    audit(user_id, "event_feedback_saved", "event_place", place_id)


def event_run_by(event_id: int, employer_id: int) -> EncounterEvent | None:
    """The event, if the organisation runs a slot at it and it has pupils."""
    runs = select(EventSlot.id).where(EventSlot.event_id == event_id, EventSlot.employer_id == employer_id)
    return db.session.scalar(
        select(EncounterEvent).where(
            EncounterEvent.id == event_id, EncounterEvent.status.in_(SHOWN_EVENTS), runs.exists()
        )
    )


def organisation_answers(event_id: int, employer_id: int) -> OrganisationFeedback | None:
    """The organisation's answers about the event, or None."""
    return db.session.scalar(
        select(OrganisationFeedback).where(
            OrganisationFeedback.event_id == event_id, OrganisationFeedback.employer_id == employer_id
        )
    )


def save_organisation_feedback(
    event_id: int, employer_id: int, user_id: int, pupils_ready: int, would_return: bool
) -> None:
    """Save the organisation's answers about an event, or change them (one set per event)."""
    answers = {
        "pupils_ready": pupils_ready,
        "would_return": would_return,
        "given_by_id": user_id,
        "updated_at": utcnow(),
    }
    db.session.execute(
        insert_into(OrganisationFeedback)
        .values(event_id=event_id, employer_id=employer_id, created_at=utcnow(), **answers)
        .on_conflict_do_update(index_elements=["event_id", "employer_id"], set_=answers)
    )
    audit(user_id, "event_feedback_saved", "encounter_event", event_id)


@dataclass(frozen=True)
class Answers:
    """Pupils' answers added up: how many answered, said they learned something, want more, and their
    ratings' sum."""

    answered: int = 0
    learned: int = 0
    wants_more: int = 0
    rating_total: int = 0

    def __add__(self, other: Answers) -> Answers:
        return Answers(
            self.answered + other.answered,
            self.learned + other.learned,
            self.wants_more + other.wants_more,
            self.rating_total + other.rating_total,
        )


def answer_counts() -> tuple[object, ...]:
    """Answered, learned, wants more and the ratings' sum, as aggregate columns over PupilFeedback."""
    return (
        func.count(PupilFeedback.id),
        func.count().filter(PupilFeedback.learned.is_(True)),
        func.count().filter(PupilFeedback.wants_more.is_(True)),
        func.coalesce(func.sum(PupilFeedback.rating), 0),
    )


@dataclass(frozen=True)
class Reach:
    """Whom an organisation met at events in an academic year, and what those pupils said."""

    pupils: int
    schools: int
    answers: Answers


def reach(employer_id: int, start: date, end: date) -> Reach:
    """The pupils (each once) and schools the organisation met at events held from start to end, and the
    answers about its slots. Two queries."""
    attended = (
        select(EventPlace.student_id, EventPlace.id)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(
            EventSlot.employer_id == employer_id,
            EventPlace.status == "attended",
            EncounterEvent.held_on.between(start, end),
        )
        .subquery("attended")
    )
    pupils, schools = db.session.execute(
        select(func.count(func.distinct(Student.id)), func.count(func.distinct(Student.school_id))).join(
            attended, attended.c.student_id == Student.id
        )
    ).one()
    said = db.session.execute(
        select(*answer_counts()).join(attended, attended.c.id == PupilFeedback.place_id)
    ).one()
    return Reach(int(pupils), int(schools), Answers(*(int(n) for n in said)))
