"""A pupil with a row in each table that holds something about them, for the erasure and retention tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tests import db as factories
from web.extensions import db
from web.models import (
    AccessLog,
    CheckIn,
    Consent,
    Feedback,
    Hub,
    MatchRound,
    Notification,
    OwnPlacement,
    School,
    Student,
    StudentTransfer,
    User,
)


@dataclass
class Pupil:
    student: Student
    account: User
    allocation_id: int


def full_pupil(school: School, left_on: date | None = None, **overrides: object) -> Pupil:
    """A pupil of the school with an account, a placement with consent, a check-in, feedback, an own
    placement, a transfer, an email sent and a view in the access log."""
    student = factories.create_student(
        school,
        upn=overrides.pop("upn", "A123456789012"),
        email=overrides.pop("email", "alex.smith@pupils.example.org"),
        parent_name="Jo Smith",
        parent_email="jo.smith@example.net",
        left_on=left_on,
        date_of_birth=date(2010, 3, 17),
        **overrides,
    )
    account = factories.create_user_for("student", student, email=student.email)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    opportunity = factories.create_opportunity(
        employer, start_date=date(2024, 6, 3), end_date=date(2024, 6, 7)
    )
    match_round = db.session.scalar(select(MatchRound).where(MatchRound.school_id == school.id))
    match_round = match_round or factories.create_round(school)
    allocation = factories.create_allocation(match_round, student, opportunity, status="completed")
    factories.create_preference(student, opportunity)
    db.session.add_all(
        [
            Consent(
                allocation_id=allocation.id,
                token_hash=f"hash-{student.id}",
                decision="given",
                parent_name="Jo Smith",
                emergency_name="Sam Smith",
                emergency_phone="07700 900123",
                shared_needs="Asthma: carries an inhaler",
                expires_at=datetime(2024, 6, 1),
                created_at=datetime(2024, 5, 1),
            ),
            CheckIn(
                allocation_id=allocation.id, kind="call", on_date=date(2024, 6, 4), note="Alex is settling in"
            ),
            Feedback(
                allocation_id=allocation.id,
                author_role="employer",
                rating=5,
                comment="Alex was brilliant",
                created_at=datetime(2024, 6, 8),
            ),
            OwnPlacement(
                student_id=student.id,
                employer_name="Corner Garage",
                contact_name="Pat Lee",
                contact_email="pat@garage.example.com",
                postcode="M1 1AE",
                role="Mechanic's helper",
                start_date=date(2024, 7, 1),
                end_date=date(2024, 7, 5),
                hours_per_day=6,
                leader_note="Ask for the risk assessment",
            ),
            StudentTransfer(
                student_id=student.id,
                from_school_id=school.id,
                to_school_id=school.id,
                status="refused",
                details={"first_name": "Alex", "last_name": "Smith"},
            ),
            Notification(
                idempotency_key=f"test:{student.id}",
                recipient="jo.smith@example.net",
                template="consent_request",
                about={"allocation_id": allocation.id},
                status="sent",
                created_at=datetime(2024, 5, 1),
            ),
            AccessLog(
                user_id=account.id, student_id=student.id, page="careers.student", at=datetime(2024, 5, 2)
            ),
        ]
    )
    db.session.commit()
    return Pupil(student, account, allocation.id)


def ago(days: int) -> date:
    return date.today() - timedelta(days=days)
