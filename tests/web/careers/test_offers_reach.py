"""Offers reach every student: an email to those with an account, an invitation that leads to the offer for
those without, and the careers leader told how many could not be reached and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from tests.web.accounts.helpers import choose_password
from tests.web.careers.helpers import school_of
from tests.web.pages import banner
from web.dao import reach
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, Hub, MatchRound, Notification, School, Student, User
from web.rounds.sent import sent_message

SENT = (
    "3 offers sent to students: 1 emailed, 1 invited to make an account, 1 could not be reached: "
    "no email address in the MIS import — tell them yourself"
)


def _round(school: School, *students: Student, **fields: Any) -> tuple[MatchRound, list[Allocation]]:
    employer = factories.create_employer(db.session.get(Hub, school.hub_id), name="Acme Labs")
    place = factories.create_opportunity(employer, title="Lab week", capacity=len(students))
    match_round = factories.create_round(school, status="succeeded", **fields)
    return match_round, [factories.create_allocation(match_round, s, place) for s in students]


def _three(school: School) -> list[Student]:
    """One student with an account, one with only a school email address, one with neither."""
    signed_up = factories.create_student(school, first_name="Ann", email="ann@school.example")
    factories.create_user_for("student", signed_up, email="ann@school.example")
    emailed_only = factories.create_student(school, first_name="Ben", email="ben@school.example")
    neither = factories.create_student(school, first_name="Cat")
    return [signed_up, emailed_only, neither]


def _date(day: Any) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _told(request: ClientRequest, endpoint: str, data: Any = None, **values: Any) -> BeautifulSoup:
    """Post, then the next page, with what the post flashed (not the round page: another's to test)."""
    request.post(endpoint, data, **values)
    return request.get("careers.placements" if "careers" in endpoint else "hub.overview")


def _notifications() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(select(Notification.template, Notification.recipient))]


def test_approve_all_emails_invites_and_says_who_could_not_be_reached(
    careers_leader_request: ClientRequest,
) -> None:
    match_round, _ = _round(school_of(careers_leader_request), *_three(school_of(careers_leader_request)))

    page = _told(
        careers_leader_request,
        "careers.approve_all",
        {"respond_by": _date(london_today() + timedelta(days=5))},
        round_id=match_round.id,
    )

    assert SENT in banner(page)
    assert sorted(_notifications()) == [
        ("invitation", "ben@school.example"),
        ("offer_made", "ann@school.example"),
    ]
    ben = db.session.scalar(select(User).where(User.email == "ben@school.example"))
    assert ben is not None and ben.role == "student" and not ben.password_hash


def test_the_invitation_tells_of_the_offer_and_leads_to_it(
    careers_leader_request: ClientRequest, client_request: ClientRequest
) -> None:
    school = school_of(careers_leader_request)
    ben = factories.create_student(school, first_name="Ben", email="ben@school.example")
    match_round, _ = _round(school, ben)
    respond_by = london_today() + timedelta(days=5)
    careers_leader_request.post(
        "careers.approve_all", {"respond_by": _date(respond_by)}, round_id=match_round.id
    )

    deliver_queued()
    [message] = sent_to("ben@school.example")
    assert "offered you a placement" in message.subject
    assert f"accept or decline by {respond_by.day} {respond_by:%B %Y}" in " ".join(message.body.split())
    client_request.client.get(link_in(message))
    page = choose_password(client_request)
    home = client_request.get("students.home")
    assert "You have 1 offer to accept or decline" in " ".join(home.get_text(" ").split())
    assert page.location == client_request.url("students.home")


def test_a_student_with_two_offers_in_one_go_is_invited_once(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    ben = factories.create_student(school, first_name="Ben", email="ben@school.example")
    match_round, _ = _round(school, ben)
    other = factories.create_opportunity(
        factories.create_employer(db.session.get(Hub, school.hub_id)), title="Web week"
    )
    factories.create_allocation(match_round, ben, other)

    page = _told(
        careers_leader_request,
        "careers.approve_all",
        {"respond_by": _date(london_today() + timedelta(days=5))},
        round_id=match_round.id,
    )

    assert "2 offers sent to students: 2 invited to make an account" in banner(page)
    assert _notifications() == [("invitation", "ben@school.example")]
    assert deliver_queued() == 1
    assert "2 placements" in str(sent_to("ben@school.example")[0].body)


def test_approving_one_invites_a_student_with_no_account(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    _, [allocation] = _round(school, factories.create_student(school, email="ben@school.example"))

    page = _told(
        careers_leader_request,
        "careers.approve_allocation",
        {"respond_by": _date(london_today() + timedelta(days=5))},
        allocation_id=allocation.id,
    )

    assert "1 offer sent to the student: 1 invited to make an account" in banner(page)
    assert _notifications() == [("invitation", "ben@school.example")]


def test_a_student_invited_before_is_invited_again_not_sent_an_offer_they_cannot_open(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    ben = factories.create_student(school, email="ben@school.example")
    factories.create_user_for("student", ben, email="ben@school.example", password=None)
    _, [allocation] = _round(school, ben)

    careers_leader_request.post(
        "careers.approve_allocation",
        {"respond_by": _date(london_today() + timedelta(days=5))},
        allocation_id=allocation.id,
    )

    assert _notifications() == [("invitation", "ben@school.example")]


def test_deactivated_and_left_students_are_counted_with_their_reasons(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    gone = factories.create_student(school, email="gone@school.example")
    factories.create_user_for("student", gone, email="gone@school.example", active=False)
    left = factories.create_student(school, email="left@school.example", left_on=london_today())
    nothing = factories.create_student(school)
    match_round, _ = _round(school, gone, left, nothing)

    page = _told(
        careers_leader_request,
        "careers.approve_all",
        {"respond_by": _date(london_today() + timedelta(days=5))},
        round_id=match_round.id,
    )

    assert (
        "3 offers sent to students: 3 could not be reached (1 account deactivated, 1 left the school, "
        "1 no email address in the MIS import) — tell them yourself"
    ) in banner(page)
    assert _notifications() == []


def test_telling_again_of_the_same_offers_sends_nothing_twice(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    match_round, allocations = _round(school, *_three(school))
    careers_leader_request.post(
        "careers.approve_all",
        {"respond_by": _date(london_today() + timedelta(days=5))},
        round_id=match_round.id,
    )
    assert deliver_queued() == 2

    # A second go (a double submit, or a retried request) offers nothing: every proposal is decided.
    page = _told(
        careers_leader_request,
        "careers.approve_all",
        {"respond_by": _date(london_today() + timedelta(days=5))},
        round_id=match_round.id,
    )
    assert "Nothing left to approve" in banner(page)
    # The offer email dedupes on its key if told again; the invited student now has an account to use.
    with transaction():
        again = reach.tell_of_offers([allocations[0].id], careers_leader_request.user.id)  # type: ignore[attr-defined]
    assert (again.emailed, db.session.scalar(select(func.count()).select_from(Notification))) == (1, 2)
    assert deliver_queued() == 0
    assert len(sent_to("ann@school.example")) == 1


def test_the_message_for_one_reason_and_for_none() -> None:
    assert sent_message(reach.Reached(emailed=2)) == "2 offers sent to students: 2 emailed"
    reached = reach.Reached(emailed=1, invited=1)
    reached.unreached[reach.NO_EMAIL] += 1
    assert sent_message(reached) == SENT
    assert sent_message(reach.Reached(), 2) == (
        "0 offers sent to students. 2 could not be offered: the placement has closed or starts too soon"
    )


def test_the_hub_release_says_how_each_student_heard(hub_admin_request: ClientRequest) -> None:
    school = factories.create_school(db.session.get(Hub, hub_admin_request.user.hub_id))  # type: ignore[attr-defined]
    match_round, allocations = _round(school, *_three(school), school_id=None)
    for allocation in allocations:
        allocation.status = "approved"
    db.session.commit()

    page = _told(
        hub_admin_request,
        "hub.release_round",
        {"respond_by": _date(london_today() + timedelta(days=5))},
        round_id=match_round.id,
    )

    assert SENT in banner(page)
    assert sorted(_notifications()) == [
        ("invitation", "ben@school.example"),
        ("offer_made", "ann@school.example"),
    ]
