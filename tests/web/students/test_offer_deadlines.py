"""Respond-by dates: set when a careers leader releases offers, emailed and shown to the student, enforced
when they answer; and the rules checked when a student accepts (no clashing dates, T Level employers)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages
from tests.web.students.helpers import create_offer, hub_opportunity, me
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, Employer, Hub, Notification, Opportunity, School, Student


def today() -> date:
    return london_today()


def _date(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _proposal(school: School, **opportunity: Any) -> tuple[Allocation, Student]:
    """A proposal for a student of this school with an account, in a finished round."""
    student = factories.create_student(school, first_name="Priya")
    factories.create_user_for("student", student, email="priya@example.org")
    employer = factories.create_employer(db.session.get(Hub, school.hub_id), name="Acme Labs")
    place = factories.create_opportunity(employer, title="Lab week", **opportunity)
    match_round = factories.create_round(school, status="succeeded")
    return factories.create_allocation(match_round, student, place), student


def _saved(allocation: Allocation) -> Allocation:
    db.session.expire_all()
    return db.session.get(Allocation, allocation.id)


def test_approving_one_gives_a_week_to_respond_and_emails_the_student(
    careers_leader_request: ClientRequest, student_request: ClientRequest
) -> None:
    allocation, _ = _proposal(school_of(careers_leader_request))
    page = careers_leader_request.get("careers.approve_allocation", allocation_id=allocation.id)
    boxes = [page.select_one(f"#respond_by-{part}") for part in ("day", "month", "year")]
    shown = {"respond_by": [box["value"] for box in boxes]}
    careers_leader_request.post("careers.approve_allocation", shown, allocation_id=allocation.id)

    respond_by = today() + timedelta(days=7)
    assert _saved(allocation).respond_by == respond_by
    key = db.session.scalar(select(Notification.idempotency_key))
    assert key == f"offer-made:{allocation.id}"
    assert deliver_queued() == 1
    [message] = sent_to("priya@example.org")
    assert "Acme Labs" in message.subject
    assert f"Respond by {_long(respond_by)}" in message.body and "Hello Priya" in message.body
    assert link_in(message) == f"/me/offers/{allocation.id}"


def test_a_respond_by_date_is_never_after_the_day_before_the_placement_starts(
    careers_leader_request: ClientRequest,
) -> None:
    start = today() + timedelta(days=3)
    allocation, _ = _proposal(school_of(careers_leader_request), start_date=start, end_date=start)
    week = today() + timedelta(days=7)
    answer = {"respond_by": [str(week.day), str(week.month), str(week.year)]}
    careers_leader_request.post("careers.approve_allocation", answer, allocation_id=allocation.id)
    assert _saved(allocation).respond_by == start - timedelta(days=1)


def test_approve_all_asks_for_the_date_with_a_week_from_today_filled_in(
    careers_leader_request: ClientRequest,
) -> None:
    allocation, _ = _proposal(school_of(careers_leader_request))
    page = careers_leader_request.get("careers.approve_all", round_id=allocation.round_id)
    default = today() + timedelta(days=7)
    values = [item["value"] for item in page.select("input[name=respond_by]")]
    assert values == [f"{default:%d}", f"{default:%m}", str(default.year)]


def test_approve_all_uses_the_chosen_date(careers_leader_request: ClientRequest) -> None:
    allocation, _ = _proposal(school_of(careers_leader_request))
    chosen = today() + timedelta(days=12)
    careers_leader_request.post(
        "careers.approve_all", {"respond_by": _date(chosen)}, round_id=allocation.round_id
    )
    saved = _saved(allocation)
    assert (saved.status, saved.respond_by) == ("offered", chosen)


def test_approve_all_refuses_a_missing_past_or_unreal_date_and_sends_nothing(
    careers_leader_request: ClientRequest,
) -> None:
    allocation, _ = _proposal(school_of(careers_leader_request))
    for posted, message in [
        (["", "", ""], "Enter the date students must respond by"),
        (_date(today()), "The respond-by date must be in the future"),
        (["31", "2", str(today().year + 1)], "The respond-by date must be a real date"),
    ]:
        page = careers_leader_request.post(
            "careers.approve_all", {"respond_by": posted}, round_id=allocation.round_id, _expected_status=200
        )
        assert error_messages(page) == [message]
        assert page.title.text.startswith("Error: ")
    assert _saved(allocation).status == "proposed"
    assert db.session.scalar(select(Notification.id)) is None


def test_the_offer_pages_say_when_to_respond_by(student_request: ClientRequest) -> None:
    student = me(student_request)
    respond_by = today() + timedelta(days=5)
    allocation = create_offer(student, hub_opportunity(student), respond_by=respond_by)
    page = student_request.get("students.offer", allocation_id=allocation.id)
    assert page.select_one("#respond-by").get_text(strip=True) == f"Respond by {_long(respond_by)}"
    listed = student_request.get("students.offers")
    assert f"Respond by {_long(respond_by)}" in listed.select_one("#waiting").get_text(" ")


def test_an_offer_past_its_date_cannot_be_accepted_even_before_it_is_expired(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    allocation = create_offer(student, hub_opportunity(student), respond_by=today() - timedelta(days=1))
    page = student_request.get("students.offer", allocation_id=allocation.id)
    assert page.select_one("#accept") is None and page.select_one("#respond-by") is None
    page = student_request.post(
        "students.accept_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "The date to respond to this offer was" in banner(page)
    assert _saved(allocation).status == "offered"


def test_an_offer_due_today_can_still_be_accepted(student_request: ClientRequest) -> None:
    student = me(student_request)
    allocation = create_offer(student, hub_opportunity(student), respond_by=today())
    student_request.post("students.accept_offer", allocation_id=allocation.id)
    assert _saved(allocation).status == "accepted"


def _held(student: Student, **opportunity: Any) -> Allocation:
    return create_offer(student, hub_opportunity(student, **opportunity), status="accepted")


def test_accepting_a_placement_that_overlaps_one_held_is_refused_naming_its_dates(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    start = today() + timedelta(days=30)
    _held(student, start_date=start, end_date=start + timedelta(days=4))
    place = hub_opportunity(student, start_date=start + timedelta(days=4), end_date=start + timedelta(days=8))
    allocation = create_offer(student, place)

    page = student_request.post(
        "students.accept_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )

    assert (
        "its dates overlap a placement you have already accepted, from "
        f"{_long(start)} to {_long(start + timedelta(days=4))}"
    ) in banner(page)
    assert _saved(allocation).status == "offered"
    db.session.expire_all()
    assert db.session.get(Opportunity, place.id).places_taken == 0


def test_a_placement_after_one_held_can_be_accepted(student_request: ClientRequest) -> None:
    student = me(student_request)
    start = today() + timedelta(days=30)
    _held(student, start_date=start, end_date=start + timedelta(days=4))
    declined = create_offer(
        student, hub_opportunity(student, start_date=start, end_date=start), status="declined"
    )
    place = hub_opportunity(student, start_date=start + timedelta(days=5), end_date=start + timedelta(days=9))
    allocation = create_offer(student, place)
    student_request.post("students.accept_offer", allocation_id=allocation.id)
    assert _saved(allocation).status == "accepted" and _saved(declined).status == "declined"


def _t_level(student: Student, employer: Employer, weeks: int, **overrides: Any) -> Opportunity:
    start = today() + timedelta(days=30 + 7 * weeks)
    fields = {"kind": "t_level_placement", "start_date": start, "end_date": start + timedelta(days=4)}
    return factories.create_opportunity(employer, **{**fields, **overrides})


def test_a_t_level_placement_with_a_third_employer_is_refused(student_request: ClientRequest) -> None:
    student = me(student_request)
    hub = db.session.get(Hub, db.session.get(School, student.school_id).hub_id)
    first = factories.create_employer(hub, name="Alpha Ltd")
    second = factories.create_employer(hub, name="Beta Ltd")
    create_offer(student, _t_level(student, first, 0), status="accepted")
    create_offer(student, _t_level(student, second, 1), status="confirmed")
    more_with_first = create_offer(student, _t_level(student, first, 2))
    third = create_offer(student, _t_level(student, factories.create_employer(hub), 3))

    page = student_request.post(
        "students.accept_offer", allocation_id=third.id, _follow=True, _expected_status=200
    )
    assert "up to two employers, and you have placements with Alpha Ltd and Beta Ltd already" in banner(page)
    assert _saved(third).status == "offered"

    student_request.post("students.accept_offer", allocation_id=more_with_first.id)
    assert _saved(more_with_first).status == "accepted"


def test_other_kinds_do_not_count_toward_the_two_t_level_employers(student_request: ClientRequest) -> None:
    student = me(student_request)
    hub = db.session.get(Hub, db.session.get(School, student.school_id).hub_id)
    create_offer(
        student,
        _t_level(student, factories.create_employer(hub), 0, kind="work_experience"),
        status="accepted",
    )
    create_offer(student, _t_level(student, factories.create_employer(hub), 1), status="accepted")
    allocation = create_offer(student, _t_level(student, factories.create_employer(hub), 2))
    student_request.post("students.accept_offer", allocation_id=allocation.id)
    assert _saved(allocation).status == "accepted"
