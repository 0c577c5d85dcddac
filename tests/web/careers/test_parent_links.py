"""The careers leader sends parents and carers links to their child's entitlements, with the school's
permission, once per pupil, and sees and revokes them; nobody else can."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages, rows
from tests.web.parents.family_helpers import PARENT, emailed_path, link_of, open_link, pupil, send_to
from web.careers.parent_link_forms import PERMISSION
from web.extensions import db
from web.models import AuditEvent, Notification, ParentLink

ALLOWED = {"who": "9", "permission": "allowed"}
UPN = "A123456789012"


def _count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _send(request: ClientRequest, data: dict[str, str], status: int = 200) -> Any:
    return request.post("careers.parent_links", data, _expected_status=status)


def test_sending_needs_the_schools_permission(careers_leader_request: ClientRequest) -> None:
    pupil(school_of(careers_leader_request))

    page = _send(careers_leader_request, {"who": "9"})

    assert error_messages(page) == ["Confirm that your school allows you to send these links"]
    assert page.title is not None and page.title.text.startswith("Error: ")
    assert _count(ParentLink) == 0 and _count(Notification) == 0


def test_a_year_group_is_sent_one_email_each_and_the_permission_is_audited(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    pupil(school, parent_email="one@example.org")
    pupil(school, parent_email="two@example.org")
    pupil(school, year_group=10, parent_email="ten@example.org")

    page = _send(careers_leader_request, ALLOWED)

    assert "2 links sent" in page.select_one("#sent").text
    deliver_queued()
    assert len(sent_to("one@example.org")) == len(sent_to("two@example.org")) == 1
    assert sent_to("ten@example.org") == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "parent_links_sent"))
    assert event is not None and event.user_id == careers_leader_request.user.id  # type: ignore[attr-defined]
    assert event.detail["permission"] == PERMISSION and event.detail["sent"] == 2


def test_sending_again_sends_nothing_twice(careers_leader_request: ClientRequest) -> None:
    pupil(school_of(careers_leader_request))
    _send(careers_leader_request, ALLOWED)

    page = _send(careers_leader_request, ALLOWED)

    assert "0 links sent" in page.select_one("#sent").text
    assert "1 pupil has a working link already" in page.select_one("#already").text
    assert _count(ParentLink) == 1 and _count(Notification) == 1


def test_pupils_without_a_parent_email_are_counted_and_named(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    pupil(school)
    pupil(school, first_name="Robin", last_name="Hood", parent_email=None)

    page = _send(careers_leader_request, ALLOWED)

    assert "1 pupil has no parent or carer email" in page.select_one("#no-email-count").text
    assert page.select_one("#no-email").get_text(strip=True) == "Robin Hood, Year 9"
    assert _count(ParentLink) == 1


def test_one_pupil_is_found_by_upn(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    chosen = pupil(school, upn=UPN, year_group=11)
    pupil(school, parent_email="sibling-free@example.org")

    page = _send(careers_leader_request, {"who": "pupil", "upn": "a1234 5678 9012", "permission": "allowed"})

    assert "1 link sent" in page.select_one("#sent").text
    assert link_of(chosen).student_id == chosen.id and _count(ParentLink) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"who": "pupil", "permission": "allowed"}, "Enter the pupil's UPN"),
        ({"who": "pupil", "upn": "12345", "permission": "allowed"}, "Enter a UPN of 13 characters"),
        ({"who": "pupil", "upn": "B123456789012", "permission": "allowed"}, "No pupil at your school"),
        ({"who": "8", "permission": "allowed"}, "Your school has no pupils in Year 8 now"),
        ({"who": "14", "permission": "allowed"}, "Select who should get a link"),
        ({"permission": "allowed"}, "Select who should get a link"),
        ({"who": "9", "permission": "maybe"}, "Select the box to confirm your school allows it"),
    ],
)
def test_errors_name_what_to_change_and_nothing_is_sent(
    careers_leader_request: ClientRequest, data: dict[str, str], message: str
) -> None:
    pupil(school_of(careers_leader_request), upn=UPN)

    page = _send(careers_leader_request, data)

    assert any(found.startswith(message) for found in error_messages(page)), error_messages(page)
    assert _count(ParentLink) == 0


def test_another_schools_pupil_and_leavers_are_not_sent(careers_leader_request: ClientRequest) -> None:
    elsewhere = pupil(upn=UPN)
    pupil(school_of(careers_leader_request), left_on=date.today())

    page = _send(careers_leader_request, {"who": "pupil", "upn": UPN, "permission": "allowed"})
    assert error_messages(page)[0].startswith("No pupil at your school")
    page = _send(careers_leader_request, ALLOWED)
    assert error_messages(page) == ["Your school has no pupils in Year 9 now"]
    assert db.session.scalar(select(ParentLink).where(ParentLink.student_id == elsewhere.id)) is None


def test_the_page_lists_links_with_their_state(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    opened, waiting = (
        pupil(school, first_name="Ola"),
        pupil(school, first_name="Wes", parent_email="w@example.org"),
    )
    send_to(opened, waiting)
    assert open_link(careers_leader_request, emailed_path()).status_code == 302

    page = careers_leader_request.get("careers.parent_links")

    listed = {row[0]: row[3] for row in rows(page, "links")}
    assert listed["Ola Smith"].startswith("Opened on ")
    assert listed["Wes Smith"] == "Sent, not opened yet"
    assert len(page.select("#links form")) == 2  # a Revoke button each


def test_revoking_ends_the_parents_page_and_a_new_link_can_be_sent(
    careers_leader_request: ClientRequest, app: Flask
) -> None:
    student = pupil(school_of(careers_leader_request))
    _send(careers_leader_request, ALLOWED)
    parent = ClientRequest(app.test_client(), app)
    page = open_link(parent, emailed_path()).headers["Location"]

    after = careers_leader_request.post(
        "careers.revoke_parent_link", link_id=link_of(student).id, _follow=True, _expected_status=200
    )

    assert "The link is revoked" in banner(after)
    assert parent.client.get(page).status_code == 403
    listed = rows(after, "links")
    assert listed[0][3].startswith("Revoked on ")
    assert "1 link sent" in _send(careers_leader_request, ALLOWED).select_one("#sent").text
    assert link_of(student).revoked_at is None  # the new one


def test_another_schools_careers_leader_cannot_see_or_revoke_a_link(
    careers_leader_request: ClientRequest,
) -> None:
    student = pupil(first_name="Zara")
    send_to(student)

    page = careers_leader_request.get("careers.parent_links")
    assert "Zara" not in page.text
    careers_leader_request.post(
        "careers.revoke_parent_link", link_id=link_of(student).id, _expected_status=404
    )
    assert link_of(student).revoked_at is None


@pytest.mark.parametrize("role", ["student", "employer", "hub_admin"])
def test_other_roles_are_refused(role: str, sign_in_as: Any) -> None:
    student = pupil()
    send_to(student)
    request = sign_in_as(factories.create_user_for(role))

    request.get("careers.parent_links", _expected_status=403)
    request.post("careers.parent_links", ALLOWED, _expected_status=403)
    request.post("careers.revoke_parent_link", link_id=link_of(student).id, _expected_status=403)
    assert link_of(student).revoked_at is None


def test_strangers_are_asked_to_sign_in(client_request: ClientRequest) -> None:
    response = client_request.client.get(client_request.url("careers.parent_links"))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_forms_need_their_csrf_token(careers_leader_request: ClientRequest) -> None:
    student = pupil(school_of(careers_leader_request))
    send_to(student)
    client = careers_leader_request.client

    assert client.post(careers_leader_request.url("careers.parent_links"), data=ALLOWED).status_code == 400
    revoke = careers_leader_request.url("careers.revoke_parent_link", link_id=link_of(student).id)
    assert client.post(revoke, data={}).status_code == 400
    assert link_of(student).revoked_at is None and _count(ParentLink) == 1


def test_the_email_goes_to_the_parent_email_from_the_mis(careers_leader_request: ClientRequest) -> None:
    pupil(school_of(careers_leader_request))
    _send(careers_leader_request, ALLOWED)
    deliver_queued()

    (message,) = sent_to(PARENT)
    assert "/family/" in str(message.body)
    notification = db.session.scalar(select(Notification))
    assert notification is not None and set(notification.about) == {"parent_link_id"}  # ids only
