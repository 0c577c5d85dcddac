"""What a pupil's bundle holds, section by section, and that nothing of another pupil reaches it."""

from __future__ import annotations

import json
from decimal import Decimal

from bs4 import BeautifulSoup

from tests.web.privacy_sar.seed import FAMILY, World
from web.dao import bundle_sections as sections
from web.dao import subject_access as dao
from web.dao.base import transaction
from web.extensions import db
from web.models import SubjectAccessBundle
from web.models.base import utcnow
from web.privacy import bundle


def _sections(world: World) -> dict[str, object]:
    return sections.gather(world.pupil.student.id)


def test_the_pupil_section_holds_every_field_of_the_record(world: World) -> None:
    record = sections.pupil(world.pupil.student.id)
    assert record["first_name"] == "Adafirst" and record["preferred_name"] == "Adapreferred"
    assert record["parent_name"] == "Ada Parent" and record["parent_email"] == FAMILY
    assert record["disadvantaged"] is True and record["date_of_birth"] == world.pupil.student.date_of_birth
    assert {"upn", "postcode", "send_status", "routes", "statement", "left_on", "anonymised_at"} <= set(
        record
    )


def test_the_account_gives_its_address_role_and_dates_never_its_secrets(world: World) -> None:
    account = sections.account(world.pupil.student.id)
    assert account is not None
    assert account["email"] == "ada@pupils.example" and account["role"] == "Pupil"
    assert account["created_at"] == world.pupil.account.created_at
    assert [link["purpose"] for link in account["links_sent"]] == ["invitation"]
    text = json.dumps(account, default=str)
    assert world.pupil.account.password_hash not in text and world.pupil.account.session_token not in text
    assert "salt" not in text and "hash" not in text


def test_the_school_and_its_hub(world: World) -> None:
    assert sections.school(world.pupil.student.id) == {
        "name": world.school.name,
        "urn": world.school.urn,
        "postcode": world.school.postcode,
        "phase": "secondary",
        "hub": "Greater Manchester Careers Hub",
    }


def test_preferences_and_placements_with_their_statuses_and_reasons(world: World) -> None:
    sid = world.pupil.student.id
    assert sections.preferences(sid) == [
        {"rank": 1, "opportunity": "Ada opportunity", "organisation": "Northern Quarter Digital"}
    ]
    [placement] = sections.placements(sid)
    assert placement["status"] == "confirmed" and placement["reasons"] == {"route": 1.0, "distance": 0.25}
    assert placement["decided_by"] == {
        "name": "Nia Leader",
        "role": "Careers leader",
        "organisation": world.school.name,
    }
    assert placement["organisation"] == "Northern Quarter Digital"


def test_consents_say_who_gave_them_when_and_what_the_parent_entered(world: World) -> None:
    [consent] = sections.consents(world.pupil.student.id)
    assert consent["decision"] == "given"
    assert consent["given_by"] == "Parent or carer, through the emailed link"
    assert consent["decided_at"] == world.pupil.consent.decided_at
    assert (consent["parent_name"], consent["emergency_name"], consent["emergency_phone"]) == (
        "Ada Parent",
        "Ada Emergency",
        "0161 496 0001",
    )
    assert consent["shared_needs"] == "Ada needs"


def test_check_ins_experience_records_and_feedback_by_and_about_the_pupil(world: World) -> None:
    sid = world.pupil.student.id
    [check_in] = sections.check_ins(sid)
    assert check_in["note"] == "Ada check-in note" and check_in["by"]["name"] == "Nia Leader"
    records = sections.experience_records(sid)
    assert {record["title"] for record in records} == {"Ada week at work", "Ada fair"}
    assert {record["hours"] for record in records} == {Decimal("35"), Decimal("1")}
    feedback = {item["written_by"]: item for item in sections.feedback(sid)}
    assert feedback["You"]["comment"] == "Ada reflection"
    assert feedback["The employer"]["comment"] == "Ada was keen" and feedback["The employer"]["set_task"]


def test_own_placements_event_places_and_pupil_feedback(world: World) -> None:
    sid = world.pupil.student.id
    [own] = sections.own_placements(sid)
    assert own["organisation"] == "Ada Uncle's Garage" and own["status"] == "proposed"
    [place] = sections.event_places(sid)
    assert place["event"] == "Ada careers fair" and place["slot"] == "Ada stand"
    assert place["status"] == "attended" and place["reason"] == "Ada is keen on digital"
    assert place["organisation"] == "Northern Quarter Digital"
    [answers] = sections.pupil_feedback(sid)
    assert answers["event"] == "Ada careers fair" and answers["rating"] == 4 and answers["learned_something"]


def test_transfers_and_holds(world: World) -> None:
    sid = world.pupil.student.id
    [transfer] = sections.transfers(sid)
    assert transfer["status"] == "refused" and transfer["details"] == {"first_name": "Adafirst"}
    assert transfer["from_school"] == world.school.name
    [hold] = sections.holds(sid)
    assert hold["reason"] == sections.HOLD_REASON_WITHHELD and hold["set_by"]["name"] == "Nia Leader"


def test_emails_to_the_pupil_or_parent_about_the_pupil_only_template_and_when(world: World) -> None:
    messages = sections.notifications(world.pupil.student.id)
    assert sorted(message["template"] for message in messages) == [
        "consent_request",
        "event_invitation",
        "invitation",
        "offer_made",
    ]
    # The sibling's emails to the same family address are about the sibling: not here.
    assert all(message["to"] in (FAMILY, "ada@pupils.example") for message in messages)
    assert sum(message["to_parent_or_carer"] for message in messages) == 2
    assert all("body" not in message for message in messages)


def test_audit_events_about_the_pupils_records(world: World) -> None:
    events = sections.audit_events(world.pupil.student.id)
    assert sorted(event["action"] for event in events) == [
        "interests_updated",
        "placement_confirmed",
        "student_transferred_in",
    ]
    assert {event["by"]["name"] for event in events} == {"Nia Leader", "Sam Host"}


def test_the_access_log_says_who_saw_which_page_and_when(world: World) -> None:
    entries = sections.access_log(world.pupil.student.id)
    assert [(entry["who"]["name"], entry["page"]) for entry in entries] == [
        ("Nia Leader", "careers.student"),
        ("Sam Host", "employers.incoming"),
    ]


def test_what_each_employer_was_shown_and_when(world: World) -> None:
    [shown] = sections.shown_to_organisations(world.pupil.student.id)
    assert shown["organisation"] == "Northern Quarter Digital" and shown["kind"] == "Employer"
    placement, event = shown["shown"]
    assert placement["what"] == "Placement: Ada opportunity" and placement["status"] == "confirmed"
    assert placement["from"] == world.pupil.allocation.responded_at
    assert "Your emergency contact" in placement["fields"]  # the parent consented
    assert event["what"] == "Event: Ada careers fair, Ada stand" and event["fields"] == [
        "Your name, on the register"
    ]
    assert [(view["page"], view["by"]) for view in shown["page_views"]] == [
        ("employers.incoming", "Sam Host")
    ]


def test_an_employer_who_never_saw_the_pupil_is_not_listed(world: World) -> None:
    world.pupil.allocation.status = "offered"  # not said yes to: the employer has not seen them
    db.session.commit()
    [shown] = sections.shown_to_organisations(world.pupil.student.id)
    assert [item["what"] for item in shown["shown"]] == ["Event: Ada careers fair, Ada stand"]


def _made(world: World) -> tuple[str, dict[str, object]]:
    with transaction():
        asked = dao.ask(world.pupil.student.id, world.leader.id)
    content = bundle.build(world.pupil.student.id, utcnow())
    assert db.session.get(SubjectAccessBundle, asked.id) is not None
    return bundle.read(content)


def test_the_zip_holds_a_readable_page_and_the_same_sections_as_json(world: World) -> None:
    page, machine = _made(world)
    made = machine["sections"]
    assert isinstance(made, dict)
    assert list(made) == [key for key, *_ in sections.SECTIONS]
    assert made["pupil"]["first_name"] == "Adafirst"
    assert made["consents"][0]["emergency_name"] == "Ada Emergency"
    assert made["subject_access_requests"][0]["status"] == "queued"
    headings = [h2.get_text() for h2 in BeautifulSoup(page, "html.parser").select("section > h2")]
    assert headings == [heading for _, heading, _, _ in sections.SECTIONS]
    assert "Ada Emergency" in page and "Ada safeguarding hold" not in page  # the hold's reason is staff-only


def test_nothing_of_another_pupil_appears_in_the_bundle(world: World) -> None:
    page, machine = _made(world)
    text = json.dumps(machine)
    sibling = world.sibling
    for secret in (
        "Bofirst",
        "Bopreferred",
        "Bolast",
        "Bo Parent",
        "Bo Emergency",
        "Bo needs",
        "Bo opportunity",
        "Bo check-in note",
        "Bo reflection",
        "Bo was keen",
        "Bo Uncle",
        "Bo safeguarding hold",
        "Bo careers fair",
        "Bo statement",
        "bo@pupils.example",
        str(sibling.student.upn),
    ):
        assert secret not in text and secret not in page, secret
    placements = machine["sections"]["placements"]  # type: ignore[index]
    assert [p["placement_id"] for p in placements] == [world.pupil.allocation.id]


def test_the_readable_page_puts_codes_dates_and_people_in_words() -> None:
    from datetime import date, datetime

    assert bundle.words("work_experience") == "Work experience" and bundle.words("confirmed") == "confirmed"
    assert bundle.words(date(2027, 3, 1)) == "1 March 2027"
    assert bundle.words(datetime(2027, 3, 1, 9, 5)) == "1 March 2027, 09:05"
    assert bundle.words(Decimal("35.0")) == "35" and bundle.words(Decimal("6.5")) == "6.5"
    assert bundle.words(None) == "Not recorded" and bundle.words(True) == "Yes"
    person = {"name": "Nia Leader", "role": "Careers leader", "organisation": "School 1"}
    assert bundle.words(person) == "Nia Leader, Careers leader, School 1"
    assert bundle.words("ada@pupils.example") == "ada@pupils.example"
