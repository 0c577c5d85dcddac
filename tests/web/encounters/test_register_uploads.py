"""Uploading a list of the pupils who came to an event: reading it row by row, matching it to the register,
marking them all present at once (one record each), and naming every bad row while saving nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.web.encounters.test_registers import (
    UPLOAD,
    an_event,
    csv_file,
    record_count,
    signed_in,
    status_of,
    upn,
)
from tests.web.pages import banner, error_messages
from web.dao import registers as dao
from web.dao.base import transaction
from web.dates import london_today
from web.encounters.register_forms import Entry, match, read_list
from web.extensions import db
from web.models import AuditEvent, EventPlace, ExperienceRecord

# Uploading a list.


def test_an_uploaded_list_marks_those_pupils_present_and_leaves_the_rest(sign_in_as: Any) -> None:
    day = an_event()
    tom = factories.create_student(day.school, first_name="Thomas", preferred_name="Tom", last_name="Ng")
    ada = factories.create_student(day.school, first_name="Ada", last_name="Jones")
    toms, adas = factories.create_place(day.slot, tom), factories.create_place(day.slot, ada, "absent")
    client = signed_in(sign_in_as, "careers_leader", day.school)

    page = client.post(
        UPLOAD, csv_file(f"UPN\n{upn(1)}\n"), _follow=True, _expected_status=200, event_id=day.event.id
    )
    names = client.post(
        UPLOAD,
        csv_file("First name,Last name\n\ntom,NG,,\n"),
        _follow=True,
        _expected_status=200,
        event_id=day.event.id,
    )

    assert "1 pupil marked present" in banner(page) and "1 pupil marked present" in banner(names)
    assert [status_of(p) for p in (day.place, toms, adas)] == ["attended", "attended", "absent"]
    assert record_count() == 2
    assert db.session.scalars(select(AuditEvent.action)).all() == ["register_uploaded", "register_uploaded"]


def test_uploading_the_same_list_again_marks_nothing_twice(sign_in_as: Any) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "hub_admin", day.hub)
    client.post(UPLOAD, csv_file(f"{upn(1)}\n"), event_id=day.event.id)

    again = client.post(
        UPLOAD, csv_file(f"{upn(1)}\nPriya,Shah\n"), _follow=True, _expected_status=200, event_id=day.event.id
    )

    assert "0 pupils marked present. 1 was already marked present" in banner(again)
    assert record_count() == 1


def test_a_list_with_a_bad_row_names_its_row_and_column_and_saves_nothing(sign_in_as: Any) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "hub_admin", day.hub)

    page = client.post(UPLOAD, csv_file(f"{upn(1)}\nTom,Ng\n\n,Smith\nA12345\n"), 200, event_id=day.event.id)

    assert error_messages(page) == [
        "Row 2: no pupil called Tom Ng on this register",
        "Row 4, column 1: Enter the pupil's first name",
        "Row 5, column 1: Enter a UPN of 13 characters: a letter, 11 numbers, then a number or a letter",
    ]
    assert page.title.text.startswith("Error: ") and page.select_one("#nothing-saved") is not None
    assert (status_of(day.place), record_count()) == ("invited", 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The selected file is empty"),
        (b"PK\x03\x04rest of a zip", "The selected file is a spreadsheet"),
        (b"UPN\n", "The selected file has no pupils in it"),
    ],
)
def test_a_file_that_is_no_list_is_refused_with_a_message(
    sign_in_as: Any, content: bytes, message: str
) -> None:
    day = an_event()
    client = signed_in(sign_in_as, "hub_admin", day.hub)

    page = client.post(UPLOAD, {"file": (io.BytesIO(content), "list.csv")}, 200, event_id=day.event.id)

    assert error_messages(page)[0].startswith(message)
    assert record_count() == 0


def test_an_upload_without_a_file_asks_for_one(sign_in_as: Any) -> None:
    day = an_event()

    page = signed_in(sign_in_as, "hub_admin", day.hub).post(UPLOAD, {}, 200, event_id=day.event.id)

    assert error_messages(page) == ["Select a CSV file"]


# Reading and matching a list, without the app.


def test_a_list_is_read_by_spreadsheet_row_skipping_a_header_blank_rows_and_padding() -> None:
    entries, problems = read_list(f"UPN\n\n{upn(7)}\nAda , Jones,,\nA,B,C\n".encode())

    assert entries == [Entry(3, upn=upn(7)), Entry(4, first_name="Ada", last_name="Jones")]
    assert problems == [
        (
            5,
            "Row 5, column 3: Give a UPN in column 1, or a first name in column 1 and a last name in "
            "column 2, and nothing after them",
        )
    ]


def test_a_name_two_pupils_share_is_a_problem_and_a_preferred_name_matches() -> None:
    pupils = [
        dao.Pupil(1, 10, None, "Thomas", "Tom", "Ng", "invited"),
        dao.Pupil(2, 10, None, "Thomas", "Tom", "Ng", "invited"),  # the same pupil in a second slot
        dao.Pupil(3, 11, None, "Alex", "", "Smith", "invited"),
        dao.Pupil(4, 12, None, "Alex", "", "Smith", "invited"),
    ]

    places, problems = match(
        [Entry(2, first_name="tom", last_name="ng"), Entry(3, first_name="Alex", last_name="Smith")], pupils
    )

    assert places == [1, 2]
    assert problems == [
        (3, "Row 3: 2 pupils on this register are called Alex Smith. Give their UPNs instead")
    ]


# Marking many at once, as an upload does.


def test_marking_many_present_skips_none_and_writes_one_record_each(app: Flask) -> None:
    day = an_event()
    user = factories.create_user_for("hub_admin", day.hub)
    others = [factories.create_place(day.slot, factories.create_student(day.school)) for _ in range(3)]
    ids = [day.place.id] + [place.id for place in others]

    with transaction():
        assert dao.mark_present(day.event.id, ids, user.id) == 4
    with transaction():
        dao.mark_present(day.event.id, ids, user.id)

    assert record_count() == 4
    assert {status_of(place) for place in [day.place, *others]} == {"attended"}


def test_marking_many_present_writes_the_same_record_as_marking_one(app: Flask) -> None:
    day = an_event()
    user = factories.create_user_for("hub_admin", day.hub)
    other = factories.create_place(day.slot, factories.create_student(day.school), "absent")
    columns = ("student_id", "benchmark", "kind", "title", "on_date", "hours", "created_by_id")

    with transaction():
        dao.mark(day.place.id, True, user.id)
    with transaction():
        assert dao.mark_present(day.event.id, [other.id], user.id) == 1

    one, many = (
        db.session.scalars(select(ExperienceRecord).where(ExperienceRecord.event_place_id == place.id)).one()
        for place in (day.place, other)
    )
    assert [getattr(many, column) for column in columns[1:]] == [
        getattr(one, column) for column in columns[1:]
    ]
    assert (many.student_id, status_of(other)) == (other.student_id, "attended")
    assert db.session.scalar(select(EventPlace.marked_by_id).where(EventPlace.id == other.id)) == user.id


def test_marking_many_present_leaves_places_of_other_events_and_other_statuses_alone(app: Flask) -> None:
    day = an_event()
    user = factories.create_user_for("hub_admin", day.hub)
    elsewhere = factories.create_event(day.hub, [day.school], held_on=london_today(), status="allocated")
    theirs = factories.create_place(factories.create_slot(elsewhere, 9), factories.create_student(day.school))
    proposed = factories.create_place(
        factories.create_slot(day.event, 14), factories.create_student(day.school), "proposed"
    )

    with transaction():
        assert dao.mark_present(day.event.id, [theirs.id, proposed.id], user.id) == 0

    assert (status_of(theirs), status_of(proposed), record_count()) == ("invited", "proposed", 0)
