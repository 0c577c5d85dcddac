"""A pupil who moves school within the hub: the new school's import finds them on another school's roll and
imports the rest; the old school confirms (the same record moves, placements and all) or refuses (they stay);
a pupil who had left the old school moves at once; only the old school's careers leader can answer."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.careers.import_files import csv_bytes, pupil, upn
from tests.web.pages import banner, rows
from web.extensions import db
from web.models import (
    Allocation,
    AuditEvent,
    ExperienceRecord,
    Hub,
    School,
    Student,
    StudentTransfer,
    User,
)


@dataclass
class World:
    new: ClientRequest  # the careers leader whose import finds the pupil
    old: ClientRequest  # the careers leader of the school the pupil is on the roll of
    old_school: School
    pupil: Student
    allocation: Allocation


@pytest.fixture
def world(careers_leader_request: ClientRequest, sign_in_as: Any) -> World:
    """A pupil on the roll of another school in the same hub, with an offer, a record and an account."""
    hub = db.session.get(Hub, school_of(careers_leader_request).hub_id)
    old_school = factories.create_school(hub, name="Old Road High")
    old_leader = factories.create_user_for("careers_leader", old_school)
    pupil_there = factories.create_student(
        old_school,
        upn=upn(2),
        first_name="Secretname",
        last_name="Oldrecord",
        postcode="M1 1AD",
        email="old.address@oldroad.example.org",
        date_of_birth=date.today() - timedelta(days=365 * 15),
    )
    opportunity = factories.create_opportunity(factories.create_employer(hub))
    round_ = factories.create_round(old_school)
    allocation = factories.create_allocation(round_, pupil_there, opportunity, status="offered")
    factories.create_record(pupil_there)
    factories.create_user_for("student", pupil_there, email="old.address@oldroad.example.org")
    old = sign_in_as(old_leader)
    old.user = old_leader
    return World(careers_leader_request, old, old_school, pupil_there, allocation)


def upload(request: ClientRequest, data: bytes) -> Any:
    return request.post("careers.import_students", {"file": (io.BytesIO(data), "students.csv")})


def confirm(request: ClientRequest) -> Any:
    seen = request.get("careers.check_import").select_one("input[name=seen]")["value"]
    return request.post("careers.confirm_import", {"seen": seen}, _follow=True, _expected_status=200)


def pupil_now(world: World) -> Student:
    return db.session.get(Student, world.pupil.id)


def transfer() -> StudentTransfer:
    [only] = db.session.scalars(select(StudentTransfer))
    return only


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def ask(world: World) -> None:
    """The new school imports its file, which holds the pupil, and asks for them."""
    upload(world.new, csv_bytes([pupil(1), pupil(2)]))
    confirm(world.new)


def test_the_new_schools_import_shows_the_pupil_on_another_roll_and_imports_the_others(
    world: World,
) -> None:
    page = upload(world.new, csv_bytes([pupil(1), pupil(2)]))
    assert page.location.endswith(world.new.url("careers.check_import"))

    check = world.new.get("careers.check_import")

    assert check.select_one("#check-problems") is None
    assert rows(check, "added-table") == [["Pupil1 Surname001", "Year 10", upn(1)]]
    assert rows(check, "transfers-table") == [
        [
            "Pupil2 Surname002",
            "Year 10",
            upn(2),
            "Old Road High",
            "Old Road High will be asked to confirm the transfer",
        ]
    ]
    # Only the other school's name and that the UPN matches: nothing of their record.
    for theirs in ("Secretname", "Oldrecord", "M1 1AD", "old.address"):
        assert theirs not in str(check)

    done = confirm(world.new)

    assert "1 added" in banner(done)
    assert "1 student is on another school's roll" in banner(done)
    added = db.session.scalar(select(Student).where(Student.upn == upn(1)))
    assert added.school_id == world.new.user.school_id  # type: ignore[attr-defined]
    assert pupil_now(world).school_id == world.old_school.id
    assert (transfer().status, transfer().student_id) == ("requested", world.pupil.id)


def test_importing_again_while_waiting_asks_only_once(world: World) -> None:
    ask(world)

    upload(world.new, csv_bytes([pupil(1), pupil(2)]))
    check = world.new.get("careers.check_import")

    assert check.h1.get_text(strip=True) == "No changes"
    assert rows(check, "transfers-table")[0][-1] == "Waiting for Old Road High to confirm the transfer"
    assert len(db.session.scalars(select(StudentTransfer)).all()) == 1


def test_the_old_school_sees_the_request_and_confirming_moves_the_pupil_with_their_placements(
    world: World,
) -> None:
    ask(world)
    students_page = world.old.get("careers.students")
    assert students_page.select_one("#transfers-to-answer a")["href"].startswith(
        world.old.url("careers.transfers")
    )
    listed = world.old.get("careers.transfers")
    # The old school sees its own pupil as it has them, and who asks.
    new_school = school_of(world.new)
    assert rows(listed, "asked-of-table")[0][:2] == ["Secretname Oldrecord", new_school.name]

    page = world.old.post(
        "careers.confirm_transfer", transfer_id=transfer().id, _follow=True, _expected_status=200
    )

    assert "Transfer confirmed" in banner(page)
    moved = pupil_now(world)
    assert moved.id == world.pupil.id  # the same record
    assert moved.school_id == world.new.user.school_id  # type: ignore[attr-defined]
    assert (moved.first_name, moved.last_name, moved.postcode) == ("Pupil2", "Surname002", "M14 5TP")
    assert db.session.get(Allocation, world.allocation.id).status == "offered"  # as it was
    assert db.session.get(Allocation, world.allocation.id).student_id == moved.id
    assert db.session.scalar(select(ExperienceRecord.student_id)) == moved.id
    account = db.session.scalar(select(User).where(User.student_id == moved.id))
    assert account.email == "pupil2@school.example.org" and account.active
    assert transfer().status == "confirmed"
    # The old school no longer sees them; the new school does.
    world.old.get("careers.student", _expected_status=404, student_id=moved.id)
    assert "Secretname" not in str(world.old.get("careers.students"))
    world.new.get("careers.student", student_id=moved.id)
    assert rows(world.new.get("careers.transfers"), "asked-by-table")[0][-1] == "Moved to your school"


def test_a_move_is_audited_on_both_schools_with_no_personal_data(world: World) -> None:
    ask(world)
    world.old.post("careers.confirm_transfer", transfer_id=transfer().id)
    new_school_id = world.new.user.school_id  # type: ignore[attr-defined]
    ids = {"student_id": world.pupil.id, "transfer_id": transfer().id}

    [out] = events("student_transferred_out")
    [into] = events("student_transferred_in")

    assert (out.record_type, out.record_id) == ("school", world.old_school.id)
    assert out.detail == {**ids, "to_school_id": new_school_id}
    assert (into.record_type, into.record_id) == ("school", new_school_id)
    assert into.detail == {**ids, "from_school_id": world.old_school.id}
    assert out.user_id == into.user_id == world.old.user.id  # type: ignore[attr-defined]
    assert len(events("student_transfer_requested")) == 1


def test_a_pupil_who_left_the_old_school_moves_at_once_on_import(world: World) -> None:
    world.pupil.left_on = date.today() - timedelta(days=30)
    db.session.commit()
    upload(world.new, csv_bytes([pupil(1), pupil(2)]))
    check = world.new.get("careers.check_import")
    assert (
        rows(check, "transfers-table")[0][-1]
        == "Moves to your school when you import: they have left Old Road High"
    )

    done = confirm(world.new)

    assert "1 student moved here from another school" in banner(done)
    moved = pupil_now(world)
    assert (moved.school_id, moved.left_on, moved.first_name) == (
        world.new.user.school_id,  # type: ignore[attr-defined]
        None,
        "Pupil2",
    )
    assert db.session.get(Allocation, world.allocation.id).student_id == moved.id
    assert transfer().status == "confirmed"
    assert len(events("student_transferred_out")) == len(events("student_transferred_in")) == 1
    assert world.old.get("careers.transfers").select_one("#asked-of-table") is None


def test_a_refused_transfer_leaves_the_pupil_and_the_new_school_is_told(world: World) -> None:
    ask(world)

    page = world.old.post(
        "careers.refuse_transfer", transfer_id=transfer().id, _follow=True, _expected_status=200
    )

    assert "Transfer refused" in banner(page)
    stayed = pupil_now(world)
    assert (stayed.school_id, stayed.first_name) == (world.old_school.id, "Secretname")
    assert transfer().status == "refused"
    assert len(events("student_transfer_refused")) == 1
    assert rows(world.new.get("careers.transfers"), "asked-by-table") == [
        [
            "Pupil2 Surname002",
            "Old Road High",
            transfer().created_at.strftime("%-d %B %Y"),
            "Refused: they stay at their school",
        ]
    ]
    # Answered once only.
    again = world.old.post(
        "careers.confirm_transfer", transfer_id=transfer().id, _follow=True, _expected_status=200
    )
    assert "answered already" in banner(again)
    assert pupil_now(world).school_id == world.old_school.id


@pytest.mark.parametrize("endpoint", ["careers.confirm_transfer", "careers.refuse_transfer"])
def test_only_the_old_schools_careers_leader_can_answer(
    world: World, app: Flask, sign_in_as: Any, endpoint: str
) -> None:
    ask(world)
    hub = db.session.get(Hub, world.old_school.hub_id)
    third = sign_in_as(factories.create_user_for("careers_leader", factories.create_school(hub)))

    for outsider in (third, world.new):  # 404: the id reveals nothing
        outsider.post(endpoint, _expected_status=404, transfer_id=transfer().id)
    for role, record in (
        ("hub_admin", hub),
        ("employer", factories.create_employer(hub)),
        ("student", factories.create_student(world.old_school)),
    ):
        sign_in_as(factories.create_user_for(role, record)).post(
            endpoint, _expected_status=403, transfer_id=transfer().id
        )
    stranger = ClientRequest(app.test_client(), app)
    stranger.post(endpoint, _expected_status=302, transfer_id=transfer().id)

    assert (transfer().status, pupil_now(world).school_id) == ("requested", world.old_school.id)


def test_answering_needs_the_csrf_token(world: World) -> None:
    ask(world)
    page = world.old.get("careers.transfers")
    for form in page.select("#asked-of-table form"):
        assert form.select_one("input[name=csrf_token]")["value"]

    for endpoint in ("careers.confirm_transfer", "careers.refuse_transfer"):
        response = world.old.client.post(world.old.url(endpoint, transfer_id=transfer().id))
        assert response.status_code == 400

    assert (transfer().status, pupil_now(world).school_id) == ("requested", world.old_school.id)
