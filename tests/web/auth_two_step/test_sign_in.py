"""Signing in with two-step: a right password waits for a code, a code works once, one step of clock drift
either way, wrong codes count towards the password lock and the address's rate limit, recovery codes work
once, and a sign-in waiting for its code reaches no page but the code pages."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.accounts.helpers import heading
from tests.web.auth_two_step.helpers import (
    Clock,
    enter_code,
    session_of,
    sign_in_with_password,
    staff,
)
from tests.web.pages import banner, error_messages
from web.auth import two_step_session
from web.extensions import db
from web.models import AuditEvent, SignInGuard, TwoStep, User

WRONG = "The code is not right. Enter the code your authenticator app shows now"
USED = "That code has already been used. Wait for your app to show a new code, then enter it"
LOCKED = "You have entered a wrong code or password too many times. Wait 15 minutes, then sign in again"
WRONG_RECOVERY = "That recovery code is not right or has been used. Enter another of your recovery codes"


def _actions(user_id: int) -> list[tuple[str, dict]]:
    query = select(AuditEvent).where(AuditEvent.record_id == user_id).order_by(AuditEvent.id)
    return [(event.action, event.detail) for event in db.session.scalars(query)]


def test_a_right_password_does_not_sign_staff_with_two_step_in_until_a_code(
    client_request: ClientRequest, clock: Clock
) -> None:
    admin = staff("hub_admin", clock)
    token_before = admin.user.session_token
    page = sign_in_with_password(client_request, admin.user)
    assert page.location == "/sign-in/code"
    # The waiting sign-in: the user's id and when the wait ends, nothing else (no Flask-Login user; its
    # "_fresh" flag, false, is all Flask-Login keeps for a stranger).
    session = session_of(client_request)
    assert set(session) - {"_fresh"} == {two_step_session.PENDING} and not session.get("_fresh")
    assert set(session[two_step_session.PENDING]) == {"user_id", "until"}
    assert session[two_step_session.PENDING]["user_id"] == admin.user.id
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).session_token == token_before  # not signed in yet
    assert [action for action, _ in _actions(admin.user.id)] == ["two_step_set_up"]
    assert heading(client_request.get("auth.two_step_code")) == "Enter the 6-digit code"

    assert enter_code(client_request, admin.code(clock)).location == "/hub/"
    db.session.expire_all()
    user = db.session.get(User, admin.user.id)
    assert user.session_token != token_before
    assert _actions(user.id)[-1] == ("sign_in", {"two_step": "code"})
    assert heading(client_request.get("hub.overview")) != ""
    assert two_step_session.PENDING not in session_of(client_request)


def test_the_code_page_goes_on_to_the_page_asked_for(client_request: ClientRequest, clock: Clock) -> None:
    leader = staff("careers_leader", clock)
    asked = client_request.url("careers.placements")
    page = client_request.post(
        "auth.sign_in", {"email": leader.user.email, "password": factories.PASSWORD}, next=asked
    )
    assert page.location == client_request.url("auth.two_step_code", next=asked)
    done = client_request.post("auth.two_step_code", {"code": leader.code(clock)}, next=asked)
    assert done.location == asked


def test_a_code_cannot_be_used_twice(client_request: ClientRequest, app: Flask, clock: Clock) -> None:
    admin = staff("hub_admin", clock)
    code = admin.code(clock)
    sign_in_with_password(client_request, admin.user)
    enter_code(client_request, code)

    again = ClientRequest(app.test_client(), app)
    sign_in_with_password(again, admin.user)
    page = enter_code(again, code, status=200)
    assert error_messages(page) == [USED]
    assert page.title.text.startswith("Error: ")
    # Nor an earlier one, still within the drift: the last step accepted is kept, not just that code.
    assert error_messages(enter_code(again, admin.code(clock, -1), status=200)) == [USED]
    # The next step's code is new.
    clock.move(30)
    assert enter_code(again, admin.code(clock)).location == "/hub/"


def test_one_step_of_clock_drift_either_way_is_allowed_and_two_is_not(
    client_request: ClientRequest, app: Flask, clock: Clock
) -> None:
    leader = staff("careers_leader", clock)
    sign_in_with_password(client_request, leader.user)
    assert error_messages(enter_code(client_request, leader.code(clock, -2), status=200)) == [WRONG]
    assert error_messages(enter_code(client_request, leader.code(clock, 2), status=200)) == [WRONG]
    assert enter_code(client_request, leader.code(clock, -1)).location == "/school/students"

    ahead = ClientRequest(app.test_client(), app)
    sign_in_with_password(ahead, leader.user)
    assert enter_code(ahead, leader.code(clock, 1)).location == "/school/students"
    assert db.session.get(TwoStep, leader.user.id).last_step == int(clock.timestamp) // 30 + 1


def test_wrong_codes_count_towards_the_same_lock_as_wrong_passwords(
    client_request: ClientRequest, clock: Clock
) -> None:
    leader = staff("careers_leader", clock, email="lead@example.org")
    sign_in_with_password(client_request, leader.user)
    for n in range(9):
        assert error_messages(enter_code(client_request, f"{n:06d}", status=200)) in ([WRONG], [USED])
    assert error_messages(enter_code(client_request, "999999", status=200)) == [LOCKED]
    # Locked: even the right code is refused, and so is the right password.
    assert error_messages(enter_code(client_request, leader.code(clock), status=200)) == [LOCKED]
    page = sign_in_with_password(client_request, leader.user, _expected_status=200)
    assert "too many times" in " ".join(error_messages(page))
    locks = [action for action, _ in _actions(leader.user.id) if action == "account_locked"]
    assert locks == ["account_locked"]


def test_the_lock_counts_wrong_passwords_before_the_code_too(
    client_request: ClientRequest, clock: Clock
) -> None:
    leader = staff("careers_leader", clock, email="lead@example.org")
    sign_in_with_password(client_request, leader.user)
    for n in range(4):
        enter_code(client_request, f"{n:06d}", status=200)
    guard = db.session.scalars(select(SignInGuard)).one()
    assert guard.failures == 4
    enter_code(client_request, leader.code(clock))
    db.session.expire_all()
    assert db.session.scalars(select(SignInGuard)).one().failures == 0  # a right code clears the count


def test_the_code_page_has_the_sign_in_rate_limit_shared_with_the_password_page(
    client_request: ClientRequest, app: Flask, clock: Clock
) -> None:
    leader = staff("careers_leader", clock)
    for n in range(20):
        client_request.post(
            "auth.sign_in", {"email": f"person{n}@example.org", "password": "wrong"}, _expected_status=200
        )
    sign_in_with_password(client_request, leader.user)
    for n in range(10):  # the lock ends these at 10 for this account, and they still count for the address
        enter_code(client_request, f"{n:06d}", status=200)
    enter_code(client_request, leader.code(clock), status=429)
    assert client_request.client.get(client_request.url("auth.two_step_code")).status_code == 200  # reading


def test_a_right_code_does_not_count_against_the_address(client_request: ClientRequest, clock: Clock) -> None:
    for n in range(35):
        leader = staff("careers_leader", clock)
        with client_request.client.session_transaction() as session:
            session.clear()
        sign_in_with_password(client_request, leader.user)
        assert enter_code(client_request, leader.code(clock)).location == "/school/students", n


def test_recovery_codes_work_once_each(client_request: ClientRequest, app: Flask, clock: Clock) -> None:
    admin = staff("hub_admin", clock)
    assert len(admin.recovery_codes) == 10 and len(set(admin.recovery_codes)) == 10
    first = admin.recovery_codes[0]
    sign_in_with_password(client_request, admin.user)
    assert heading(client_request.get("auth.two_step_recovery")) == "Enter a recovery code"
    done = enter_code(client_request, first.upper().replace("-", " "), endpoint="auth.two_step_recovery")
    assert done.location == "/hub/"
    assert "You have 9 recovery codes left" in banner(client_request.get("hub.overview"))
    assert _actions(admin.user.id)[-2:] == [
        ("two_step_recovery_code_used", {"remaining": 9}),
        ("sign_in", {"two_step": "recovery_code"}),
    ]

    again = ClientRequest(app.test_client(), app)
    sign_in_with_password(again, admin.user)
    page = enter_code(again, first, status=200, endpoint="auth.two_step_recovery")
    assert error_messages(page) == [WRONG_RECOVERY]
    assert enter_code(again, admin.recovery_codes[1], endpoint="auth.two_step_recovery").location == "/hub/"


def test_the_code_pages_name_what_is_wrong_with_what_was_typed(
    client_request: ClientRequest, clock: Clock
) -> None:
    admin = staff("hub_admin", clock)
    sign_in_with_password(client_request, admin.user)
    cases = {
        "": "Enter the 6-digit code from your authenticator app",
        "12345": "The code must be 6 digits, like 123456",
        "12345a": "The code must be 6 digits, like 123456",
        "１２３４５６": "The code must be 6 digits, like 123456",  # full-width digits: isdigit, not ASCII
    }
    for typed, message in cases.items():
        assert error_messages(enter_code(client_request, typed, status=200)) == [message], typed
    recovery = enter_code(client_request, "not a code", status=200, endpoint="auth.two_step_recovery")
    assert error_messages(recovery) == ["Enter the recovery code as it was shown, like 2k7fq-m9xhd"]
    assert db.session.scalars(select(SignInGuard.failures)).all() == []  # a mistyped shape is not a guess
    assert enter_code(client_request, " ".join(admin.code(clock))).location == "/hub/"  # spaces are fine


def test_a_sign_in_waiting_for_its_code_reaches_no_other_page(
    client_request: ClientRequest, app: Flask, clock: Clock
) -> None:
    admin = staff("hub_admin", clock)
    sign_in_with_password(client_request, admin.user)
    open_to_it = {"auth.two_step_code", "auth.two_step_recovery"}
    reached = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        roles = getattr(view, "allowed_roles", ("public",))
        if rule.arguments or "GET" not in (rule.methods or ()) or roles == ("public",):
            continue
        if rule.endpoint in open_to_it or rule.endpoint == "static":
            continue
        response = client_request.client.get(rule.rule)
        if response.status_code == 200 or (
            response.status_code == 302 and "/sign-in" not in response.headers["Location"]
        ):
            reached.append(rule.rule)
    assert reached == []
    assert two_step_session.PENDING in session_of(client_request)  # still waiting for its code
    assert enter_code(client_request, admin.code(clock)).location == "/hub/"


def test_a_waiting_sign_in_runs_out(client_request: ClientRequest, clock: Clock) -> None:
    admin = staff("hub_admin", clock)
    sign_in_with_password(client_request, admin.user)
    with client_request.client.session_transaction() as session:
        session[two_step_session.PENDING] = {**session[two_step_session.PENDING], "until": 1}
    page = enter_code(client_request, admin.code(clock))
    assert page.location == "/sign-in"
    assert "Your sign-in timed out. Sign in again" in banner(client_request.get("auth.sign_in"))
    assert client_request.client.get(client_request.url("auth.two_step_code")).status_code == 302


def test_the_code_pages_without_a_waiting_sign_in_send_people_to_sign_in(
    client_request: ClientRequest, student_request: ClientRequest
) -> None:
    for request in (client_request, student_request):
        for endpoint in ("auth.two_step_code", "auth.two_step_recovery"):
            assert request.client.get(request.url(endpoint)).headers["Location"] == "/sign-in"
            assert request.post(endpoint, {"code": "123456"}).location == "/sign-in"


def test_a_deactivated_account_waiting_for_its_code_cannot_finish(
    client_request: ClientRequest, clock: Clock
) -> None:
    admin = staff("hub_admin", clock)
    sign_in_with_password(client_request, admin.user)
    admin.user.active = False
    db.session.commit()
    assert enter_code(client_request, admin.code(clock)).location == "/sign-in"


def test_students_employers_and_staff_without_two_step_sign_in_with_the_password_alone(
    client_request: ClientRequest, app: Flask
) -> None:
    app.config["TWO_STEP_REQUIRED"] = True
    try:
        for role, home in (("student", "/me/"), ("employer", "/employer/opportunities")):
            user = factories.create_user_for(role)
            with client_request.client.session_transaction() as session:
                session.clear()
            assert sign_in_with_password(client_request, user).location == home
            assert client_request.client.get(home).status_code == 200
    finally:
        app.config["TWO_STEP_REQUIRED"] = False
    leader = factories.create_user_for("careers_leader")
    with client_request.client.session_transaction() as session:
        session.clear()
    assert sign_in_with_password(client_request, leader).location == "/school/students"
    assert client_request.client.get("/school/students").status_code == 200


def test_the_code_pages_are_for_staff_mid_sign_in_not_public(app: Flask) -> None:
    for endpoint in ("auth.two_step_code", "auth.two_step_recovery"):
        assert app.view_functions[endpoint].allowed_roles == ("hub_admin", "careers_leader")


def test_a_wrong_code_then_a_right_one_a_minute_later_signs_in(
    client_request: ClientRequest, clock: Clock
) -> None:
    leader = staff("careers_leader", clock)
    sign_in_with_password(client_request, leader.user)
    enter_code(client_request, "000000" if leader.code(clock) != "000000" else "111111", status=200)
    clock.move(60)
    assert enter_code(client_request, leader.code(clock)).location == "/school/students"
    assert _actions(leader.user.id)[-1][0] == "sign_in"
