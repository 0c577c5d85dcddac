"""A pupil with at least one row in every table that holds something about them, and a sibling at the same
school (sharing their parent's address, placed with the same employer) whose rows must never reach the
first pupil's bundle."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests import db as factories
from web.dao import tokens
from web.extensions import db
from web.models import (
    AccessLog,
    AccessToken,
    Allocation,
    AuditEvent,
    CheckIn,
    Consent,
    Employer,
    ExperienceRecord,
    Feedback,
    Notification,
    OwnPlacement,
    PupilFeedback,
    PupilHold,
    School,
    Student,
    StudentTransfer,
    User,
)
from web.models.base import utcnow

FAMILY = "family@home.example"


@dataclass
class Pupil:
    """The rows made for one pupil."""

    student: Student
    account: User
    allocation: Allocation
    consent: Consent
    place_id: int
    employer: Employer


@dataclass
class World:
    """A school with its careers leader, an employer with a user, and two pupils."""

    school: School
    leader: User
    employer_user: User
    pupil: Pupil
    sibling: Pupil


def _add(*records: Any) -> None:
    db.session.add_all(records)
    db.session.commit()


def _pupil(school: School, employer: Employer, leader: User, employer_user: User, tag: str) -> Pupil:
    """One pupil's rows, every free text marked with `tag` so a test can tell whose it is."""
    student = factories.create_student(
        school,
        first_name=f"{tag}first",
        preferred_name=f"{tag}preferred",
        last_name=f"{tag}last",
        upn=f"A{secrets.randbelow(10**12):012d}",
        email=f"{tag.lower()}@pupils.example",
        parent_name=f"{tag} Parent",
        parent_email=FAMILY,
        statement=f"{tag} statement about building bridges",
        disadvantaged=True,
    )
    account = factories.create_user_for("student", student, email=f"{tag.lower()}@pupils.example")
    link = AccessToken(
        user_id=account.id,
        purpose="invitation",
        salt=secrets.token_hex(32),
        token_hash=secrets.token_hex(32),
        expires_at=utcnow() + timedelta(days=7),
        created_at=utcnow(),
    )
    opportunity = factories.create_opportunity(employer, title=f"{tag} opportunity")
    factories.create_preference(student, opportunity)
    match_round = factories.create_round(school, status="succeeded")
    now = utcnow()
    allocation = factories.create_allocation(
        match_round,
        student,
        opportunity,
        status="confirmed",
        explanation={"route": 1.0, "distance": 0.25},
        decided_by_id=leader.id,
        decided_at=now - timedelta(days=5),
        offered_at=now - timedelta(days=4),
        responded_at=now - timedelta(days=3),
        confirmed_at=now - timedelta(days=1),
    )
    consent = Consent(
        allocation_id=allocation.id,
        salt=secrets.token_hex(32),
        token_hash=secrets.token_hex(32),
        decision="given",
        parent_name=f"{tag} Parent",
        emergency_name=f"{tag} Emergency",
        emergency_phone="0161 496 0001",
        shared_needs=f"{tag} needs",
        expires_at=now + timedelta(days=10),
        sent_at=now - timedelta(days=3),
        used_at=now - timedelta(days=2),
        decided_at=now - timedelta(days=2),
    )
    _add(link, consent)
    _add(
        CheckIn(allocation_id=allocation.id, kind="call", on_date=date.today(), note=f"{tag} check-in note",
                created_by_id=leader.id),
        Feedback(allocation_id=allocation.id, author_role="student", rating=5, comment=f"{tag} reflection",
                 created_by_id=account.id),
        Feedback(allocation_id=allocation.id, author_role="employer", rating=4, comment=f"{tag} was keen",
                 set_task=True, gave_feedback=True, met_range_of_staff=True, would_host_again=True,
                 created_by_id=employer_user.id),
        OwnPlacement(student_id=student.id, employer_name=f"{tag} Uncle's Garage",
                     contact_name=f"{tag} Uncle", contact_email="uncle@garage.example",
                     postcode="M1 1AD", role="Fixing cars",
                     start_date=date.today() + timedelta(days=30), end_date=date.today() + timedelta(days=34),
                     hours_per_day=Decimal("7")),
        StudentTransfer(student_id=student.id, from_school_id=school.id, to_school_id=school.id,
                        status="refused", details={"first_name": f"{tag}first"}, requested_by_id=leader.id),
        PupilHold(student_id=student.id, reason=f"{tag} safeguarding hold", set_by_id=leader.id),
    )  # fmt: skip
    event = factories.create_event(school_hub(school), [school], title=f"{tag} careers fair")
    slot = factories.create_slot(event, employer_id=employer.id, label=f"{tag} stand")
    place = factories.create_place(slot, student, status="attended", reason=f"{tag} is keen on digital",
                                   decided_by_id=leader.id, decided_at=now - timedelta(days=6))  # fmt: skip
    _add(
        PupilFeedback(place_id=place.id, learned=True, wants_more=False, rating=4),
        ExperienceRecord(student_id=student.id, allocation_id=allocation.id, benchmark="6",
                         kind="work_experience", title=f"{tag} week at work", on_date=date.today(),
                         hours=Decimal("35"), meaningful=True),
        ExperienceRecord(student_id=student.id, event_place_id=place.id, benchmark="5", kind="careers_fair",
                         title=f"{tag} fair", on_date=date.today(), hours=Decimal("1")),
    )  # fmt: skip
    _add(
        Notification(idempotency_key=f"offer-made:{allocation.id}", recipient=student.email,
                     template="offer_made", about={"allocation_id": allocation.id}, status="sent",
                     sent_at=now),
        Notification(idempotency_key=f"consent-request:{consent.id}", recipient=FAMILY,
                     template="consent_request", about={"consent_id": consent.id}, status="sent",
                     sent_at=now),
        Notification(idempotency_key=f"event-invitation:{place.id}:parent", recipient=FAMILY,
                     template="event_invitation", about={"place_id": place.id}, status="sent", sent_at=now),
        Notification(idempotency_key=f"invitation:{link.id}", recipient=account.email, template="invitation",
                     about={"token_id": link.id}, status="sent", sent_at=now),
        AuditEvent(user_id=leader.id, action="interests_updated", record_type="student", record_id=student.id,
                   detail={"fields": ["statement"]}),
        AuditEvent(user_id=employer_user.id, action="placement_confirmed", record_type="allocation",
                   record_id=allocation.id, detail={}),
        AuditEvent(user_id=leader.id, action="student_transferred_in", record_type="school",
                   record_id=school.id, detail={"student_id": student.id, "from_school_id": school.id}),
        AccessLog(user_id=leader.id, student_id=student.id, page="careers.student", at=now),
        AccessLog(user_id=employer_user.id, student_id=student.id, page="employers.incoming", at=now),
    )  # fmt: skip
    return Pupil(student, account, allocation, consent, place.id, employer)


def school_hub(school: School) -> Any:
    """The school's hub."""
    from web.models import Hub

    return db.session.get(Hub, school.hub_id)


def seed() -> World:
    """The pupil "Ada" and her sibling "Bo", at one school, placed with one employer."""
    school = factories.create_school()
    leader = factories.create_user_for("careers_leader", school, name="Nia Leader")
    employer = factories.create_employer(school_hub(school), name="Northern Quarter Digital")
    employer_user = factories.create_user_for("employer", employer, name="Sam Host")
    ada = _pupil(school, employer, leader, employer_user, "Ada")
    bo = _pupil(school, employer, leader, employer_user, "Bo")
    return World(school, leader, employer_user, ada, bo)


def a_bundle_secret(salt: str) -> str:
    """The secret of a bundle's link, from its salt (as the email writes it)."""
    from web.dao.subject_access import PURPOSE

    return tokens.secret_for(salt, PURPOSE)


def days_ago(days: int) -> datetime:
    """A moment this many days before now (UTC)."""
    return utcnow() - timedelta(days=days)
