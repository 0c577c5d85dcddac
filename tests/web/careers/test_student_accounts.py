"""Students' accounts as their careers leader manages them: invitations in bulk and one at a time, sending
again, deactivating and reactivating; only for the careers leader's own school."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, rows
from web.extensions import db
from web.models import AuditEvent, School, Student, User

STUDENT_ROUTES = ["careers.invite_student", "careers.deactivate_student", "careers.reactivate_student"]


def pupil(school: School, name: str, **overrides: Any) -> Student:
    fields = {"first_name": name, "last_name": "Lee", "email": f"{name.lower()}@pupils.example.org"}
    return factories.create_student(school, **{**fields, **overrides})


def account(student: Student) -> User | None:
    return db.session.scalar(select(User).where(User.student_id == student.id))


def test_the_students_page_offers_to_invite_current_students_with_an_email_and_no_account(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    pupil(school, "Ann")
    pupil(school, "Ben")
    pupil(school, "Cy", email=None)
    pupil(school, "Di", left_on=date(2025, 7, 20))
    factories.create_user_for("student", pupil(school, "Ed"))

    page = careers_leader_request.get("careers.students")

    assert "2 students have an email address but no account yet" in page.get_text(" ", strip=True)
    assert page.select_one("#invite-students").get_text(strip=True) == "Invite 2 students"


def test_nobody_to_invite_means_no_invite_button(careers_leader_request: ClientRequest) -> None:
    pupil(school_of(careers_leader_request), "Cy", email=None)

    assert careers_leader_request.get("careers.students").select_one("#invite-students") is None


def test_inviting_in_bulk_emails_each_student_a_link_to_choose_a_password(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    ann, ben = pupil(school, "Ann"), pupil(school, "Ben", preferred_name="Benny")
    pupil(school, "Di", left_on=date(2025, 7, 20))

    page = careers_leader_request.post("careers.invite_students", _expected_status=200)

    assert page.select_one("#invited").get_text(" ", strip=True) == "2 students invited"
    assert page.select_one("#not-invited-table") is None
    assert deliver_queued() == 2
    for student in (ann, ben):
        [message] = sent_to(student.email)
        assert message.subject == "You have been invited to Arrange work experience"
        assert school.name in message.body
        assert link_in(message).startswith("/account/link/")
        user = account(student)
        assert (user.role, user.password_hash, user.active) == ("student", "", True)
    assert account(ben).name == "Benny Lee"
    assert sent_to("di@pupils.example.org") == []
    [summary] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "students_invited"))
    assert summary.detail == {"invited": 2, "not_invited": 0}


def test_students_that_cannot_be_invited_are_listed_with_the_reason(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    pupil(school, "Ann")
    taken = pupil(school, "Ben", email="teacher@school.example.org")
    factories.create_user_for("careers_leader", school, email="teacher@school.example.org")

    page = careers_leader_request.post("careers.invite_students", _expected_status=200)

    assert page.select_one("#invited").get_text(" ", strip=True) == "1 student invited"
    assert rows(page, "not-invited-table") == [
        ["Ben Lee", "Year 10", "This email address already has an account. Ask them to sign in instead"]
    ]
    assert account(taken) is None
    assert deliver_queued() == 1


def test_inviting_in_bulk_again_invites_nobody_twice(careers_leader_request: ClientRequest) -> None:
    pupil(school_of(careers_leader_request), "Ann")
    careers_leader_request.post("careers.invite_students", _expected_status=200)

    page = careers_leader_request.post("careers.invite_students", _expected_status=200)

    assert page.h1.get_text(strip=True) == "No students invited"
    assert deliver_queued() == 1


def test_an_invited_student_can_be_sent_the_invitation_again(careers_leader_request: ClientRequest) -> None:
    ann = pupil(school_of(careers_leader_request), "Ann")
    careers_leader_request.post("careers.invite_student", student_id=ann.id)
    deliver_queued()
    page = careers_leader_request.get("careers.student", student_id=ann.id)
    assert page.select_one("#account-status").get_text(strip=True) == "Invited"
    assert page.select_one("#invite").get_text(strip=True) == "Send the invitation again"

    page = careers_leader_request.post(
        "careers.invite_student", student_id=ann.id, _follow=True, _expected_status=200
    )
    deliver_queued()

    assert "Invitation sent" in banner(page)
    newest, first = sent_to("ann@pupils.example.org")
    assert link_in(newest) != link_in(first)


def test_sending_again_goes_to_the_address_the_school_now_has(careers_leader_request: ClientRequest) -> None:
    ann = pupil(school_of(careers_leader_request), "Ann")
    careers_leader_request.post("careers.invite_student", student_id=ann.id)
    deliver_queued()
    ann.email = "ann.lee@pupils.example.org"  # a new import changed it
    db.session.commit()

    careers_leader_request.post("careers.invite_student", student_id=ann.id)
    deliver_queued()

    assert account(ann).email == "ann.lee@pupils.example.org"
    assert len(sent_to("ann.lee@pupils.example.org")) == 1


@pytest.mark.parametrize(
    ("overrides", "has_account", "message"),
    [
        (
            {"left_on": date(2025, 7, 20)},
            False,
            "This student has left the school, so they cannot be invited",
        ),
        ({"email": None}, False, "This student has no email address. Add one in your MIS"),
        ({}, True, "This student already has an account"),
    ],
    ids=["leaver", "no email", "active account"],
)
def test_a_student_who_cannot_be_invited_is_told_why(
    careers_leader_request: ClientRequest, overrides: dict[str, Any], has_account: bool, message: str
) -> None:
    student = pupil(school_of(careers_leader_request), "Ann", **overrides)
    if has_account:
        factories.create_user_for("student", student, email="ann@pupils.example.org")

    page = careers_leader_request.post(
        "careers.invite_student", student_id=student.id, _follow=True, _expected_status=200
    )

    assert message in banner(page)
    assert deliver_queued() == 0


def test_an_account_can_be_deactivated_ending_its_sessions_and_reactivated(
    careers_leader_request: ClientRequest, sign_in_as: Any
) -> None:
    ann = pupil(school_of(careers_leader_request), "Ann")
    user = factories.create_user_for("student", ann, email="ann@pupils.example.org")
    signed_in = sign_in_as(user)
    signed_in.get("students.home")

    page = careers_leader_request.post(
        "careers.deactivate_student", student_id=ann.id, _follow=True, _expected_status=200
    )

    assert "Account deactivated" in banner(page)
    assert page.select_one("#account-status").get_text(strip=True) == "Deactivated"
    assert account(ann).active is False
    signed_in.get("students.home", _expected_status=302)  # signed out at once
    page = careers_leader_request.post(
        "careers.reactivate_student", student_id=ann.id, _follow=True, _expected_status=200
    )
    assert "Account reactivated" in banner(page)
    assert account(ann).active is True
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.record_id == user.id).order_by(AuditEvent.id)
    )
    assert list(actions) == ["user_deactivated", "user_reactivated"]


def test_deactivating_a_student_without_an_account_changes_nothing(
    careers_leader_request: ClientRequest,
) -> None:
    ann = pupil(school_of(careers_leader_request), "Ann")

    page = careers_leader_request.post(
        "careers.deactivate_student", student_id=ann.id, _follow=True, _expected_status=200
    )

    assert "Nothing has changed" in banner(page)


def test_the_students_list_shows_each_account_status(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    pupil(school, "Ann")
    factories.create_user_for("student", pupil(school, "Ben"), password="")
    factories.create_user_for("student", pupil(school, "Cy"))
    factories.create_user_for("student", pupil(school, "Di"), active=False)

    page = careers_leader_request.get("careers.students")

    assert [(row[0], row[3]) for row in rows(page, "students-table")] == [
        ("Ann Lee", "No account"),
        ("Ben Lee", "Invited"),
        ("Cy Lee", "Active"),
        ("Di Lee", "Deactivated"),
    ]


@pytest.mark.parametrize("endpoint", STUDENT_ROUTES)
def test_another_schools_student_is_not_found(careers_leader_request: ClientRequest, endpoint: str) -> None:
    stranger = pupil(factories.create_school(), "Zed")
    user = factories.create_user_for("student", stranger, email="zed@pupils.example.org")

    careers_leader_request.post(endpoint, student_id=stranger.id, _expected_status=404)
    careers_leader_request.post(endpoint, student_id=999999, _expected_status=404)

    assert account(stranger).active is True
    assert user.id == account(stranger).id
    assert deliver_queued() == 0


def test_inviting_in_bulk_invites_only_the_careers_leaders_own_students(
    careers_leader_request: ClientRequest,
) -> None:
    stranger = pupil(factories.create_school(), "Zed")

    careers_leader_request.post("careers.invite_students", _expected_status=200)

    assert account(stranger) is None


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
@pytest.mark.parametrize("endpoint", ["careers.invite_students", *STUDENT_ROUTES])
def test_other_roles_cannot_manage_student_accounts(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str
) -> None:
    student = pupil(factories.create_school(), "Ann")
    user = factories.create_user_for("student", student, email="ann@pupils.example.org")
    other = request.getfixturevalue(f"{role}_request")
    values = {} if endpoint == "careers.invite_students" else {"student_id": student.id}

    other.post(endpoint, _expected_status=403, **values)

    assert db.session.get(User, user.id).active is True
    assert deliver_queued() == 0


@pytest.mark.parametrize("endpoint", ["careers.invite_students", *STUDENT_ROUTES])
def test_nobody_signed_in_is_sent_to_sign_in(client_request: ClientRequest, endpoint: str) -> None:
    values = {} if endpoint == "careers.invite_students" else {"student_id": 1}

    page = client_request.post(endpoint, **values)

    assert "/sign-in" in page.location
