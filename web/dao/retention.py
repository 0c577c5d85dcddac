"""Applying the retention schedule (web/privacy/schedule.py) to a hub's records: what falls due on a day, and
doing it, set-based and in one transaction per hub and night.

Every step is a condition over one table: counting it gives the notice, and the same condition updates or
deletes on the day, so what was announced is what is done. Pupils on hold are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select, update

from web.dao.base import audit
from web.dao.erasure import ERASED_DOMAIN, anonymise, erased_account
from web.extensions import db
from web.models import (
    AccessLog,
    Allocation,
    AuditEvent,
    CheckIn,
    Consent,
    ExperienceRecord,
    Feedback,
    Hub,
    Notification,
    Opportunity,
    OwnPlacement,
    ParentLink,
    PupilHold,
    RetentionRule,
    RetentionRun,
    School,
    SignInIdentity,
    Student,
    User,
)
from web.privacy.schedule import DEFAULTS

NOTICE_DAYS = 7  # the hub admin hears a week ahead what the schedule will do
SERVICE_TYPES = ("notification", "audit_event")  # the service's own periods, applied once a night


@dataclass(frozen=True)
class Step:
    """One table's rows that fall due: deleted (values None) or updated to `values`."""

    model: Any
    where: list[ColumnElement[bool]]
    values: dict[str, Any] | None = None


def periods_of(hub_id: int) -> dict[str, int]:
    """Days kept for each record type in this hub: its own where it set one, else the default."""
    days = {record_type: period.days for record_type, period in DEFAULTS.items()}
    own = reasons_of(hub_id)
    days.update({t: keep for t, (keep, _) in own.items() if DEFAULTS[t].adjustable})
    return days


def reasons_of(hub_id: int) -> dict[str, tuple[int, str]]:
    """The hub's own periods and reasons, by record type."""
    return {
        rule.record_type: (rule.keep_days, rule.reason)
        for rule in db.session.scalars(select(RetentionRule).where(RetentionRule.hub_id == hub_id))
    }


def hubs_and_periods() -> list[tuple[Hub, dict[str, tuple[int, str]]]]:
    """Each hub, by name, with its own periods and reasons (empty where it keeps the defaults)."""
    own: dict[int, dict[str, tuple[int, str]]] = {}
    for rule in db.session.scalars(select(RetentionRule)):
        own.setdefault(rule.hub_id, {})[rule.record_type] = (rule.keep_days, rule.reason)
    return [(hub, own.get(hub.id, {})) for hub in db.session.scalars(select(Hub).order_by(Hub.name))]


def set_period(hub_id: int, record_type: str, days: int, reason: str, user_id: int) -> None:
    """Set the hub's period for a record type (the caller checked it is within the period's limits)."""
    rule = db.session.scalar(
        select(RetentionRule).where(RetentionRule.hub_id == hub_id, RetentionRule.record_type == record_type)
    )
    before = DEFAULTS[record_type].days if rule is None else rule.keep_days
    if rule is None:
        rule = RetentionRule(hub_id=hub_id, record_type=record_type, keep_days=days, reason=reason)
        db.session.add(rule)
    rule.keep_days, rule.reason, rule.changed_by_id = days, reason, user_id
    db.session.flush()
    audit(user_id, "retention_period", "retention_rule", rule.id, kind=record_type, before=before, after=days)


def _at(day: date) -> datetime:
    return datetime.combine(day, time())


def _pupils(hub_id: int) -> Select[tuple[int]]:
    """The hub's pupils not on hold."""
    return (
        select(Student.id)
        .join(School, School.id == Student.school_id)
        .where(
            School.hub_id == hub_id, ~select(PupilHold.id).where(PupilHold.student_id == Student.id).exists()
        )
    )


def steps(hub_id: int, record_type: str, cutoff: date) -> list[Step]:
    """The steps for a hub's record type: the rows older than `cutoff` (by the type's own date)."""
    pupils = _pupils(hub_id)
    placements = select(Allocation.id).where(Allocation.student_id.in_(pupils))
    if record_type == "pupil":
        return [
            Step(Student, [Student.id.in_(pupils), Student.left_on < cutoff, Student.anonymised_at.is_(None)])
        ]
    if record_type == "account":
        leavers = pupils.where(Student.left_on < cutoff)
        accounts = select(User.id).where(User.student_id.in_(leavers))
        return [
            # The Google or Microsoft account connected to it first: it could sign in again otherwise.
            Step(SignInIdentity, [SignInIdentity.user_id.in_(accounts)]),
            Step(
                User,
                [User.student_id.in_(leavers), User.email.not_like(f"%{ERASED_DOMAIN}")],
                erased_account(),
            ),
        ]
    if record_type == "consent":
        filled = or_(
            Consent.parent_name != "",
            Consent.emergency_name != "",
            Consent.emergency_phone != "",
            Consent.shared_needs != "",
        )
        cleared = {"parent_name": "", "emergency_name": "", "emergency_phone": "", "shared_needs": ""}
        where = [Consent.allocation_id.in_(placements), Consent.created_at < _at(cutoff), filled]
        return [Step(Consent, where, cleared)]
    if record_type == "parent_link":
        ended = or_(ParentLink.revoked_at < _at(cutoff), ParentLink.expires_at < _at(cutoff))
        return [Step(ParentLink, [ParentLink.student_id.in_(pupils), ended])]
    if record_type == "placement":
        ended = (
            select(Allocation.id)
            .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
            .where(Allocation.student_id.in_(pupils), Opportunity.end_date < cutoff)
        )
        contacts = or_(
            OwnPlacement.contact_name != "", OwnPlacement.contact_email != "", OwnPlacement.leader_note != ""
        )
        return [
            Step(CheckIn, [CheckIn.allocation_id.in_(ended), CheckIn.note != ""], {"note": ""}),
            Step(
                OwnPlacement,
                [OwnPlacement.student_id.in_(pupils), OwnPlacement.end_date < cutoff, contacts],
                {"contact_name": "", "contact_email": "", "leader_note": ""},
            ),
        ]
    if record_type == "encounter_record":
        # A pupil's record follows them through school (and matching priority reads it): counted from leaving.
        leavers = pupils.where(Student.left_on < cutoff)
        return [Step(ExperienceRecord, [ExperienceRecord.student_id.in_(leavers)])]
    if record_type == "feedback":
        where = [
            Feedback.allocation_id.in_(placements),
            Feedback.created_at < _at(cutoff),
            Feedback.comment != "",
        ]
        return [Step(Feedback, where, {"comment": ""})]
    if record_type == "access_log":
        return [Step(AccessLog, [AccessLog.student_id.in_(pupils), AccessLog.at < _at(cutoff)])]
    if record_type == "notification":
        return [
            Step(
                Notification,
                [Notification.status.in_(("sent", "failed")), Notification.created_at < _at(cutoff)],
            )
        ]
    if record_type == "audit_event":
        return [Step(AuditEvent, [AuditEvent.at < _at(cutoff)])]
    return []  # mis_import: schedule.purge_imports, hourly


def _count(step: Step) -> int:
    return int(db.session.scalar(select(func.count()).select_from(step.model).where(*step.where)) or 0)


def _apply(record_type: str, step: Step, now: datetime) -> int:
    if record_type == "pupil":
        return anonymise(list(db.session.scalars(select(Student.id).where(*step.where))), now)
    statement = (
        delete(step.model).where(*step.where)
        if step.values is None
        else update(step.model).where(*step.where).values(step.values)
    )
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _types(with_service: bool) -> list[str]:
    return [t for t in DEFAULTS if t != "mis_import" and (with_service or t not in SERVICE_TYPES)]


def due(hub_id: int, on: date, with_service: bool = True) -> dict[str, int]:
    """How many rows of each record type are due by day `on` (kept past their period then)."""
    days = periods_of(hub_id)
    return {
        record_type: sum(
            _count(step) for step in steps(hub_id, record_type, on - timedelta(days=days[record_type]))
        )
        for record_type in _types(with_service)
    }


def due_on(hub_id: int, on: date) -> dict[str, int]:
    """What falls due on day `on` itself, not before (the hub's own record types): the notice a week ahead."""
    by, before = due(hub_id, on, with_service=False), due(hub_id, on - timedelta(days=1), with_service=False)
    return {record_type: by[record_type] - before[record_type] for record_type in by}


def apply(hub_id: int, on: date, now: datetime, with_service: bool) -> dict[str, int]:
    """Do what falls due on day `on` for the hub (and the service's own types when `with_service`), in the
    caller's transaction; the counts by record type."""
    days = periods_of(hub_id)
    counts = {}
    for record_type in _types(with_service):
        cutoff = on - timedelta(days=days[record_type])
        counts[record_type] = sum(
            _apply(record_type, step, now) for step in steps(hub_id, record_type, cutoff)
        )
    return counts


def run_of(hub_id: int, on: date, kind: str) -> RetentionRun | None:
    """The hub's notice or applied run for a day, if it was written."""
    return db.session.scalar(
        select(RetentionRun).where(
            RetentionRun.hub_id == hub_id, RetentionRun.on_date == on, RetentionRun.kind == kind
        )
    )


def recent_runs(hub_id: int, limit: int = 30) -> list[RetentionRun]:
    """The hub's newest notices and runs first."""
    return list(
        db.session.scalars(
            select(RetentionRun)
            .where(RetentionRun.hub_id == hub_id)
            .order_by(RetentionRun.on_date.desc(), RetentionRun.kind)
            .limit(limit)
        )
    )
