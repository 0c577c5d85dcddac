"""The hub admin's schools: listing, adding and changing them, and inviting their careers leaders."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from tests.web.pages import banner, error_messages, rows
from web.extensions import db
from web.models import AuditEvent, Hub, School, User


def _hub_of(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def school_form(**overrides: Any) -> dict[str, Any]:
    """A complete, valid school form."""
    return {
        "urn": "105432",
        "name": "Ashton Park Academy",
        "postcode": "m13 9pl",
        "phase": "secondary",
        **overrides,
    }


def _actions() -> list[tuple[str, str, int]]:
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [(event.action, event.record_type, event.record_id) for event in events]


def test_the_list_shows_the_hubs_schools_with_phase_and_careers_leaders(
    hub_admin_request: ClientRequest,
) -> None:
    hub = _hub_of(hub_admin_request)
    school = factories.create_school(hub, name="Brook Vale High School", urn="190002", phase="special")
    factories.create_school(hub, name="Ashton Park Academy", urn="190001", postcode="M1 1AD")
    factories.create_user_for("careers_leader", school)
    factories.create_user_for("careers_leader", school, password="")
    factories.create_user_for("careers_leader", school, active=False)
    factories.create_school(factories.create_hub(), name="Their School", urn="190003")

    page = hub_admin_request.get("hub.schools")

    assert rows(page, "schools-table") == [
        ["Ashton Park Academy", "190001", "Secondary school", "M1 1AD", "0"],
        ["Brook Vale High School", "190002", "Special school", "M13 9PL", "2"],
    ]


def test_an_empty_list_says_so_and_offers_to_add_a_school(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.get("hub.schools")

    assert "No schools have joined this hub yet" in page.get_text(" ", strip=True)
    assert page.find("a", href=hub_admin_request.url("hub.new_school"))


def test_adding_a_school_saves_it_in_the_admins_hub_and_audits_it(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.post("hub.new_school", school_form(urn=" 105 432 "))

    school = db.session.scalar(select(School))
    assert (school.hub_id, school.urn, school.name, school.postcode, school.phase) == (
        hub_admin_request.user.hub_id,  # type: ignore[attr-defined]
        "105432",
        "Ashton Park Academy",
        "M13 9PL",
        "secondary",
    )
    assert page.location == hub_admin_request.url("hub.school", school_id=school.id)
    assert _actions() == [("school_created", "school", school.id)]


def test_the_school_form_offers_every_phase_in_plain_words(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.get("hub.new_school")

    labels = [label.get_text(strip=True) for label in page.select(".govuk-radios__label")]
    assert labels == [
        "Secondary school",
        "Sixth form college",
        "Further education college",
        "Special school",
        "All-through school",
    ]


def test_a_missing_or_wrong_answer_is_named_and_nothing_is_saved(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.post(
        "hub.new_school",
        {"urn": "12345", "name": "", "postcode": "ZZ1 1ZZ", "phase": "nursery"},
        _expected_status=200,
    )

    assert error_messages(page) == [
        "URN must be 6 digits, like 123456",
        "Enter the school's name",
        "Enter a real postcode, like M1 1AD",
        "Select the school's phase",
    ]
    assert page.title.text.startswith("Error: ")
    assert db.session.scalar(select(func.count()).select_from(School)) == 0
    assert _actions() == []


def test_a_urn_with_letters_or_seven_digits_is_refused(hub_admin_request: ClientRequest) -> None:
    for urn in ("1234567", "12345a", "12-3456"):
        page = hub_admin_request.post("hub.new_school", school_form(urn=urn), _expected_status=200)
        assert error_messages(page) == ["URN must be 6 digits, like 123456"]


def test_a_urn_another_school_has_is_refused_naming_that_school(hub_admin_request: ClientRequest) -> None:
    factories.create_school(_hub_of(hub_admin_request), name="Brook Vale High School", urn="105432")

    page = hub_admin_request.post("hub.new_school", school_form(), _expected_status=200)

    assert error_messages(page) == ["Brook Vale High School already has URN 105432"]
    assert db.session.scalar(select(func.count()).select_from(School)) == 1


def test_a_urn_of_a_school_in_another_hub_says_so(hub_admin_request: ClientRequest) -> None:
    factories.create_school(factories.create_hub(), name="Far Away School", urn="105432")

    page = hub_admin_request.post("hub.new_school", school_form(), _expected_status=200)

    assert error_messages(page) == ["Far Away School already has URN 105432, in another careers hub"]


def test_changing_a_school_saves_and_audits_the_fields_changed(hub_admin_request: ClientRequest) -> None:
    school = factories.create_school(_hub_of(hub_admin_request), urn="105432", name="Old Name")
    form = hub_admin_request.get("hub.edit_school", school_id=school.id)
    assert form.find("input", {"name": "urn"})["value"] == "105432"

    hub_admin_request.post(
        "hub.edit_school", school_form(name="New Name", phase="sixth_form"), school_id=school.id
    )

    db.session.refresh(school)
    assert (school.urn, school.name, school.phase) == ("105432", "New Name", "sixth_form")
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.record_id, event.detail) == (
        "school_updated",
        school.id,
        {"fields": ["name", "phase"]},
    )


def test_a_school_keeps_its_own_urn_but_cannot_take_anothers(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    school = factories.create_school(hub, urn="105432")
    factories.create_school(hub, name="Brook Vale High School", urn="105433")

    hub_admin_request.post("hub.edit_school", school_form(), school_id=school.id)
    page = hub_admin_request.post(
        "hub.edit_school", school_form(urn="105433"), school_id=school.id, _expected_status=200
    )

    assert error_messages(page) == ["Brook Vale High School already has URN 105433"]
    db.session.refresh(school)
    assert school.urn == "105432"


def test_the_school_page_lists_careers_leaders_as_invited_active_or_deactivated(
    hub_admin_request: ClientRequest,
) -> None:
    school = factories.create_school(_hub_of(hub_admin_request), name="Ashton Park Academy", urn="105432")
    factories.create_user_for("careers_leader", school, email="bea@example.org", name="Bea Active")
    factories.create_user_for(
        "careers_leader", school, email="cal@example.org", name="Cal Invited", password=""
    )
    factories.create_user_for(
        "careers_leader", school, email="dee@example.org", name="Dee Gone", active=False
    )
    factories.create_user_for("student", factories.create_student(school), email="pupil@example.org")

    page = hub_admin_request.get("hub.school", school_id=school.id)

    assert page.h1.text.strip() == "Ashton Park Academy"
    assert rows(page, "leaders-table") == [
        ["Bea Active", "bea@example.org", "Active", "Deactivate bea@example.org"],
        ["Cal Invited", "cal@example.org", "Invited", "Deactivate cal@example.org"],
        ["Dee Gone", "dee@example.org", "Deactivated", "Reactivate dee@example.org"],
    ]


def test_inviting_a_careers_leader_emails_a_link_that_lets_them_choose_a_password(
    hub_admin_request: ClientRequest,
) -> None:
    school = factories.create_school(_hub_of(hub_admin_request), name="Ashton Park Academy")

    page = hub_admin_request.post(
        "hub.school",
        {"name": "Pat Leader", "email": "Pat@Example.org"},
        school_id=school.id,
        _follow=True,
        _expected_status=200,
    )

    assert "Invitation sent to pat@example.org" in banner(page)
    assert rows(page, "leaders-table") == [
        ["Pat Leader", "pat@example.org", "Invited", "Deactivate pat@example.org"]
    ]
    user = db.session.scalar(select(User).where(User.email == "pat@example.org"))
    assert (user.role, user.school_id, user.password_hash) == ("careers_leader", school.id, "")
    assert ("user_invited", "user", user.id) in _actions()
    assert deliver_queued() == 1
    (message,) = sent_to("pat@example.org")
    assert "Ashton Park Academy" in str(message.body)
    assert link_in(message).startswith("/account/link/")


def test_an_address_that_has_an_account_is_refused_on_the_email_field(
    hub_admin_request: ClientRequest,
) -> None:
    school = factories.create_school(_hub_of(hub_admin_request))
    factories.create_user_for("employer", email="taken@example.org")

    page = hub_admin_request.post(
        "hub.school",
        {"name": "Pat Leader", "email": "taken@example.org"},
        school_id=school.id,
        _expected_status=200,
    )

    assert error_messages(page) == ["This email address already has an account. Ask them to sign in instead"]
    assert page.select_one("#email-error")
    assert db.session.scalar(select(func.count()).select_from(User).where(User.school_id == school.id)) == 0


def test_an_invitation_needs_a_name_and_a_real_email_address(hub_admin_request: ClientRequest) -> None:
    school = factories.create_school(_hub_of(hub_admin_request))

    page = hub_admin_request.post(
        "hub.school", {"name": "", "email": "not an address"}, school_id=school.id, _expected_status=200
    )

    assert error_messages(page) == [
        "Enter the careers leader's full name",
        "Enter an email address in the correct format, like name@example.com",
    ]


def test_the_hub_admin_can_deactivate_a_careers_leader_who_left_and_reactivate_them(
    hub_admin_request: ClientRequest, sign_in_as: Any
) -> None:
    school = factories.create_school(db.session.get(Hub, hub_admin_request.user.hub_id))  # type: ignore[attr-defined]
    leader = factories.create_user_for("careers_leader", school, email="gone@school.example")
    their_session = sign_in_as(leader)
    their_session.get("careers.students")

    hub_admin_request.post("hub.deactivate_leader", school_id=school.id, user_id=leader.id)

    db.session.expire_all()
    assert db.session.get(User, leader.id).active is False
    assert their_session.client.get(their_session.url("careers.students")).status_code == 302  # signed out
    page = hub_admin_request.get("hub.school", school_id=school.id)
    assert "Deactivated" in page.select_one("#leaders-table").get_text(" ")
    hub_admin_request.post("hub.reactivate_leader", school_id=school.id, user_id=leader.id)
    db.session.expire_all()
    assert db.session.get(User, leader.id).active is True
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["user_deactivated", "user_reactivated"]


@pytest.mark.parametrize("endpoint", ["hub.deactivate_leader", "hub.reactivate_leader"])
def test_another_hubs_school_or_a_user_who_is_not_its_leader_is_not_found(
    hub_admin_request: ClientRequest, endpoint: str
) -> None:
    own = factories.create_school(db.session.get(Hub, hub_admin_request.user.hub_id))  # type: ignore[attr-defined]
    elsewhere = factories.create_school()
    theirs = factories.create_user_for("careers_leader", elsewhere)
    student = factories.create_user_for("student", factories.create_student(own))
    hub_admin_request.post(endpoint, _expected_status=404, school_id=elsewhere.id, user_id=theirs.id)
    hub_admin_request.post(endpoint, _expected_status=404, school_id=own.id, user_id=theirs.id)
    hub_admin_request.post(endpoint, _expected_status=404, school_id=own.id, user_id=student.id)
    db.session.expire_all()
    assert db.session.get(User, theirs.id).active and db.session.get(User, student.id).active


@pytest.mark.parametrize("role", ["careers_leader", "employer", "student"])
def test_other_roles_cannot_deactivate_a_careers_leader(app: Flask, role: str, sign_in_as: Any) -> None:
    school = factories.create_school()
    leader = factories.create_user_for("careers_leader", school)
    other = sign_in_as(factories.create_user_for(role))
    other.post("hub.deactivate_leader", _expected_status=403, school_id=school.id, user_id=leader.id)
    db.session.expire_all()
    assert db.session.get(User, leader.id).active
