"""The register of an event: who may see and mark which pupils, one tap a pupil, the search, a list uploaded,
and the one record each pupil who came gets however often they are marked."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, error_messages
from tests.web.test_no_server_errors import NASTY, Value
from web.careers.import_csv import upn_check_letter
from web.dao import registers as dao
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import (
    Employer,
    EncounterEvent,
    EventPlace,
    EventSchool,
    EventSlot,
    ExperienceRecord,
    Hub,
    School,
    Student,
)

REGISTER, MARK, UPLOAD = "encounters.event_register", "encounters.mark_place", "encounters.upload_register"


def upn(serial: int) -> str:
    """A well-formed UPN (with its check letter) for this serial number."""
    rest = f"{serial:011d}1"
    return upn_check_letter(rest) + rest


@dataclass
class Day:
    """An event held today at one school's and one employer's stand, with one invited pupil."""

    hub: Hub
    school: School
    employer: Employer
    event: EncounterEvent
    slot: EventSlot
    pupil: Student
    place: EventPlace


def an_event(held_on: date | None = None, status: str = "allocated") -> Day:
    """An allocated event held today (unless told) with one invited pupil at an employer's stand."""
    hub = factories.create_hub()
    school = factories.create_school(hub, name="Oakwood High")
    employer = factories.create_employer(hub, name="Northern Rail")
    event = factories.create_event(hub, [school], held_on=held_on or london_today(), status=status)
    slot = factories.create_slot(event, 10, employer_id=employer.id, label="Engineering stand")
    pupil = factories.create_student(school, first_name="Priya", last_name="Shah", year_group=9, upn=upn(1))
    return Day(hub, school, employer, event, slot, pupil, factories.create_place(slot, pupil))


def signed_in(sign_in_as: Any, role: str, record: Any) -> ClientRequest:
    """A client signed in as a new user of this role, for this hub, school, employer or pupil."""
    client: ClientRequest = sign_in_as(factories.create_user_for(role, record))
    return client


def record_count(place: EventPlace | None = None) -> int:
    """How many experience records there are (of this place, if given)."""
    where = [ExperienceRecord.event_place_id == place.id] if place else []
    return db.session.scalar(select(func.count()).select_from(ExperienceRecord).where(*where))


def status_of(place: EventPlace) -> str:
    """The place's status as saved."""
    return db.session.scalar(select(EventPlace.status).where(EventPlace.id == place.id))


def _names(page: Any) -> list[str]:
    return [" ".join(key.get_text(" ").split()) for key in page.select(".govuk-summary-list__key")]


def csv_file(text: str) -> dict[str, Any]:
    """Form data uploading this text as a CSV file."""
    return {"file": (io.BytesIO(text.encode()), "register.csv")}


# Who sees what.


def test_a_hub_admin_sees_every_slot_with_names_year_groups_and_schools_but_nothing_private(
    sign_in_as: Any,
) -> None:
    day = an_event()
    factories.create_slot(day.event, 11, label="Nursing stand")

    page = signed_in(sign_in_as, "hub_admin", day.hub).get(REGISTER, event_id=day.event.id)

    assert [h2.text for h2 in page.select("main h2")] == ["Engineering stand", "Nursing stand"]
    assert _names(page) == ["Priya Shah Year 9, Oakwood High"]
    assert page.select_one(f"#place-{day.place.id} .govuk-tag").text == "Not marked"
    text = page.get_text()
    assert day.pupil.postcode not in text and str(day.pupil.date_of_birth.year) not in text
    assert "SEND" not in text and "disadvantaged" not in text.lower()


def test_a_careers_leader_sees_only_their_own_pupils(sign_in_as: Any) -> None:
    day = an_event()
    other_school = factories.create_school(day.hub)
    db.session.add(EventSchool(event_id=day.event.id, school_id=other_school.id))
    db.session.commit()
    factories.create_place(day.slot, factories.create_student(other_school, first_name="Tom", last_name="Ng"))

    page = signed_in(sign_in_as, "careers_leader", day.school).get(REGISTER, event_id=day.event.id)

    assert _names(page) == ["Priya Shah Year 9, Oakwood High"]


def test_an_employer_sees_only_the_slots_it_runs_and_only_pupils_names(sign_in_as: Any) -> None:
    day = an_event()
    other = factories.create_slot(day.event, 11, label="Nursing stand")
    factories.create_place(other, factories.create_student(day.school, first_name="Tom", last_name="Ng"))

    page = signed_in(sign_in_as, "employer", day.employer).get(REGISTER, event_id=day.event.id)

    assert [h2.text for h2 in page.select("main h2")] == ["Engineering stand"]
    assert _names(page) == ["Priya Shah"]
    assert "Oakwood High" not in page.get_text() and "Year 9" not in page.get_text()


def test_only_invited_and_marked_places_are_on_the_register(sign_in_as: Any) -> None:
    day = an_event()
    for status in ("proposed", "waitlisted", "declined", "rejected", "attended", "absent"):
        pupil = factories.create_student(day.school, first_name=status.title(), last_name="Pupil")
        factories.create_place(factories.create_slot(day.event, 12, label=status), pupil, status)

    page = signed_in(sign_in_as, "hub_admin", day.hub).get(REGISTER, event_id=day.event.id)

    names = {name.split()[0] for name in _names(page)}
    assert names == {"Priya", "Attended", "Absent"}


# Refusals: a 404 for a register that is not theirs, a 403 for a role that has none.


def _refused(client: ClientRequest, event_id: int, place_id: int, status: int) -> None:
    client.get(REGISTER, status, event_id=event_id)
    client.get(UPLOAD, status, event_id=event_id)
    client.post(MARK, {"attended": "yes"}, status, event_id=event_id, place_id=place_id)
    client.post(UPLOAD, csv_file(upn(1)), status, event_id=event_id)


def test_a_hub_admin_of_another_hub_gets_not_found_and_marks_nothing(sign_in_as: Any) -> None:
    day = an_event()

    _refused(signed_in(sign_in_as, "hub_admin", factories.create_hub()), day.event.id, day.place.id, 404)

    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_a_careers_leader_of_a_school_not_taking_part_gets_not_found(sign_in_as: Any) -> None:
    day = an_event()
    elsewhere = factories.create_school(day.hub)

    _refused(signed_in(sign_in_as, "careers_leader", elsewhere), day.event.id, day.place.id, 404)

    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_a_careers_leader_cannot_mark_another_schools_pupil_on_the_same_event(sign_in_as: Any) -> None:
    day = an_event()
    mine = factories.create_school(day.hub)
    db.session.add(EventSchool(event_id=day.event.id, school_id=mine.id))
    db.session.commit()
    client = signed_in(sign_in_as, "careers_leader", mine)

    client.post(MARK, {"attended": "yes"}, 404, event_id=day.event.id, place_id=day.place.id)
    page = client.post(UPLOAD, csv_file(upn(1)), 200, event_id=day.event.id)

    assert error_messages(page) == [f"Row 1: no pupil with UPN {upn(1)} on this register"]
    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_an_employer_running_no_slot_of_the_event_gets_not_found(sign_in_as: Any) -> None:
    day = an_event()

    _refused(
        signed_in(sign_in_as, "employer", factories.create_employer(day.hub)), day.event.id, day.place.id, 404
    )

    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_an_employer_cannot_mark_a_slot_another_employer_runs(sign_in_as: Any) -> None:
    day = an_event()
    other = factories.create_employer(day.hub)
    factories.create_slot(day.event, 11, employer_id=other.id)

    client = signed_in(sign_in_as, "employer", other)
    client.post(MARK, {"attended": "yes"}, 404, event_id=day.event.id, place_id=day.place.id)

    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_a_place_of_another_event_is_not_found_on_this_events_register(sign_in_as: Any) -> None:
    day = an_event()
    other = factories.create_event(day.hub, [day.school], held_on=london_today(), status="allocated")

    client = signed_in(sign_in_as, "hub_admin", day.hub)
    client.post(MARK, {"attended": "yes"}, 404, event_id=other.id, place_id=day.place.id)

    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_a_student_is_forbidden_every_register_page(sign_in_as: Any) -> None:
    day = an_event()

    _refused(signed_in(sign_in_as, "student", day.pupil), day.event.id, day.place.id, 403)

    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_a_mark_without_a_csrf_token_is_refused(sign_in_as: Any) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "hub_admin", day.hub)

    response = client.client.post(
        client.url(MARK, event_id=day.event.id, place_id=day.place.id), data={"attended": "yes"}
    )

    assert response.status_code == 400
    assert (status_of(day.place), record_count()) == ("invited", 0)


# Marking one pupil.


@pytest.mark.parametrize("role", ["hub_admin", "careers_leader", "employer"])
def test_marking_a_pupil_present_writes_one_record_and_goes_back_to_their_row(
    sign_in_as: Any, role: str
) -> None:
    day = an_event()
    record = {"hub_admin": day.hub, "careers_leader": day.school, "employer": day.employer}[role]
    client = signed_in(sign_in_as, role, record)

    page = client.post(MARK, {"attended": "yes", "q": "pri"}, event_id=day.event.id, place_id=day.place.id)

    assert page.location == f"/events/{day.event.id}/register?q=pri#place-{day.place.id}"
    assert (status_of(day.place), record_count(day.place)) == ("attended", 1)
    record_written = db.session.scalars(select(ExperienceRecord)).one()
    assert (record_written.student_id, record_written.on_date) == (day.pupil.id, day.event.held_on)
    shown = client.get(REGISTER, event_id=day.event.id)
    assert shown.select_one(f"#place-{day.place.id} .govuk-tag").text == "Present"


def test_marking_a_pupil_present_twice_leaves_one_record(sign_in_as: Any) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "hub_admin", day.hub)

    for _ in range(2):
        client.post(MARK, {"attended": "yes"}, event_id=day.event.id, place_id=day.place.id)

    assert record_count(day.place) == 1


def test_marking_a_present_pupil_absent_removes_their_record(sign_in_as: Any) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "hub_admin", day.hub)
    client.post(MARK, {"attended": "yes"}, event_id=day.event.id, place_id=day.place.id)

    client.post(MARK, {"attended": "no"}, event_id=day.event.id, place_id=day.place.id)

    assert (status_of(day.place), record_count(day.place)) == ("absent", 0)


@pytest.mark.parametrize("attended", ["", "maybe", "YES"])
def test_a_mark_that_is_neither_present_nor_absent_saves_nothing(sign_in_as: Any, attended: str) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "hub_admin", day.hub)

    page = client.post(
        MARK,
        {"attended": attended},
        _follow=True,
        _expected_status=200,
        event_id=day.event.id,
        place_id=day.place.id,
    )

    assert "Select present or absent" in banner(page)
    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_a_proposed_place_cannot_be_marked(sign_in_as: Any) -> None:
    day = an_event()
    proposed = factories.create_place(
        factories.create_slot(day.event, 12), factories.create_student(day.school), "proposed"
    )

    client = signed_in(sign_in_as, "hub_admin", day.hub)
    client.post(MARK, {"attended": "yes"}, 404, event_id=day.event.id, place_id=proposed.id)

    assert (status_of(proposed), record_count()) == ("proposed", 0)


def test_before_the_event_day_the_register_is_read_only_and_says_when_it_opens(sign_in_as: Any) -> None:
    tomorrow = london_today() + timedelta(days=1)
    day = an_event(held_on=tomorrow)
    client = signed_in(sign_in_as, "hub_admin", day.hub)

    page = client.get(REGISTER, event_id=day.event.id)
    marked = client.post(
        MARK,
        {"attended": "yes"},
        _follow=True,
        _expected_status=200,
        event_id=day.event.id,
        place_id=day.place.id,
    )
    upload = client.get(UPLOAD, event_id=day.event.id)

    opens = f"You can mark the register from {tomorrow.day} {tomorrow:%B %Y}"
    assert page.select_one("#closed").get_text(" ", strip=True) == opens
    assert (
        _names(page) == ["Priya Shah Year 9, Oakwood High"]
        and page.select("form[method=post] button[name=attended]") == []
    )
    assert opens in banner(marked) and upload.select_one("input[type=file]") is None
    assert (status_of(day.place), record_count()) == ("invited", 0)


@pytest.mark.parametrize("status", ["open", "cancelled"])
def test_an_event_not_allocated_cannot_be_marked_even_on_its_day(sign_in_as: Any, status: str) -> None:
    day = an_event(status=status)
    client = signed_in(sign_in_as, "hub_admin", day.hub)

    client.post(MARK, {"attended": "yes"}, event_id=day.event.id, place_id=day.place.id)
    client.post(UPLOAD, csv_file(upn(1)), event_id=day.event.id)

    assert client.get(REGISTER, event_id=day.event.id).select_one("#closed") is not None
    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_a_held_event_can_still_be_marked_after_its_day(sign_in_as: Any) -> None:
    day = an_event(held_on=london_today() - timedelta(days=3), status="held")

    signed_in(sign_in_as, "hub_admin", day.hub).post(
        MARK, {"attended": "yes"}, event_id=day.event.id, place_id=day.place.id
    )

    assert record_count(day.place) == 1


# Search.


def test_the_search_finds_pupils_by_any_part_of_their_names_in_any_case(sign_in_as: Any) -> None:
    day = an_event()
    for first, preferred, last in (("Thomas", "Tom", "Ng"), ("Zoë", "", "Adams")):
        pupil = factories.create_student(
            day.school, first_name=first, preferred_name=preferred, last_name=last
        )
        factories.create_place(day.slot, pupil)
    client = signed_in(sign_in_as, "hub_admin", day.hub)

    def found(q: str) -> list[str]:
        return [name.split(" Year")[0] for name in _names(client.get(REGISTER, event_id=day.event.id, q=q))]

    assert found("SHAH") == ["Priya Shah"]
    assert found("thomas") == ["Tom Ng"]  # the legal name finds the pupil, shown by the name they go by
    assert found("ZOË ad") == ["Zoë Adams"]
    assert found("") == ["Zoë Adams", "Tom Ng", "Priya Shah"]
    nobody = client.get(REGISTER, event_id=day.event.id, q="Jones")
    assert _names(nobody) == [] and "No pupil on this register is called Jones" in nobody.text


def test_each_pupils_form_keeps_the_search_so_marking_returns_to_it(sign_in_as: Any) -> None:
    day = an_event()

    page = signed_in(sign_in_as, "hub_admin", day.hub).get(REGISTER, event_id=day.event.id, q="shah")

    form = page.select_one(f"#place-{day.place.id} form")
    assert form["action"] == f"/events/{day.event.id}/register/{day.place.id}"
    assert {tag["name"]: tag["value"] for tag in form.select("input[type=hidden]")}.keys() == {
        "csrf_token",
        "q",
    }
    assert form.select_one("input[name=q]")["value"] == "shah"
    assert [button["value"] for button in form.select("button[name=attended]")] == ["yes", "no"]


# The data access layer.


def test_two_marks_of_the_same_place_one_after_the_other_leave_one_record(app: Flask) -> None:
    day = an_event()
    user = factories.create_user_for("hub_admin", day.hub)

    for _ in range(2):
        with transaction():
            assert dao.mark(day.place.id, True, user.id)

    assert record_count(day.place) == 1
    assert db.session.scalar(select(ExperienceRecord.created_by_id)) == user.id


@pytest.mark.parametrize("nasty", list(NASTY.values()), ids=list(NASTY))
def test_whatever_is_sent_to_a_register_the_answer_is_no_server_error_and_nothing_is_saved(
    sign_in_as: Any, nasty: Value
) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "hub_admin", day.hub)
    values = {"event_id": day.event.id}

    client.get(REGISTER, q=nasty, **values)
    client.post(MARK, {"attended": nasty, "q": nasty}, place_id=day.place.id, **values)
    client.post(UPLOAD, {"file": nasty}, 200, **values)

    assert (status_of(day.place), record_count()) == ("invited", 0)


def test_a_search_too_long_says_so_and_shows_everyone(sign_in_as: Any) -> None:
    day = an_event()

    page = signed_in(sign_in_as, "hub_admin", day.hub).get(REGISTER, event_id=day.event.id, q="x" * 101)

    assert error_messages(page) == ["Search by name must be 100 characters or fewer"]
    assert _names(page) == ["Priya Shah Year 9, Oakwood High"]
