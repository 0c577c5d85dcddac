"""What the hub's and employers' vetting emails say, from the ids they are about."""

from __future__ import annotations

from datetime import date
from typing import Any

from web.dao import vetting
from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.models import Allocation, AuditEvent, Employer, Hub, Opportunity, Student


def _employer(employer_id: int) -> tuple[Employer, Hub] | None:
    employer = vetting.get_employer(employer_id)
    hub = db.session.get(Hub, employer.hub_id) if employer else None
    return (employer, hub) if employer and hub else None


@email("employer_registered")
def employer_registered(employer_id: int) -> dict[str, Any] | None:
    """To a hub admin: a new employer has registered and is waiting to be checked."""
    found = _employer(employer_id)
    if found is None:
        return None
    employer, hub = found
    return {"employer": employer.name, "hub": hub.name, "link": link("hub.employer", employer_id=employer.id)}


@email("employer_decision")
def employer_decision(employer_id: int, event_id: int) -> dict[str, Any] | None:
    """To an employer's user: the hub approved, asked for changes or suspended them, and why."""
    found = _employer(employer_id)
    latest = vetting.latest_decision(employer_id)
    # A later decision has its own message; this one would say something no longer true.
    if found is None or latest is None or latest.id != event_id:
        return None
    employer, hub = found
    decision = {action: name for name, (_, action) in vetting.DECISIONS.items()}[latest.action]
    return {
        "decision": decision,
        "employer": employer.name,
        "hub": hub.name,
        "reason": employer.status_reason,
        "link": link("employers.opportunities" if decision == "approve" else "employers.organisation"),
    }


@email("employer_evidence_changed")
def employer_evidence_changed(employer_id: int, event_id: int) -> dict[str, Any] | None:
    """To a hub admin: an employer changed its safeguarding evidence, so the hub checks it again."""
    found = _employer(employer_id)
    event = db.session.get(AuditEvent, event_id)
    if found is None or event is None or event.record_id != employer_id:
        return None
    employer, hub = found
    # In the order the form asks, not the order the audit trail keeps them.
    fields = event.detail.get("fields", [])
    changed = [label for name, label in vetting.EVIDENCE_LABELS.items() if name in fields]
    return {
        "employer": employer.name,
        "changed": changed,
        "status": employer.status,
        "link": link("hub.employer", employer_id=employer.id),
    }


def _insurance(employer_id: int, expires: str) -> dict[str, Any] | None:
    found = _employer(employer_id)
    if found is None:
        return None
    employer, hub = found
    # Renewed, or no longer approved, since the reminder was queued: nothing to remind anyone of.
    if employer.status != "approved" or employer.insurance_expires is None:
        return None
    if employer.insurance_expires.isoformat() != expires:
        return None
    today = date.today()
    return {
        "employer": employer.name,
        "hub": hub.name,
        "expires": long_date(employer.insurance_expires),
        "expired": employer.insurance_expires < today,
        "days_left": (employer.insurance_expires - today).days,
    }


@email("insurance_reminder")
def insurance_reminder(employer_id: int, expires: str) -> dict[str, Any] | None:
    """To an employer's user: their employers' liability insurance runs out soon, or has."""
    context = _insurance(employer_id, expires)
    return context and {**context, "link": link("employers.organisation")}


@email("insurance_reminder_hub")
def insurance_reminder_hub(employer_id: int, expires: str) -> dict[str, Any] | None:
    """To a hub admin: an approved employer's insurance runs out soon, or has."""
    context = _insurance(employer_id, expires)
    return context and {**context, "link": link("hub.employer", employer_id=employer_id)}


@email("placement_on_hold")
def placement_on_hold(allocation_id: int, event_id: int) -> dict[str, Any] | None:
    """To a careers leader: the hub suspended the employer of one of their students' placements."""
    allocation = db.session.get(Allocation, allocation_id)
    opportunity = db.session.get(Opportunity, allocation.opportunity_id) if allocation else None
    latest = vetting.latest_decision(opportunity.employer_id) if opportunity else None
    # Approved again since: this message would say something no longer true.
    if allocation is None or opportunity is None or latest is None or latest.id != event_id:
        return None
    student = db.session.get(Student, allocation.student_id)
    employer = db.session.get(Employer, opportunity.employer_id)
    return {
        "student": student.full_name,
        "placement": opportunity.title,
        "employer": employer.name,
        "reason": employer.status_reason,
        "link": link("careers.placement", allocation_id=allocation_id),
    }
