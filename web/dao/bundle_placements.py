"""The sections of a subject access bundle about placements and events: each reads only rows of the pupil's
own placements, places and consents, so nothing of another pupil reaches the bundle."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from web.dao.bundle_people import everyone, who
from web.dao.hosting import INCOMING_STATUSES
from web.dao.registers import ON_REGISTER
from web.extensions import db
from web.models import (
    AccessLog,
    Allocation,
    CheckIn,
    Consent,
    Employer,
    EncounterEvent,
    EventPlace,
    EventSlot,
    ExperienceRecord,
    Feedback,
    Opportunity,
    OwnPlacement,
    PupilFeedback,
    User,
)
from web.models.base import UNDONE_STATUSES
from web.models.organisations import ORGANISATION_KINDS

# An employer could see the pupil on a placement once the pupil said yes: while it went ahead, and in the
# statuses that undid the yes later (it was shown before it was undone).
SHOWN_STATUSES = (*INCOMING_STATUSES, *UNDONE_STATUSES)


def allocation_ids(student_id: int) -> Any:
    return select(Allocation.id).where(Allocation.student_id == student_id)


def place_ids(student_id: int) -> Any:
    return select(EventPlace.id).where(EventPlace.student_id == student_id)


def placements(student_id: int) -> list[dict[str, Any]]:
    """Every placement proposed to or held by the pupil, with its status, why it was proposed (the score's
    parts), who decided, and why it ended if it did."""
    rows = db.session.execute(
        select(Allocation, Opportunity, Employer)
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .join(Employer, Employer.id == Opportunity.employer_id)
        .where(Allocation.student_id == student_id)
        .order_by(Allocation.created_at, Allocation.id)
    ).all()
    people = everyone({allocation.decided_by_id for allocation, _, _ in rows})
    return [
        {
            "placement_id": allocation.id,
            "opportunity": opportunity.title,
            "kind": opportunity.kind,
            "organisation": employer.name,
            "start_date": opportunity.start_date,
            "end_date": opportunity.end_date,
            "status": allocation.status,
            "score": allocation.score,
            "your_rank": allocation.rank,
            "reasons": allocation.explanation,
            "decided_by": who(people, allocation.decided_by_id),
            "decided_at": allocation.decided_at,
            "offered_at": allocation.offered_at,
            "respond_by": allocation.respond_by,
            "responded_at": allocation.responded_at,
            "confirmed_at": allocation.confirmed_at,
            "ended_reason": allocation.ended_reason,
            "ended_at": allocation.ended_at,
            "attended_days": allocation.attended_days,
            "attended_hours": allocation.attended_hours,
            "created_at": allocation.created_at,
        }
        for allocation, opportunity, employer in rows
    ]


def consents(student_id: int) -> list[dict[str, Any]]:
    """Each placement's consent: the decision, who gave it and how, when, and what the parent or carer
    entered (their name, the emergency contact, needs they chose to share), as stored."""
    rows = db.session.execute(
        select(Consent, Opportunity.title)
        .join(Allocation, Allocation.id == Consent.allocation_id)
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .where(Allocation.student_id == student_id)
        .order_by(Consent.created_at, Consent.id)
    ).all()
    people = everyone({consent.recorded_by_id for consent, _ in rows})
    found = []
    for consent, title in rows:
        if consent.recorded_by_id is not None:
            given_by = "Recorded on paper by a member of staff"
        elif consent.decided_at is not None:
            given_by = "Parent or carer, through the emailed link"
        else:
            given_by = "Not decided yet"
        found.append(
            {
                "placement_id": consent.allocation_id,
                "opportunity": title,
                "decision": consent.decision,
                "given_by": given_by,
                "recorded_by": who(people, consent.recorded_by_id),
                "parent_name": consent.parent_name,
                "emergency_name": consent.emergency_name,
                "emergency_phone": consent.emergency_phone,
                "shared_needs": consent.shared_needs,
                "link_sent_at": consent.sent_at,
                "link_used_at": consent.used_at,
                "decided_at": consent.decided_at,
                "expires_at": consent.expires_at,
                "created_at": consent.created_at,
            }
        )
    return found


def check_ins(student_id: int) -> list[dict[str, Any]]:
    """The careers leader's calls and visits during the pupil's placements, with their notes."""
    rows = db.session.scalars(
        select(CheckIn)
        .where(CheckIn.allocation_id.in_(allocation_ids(student_id)))
        .order_by(CheckIn.on_date, CheckIn.id)
    ).all()
    people = everyone({check_in.created_by_id for check_in in rows})
    return [
        {
            "placement_id": check_in.allocation_id,
            "kind": check_in.kind,
            "on_date": check_in.on_date,
            "note": check_in.note,
            "by": who(people, check_in.created_by_id),
            "created_at": check_in.created_at,
        }
        for check_in in rows
    ]


def experience_records(student_id: int) -> list[dict[str, Any]]:
    """The encounters and workplace experiences on the pupil's record."""
    rows = db.session.scalars(
        select(ExperienceRecord)
        .where(ExperienceRecord.student_id == student_id)
        .order_by(ExperienceRecord.on_date, ExperienceRecord.id)
    ).all()
    people = everyone({record.created_by_id for record in rows})
    return [
        {
            "title": record.title,
            "benchmark": record.benchmark,
            "kind": record.kind,
            "on_date": record.on_date,
            "hours": record.hours,
            "meaningful": record.meaningful,
            "placement_id": record.allocation_id,
            "event_place_id": record.event_place_id,
            "recorded_by": who(people, record.created_by_id),
            "created_at": record.created_at,
        }
        for record in rows
    ]


def feedback(student_id: int) -> list[dict[str, Any]]:
    """Feedback on the pupil's placements: their own reflections and what each employer said about them."""
    rows = db.session.scalars(
        select(Feedback)
        .where(Feedback.allocation_id.in_(allocation_ids(student_id)))
        .order_by(Feedback.created_at, Feedback.id)
    ).all()
    people = everyone({item.created_by_id for item in rows})
    return [
        {
            "placement_id": item.allocation_id,
            "written_by": "You" if item.author_role == "student" else "The employer",
            "author": who(people, item.created_by_id),
            "rating": item.rating,
            "comment": item.comment,
            "set_task": item.set_task,
            "gave_feedback": item.gave_feedback,
            "met_range_of_staff": item.met_range_of_staff,
            "would_host_again": item.would_host_again,
            "created_at": item.created_at,
            "updated_at": item.updated_at,
        }
        for item in rows
    ]


def own_placements(student_id: int) -> list[dict[str, Any]]:
    """Placements the pupil found themselves and proposed, with their careers leader's decision."""
    rows = db.session.scalars(
        select(OwnPlacement).where(OwnPlacement.student_id == student_id).order_by(OwnPlacement.created_at)
    ).all()
    people = everyone({placement.decided_by_id for placement in rows})
    return [
        {
            "organisation": placement.employer_name,
            "contact_name": placement.contact_name,
            "contact_email": placement.contact_email,
            "postcode": placement.postcode,
            "kind": placement.kind,
            "role": placement.role,
            "start_date": placement.start_date,
            "end_date": placement.end_date,
            "hours_per_day": placement.hours_per_day,
            "status": placement.status,
            "leader_note": placement.leader_note,
            "decided_by": who(people, placement.decided_by_id),
            "decided_at": placement.decided_at,
            "created_at": placement.created_at,
            "updated_at": placement.updated_at,
        }
        for placement in rows
    ]


def event_places(student_id: int) -> list[dict[str, Any]]:
    """The pupil's places at encounter events (and on waitlists), with the engine's reason and who decided."""
    rows = db.session.execute(
        select(EventPlace, EventSlot, EncounterEvent, Employer.name)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .outerjoin(Employer, Employer.id == EventSlot.employer_id)
        .where(EventPlace.student_id == student_id)
        .order_by(EventPlace.starts_at, EventPlace.id)
    ).all()
    people = everyone(
        {place.decided_by_id for place, *_ in rows} | {place.marked_by_id for place, *_ in rows}
    )
    return [
        {
            "event_place_id": place.id,
            "event": event.title,
            "format": event.format_label,
            "held_on": event.held_on,
            "venue": event.venue,
            "slot": slot.label,
            "organisation": organisation,
            "starts_at": place.starts_at,
            "ends_at": place.ends_at,
            "status": place.status,
            "waitlist_rank": place.waitlist_rank,
            "reason": place.reason,
            "decided_by": who(people, place.decided_by_id),
            "decided_at": place.decided_at,
            "register_marked_by": who(people, place.marked_by_id),
            "created_at": place.created_at,
        }
        for place, slot, event, organisation in rows
    ]


def pupil_feedback(student_id: int) -> list[dict[str, Any]]:
    """The pupil's answers about events they went to."""
    rows = db.session.execute(
        select(PupilFeedback, EncounterEvent.title)
        .join(EventPlace, EventPlace.id == PupilFeedback.place_id)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(EventPlace.student_id == student_id)
        .order_by(PupilFeedback.created_at, PupilFeedback.id)
    ).all()
    return [
        {
            "event_place_id": answers.place_id,
            "event": title,
            "learned_something": answers.learned,
            "wants_more": answers.wants_more,
            "rating": answers.rating,
            "created_at": answers.created_at,
            "updated_at": answers.updated_at,
        }
        for answers, title in rows
    ]


def shown_to_organisations(student_id: int) -> list[dict[str, Any]]:
    """What each employer or provider was shown about the pupil and when, organisation by organisation:
    their placements once they said yes (the name they go by, school and year group, and what the parent
    or carer shared once they consented), their places at the organisation's event stands (their name, on
    the register), and each page with the pupil's data that the organisation's people viewed."""
    by_organisation: dict[int, dict[str, Any]] = {}

    def entry(employer: Employer) -> dict[str, Any]:
        return by_organisation.setdefault(
            employer.id,
            {
                "organisation": employer.name,
                "kind": ORGANISATION_KINDS.get(employer.kind, employer.kind),
                "shown": [],
                "page_views": [],
            },
        )

    placements_seen = db.session.execute(
        select(Allocation, Opportunity, Employer, Consent.decision)
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .join(Employer, Employer.id == Opportunity.employer_id)
        .outerjoin(Consent, Consent.allocation_id == Allocation.id)
        .where(Allocation.student_id == student_id, Allocation.status.in_(SHOWN_STATUSES))
        .order_by(Allocation.id)
    ).all()
    for allocation, opportunity, employer, decision in placements_seen:
        fields = ["The first name you go by", "Your school", "Your year group"]
        if decision == "given":
            fields += [
                "Your emergency contact",
                "Medical or access needs your parent or carer chose to share",
            ]
        entry(employer)["shown"].append(
            {
                "what": f"Placement: {opportunity.title}",
                "fields": fields,
                "status": allocation.status,
                "from": allocation.responded_at or allocation.created_at,
                "until": allocation.ended_at,
            }
        )
    places_seen = db.session.execute(
        select(EventPlace, EventSlot, EncounterEvent, Employer)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .join(Employer, Employer.id == EventSlot.employer_id)
        .where(EventPlace.student_id == student_id, EventPlace.status.in_(ON_REGISTER))
        .order_by(EventPlace.id)
    ).all()
    for place, slot, event, employer in places_seen:
        entry(employer)["shown"].append(
            {
                "what": f"Event: {event.title}, {slot.label}",
                "fields": ["Your name, on the register"],
                "status": place.status,
                "from": place.decided_at or place.created_at,
                "until": None,
            }
        )
    views = db.session.execute(
        select(AccessLog, User, Employer)
        .join(User, User.id == AccessLog.user_id)
        .join(Employer, Employer.id == User.employer_id)
        .where(AccessLog.student_id == student_id, User.role == "employer")
        .order_by(AccessLog.at, AccessLog.id)
    ).all()
    for view, user, employer in views:
        entry(employer)["page_views"].append(
            {"page": view.page, "at": view.at, "by": user.name or user.email}
        )
    return list(by_organisation.values())
