"""Each organisation's team: who is in it, inviting a colleague, sending an invitation again, deactivating and
reactivating."""

from __future__ import annotations

import contextvars
import threading
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.accounts.helpers import EXPIRED, choose_password, emailed_link, follow, heading, invite, soup
from tests.web.pages import banner, error_messages, rows
from web.accounts import team as views
from web.dao import accounts
from web.dao.base import transaction
from web.extensions import db
from web.models import AuditEvent, User

# The fixture for each role that has a team, and the record its user acts for.
TEAM_FIXTURES = {
    "hub_admin": ("hub_admin_request", "hub_id"),
    "careers_leader": ("careers_leader_request", "school_id"),
    "employer": ("employer_request", "employer_id"),
}
HOMES = {"hub_admin": "/hub/", "careers_leader": "/school/students", "employer": "/employer/opportunities"}


def _record(request: ClientRequest) -> Any:
    """The hub, school or employer the signed-in user acts for."""
    from web.models import Employer, Hub, School

    user = request.user  # type: ignore[attr-defined]
    model = {"hub_admin": Hub, "careers_leader": School, "employer": Employer}[user.role]
    return db.session.get(model, getattr(user, accounts.LINKS[user.role]))


def _colleague(request: ClientRequest, **overrides: Any) -> User:
    user = request.user  # type: ignore[attr-defined]
    return factories.create_user_for(user.role, _record(request), **overrides)


def _actions(record_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.record_id == record_id).order_by(AuditEvent.id)
        )
    )


def _links(page: BeautifulSoup, text: str) -> list[str]:
    """Where the links (or buttons that are links) with this text go."""
    return [link["href"] for link in page.select("a[href]") if link.get_text(" ", strip=True) == text]


def _fresh(user: User) -> User:
    db.session.expire_all()
    found = db.session.get(User, user.id)
    assert found is not None
    return found


@pytest.mark.parametrize("role", TEAM_FIXTURES)
def test_the_team_lists_the_organisations_people_with_their_status(
    role: str, request: pytest.FixtureRequest
) -> None:
    me: ClientRequest = request.getfixturevalue(TEAM_FIXTURES[role][0])
    me.user.name = "Ada Me"  # type: ignore[attr-defined]
    db.session.commit()
    _colleague(me, email="active@example.org", name="Bea Active")
    _colleague(me, email="invited@example.org", name="Cal Invited", password=None)
    _colleague(me, email="gone@example.org", name="Dee Gone", active=False)
    factories.create_user_for(role, email="elsewhere@example.org")  # another organisation
    if role == "careers_leader":  # a student of the same school is not a colleague
        student = factories.create_student(_record(me))
        factories.create_user_for("student", student, email="pupil@example.org")

    page = me.get("accounts.team")

    table = rows(page, "team")
    assert [row[:3] for row in table] == [
        ["Ada Me (you)", me.user.email, "Active"],  # type: ignore[attr-defined]
        ["Bea Active", "active@example.org", "Active"],
        ["Cal Invited", "invited@example.org", "Invited"],
        ["Dee Gone", "gone@example.org", "Deactivated"],
    ]
    assert table[0][3] == ""  # nothing to do to yourself
    assert table[1][3] == "Deactivate Bea Active"
    assert table[2][3] == "Send invitation again to Cal Invited Deactivate Cal Invited"
    assert table[3][3] == "Reactivate Dee Gone"


@pytest.mark.parametrize("role", TEAM_FIXTURES)
def test_a_colleague_invited_from_the_team_page_accepts_and_joins_the_team(
    role: str, request: pytest.FixtureRequest, app: Flask
) -> None:
    me: ClientRequest = request.getfixturevalue(TEAM_FIXTURES[role][0])
    assert _links(me.get("accounts.team"), "Invite a colleague") == ["/account/team/invite"]
    assert heading(me.get("accounts.invite")) == "Invite a colleague"

    page = me.post("accounts.invite", {"name": "Nia Patel", "email": " Nia.Patel@Example.org "})

    assert page.location == "/account/team"
    assert "We have sent an invitation to nia.patel@example.org" in banner(me.get("accounts.team"))
    newcomer = ClientRequest(app.test_client(), app)
    follow(newcomer, emailed_link("nia.patel@example.org"))
    assert choose_password(newcomer).location == HOMES[role]
    joined = db.session.scalar(select(User).where(User.email == "nia.patel@example.org"))
    column = TEAM_FIXTURES[role][1]
    assert (joined.role, getattr(joined, column), joined.name) == (
        role,
        getattr(me.user, column),
        "Nia Patel",
    )  # type: ignore[attr-defined]
    assert ["Nia Patel", "nia.patel@example.org", "Active"] in [
        row[:3] for row in rows(me.get("accounts.team"), "team")
    ]
    invited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_invited"))
    assert (invited.user_id, invited.record_id) == (me.user.id, joined.id)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({"name": "", "email": ""}, ["Enter their full name", "Enter their email address"]),
        (
            {"name": "Nia", "email": "nia"},
            ["Enter an email address in the correct format, like name@example.com"],
        ),
        ({"name": "N" * 201, "email": "nia@example.org"}, ["Full name must be 200 characters or fewer"]),
        (
            {"name": "Nia", "email": "taken@example.org"},
            ["This email address already has an account. Ask them to sign in instead"],
        ),
    ],
)
def test_the_invite_form_names_the_problem_and_invites_nobody(
    careers_leader_request: ClientRequest, data: dict[str, str], messages: list[str]
) -> None:
    factories.create_user_for("employer", email="taken@example.org")
    before = db.session.scalar(select(func.count()).select_from(User))

    page = careers_leader_request.post("accounts.invite", data, _expected_status=200)

    assert error_messages(page) == messages
    assert page.title.text.startswith("Error: ")
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert deliver_queued() == 0


def test_inviting_a_deactivated_colleague_again_says_to_reactivate_them(
    careers_leader_request: ClientRequest,
) -> None:
    _colleague(careers_leader_request, email="gone@example.org", password=None, active=False)

    page = careers_leader_request.post(
        "accounts.invite", {"name": "Gone", "email": "gone@example.org"}, _expected_status=200
    )

    assert error_messages(page) == [
        "This person's account has been deactivated. Reactivate it before inviting them"
    ]


def test_sending_an_invitation_again_replaces_the_old_link(
    careers_leader_request: ClientRequest, app: Flask
) -> None:
    me = careers_leader_request
    waiting = invite("waiting@example.org", _record(me), by=me.user)  # type: ignore[attr-defined]
    older = emailed_link("waiting@example.org")

    page = me.post("accounts.resend", user_id=waiting.id)

    assert page.location == "/account/team"
    assert "We have sent a new invitation to waiting@example.org" in banner(me.get("accounts.team"))
    newer = emailed_link("waiting@example.org")
    assert newer != older and len(sent_to("waiting@example.org")) == 2
    newcomer = ClientRequest(app.test_client(), app)
    assert heading(soup(follow(newcomer, older))) == EXPIRED
    follow(newcomer, newer)
    assert choose_password(newcomer).location == "/school/students"
    assert _actions(waiting.id) == ["user_invited", "user_invited", "invitation_accepted"]


def test_someone_who_has_accepted_is_not_sent_another_invitation(
    careers_leader_request: ClientRequest,
) -> None:
    colleague = _colleague(careers_leader_request, email="active@example.org")

    careers_leader_request.post("accounts.resend", user_id=colleague.id)

    assert "They have already accepted their invitation" in banner(
        careers_leader_request.get("accounts.team")
    )
    assert deliver_queued() == 0 and _actions(colleague.id) == []


def test_deactivating_a_colleague_asks_first_then_ends_their_session_at_once(
    careers_leader_request: ClientRequest,
    sign_in_as,  # type: ignore[no-untyped-def]
) -> None:
    me = careers_leader_request
    colleague = _colleague(me, email="leaving@example.org", name="Lee Leaving")
    theirs = sign_in_as(colleague)
    theirs.get("careers.students")

    confirm = me.get("accounts.deactivate", user_id=colleague.id)
    assert heading(confirm) == "Are you sure you want to deactivate Lee Leaving's account?"
    assert _fresh(colleague).active  # asking changes nothing
    page = me.post("accounts.deactivate", user_id=colleague.id)

    assert page.location == "/account/team"
    assert "Lee Leaving's account is deactivated" in banner(me.get("accounts.team"))
    assert not _fresh(colleague).active
    ended = theirs.client.get(theirs.url("careers.students"))
    assert ended.status_code == 302 and "/sign-in" in ended.headers["Location"]
    again = theirs.post(
        "auth.sign_in", {"email": "leaving@example.org", "password": factories.PASSWORD}, _expected_status=200
    )
    assert "Enter a correct email address and password" in error_messages(again)
    assert _actions(colleague.id) == ["user_deactivated"]


def test_a_reactivated_colleague_can_sign_in_again(careers_leader_request: ClientRequest, app: Flask) -> None:
    colleague = _colleague(careers_leader_request, email="back@example.org", name="Bo Back", active=False)

    page = careers_leader_request.post("accounts.reactivate", user_id=colleague.id)

    assert page.location == "/account/team"
    assert "Bo Back's account is active again" in banner(careers_leader_request.get("accounts.team"))
    theirs = ClientRequest(app.test_client(), app)
    signed_in = theirs.post("auth.sign_in", {"email": "back@example.org", "password": factories.PASSWORD})
    assert signed_in.location == "/school/students"
    assert _actions(colleague.id) == ["user_reactivated", "sign_in"]


def test_nobody_can_deactivate_themselves(careers_leader_request: ClientRequest) -> None:
    me = careers_leader_request
    _colleague(me)
    myself = me.user.id  # type: ignore[attr-defined]

    asked = me.client.get(me.url("accounts.deactivate", user_id=myself))
    posted = me.post("accounts.deactivate", user_id=myself)

    assert asked.headers["Location"] == posted.location == "/account/team"
    assert "You cannot deactivate your own account" in banner(me.get("accounts.team"))
    assert _fresh(me.user).active  # type: ignore[attr-defined]
    assert _actions(myself) == []


def test_the_last_active_person_cannot_be_deactivated(app: Flask) -> None:
    school = factories.create_school()
    last = factories.create_user_for("careers_leader", school)
    invited = factories.create_user_for("careers_leader", school, password=None)

    # Someone who has not chosen a password yet cannot run the school's account: they do not count.
    with pytest.raises(accounts.AccountError, match="the last active person"), transaction():
        accounts.deactivate_colleague(last, invited.id)

    assert _fresh(last).active and _actions(last.id) == []


def test_two_colleagues_deactivating_each_other_at_once_leave_one_active(app: Flask) -> None:
    school = factories.create_school()
    first = factories.create_user_for("careers_leader", school)
    second = factories.create_user_for("careers_leader", school)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def deactivate(target_id: int, by_id: int) -> None:
        with app.app_context():
            target = db.session.get(User, target_id)
            start.wait()
            try:
                with transaction():
                    accounts.deactivate_colleague(target, by_id)
                outcomes.append("deactivated")
            except accounts.AccountError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=contextvars.Context().run, args=(deactivate, first.id, second.id)),
        threading.Thread(target=contextvars.Context().run, args=(deactivate, second.id, first.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["deactivated", "refused"]
    assert [_fresh(first).active, _fresh(second).active].count(True) == 1


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_an_employer_not_approved_cannot_invite_colleagues(
    employer_request: ClientRequest, status: str
) -> None:
    employer = _record(employer_request)
    employer.status = status
    db.session.commit()
    waiting = _colleague(employer_request, email="waiting@example.org", password=None)

    page = employer_request.get("accounts.team")
    assert views.CANNOT_INVITE[status] in page.select_one(".govuk-inset-text").text
    assert _links(page, "Invite a colleague") == []
    assert "Send invitation again" not in page.text

    assert employer_request.client.get(employer_request.url("accounts.invite")).status_code == 302
    employer_request.post("accounts.invite", {"name": "Nia", "email": "nia@example.org"})
    employer_request.post("accounts.resend", user_id=waiting.id)
    assert db.session.scalar(select(User).where(User.email == "nia@example.org")) is None
    assert deliver_queued() == 0
