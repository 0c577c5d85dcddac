"""Plain helpers that make test records: create_student(**overrides) and friends."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from web.dao.users import create_user
from web.extensions import db
from web.models import (
    Allocation,
    Employer,
    EncounterEvent,
    EventPlace,
    EventSchool,
    EventSlot,
    ExperienceRecord,
    Hub,
    HubApiToken,
    MatchRound,
    Opportunity,
    Preference,
    ProviderAccessPolicy,
    ProviderAccessRequest,
    School,
    Student,
    User,
)

_serial = count(1)
PASSWORD = "correct horse battery staple"


def _save(record: Any) -> Any:
    db.session.add(record)
    db.session.commit()
    return record


def create_hub(**overrides: Any) -> Hub:
    return _save(Hub(**{"name": "Greater Manchester Careers Hub", "area": "Manchester", **overrides}))


def create_school(hub: Hub | None = None, **overrides: Any) -> School:
    hub = hub or create_hub()
    n = next(_serial)
    fields = {
        "hub_id": hub.id,
        "urn": f"1{n:05d}",
        "name": f"School {n}",
        "postcode": "M13 9PL",
        "phase": "secondary",
    }
    return _save(School(**{**fields, **overrides}))


def create_employer(hub: Hub | None = None, **overrides: Any) -> Employer:
    hub = hub or create_hub()
    n = next(_serial)
    fields = {
        "hub_id": hub.id,
        "name": f"Employer {n}",
        "route": "digital",
        "postcode": "M1 1AD",
        "status": "approved",
        "insurer": "Mutual Employers Insurance",
        "insurance_cover": 5_000_000,
        "insurance_expires": date.today() + timedelta(days=365),
        "last_checked_on": date.today() - timedelta(days=30),
        "next_check_due": date.today() + timedelta(days=335),
        "risk_assessment_on_file": True,
        "risk_assessment_summary": "Low risk office environment; supervised at all times.",
        "supervisor_name": "Sam Supervisor",
    }
    return _save(Employer(**{**fields, **overrides}))


def create_opportunity(employer: Employer | None = None, **overrides: Any) -> Opportunity:
    employer = employer or create_employer()
    start = date.today() + timedelta(days=60)
    fields = {
        "employer_id": employer.id,
        "kind": "work_experience",
        "title": "Software developer work experience",
        "description": "Spend a week with our software team building and testing a web app.",
        "route": "digital",
        "pathway": "technical",
        "postcode": "M1 1AD",
        "remote": False,
        "capacity": 2,
        "start_date": start,
        "end_date": start + timedelta(days=4),
        "year_groups": [10, 11],
        "min_age": 14,
        "status": "published",
    }
    return _save(Opportunity(**{**fields, **overrides}))


def create_student(school: School | None = None, **overrides: Any) -> Student:
    school = school or create_school()
    fields = {
        "school_id": school.id,
        "first_name": "Alex",
        "last_name": "Smith",
        "year_group": 10,
        "date_of_birth": date.today() - timedelta(days=365 * 15),
        "postcode": "M14 5TP",
        "routes": ["digital"],
        "statement": "I like building websites and games and want to learn software engineering.",
        "pathway_interest": "both",
        "max_travel_km": 15.0,
    }
    return _save(Student(**{**fields, **overrides}))


def create_preference(student: Student, opportunity: Opportunity, rank: int = 1) -> Preference:
    return _save(Preference(student_id=student.id, opportunity_id=opportunity.id, rank=rank))


def create_round(school: School, **overrides: Any) -> MatchRound:
    fields = {"hub_id": school.hub_id, "school_id": school.id, "mechanism": "optimal", "seed": 0}
    return _save(MatchRound(**{**fields, **overrides}))


def create_user_for(role: str, record: Any = None, **overrides: Any) -> User:
    """A user of this role linked to record (a Hub, School, Employer or Student)."""
    links = {
        "hub_admin": "hub_id",
        "careers_leader": "school_id",
        "employer": "employer_id",
        "student": "student_id",
    }
    if record is None:
        record = {"hub_admin": create_hub, "careers_leader": create_school, "employer": create_employer}.get(
            role, create_student
        )()
    email = overrides.pop("email", f"{role}{next(_serial)}@example.org")
    user = create_user(
        email, overrides.pop("password", PASSWORD), role, **{links[role]: record.id}, **overrides
    )
    db.session.commit()
    return user


def create_allocation(
    match_round: MatchRound, student: Student, opportunity: Opportunity, **overrides: Any
) -> Allocation:
    fields = {
        "round_id": match_round.id,
        "student_id": student.id,
        "opportunity_id": opportunity.id,
        "score": 1.5,
        "explanation": {"route": 1.0, "distance": 0.5},
        "status": "proposed",
    }
    return _save(Allocation(**{**fields, **overrides}))


def create_record(student: Student, **overrides: Any) -> ExperienceRecord:
    """An ExperienceRecord on the student's record: a Benchmark 5 employer talk unless overridden."""
    fields = {
        "student_id": student.id,
        "benchmark": "5",
        "kind": "employer_talk",
        "title": "Talk from a local employer",
        "on_date": date.today(),
        "hours": Decimal("1"),
    }
    return _save(ExperienceRecord(**{**fields, **overrides}))


def create_api_key(hub: Hub, secret: str | None = None, **overrides: Any) -> tuple[HubApiToken, str]:
    """A key to the hub's reports API and its secret (only the secret's SHA-256 is stored)."""
    secret = secret or secrets.token_urlsafe(32)
    fields = {
        "hub_id": hub.id,
        "name": "Dashboard",
        "token_hash": hashlib.sha256(secret.encode()).hexdigest(),
    }
    return _save(HubApiToken(**{**fields, **overrides})), secret


def from_today(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with each timedelta made a date that many days from today: a parametrized test names
    its dates this way so that they are read when it runs, not when its module is imported."""
    today = date.today()
    return {name: today + value if isinstance(value, timedelta) else value for name, value in fields.items()}


def create_provider_access_policy(school: School, **overrides: Any) -> ProviderAccessPolicy:
    """A published provider access policy for the school, with one blackout ending in a month's time."""
    start, end = date.today() + timedelta(days=20), date.today() + timedelta(days=30)
    fields = {
        "school_id": school.id,
        "contact_name": "Sam Patel, careers leader",
        "contact_email": "careers@school.example",
        "how_to_ask": "Email the careers leader with the dates and year groups.",
        "notice_days": 10,
        "blackout_dates": [{"label": "Mock exams", "start": start.isoformat(), "end": end.isoformat()}],
        "max_visitors": 4,
        "premises": "The main hall and two classrooms.",
        "refusal_grounds": ["It clashes with exams", "Not enough notice"],
    }
    return _save(ProviderAccessPolicy(**{**fields, **overrides}))


def create_provider_request(provider: Employer, school: School, **overrides: Any) -> ProviderAccessRequest:
    """A provider's request for access to the school, waiting for an answer, a month and a half from today."""
    fields = {
        "provider_id": provider.id,
        "school_id": school.id,
        "visit_date": date.today() + timedelta(days=45),
        "year_groups": [9, 10],
        "audience_size": 120,
        "visitors": 2,
        "message": "An assembly on T Levels in construction.",
        "status": "requested",
    }
    return _save(ProviderAccessRequest(**{**fields, **overrides}))


def create_event(hub: Hub, schools: list[School] | None = None, **overrides: Any) -> EncounterEvent:
    """An open careers fair of the hub's, a fortnight on, for Year 9 of these schools."""
    fields: dict[str, Any] = {
        "hub_id": hub.id,
        "title": "Spring careers fair",
        "format": "careers_fair",
        "route": None,
        "pathway": "both",
        "held_on": date.today() + timedelta(days=14),
        "venue": "Town hall",
        "year_groups": [9],
        "max_slots": 1,
        "status": "open",
        **overrides,
    }
    event = EncounterEvent(**fields)
    db.session.add(event)
    db.session.flush()
    db.session.add_all(EventSchool(event_id=event.id, school_id=school.id) for school in schools or [])
    db.session.commit()
    return event


def create_slot(event: EncounterEvent, hour: int = 10, **overrides: Any) -> EventSlot:
    """An hour-long slot of the event for 10, starting at this hour of its day."""
    starts = datetime.combine(event.held_on, time(hour))
    fields: dict[str, Any] = {
        "event_id": event.id,
        "label": "Engineering stand",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "capacity": 10,
        "invite_limit": 10,
        "places_taken": 0,
        **overrides,
    }
    slot = EventSlot(**fields)
    db.session.add(slot)
    db.session.commit()
    return slot


def create_place(slot: EventSlot, student: Student, status: str = "invited", **overrides: Any) -> EventPlace:
    """A pupil's place in a slot (counted as taken when it holds a seat)."""
    place = EventPlace(
        slot_id=slot.id,
        student_id=student.id,
        status=status,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        waitlist_rank=overrides.pop("waitlist_rank", 1 if status == "waitlisted" else None),
        **overrides,
    )
    db.session.add(place)
    if status in ("proposed", "invited", "attended"):
        slot.places_taken += 1
    db.session.commit()
    return place
