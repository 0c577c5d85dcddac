"""A hub admin resets a careers leader's two-step sign-in (a lost phone): only for their own hub's leaders,
audited, and the leader is signed out everywhere; another hub's admin and careers leaders are refused."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.accounts.helpers import heading
from tests.web.auth_two_step.helpers import Clock, enter_code, sign_in_with_password, staff, turn_on, verified
from tests.web.pages import banner, rows
from web.dao import two_step as dao
from web.extensions import db
from web.models import AuditEvent, Hub, School, TwoStepRecoveryCode, User


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_hub_admin_sees_their_hubs_careers_leaders_and_resets_one(
    hub_admin_request: ClientRequest,
    sign_in_as,  # type: ignore[no-untyped-def]
    clock: Clock,
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)
    school = factories.create_school(hub, name="Ancoats Academy")
    leader = turn_on(factories.create_user_for("careers_leader", school, name="Nia Patel"), clock)
    sam = factories.create_user_for("careers_leader", school, name="Sam Jones")
    factories.create_user_for("careers_leader")  # another hub's
    their_session = verified(sign_in_as(leader.user), leader.user)
    assert their_session.client.get("/school/students").status_code == 200

    page = hub_admin_request.get("auth.two_step_leaders")
    assert [row[:4] for row in rows(page, "careers-leaders")] == [
        ["Nia Patel", leader.user.email, "Ancoats Academy", "On"],
        ["Sam Jones", sam.email, "Ancoats Academy", "Not set up"],
    ]
    confirm = hub_admin_request.get("auth.two_step_reset", user_id=leader.user.id)
    assert heading(confirm) == "Are you sure you want to reset two-step sign-in for Nia Patel?"
    done = hub_admin_request.post("auth.two_step_reset", user_id=leader.user.id)
    assert done.location == "/two-step/careers-leaders"
    assert "Two-step sign-in is reset for Nia Patel" in banner(hub_admin_request.get("auth.two_step_leaders"))

    assert not dao.is_on(leader.user.id)
    assert _count(TwoStepRecoveryCode) == 0
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "two_step_reset")).one()
    assert (event.user_id, event.record_type, event.record_id) == (
        hub_admin_request.user.id,
        "user",
        leader.user.id,
    )
    # Signed out everywhere; next time the password alone (and, where required, set-up) signs them in.
    assert their_session.client.get("/school/students").headers["Location"].startswith("/sign-in")
    fresh = ClientRequest(hub_admin_request.app.test_client(), hub_admin_request.app)
    assert sign_in_with_password(fresh, db.session.get(User, leader.user.id)).location == "/school/students"


def test_another_hubs_admin_cannot_see_or_reset_a_careers_leaders_two_step(
    hub_admin_request: ClientRequest, clock: Clock
) -> None:
    leader = staff("careers_leader", clock)  # in a hub of its own
    page = hub_admin_request.get("auth.two_step_leaders")
    assert (
        page.select_one("#careers-leaders") is None
        and "No careers leaders in your hub yet" in page.get_text()
    )
    hub_admin_request.get("auth.two_step_reset", _expected_status=404, user_id=leader.user.id)
    hub_admin_request.post("auth.two_step_reset", _expected_status=404, user_id=leader.user.id)
    assert dao.is_on(leader.user.id)
    assert _count(AuditEvent) == 1  # its set-up only


def test_a_hub_admin_cannot_reset_another_hub_admin_or_anyone_who_is_not_a_careers_leader(
    hub_admin_request: ClientRequest, clock: Clock
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)
    colleague = turn_on(factories.create_user_for("hub_admin", hub), clock)
    student = factories.create_user_for("student", factories.create_student(factories.create_school(hub)))
    for user in (colleague.user, student, hub_admin_request.user):
        hub_admin_request.post("auth.two_step_reset", _expected_status=404, user_id=user.id)
    hub_admin_request.post("auth.two_step_reset", _expected_status=404, user_id=2**31 - 1)
    assert dao.is_on(colleague.user.id)


def test_careers_leaders_and_others_cannot_reset_two_step(
    careers_leader_request: ClientRequest,
    employer_request: ClientRequest,
    student_request: ClientRequest,
    clock: Clock,
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)
    colleague = turn_on(factories.create_user_for("careers_leader", school), clock)
    for request in (careers_leader_request, employer_request, student_request):
        request.get("auth.two_step_leaders", _expected_status=403)
        request.get("auth.two_step_reset", _expected_status=403, user_id=colleague.user.id)
        request.post("auth.two_step_reset", _expected_status=403, user_id=colleague.user.id)
    assert dao.is_on(colleague.user.id)


def test_resetting_a_leader_without_two_step_changes_nothing(hub_admin_request: ClientRequest) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)
    leader = factories.create_user_for("careers_leader", factories.create_school(hub))
    token = leader.session_token
    assert (
        hub_admin_request.post("auth.two_step_reset", user_id=leader.id).location
        == "/two-step/careers-leaders"
    )
    db.session.expire_all()
    assert db.session.get(User, leader.id).session_token == token
    assert _count(AuditEvent) == 0


def test_after_a_reset_the_old_code_no_longer_finishes_a_waiting_sign_in(
    hub_admin_request: ClientRequest, client_request: ClientRequest, clock: Clock
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)
    leader = turn_on(factories.create_user_for("careers_leader", factories.create_school(hub)), clock)
    sign_in_with_password(client_request, leader.user)  # waiting for the code
    hub_admin_request.post("auth.two_step_reset", user_id=leader.user.id)
    assert enter_code(client_request, leader.code(clock)).location == "/sign-in"


def test_the_operator_resets_a_hub_admins_two_step_from_the_command_line(app: Flask, clock: Clock) -> None:
    admin = factories.create_user_for("hub_admin")
    turn_on(admin, clock)
    token = db.session.get(User, admin.id).session_token

    done = app.test_cli_runner().invoke(args=["reset-two-step", "--email", admin.email])

    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert not dao.is_on(admin.id)
    assert db.session.get(User, admin.id).session_token != token  # signed out everywhere
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "two_step_reset"))
    assert (event.user_id, event.record_id) == (None, admin.id)
    again = app.test_cli_runner().invoke(args=["reset-two-step", "--email", admin.email])
    assert again.exit_code != 0 and "No account with that email address has two-step" in again.output
