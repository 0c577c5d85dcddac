"""An event on the demo hub over real HTTP, with a real worker and SMTP server: the hub admin makes a
mock-interview morning run by an employer and allocates every open event (the demo's coming fair too); the
careers leader approves their pupils' places and each pupil is emailed; the employer marks the register; the
pupil's "My record" shows the encounter once, however often the register is saved; the pupil and the employer
say how it went, and the hub's quality report counts the pupil's answers. And a school's request that the
hub's engine matches with an offer, the hub admin approves, the organisation confirms and the school
accepts, each told by email."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from tests import db as factories
from tests.integration import test_hub_start
from tests.integration.conftest import Stack
from tests.integration.test_journey import _id_from
from tests.smtp import SmtpServer
from web.dates import academic_year_of
from web.demo import DEMO_PASSWORD, LOGINS
from web.demo.seed import DEMO_EMPLOYER
from web.extensions import db
from web.models import (
    Employer,
    EncounterEvent,
    EncounterMatch,
    EncounterRequest,
    EncounterResponse,
    EventAllocation,
    EventPlace,
    EventSlot,
    ExperienceRecord,
    School,
    Student,
    User,
)

smtp = test_hub_start.smtp
stack = test_hub_start.stack


def _allocation_finished(allocation_id: int) -> EventAllocation | None:
    db.session.expire_all()
    allocation = db.session.get(EventAllocation, allocation_id)
    return allocation if allocation and allocation.status in ("succeeded", "failed") else None


def test_an_event_is_allocated_approved_emailed_registered_and_recorded(
    stack: Stack, smtp: SmtpServer
) -> None:
    smtp.inbox.messages.clear()
    stack.seed_demo()
    leader_user = db.session.scalars(select(User).where(User.email == LOGINS["careers_leader"])).one()
    school = db.session.get(School, leader_user.school_id)
    employer = db.session.scalars(select(Employer).where(Employer.name == DEMO_EMPLOYER)).one()
    admin = stack.browser()
    admin.sign_in(LOGINS["hub_admin"], DEMO_PASSWORD)

    # The hub admin makes a mock-interview morning today for the school's Year 10, run by the employer.
    today = date.today()
    page = admin.submit(
        stack.url("encounters.new_event"),
        {
            "title": "Mock interviews with Northern Quarter Digital",
            "format": "mock_interviews",
            "route": "digital",
            "pathway": "both",
            "held_on": [str(today.day), str(today.month), str(today.year)],
            "venue": "Ardwick Green Academy hall",
            "year_groups": ["10"],
            "max_slots": "1",
            "schools": [str(school.id)],
        },
    )
    event_id = _id_from(page, "/hub/events/")
    page = admin.submit(
        page,
        {
            "label": "Interview",
            "employer": str(employer.id),
            "starts": "13:00",
            "minutes": "20",
            "repeat": "4",
            "capacity": "1",
        },
        action=stack.url("encounters.add_slots", event_id=event_id),
    )
    assert "4 slots added" in page.main_text()
    page = admin.post_form(page, stack.url("encounters.open_event", event_id=event_id))
    assert "Event opened" in page.main_text()

    # Allocating runs in the worker, over this event and the demo's coming fair.
    page = admin.post_form(admin.get(stack.url("encounters.events")), stack.url("encounters.allocate"))
    allocation_id = int(re.search(r"/allocations/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    allocation = stack.wait_for(lambda: _allocation_finished(allocation_id), 60, "the event allocation")
    assert allocation.status == "succeeded", f"{allocation.error}\n{stack.log('worker')}"
    assert (
        "Places proposed"
        in admin.get(stack.url("encounters.allocation", allocation_id=allocation_id)).main_text()
    )
    assert db.session.get(EncounterEvent, event_id).status == "allocated"
    ours = list(
        db.session.scalars(
            select(EventPlace)
            .join(Student, Student.id == EventPlace.student_id)
            .where(Student.school_id == school.id, EventPlace.status == "proposed")
        )
    )
    assert ours, "the demo school's pupils should be proposed for places"
    assert (
        smtp.inbox.to(db.session.get(Student, ours[0].student_id).email or "nobody") == []
    )  # nobody hears yet

    # The careers leader approves every place proposed for the school's pupils: each pupil is emailed.
    leader = stack.browser()
    leader.sign_in(LOGINS["careers_leader"], DEMO_PASSWORD)
    page = leader.submit(
        leader.get(stack.url("encounters.school_events")),
        {"places": [str(place.id) for place in ours], "approve": "Approve and invite"},
        action=stack.url("encounters.decide_event_places"),
    )
    assert f"{len(ours)} place" in page.main_text()
    invited = [db.session.get(Student, place.student_id) for place in ours]
    # Demo pupils have no email of their own: their parents and carers are told.
    parent = next(pupil.parent_email for pupil in invited if pupil.parent_email)
    messages = smtp.inbox.wait_for(parent)  # one for each place: a pupil may have a fair's and an interview
    assert all(message["Subject"].startswith("You have a place at ") for message in messages)

    # The employer marks an interviewee present on the register, twice: one record.
    db.session.expire_all()
    people = stack.browser()
    people.sign_in(LOGINS["employer"], DEMO_PASSWORD)
    on_register = [
        place
        for place in db.session.scalars(select(EventPlace).where(EventPlace.status == "invited"))
        if place.slot_id in _slots_of(event_id)
    ]
    assert on_register, "someone should be invited to the interviews"
    place = on_register[0]
    register = stack.url("encounters.event_register", event_id=event_id)
    for _ in range(2):
        page = people.submit(
            people.get(register),
            {"attended": "yes"},
            action=stack.url("encounters.mark_place", event_id=event_id, place_id=place.id),
        )
    db.session.expire_all()
    records = db.session.scalars(
        select(ExperienceRecord).where(ExperienceRecord.event_place_id == place.id)
    ).all()
    assert len(records) == 1

    # The pupil sees it on "My record".
    pupil = db.session.get(Student, place.student_id)
    account = factories.create_user_for("student", pupil)
    person = stack.browser()
    person.sign_in(account.email, factories.PASSWORD)
    assert (
        "Mock interviews with Northern Quarter Digital"
        in person.get(stack.url("students.record")).main_text()
    )

    # The pupil answers three questions, the employer two; the hub's quality report counts the pupil's.
    asked = stack.url("encounters.pupil_feedback", place_id=place.id)
    page = person.submit(asked, {"learned": "yes", "wants_more": "yes", "rating": "5"})
    assert "Thank you" in page.main_text()
    assert "Change your answers" in page.main_text()
    page = people.submit(
        stack.url("encounters.organisation_feedback", event_id=event_id),
        {"pupils_ready": "4", "would_return": "yes"},
    )
    assert "Thank you for your feedback" in page.main_text()
    assert "you have met" in page.main_text()
    report = admin.get(stack.url("reports.hub_csv", report="encounter-quality")).text
    totals = next(line for line in report.splitlines() if line.startswith("All,All encounters,"))
    # The demo's mock-interview morning a fortnight ago had five answers (if that is this school year).
    demo = 5 if academic_year_of(today - timedelta(days=14)) == academic_year_of(today) else 0
    assert totals.split(",")[2] == str(demo + 1)


def _slots_of(event_id: int) -> set[int]:
    return set(db.session.scalars(select(EventSlot.id).where(EventSlot.event_id == event_id)))


def test_a_schools_request_is_brokered_by_the_hub_confirmed_and_accepted(
    stack: Stack, smtp: SmtpServer
) -> None:
    smtp.inbox.messages.clear()
    stack.seed_demo()
    leader = stack.browser()
    leader.sign_in(LOGINS["careers_leader"], DEMO_PASSWORD)
    start, end = date.today() + timedelta(days=50), date.today() + timedelta(days=60)

    # The careers leader posts a request that the demo employer's careers talk fits.
    page = leader.submit(
        stack.url("careers.new_encounter_request"),
        {
            "format": "careers_talk",
            "route": "digital",
            "pathway": "both",
            "year_groups": ["9"],
            "audience": "120",
            "location": "school",
            "wanted_from": [str(start.day), str(start.month), str(start.year)],
            "wanted_until": [str(end.day), str(end.month), str(end.year)],
            "note": "Tuesday assembly at 9:00",
        },
    )
    assert "Request posted" in page.main_text()
    request_id = _id_from(page, "/school/encounter-requests/")

    # The hub's engine proposes an offer for it; the hub admin approves, and the organisation is emailed.
    admin = stack.browser()
    admin.sign_in(LOGINS["hub_admin"], DEMO_PASSWORD)
    page = admin.post_form(
        admin.get(stack.url("hub.encounter_requests")), stack.url("hub.propose_encounter_matches")
    )
    assert "The engine proposed" in page.main_text()
    match = db.session.scalars(select(EncounterMatch).where(EncounterMatch.request_id == request_id)).one()
    assert db.session.get(Employer, match.employer_id).name == DEMO_EMPLOYER
    page = admin.post_form(
        page, stack.url("hub.decide_encounter_match", match_id=match.id, decision="approve")
    )
    assert "the organisation is asked to confirm" in page.main_text()
    (asked,) = smtp.inbox.wait_for(LOGINS["employer"])
    assert "Can you give Ardwick Green Academy the encounter it asked for?" in asked["Subject"]

    # The organisation confirms; its offer answers the school, whose careers leader accepts it.
    organisation = stack.browser()
    organisation.sign_in(LOGINS["employer"], DEMO_PASSWORD)
    page = organisation.post_form(
        organisation.get(stack.url("employers.encounter_requests")),
        stack.url("employers.decide_encounter_match", match_id=match.id, decision="confirm"),
    )
    assert "Confirmed: your answer is with the school" in page.main_text()
    (answered,) = smtp.inbox.wait_for(LOGINS["careers_leader"])
    assert "has answered your encounter request" in answered["Subject"]
    response = db.session.scalars(
        select(EncounterResponse).where(EncounterResponse.request_id == request_id)
    ).one()
    accept = stack.url(
        "careers.accept_encounter_response", encounter_request_id=request_id, response_id=response.id
    )
    page = leader.submit(accept, {})
    assert "The request is booked" in page.main_text()
    db.session.expire_all()
    assert db.session.get(EncounterRequest, request_id).status == "booked"
    assert db.session.get(EncounterMatch, match.id).status == "confirmed"
    closed = smtp.inbox.wait_for(LOGINS["employer"], count=2)
    assert "has accepted your answer" in closed[1]["Subject"]
