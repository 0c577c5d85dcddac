"""A small hub with something on every page of the journey, made through the factories in tests/db.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from tests import db as factories
from tests.web.careers.test_encounter_requests import create_request
from tests.web.employers.test_encounter_offers import create_offer
from web.dao import consent
from web.extensions import db
from web.models import (
    Allocation,
    Employer,
    EncounterEvent,
    EncounterMatch,
    EncounterOffer,
    EventAllocation,
    EventPlace,
    Hub,
    MatchRound,
    Opportunity,
    School,
    Student,
    User,
)
from web.models.placements import Consent, ExperienceRecord, OwnPlacement

# The shape the worker stores, so the round page shows its fairness tables as it does after a real round.
METRICS = {
    "students": 2,
    "assigned": 2,
    "ranked_placed": 1,
    "fairness": {
        "overall": {"students": 2, "assigned": 2, "coverage": 1.0, "mean_rank": 1.0},
        "by_category": {
            "disadvantaged": {"students": 1, "assigned": 1, "coverage": 1.0, "mean_rank": 1.0},
            "send": {"students": 0, "assigned": 0, "coverage": None, "mean_rank": None},
            "no_experience": {"students": 2, "assigned": 2, "coverage": 1.0, "mean_rank": 1.0},
        },
        "pathway_share": {"technical": 0.5, "academic": 0.5},
    },
}


@dataclass
class World:
    """Who and what the pages show; users sign in with tests.db.PASSWORD."""

    users: dict[str, User]
    school: School
    student: Student
    employer: Employer
    published: Opportunity
    draft: Opportunity
    unchosen: Opportunity
    finished_round: MatchRound
    offer: Allocation
    # Colleagues of each organisation, for the team pages: one invited (no password yet) and one active.
    colleagues: dict[str, User]
    pending_employer: Employer
    # After a yes: a placement under way (confirmed, consent given with needs shared), one waiting for the
    # parent (with its consent link), one completed, and a placement the student found themselves.
    under_way: Allocation
    accepted: Allocation
    consent_link: str
    completed: Allocation
    own_placement: OwnPlacement
    # The hub's shared pool: a hub-wide round the school is deciding, and a what-if's two finished drafts.
    hub_round: MatchRound
    what_if: tuple[MatchRound, MatchRound]
    # Events: a careers fair today (the student invited, the classmate proposed; the employer runs the
    # slot), a draft one still taking slots, and the allocation that filled the fair; and the student's
    # place at the fair's first stand, where the register has them present.
    event: EncounterEvent
    draft_event: EncounterEvent
    event_allocation: EventAllocation
    attended: EventPlace
    # The employer's mentoring programme, its mentor's DBS check not yet recorded by the hub.
    mentoring: EncounterOffer


def build() -> World:
    """A hub, a school with two students, an employer with published and draft opportunities, a finished
    round with proposals, an offer waiting for an answer and an earlier one declined."""
    hub = factories.create_hub()
    school = factories.create_school(hub, name="Ardwick Green Academy")
    employer = factories.create_employer(hub, name="Northern Quarter Digital")
    published = factories.create_opportunity(employer, title="Software developer work experience")
    other = factories.create_opportunity(
        employer, title="Insight day at a digital agency", kind="insight_day", pathway="academic"
    )
    draft = factories.create_opportunity(employer, title="Data analyst shadowing", status="draft")
    unchosen = factories.create_opportunity(
        employer,
        title="Electrical installation placement",
        route="construction-and-the-built-environment",
        pathway="both",
    )
    student = factories.create_student(school, first_name="Zainab", last_name="Okafor", disadvantaged=True)
    classmate = factories.create_student(school, first_name="Oliver", last_name="Brennan-Whitfield")
    factories.create_preference(student, published, rank=1)
    factories.create_preference(student, other, rank=2)

    earlier = factories.create_round(school, status="succeeded", progress=100, metrics=METRICS)
    offer = factories.create_allocation(earlier, student, published, status="offered", rank=1)
    factories.create_allocation(earlier, classmate, other, status="declined")
    factories.create_allocation(earlier, student, unchosen, status="declined")
    finished = factories.create_round(school, status="succeeded", progress=100, metrics=METRICS, seed=7)
    factories.create_allocation(finished, classmate, published, rank=None)
    factories.create_allocation(finished, student, other, rank=2, status="approved")
    db.session.add(
        ExperienceRecord(
            student_id=student.id,
            benchmark="5",
            title="Careers fair talk from a software company",
            on_date=date.today() - timedelta(days=30),
            hours=Decimal("1.5"),
        )
    )
    # The hub's brokering: a proposal waiting for the hub, and one it approved, waiting for the employer.
    talk = create_offer(employer, per_term=3)
    mentoring = create_offer(employer, format="mentoring_programme", sessions=6, group_min=1, group_max=4)
    for status in ("proposed", "asked"):
        db.session.add(
            EncounterMatch(
                request_id=create_request(school).id,
                offer_id=talk.id,
                employer_id=employer.id,
                status=status,
                km=2.0,
                reason="Northern Quarter Digital's careers talk or assembly fits: 2 km from the school.",
            )
        )
    db.session.commit()
    users = {
        "hub_admin": factories.create_user_for("hub_admin", hub),
        "careers_leader": factories.create_user_for("careers_leader", school),
        "employer": factories.create_user_for("employer", employer),
        "student": factories.create_user_for("student", student),
    }
    colleagues = {
        "hub_admin": factories.create_user_for("hub_admin", hub, name="Pat Invited", password=""),
        "careers_leader": factories.create_user_for("careers_leader", school, name="Kim Colleague"),
        "employer": factories.create_user_for("employer", employer, name="Lee Colleague"),
    }
    pending = factories.create_employer(
        hub, name="Salford Robotics Ltd", status="pending", insurance_cover=None
    )
    under_way, accepted, completed = _after_yes(earlier, employer, student, classmate)
    own = OwnPlacement(
        student_id=student.id,
        employer_name="Ancoats Bakery",
        contact_name="Dee Baker",
        contact_email="dee@bakery.example",
        postcode="M4 6BF",
        role="Helping in the bakery and the shop",
        start_date=date.today() + timedelta(days=40),
        end_date=date.today() + timedelta(days=44),
        hours_per_day=Decimal("6"),
    )
    db.session.add(own)
    db.session.commit()
    link = f"/consent/{consent.secret_of(consent.for_allocation(accepted.id))}"
    hub_round, what_if = _shared_pool(school, classmate, unchosen)
    event, draft_event, event_allocation, attended = _events(hub, school, employer, student, classmate)
    return World(
        users,
        school,
        student,
        employer,
        published,
        draft,
        unchosen,
        finished,
        offer,
        colleagues,
        pending,
        under_way,
        accepted,
        link,
        completed,
        own,
        hub_round,
        what_if,
        event,
        draft_event,
        event_allocation,
        attended,
        mentoring,
    )


def _events(
    hub: Hub, school: School, employer: Employer, student: Student, classmate: Student
) -> tuple[EncounterEvent, EncounterEvent, EventAllocation, EventPlace]:
    years = sorted({student.year_group, classmate.year_group})
    event = factories.create_event(hub, [school], status="allocated", held_on=date.today(), year_groups=years)
    slot = factories.create_slot(event, employer_id=employer.id, label="Software developers' stand")
    factories.create_place(slot, student, "invited")
    factories.create_place(slot, classmate, "proposed", reason="Given first: no encounter yet this year.")
    first = factories.create_slot(event, hour=9, employer_id=employer.id, label="Coding taster")
    attended = factories.create_place(first, student, "attended")
    draft = factories.create_event(
        hub, [school], status="draft", title="Mock interview morning", format="mock_interviews"
    )
    factories.create_slot(draft, hour=9, label="Interviews with Northern Quarter Digital")
    allocation = EventAllocation(
        hub_id=hub.id,
        status="succeeded",
        progress=100,
        stage="Finished",
        metrics={"events": 1, "slots": 1, "pupils": 2, "proposed": 2, "waitlisted": 0},
    )
    db.session.add(allocation)
    db.session.commit()
    return event, draft, allocation, attended


def _shared_pool(
    school: School, student: Student, place: Opportunity
) -> tuple[MatchRound, tuple[MatchRound, MatchRound]]:
    by_school = {
        str(school.id): {"students": 2, "assigned": 1, "coverage": 0.5, "mean_rank": 1.0, "share": 1}
    }
    metrics = {**METRICS, "median_km": 3.2, "fairness": {**METRICS["fairness"], "by_school": by_school}}
    hub_wide = {"hub_id": school.hub_id, "school_id": None, "status": "succeeded", "progress": 100}
    policy = {"school_share": True, "priority": "standard", "reserves": {}}
    hub_round = factories.create_round(
        school, **hub_wide, metrics=metrics, policy=policy, decide_by=date.today() + timedelta(days=5)
    )
    factories.create_allocation(hub_round, student, place, rank=None)
    one = factories.create_round(school, **hub_wide, metrics=metrics, policy=policy, draft=True)
    two = factories.create_round(
        school, **hub_wide, metrics=metrics, draft=True, mechanism="stable", compared_with_id=one.id
    )
    one.compared_with_id = two.id
    db.session.commit()
    return hub_round, (one, two)


def _after_yes(
    match_round: MatchRound, employer: Employer, student: Student, classmate: Student
) -> tuple[Allocation, Allocation, Allocation]:
    today = date.today()
    started = factories.create_opportunity(
        employer,
        title="Games studio week",
        start_date=today - timedelta(days=2),
        end_date=today + timedelta(days=2),
    )
    under_way = factories.create_allocation(match_round, classmate, started, status="confirmed")
    db.session.add(
        Consent(
            allocation_id=under_way.id,
            salt="browser-world",
            token_hash="0" * 64,
            decision="given",
            parent_name="Sam Brennan",
            emergency_name="Sam Brennan",
            emergency_phone="07700 900123",
            shared_needs="Hay fever: may need to step outside.",
            expires_at=datetime.now() + timedelta(days=14),
        )
    )
    later = factories.create_opportunity(
        employer,
        title="Web design taster",
        start_date=today + timedelta(days=90),
        end_date=today + timedelta(days=91),
    )
    accepted = factories.create_allocation(match_round, student, later, status="accepted")
    consent.request(accepted.id, None)
    over = factories.create_opportunity(
        employer,
        title="Office week",
        start_date=today - timedelta(days=30),
        end_date=today - timedelta(days=26),
    )
    completed = factories.create_allocation(
        match_round, student, over, status="completed", attended_days=5, attended_hours=Decimal("35")
    )
    db.session.add(
        ExperienceRecord(
            student_id=student.id,
            allocation_id=completed.id,
            benchmark="6",
            kind="work_experience",
            title="Office week",
            on_date=over.end_date,
            hours=Decimal("35"),
            meaningful=True,
        )
    )
    db.session.commit()
    return under_way, accepted, completed
