"""Setting two-step up: the secret shown as a QR code and as text, a first code to confirm, recovery codes
shown once and kept as hashes, the secret encrypted at rest; required in production before anything else;
turned off from the team page where it is not required; other ways of signing in still ask for the code."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyotp
import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import select

from config.settings import Development, Production, Test
from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from tests.web.accounts.helpers import choose_password, follow, heading, invite
from tests.web.auth_two_step.helpers import (
    Clock,
    enter_code,
    session_of,
    sign_in_with_password,
    staff,
    verified,
)
from tests.web.pages import banner, error_messages
from web.dao import two_step as dao
from web.extensions import db
from web.models import AuditEvent, SignInGuard, TwoStep, TwoStepRecoveryCode, User

WRONG = "The code is not right. Enter the code your authenticator app shows now"


@pytest.fixture
def required(app: Flask) -> Iterator[None]:
    """TWO_STEP_REQUIRED on, as in production, for one test."""
    app.config["TWO_STEP_REQUIRED"] = True
    yield
    app.config["TWO_STEP_REQUIRED"] = False


def _secret_on(page) -> str:  # type: ignore[no-untyped-def]
    return page.select_one("#setup-key").get_text().replace(" ", "").strip()


def _code(secret: str, clock: Clock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.timestamp + steps * 30)


def test_two_step_is_required_in_production_only() -> None:
    assert Production.TWO_STEP_REQUIRED is True
    assert Development.TWO_STEP_REQUIRED is False and Test.TWO_STEP_REQUIRED is False


def test_setting_up_shows_the_secret_then_a_right_code_turns_it_on_and_shows_recovery_codes_once(
    hub_admin_request: ClientRequest, clock: Clock
) -> None:
    page = hub_admin_request.get("auth.two_step_set_up")
    assert heading(page) == "Set up two-step sign-in"
    shown = page.select_one("#setup-key").get_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", shown)  # 32 characters, in eight groups of four
    qr_code = page.select_one("svg[role=img]")
    assert qr_code is not None and qr_code.title.get_text() == "QR code for your authenticator app"
    secret = shown.replace(" ", "")
    assert _secret_on(hub_admin_request.get("auth.two_step_set_up")) == secret  # the same on reloading
    assert not dao.is_on(hub_admin_request.user.id)

    wrong = hub_admin_request.post("auth.two_step_set_up", {"code": "000000"}, _expected_status=200)
    if _code(secret, clock) != "000000":
        assert error_messages(wrong) == [WRONG]
    done = hub_admin_request.post(
        "auth.two_step_set_up", {"code": _code(secret, clock)}, _expected_status=200
    )
    assert heading(done) == "Save your recovery codes"
    codes = [item.get_text().strip() for item in done.select("#recovery-codes li")]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    assert done.find("a", string=re.compile("I have saved my recovery codes"))["href"] == "/hub/"

    user_id = hub_admin_request.user.id
    assert dao.is_on(user_id)
    kept = db.session.scalars(
        select(TwoStepRecoveryCode.code_hash).where(TwoStepRecoveryCode.user_id == user_id)
    )
    kept = list(kept)
    assert len(kept) == 10 and not {code.replace("-", "") for code in codes} & set(kept)
    state = db.session.get(TwoStep, user_id)
    assert secret not in state.secret_encrypted and dao.secret_of(state) == secret  # encrypted at rest
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == user_id)).all()
    assert events == ["two_step_set_up"]
    # This session proved the code: it goes on without being asked again; the page now sends people away.
    assert hub_admin_request.client.get("/hub/").status_code == 200
    again = hub_admin_request.client.get(hub_admin_request.url("auth.two_step_set_up"))
    assert again.headers["Location"] == "/account/team"


def test_the_secret_cannot_be_read_under_another_secret_key(
    app: Flask, hub_admin_request: ClientRequest, clock: Clock
) -> None:
    admin = staff("hub_admin", clock)
    state = db.session.get(TwoStep, admin.user.id)
    key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another key"
    try:
        with pytest.raises(dao.TwoStepError):
            dao.secret_of(state)
    finally:
        app.config["SECRET_KEY"] = key
    # Signing in with it: no code is right, none counts as a guess, and nothing fails (a hub admin resets it).
    state.secret_encrypted = Fernet(Fernet.generate_key()).encrypt(admin.secret.encode()).decode()
    db.session.commit()
    sign_in_with_password(hub_admin_request, admin.user)
    page = hub_admin_request.post("auth.two_step_code", {"code": admin.code(clock)}, _expected_status=200)
    assert error_messages(page) == [WRONG]
    assert db.session.scalars(select(SignInGuard.failures)).all() == []


def test_the_team_page_links_to_setting_up_and_turning_off(
    careers_leader_request: ClientRequest,
    hub_admin_request: ClientRequest,
    sign_in_as,  # type: ignore[no-untyped-def]
    clock: Clock,
) -> None:
    page = careers_leader_request.get("accounts.team")
    assert page.find("a", string="Set up two-step sign-in")["href"] == "/two-step/set-up"
    assert page.find("a", string="Reset a careers leader's two-step sign-in") is None  # hub admins only
    admins = hub_admin_request.get("accounts.team")
    assert (
        admins.find("a", string="Reset a careers leader's two-step sign-in")["href"]
        == "/two-step/careers-leaders"
    )
    leader = staff("careers_leader", clock)
    on = verified(sign_in_as(leader.user), leader.user).get("accounts.team")
    assert on.find("a", string="Turn off two-step sign-in")["href"] == "/two-step/turn-off"
    assert on.find("a", string="Set up two-step sign-in") is None


def test_turning_off_needs_a_code_and_is_audited(sign_in_as, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    leader = staff("careers_leader", clock)
    request = verified(sign_in_as(leader.user), leader.user)
    assert heading(request.get("auth.two_step_turn_off")) == "Turn off two-step sign-in"
    wrong = "000000" if leader.code(clock) != "000000" else "111111"
    assert error_messages(request.post("auth.two_step_turn_off", {"code": wrong}, _expected_status=200)) == [
        WRONG
    ]
    assert dao.is_on(leader.user.id)
    assert request.post("auth.two_step_turn_off", {"code": leader.code(clock)}).location == "/account/team"
    assert not dao.is_on(leader.user.id)
    assert db.session.scalars(select(TwoStepRecoveryCode)).all() == []
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-1] == "two_step_turned_off"
    # Off: signing in again takes the password alone.
    fresh = ClientRequest(request.app.test_client(), request.app)
    assert sign_in_with_password(fresh, leader.user).location == "/school/students"


def test_two_step_cannot_be_turned_off_where_it_is_required(
    sign_in_as,  # type: ignore[no-untyped-def]
    clock: Clock,
    required: None,
) -> None:
    admin = staff("hub_admin", clock)
    request = verified(sign_in_as(admin.user), admin.user)
    assert request.post("auth.two_step_turn_off", {"code": admin.code(clock)}).location == "/account/team"
    assert dao.is_on(admin.user.id)
    assert request.get("accounts.team").find("a", string="Turn off two-step sign-in") is None


def test_where_required_staff_without_two_step_set_it_up_before_anything_else(
    client_request: ClientRequest, clock: Clock, required: None
) -> None:
    leader = factories.create_user_for("careers_leader")
    assert sign_in_with_password(client_request, leader).location == "/school/students"
    for path in ("/school/students", "/account/team", "/school/placements?page=2"):
        response = client_request.client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == client_request.url("auth.two_step_set_up", next=path)
    posted = client_request.post("accounts.invite", {"email": "x@example.org", "name": "X"})
    assert posted.location == "/two-step/set-up"
    assert db.session.scalars(select(User.email)).all() == [leader.email]  # nothing done

    page = client_request.get("auth.two_step_set_up", next="/school/placements")
    assert "you need two-step sign-in before you can use the service" in page.get_text()
    assert page.select_one(".govuk-back-link") is None
    done = client_request.post(
        "auth.two_step_set_up",
        {"code": _code(_secret_on(page), clock)},
        _expected_status=200,
        next="/school/placements",
    )
    assert done.find("a", string=re.compile("I have saved"))["href"] == "/school/placements"
    assert client_request.client.get("/school/students").status_code == 200


def test_where_required_staff_may_still_sign_out(client_request: ClientRequest, required: None) -> None:
    leader = factories.create_user_for("careers_leader")
    sign_in_with_password(client_request, leader)
    assert client_request.post("auth.sign_out").location == "/sign-in"


def test_a_password_reset_link_still_asks_staff_for_their_code(
    client_request: ClientRequest, clock: Clock
) -> None:
    admin = staff("hub_admin", clock, email="admin@example.org")
    client_request.post("accounts.reset", {"email": "admin@example.org"}, _expected_status=200)
    deliver_queued()
    follow(client_request, link_in(sent_to("admin@example.org")[0]))
    assert choose_password(client_request).location == "/hub/"
    # The link chose the password and signed in; the next page asks for the code first.
    response = client_request.client.get("/hub/")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/code?next=/hub/"
    assert "_user_id" not in session_of(client_request)
    assert client_request.client.get("/hub/").headers["Location"].startswith("/sign-in")
    assert enter_code(client_request, admin.code(clock)).location == "/hub/"
    assert client_request.client.get("/hub/").status_code == 200


def test_an_invited_careers_leader_sets_up_two_step_where_it_is_required(
    client_request: ClientRequest, clock: Clock, required: None
) -> None:
    school = factories.create_school()
    invite("new@example.org", school)
    deliver_queued()
    follow(client_request, link_in(sent_to("new@example.org")[0]))
    assert choose_password(client_request).location == "/school/students"
    response = client_request.client.get("/school/students")
    assert response.headers["Location"].startswith("/two-step/set-up")


def test_students_and_employers_cannot_set_up_two_step(
    student_request: ClientRequest, employer_request: ClientRequest
) -> None:
    for request in (student_request, employer_request):
        for endpoint in ("auth.two_step_set_up", "auth.two_step_turn_off"):
            request.get(endpoint, _expected_status=403)
            request.post(endpoint, {"code": "123456"}, _expected_status=403)
        assert (
            request.get("accounts.team" if request is employer_request else "students.home").find(
                "a", string="Set up two-step sign-in"
            )
            is None
        )
    assert db.session.scalars(select(TwoStep)).all() == []


def test_strangers_are_sent_to_sign_in(client_request: ClientRequest) -> None:
    for endpoint in ("auth.two_step_set_up", "auth.two_step_turn_off"):
        assert (
            client_request.client.get(client_request.url(endpoint)).headers["Location"].startswith("/sign-in")
        )


def test_a_recovery_code_sign_in_warns_when_few_are_left(
    client_request: ClientRequest, app: Flask, clock: Clock
) -> None:
    admin = staff("hub_admin", clock)
    for code in admin.recovery_codes[:8]:
        with client_request.client.session_transaction() as session:
            session.clear()
        sign_in_with_password(client_request, admin.user)
        enter_code(client_request, code, endpoint="auth.two_step_recovery")
    assert "You have 2 recovery codes left. Turn two-step sign-in off" in banner(
        client_request.get("hub.overview")
    )
