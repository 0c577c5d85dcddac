"""Employers' safeguarding evidence and the hub's decisions on it: checked once for the whole hub, reused by
every school. Registration, the hub's checks and decisions, the employer's own updates and the insurance
reminders all live here, with who is told about each."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from web.dao import consent, own_placements, placements
from web.dao.base import audit
from web.dao.users import create_user, get_user_by_email, reachable, reachable_leaders
from web.dates import long_date
from web.emails import notify
from web.extensions import db
from web.models import Allocation, AuditEvent, Employer, Hub, Opportunity, Student, User
from web.models.base import HOLDING_STATUSES

# Employers' liability cover the hub needs before a student goes on a placement, in pounds.
MIN_COVER = 5_000_000
# How long before the insurance runs out the employer and the hub are reminded, and the list warns.
REMINDER_DAYS = 30
# The evidence an employer keeps current from their own account; a change to it is re-checked by the hub.
EVIDENCE_FIELDS = (
    "insurer",
    "insurance_cover",
    "insurance_expires",
    "risk_assessment_summary",
    "supervisor_name",
)
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
# The evidence in the words of the forms, for messages that say what changed.
EVIDENCE_LABELS = {
    "insurer": "insurer",
    "insurance_cover": "insurance cover",
    "insurance_expires": "insurance expiry date",
    "risk_assessment_summary": "risk assessment summary",
    "supervisor_name": "named supervisor",
}
# What the hub records when it checks: the employer's evidence, the risk assessment seen, the check's dates.
CHECK_FIELDS = (*EVIDENCE_FIELDS, "risk_assessment_on_file", "last_checked_on", "next_check_due")
# A decision, the status it leaves the employer in, and the audit action that records it.
DECISIONS = {
    "approve": ("approved", "employer_approved"),
    "changes": ("pending", "employer_changes_requested"),
    "suspend": ("suspended", "employer_suspended"),
}
DECISION_ACTIONS = tuple(action for _, action in DECISIONS.values())
ACCOUNT_EXISTS = (
    "An account with this email address already exists. Sign in, or use a different email address"
)


class VettingError(Exception):
    """A decision that cannot be made; the message is for the hub admin."""


class RegistrationError(Exception):
    """A registration that cannot be made; the message is for the person registering."""


def evidence_current(today: date) -> ColumnElement[bool]:
    """A condition on Employer: approved, with employers' liability insurance that has not run out (it
    covers its expiry day), cover of at least MIN_COVER, a risk assessment on file, and the hub's next check
    not yet due (evidence the employer changed is due at once, so it counts only once the hub has checked
    it). An employer for whom it is false cannot publish, and a matching round leaves its places out."""
    return and_(
        Employer.status == "approved",
        Employer.next_check_due.is_not(None),
        Employer.next_check_due > today,
        Employer.insurance_expires.is_not(None),
        Employer.insurance_expires >= today,
        Employer.insurance_cover.is_not(None),
        Employer.insurance_cover >= MIN_COVER,
        Employer.risk_assessment_on_file.is_(True),
    )


def is_current(employer: Employer, today: date) -> bool:
    """The same test as evidence_current, for an employer already loaded."""
    return (
        employer.status == "approved"
        and employer.next_check_due is not None
        and employer.next_check_due > today
        and employer.insurance_expires is not None
        and employer.insurance_expires >= today
        and employer.insurance_cover is not None
        and employer.insurance_cover >= MIN_COVER
        and employer.risk_assessment_on_file
    )


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def problems(employer: Employer, today: date) -> list[str]:
    """What stops the hub approving the employer, in the hub admin's words; empty when nothing does."""
    found = []
    if not employer.insurer:
        found.append("No employers' liability insurer")
    if employer.insurance_cover is None:
        found.append("No insurance cover amount")
    elif employer.insurance_cover < MIN_COVER:
        found.append("Insurance cover below £5 million")
    if employer.insurance_expires is None:
        found.append("No insurance expiry date")
    elif employer.insurance_expires < today:
        found.append(f"Insurance expired on {long_date(employer.insurance_expires)}")
    if not employer.risk_assessment_on_file:
        found.append("No risk assessment on file")
    if not employer.risk_assessment_summary:
        found.append("No risk assessment summary for parents")
    if not employer.supervisor_name:
        found.append("No named supervisor")
    if employer.last_checked_on is None:
        found.append("No date of the last check")
    if employer.next_check_due is None:
        found.append("No date for the next check")
    elif employer.next_check_due == today:
        # Evidence the employer changed since the last check falls due today, as does a check planned for it.
        found.append("Check due today")
    elif employer.next_check_due < today:
        found.append(f"Check due since {long_date(employer.next_check_due)}")
    return found


def warnings(employer: Employer, today: date) -> list[str]:
    """What will soon stop the employer: insurance running out within REMINDER_DAYS."""
    expires = employer.insurance_expires
    if expires is not None and today <= expires <= today + timedelta(days=REMINDER_DAYS):
        left = (expires - today).days
        return ["Insurance expires today" if left == 0 else f"Insurance expires in {_days(left)}"]
    return []


def get_employer(employer_id: int) -> Employer | None:
    """The employer with this id."""
    return db.session.get(Employer, employer_id)


def hubs() -> list[Hub]:
    """Every careers hub in the service, by name."""
    return list(db.session.scalars(select(Hub).order_by(Hub.name, Hub.id)))


def hub_admins(hub_id: int) -> list[User]:
    """The hub's admins who can act on a message: active, with a password set."""
    return reachable(User.role == "hub_admin", User.hub_id == hub_id)


def employer_users(employer_id: int) -> list[User]:
    """The employer's users who can act on a message: active, with a password set."""
    return reachable(User.role == "employer", User.employer_id == employer_id)


def _changed(employer: Employer, fields: dict[str, Any]) -> list[str]:
    changed = sorted(name for name, value in fields.items() if getattr(employer, name) != value)
    for name in changed:
        setattr(employer, name, fields[name])
    return changed


def _event(user_id: int | None, action: str, employer: Employer, **detail: Any) -> int:
    """Audit an action on the employer and give the event's id: a message about it is keyed by the id, so
    each decision or change is told once and a later one is told again."""
    event = AuditEvent(
        user_id=user_id, action=action, record_type="employer", record_id=employer.id, detail=detail
    )
    db.session.add(event)
    db.session.flush()
    return event.id


def register(hub_id: int, email: str, password: str, **fields: Any) -> tuple[Employer, User]:
    """A pending employer and its first user, who can sign in at once; the hub's admins are told.
    RegistrationError if the email address has an account (in the caller's transaction)."""
    if get_user_by_email(email) is not None:
        raise RegistrationError(ACCOUNT_EXISTS)
    employer = Employer(hub_id=hub_id, status="pending", **fields)
    db.session.add(employer)
    db.session.flush()
    same_person = email.strip().lower() == fields.get("contact_email", "").strip().lower()
    user = create_user(
        email,
        password,
        "employer",
        employer_id=employer.id,
        name=fields["contact_name"] if same_person else "",
    )
    try:
        db.session.flush()
    except IntegrityError:  # someone registered the address a moment ago; the caller's transaction rolls back
        raise RegistrationError(ACCOUNT_EXISTS) from None
    audit(user.id, "employer_registered", "employer", employer.id)
    audit(user.id, "user_created", "user", user.id, role="employer")
    for admin in hub_admins(hub_id):
        notify(
            f"employer-registered:{employer.id}:{admin.id}",
            "employer_registered",
            admin.email,
            employer_id=employer.id,
        )
    return employer, user


def _plain(value: Any) -> Any:
    """A column value as the audit trail's JSON keeps it."""
    return value.isoformat() if isinstance(value, date) else value


def check_changes(employer: Employer, fields: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """What a check would change: each check field whose answer differs, as (saved value, new value)."""
    return {
        name: (getattr(employer, name), fields[name])
        for name in CHECK_FIELDS
        if getattr(employer, name) != fields[name]
    }


def replaces_evidence(changes: dict[str, tuple[Any, Any]]) -> bool:
    """Whether the changes alter evidence already recorded (not only fill in what was missing, or move the
    check's dates): the hub admin confirms such a change before it is saved."""
    recorded = (*EVIDENCE_FIELDS, "risk_assessment_on_file")
    return any(name in recorded and saved not in (None, "", False) for name, (saved, _) in changes.items())


def evidence_seen(employer: Employer) -> str:
    """A digest of the employer's saved check fields, to tell whether they changed after a hub admin was
    shown what their check would change."""
    saved = json.dumps([_plain(getattr(employer, name)) for name in CHECK_FIELDS])
    return hashlib.sha256(saved.encode()).hexdigest()


_PERSONAL = ("supervisor_name",)


def record_check(employer: Employer, by_id: int, **fields: Any) -> list[str]:
    """Save the evidence and check dates the hub admin recorded; the names of the fields that changed.
    The audit event keeps each changed field's value before and after, so the trail shows what a check
    replaced; but of the supervisor, a person, only that their name changed (the trail holds no names)."""
    changes = check_changes(employer, {name: fields[name] for name in CHECK_FIELDS})
    changed = sorted(changes)
    for name in changed:
        setattr(employer, name, fields[name])
    if changed:
        audit(
            by_id,
            "employer_evidence_recorded",
            "employer",
            employer.id,
            fields=changed,
            was={name: _plain(changes[name][0]) for name in changed if name not in _PERSONAL},
            now={name: _plain(changes[name][1]) for name in changed if name not in _PERSONAL},
        )
    return changed


def decide(employer: Employer, decision: str, reason: str, by_id: int, today: date) -> int:
    """Approve, ask for changes (the employer is pending until approved) or suspend, with a reason the
    employer sees; each of its users is emailed once. VettingError when approving an employer whose
    evidence is incomplete, out of date or not yet checked. The audit event's id."""
    status, action = DECISIONS[decision]
    if decision == "approve":
        missing = problems(employer, today)
        if missing:
            raise VettingError(f"You cannot approve {employer.name} until you fix: {'; '.join(missing)}")
    was = employer.status
    employer.status, employer.status_reason = status, reason
    event_id = _event(by_id, action, employer, status_was=was)
    if decision == "approve":
        # Students' own placements that were waiting for this employer are made now, and placements that
        # became ready to confirm while it was suspended are sent to it.
        own_placements.place_waiting(employer.id, by_id)
        for allocation_id, _ in _placements(employer.id, ("accepted", "consented")):
            if placements.ready_to_confirm(allocation_id):
                consent.tell_employer(allocation_id)
    elif status == "suspended":
        _tell_schools_of_hold(employer.id, event_id, today)
    for user in employer_users(employer.id):
        notify(
            f"employer-decision:{employer.id}:{event_id}:{user.id}",
            "employer_decision",
            user.email,
            employer_id=employer.id,
            event_id=event_id,
        )
    return event_id


def _placements(
    employer_id: int, statuses: tuple[str, ...], today: date | None = None
) -> list[tuple[int, int]]:
    """(allocation id, the student's school id) of the employer's placements in these statuses (not over
    by `today`, if given)."""
    query = (
        select(Allocation.id, Student.school_id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Student, Allocation.student_id == Student.id)
        .where(Opportunity.employer_id == employer_id, Allocation.status.in_(statuses))
        .order_by(Allocation.id)
    )
    if today is not None:
        query = query.where(Opportunity.end_date >= today)
    return [(allocation_id, school_id) for allocation_id, school_id in db.session.execute(query)]


def _tell_schools_of_hold(employer_id: int, event_id: int, today: date) -> None:
    # The employer no longer sees its students; their careers leaders hear why, once per placement.
    for allocation_id, school_id in _placements(employer_id, HOLDING_STATUSES, today):
        for leader in reachable_leaders(school_id):
            notify(
                f"placement-on-hold:{allocation_id}:{event_id}:{leader.id}",
                "placement_on_hold",
                leader.email,
                allocation_id=allocation_id,
                event_id=event_id,
            )


def latest_decision(employer_id: int) -> AuditEvent | None:
    """The hub's most recent decision on the employer."""
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.record_type == "employer",
            AuditEvent.record_id == employer_id,
            AuditEvent.action.in_(DECISION_ACTIONS),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class OwnUpdate:
    """What an employer's change to its own details did: the fields changed, and whether the hub must
    check the evidence again."""

    changed: list[str]
    recheck: bool


def update_own_details(employer: Employer, by_id: int, today: date, **fields: Any) -> OwnUpdate:
    """Save an employer's contact details and evidence. Changed evidence of an employer the hub has checked
    or decided on is checked again: the next check falls due today and the hub's admins are emailed. An
    approved employer stays approved meanwhile, but cannot publish or be matched until the hub has checked."""
    changed = _changed(employer, {name: fields[name] for name in (*CONTACT_FIELDS, *EVIDENCE_FIELDS)})
    if not changed:
        return OwnUpdate([], False)
    evidence = [name for name in changed if name in EVIDENCE_FIELDS]
    # Evidence the hub has checked or decided on must be checked again before it counts: the next check
    # falls due today, which stops publishing and matching (evidence_current) and approval until the hub
    # records a new check. An employer nobody has checked yet is waiting for its first check anyway.
    checked = employer.status != "pending" or bool(employer.status_reason or employer.last_checked_on)
    recheck = bool(evidence) and checked
    if recheck:
        employer.next_check_due = min(employer.next_check_due or today, today)
    event_id = _event(by_id, "employer_details_updated", employer, fields=changed)
    if recheck:
        for admin in hub_admins(employer.hub_id):
            notify(
                f"employer-evidence-changed:{employer.id}:{event_id}:{admin.id}",
                "employer_evidence_changed",
                admin.email,
                employer_id=employer.id,
                event_id=event_id,
            )
    return OwnUpdate(changed, recheck)


def remind_about_insurance(today: date) -> int:
    """Email approved employers' users and their hub's admins when insurance runs out within REMINDER_DAYS,
    and again once it has run out (for REMINDER_DAYS after); once per employer, expiry date and person,
    however often it runs. How many messages were queued now."""
    window = timedelta(days=REMINDER_DAYS)
    employers = db.session.scalars(
        select(Employer).where(
            Employer.status == "approved",
            Employer.insurance_expires.is_not(None),
            Employer.insurance_expires >= today - window,
            Employer.insurance_expires <= today + window,
        )
    )
    queued = 0
    for employer in employers:
        expires = employer.insurance_expires
        assert expires is not None  # by the query
        stage = "expired" if expires < today else "expiring"
        about = {"employer_id": employer.id, "expires": expires.isoformat()}
        for template, people in (
            ("insurance_reminder", employer_users(employer.id)),
            ("insurance_reminder_hub", hub_admins(employer.hub_id)),
        ):
            for person in people:
                key = f"insurance-{stage}:{employer.id}:{expires.isoformat()}:{person.id}"
                queued += notify(key, template, person.email, **about) is not None
    return queued
