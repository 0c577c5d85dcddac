"""Offers: why a student was matched, and accepting (one seat, atomically) or declining."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.conftest import ClientRequest
from tests.web.pages import banner
from tests.web.students.helpers import create_offer, hub_opportunity, me
from web.extensions import db
from web.models import Allocation, AuditEvent, Opportunity


def _status(allocation: Allocation) -> str:
    db.session.expire_all()
    return db.session.get(Allocation, allocation.id).status


def _taken(opportunity: Opportunity) -> int:
    db.session.expire_all()
    return db.session.get(Opportunity, opportunity.id).places_taken


def test_offers_list_waiting_offers_first_then_history(student_request: ClientRequest) -> None:
    student = me(student_request)
    create_offer(student, hub_opportunity(student, title="Old one"), status="declined")
    create_offer(student, hub_opportunity(student, title="New one", remote=True, postcode=None))
    create_offer(student, hub_opportunity(student, title="Not released yet"), status="approved")
    create_offer(student, hub_opportunity(student, title="Only proposed"), status="proposed")
    page = student_request.get("students.offers")
    waiting_text = page.select_one("#waiting").text
    history_text = page.select_one("#history").text
    assert (
        "New one" in waiting_text and "Waiting for your answer" in waiting_text and "Remote" in waiting_text
    )
    assert "Old one" in history_text and "Declined" in history_text
    assert "Not released yet" not in page.text and "Only proposed" not in page.text


def test_no_offers_says_so(student_request: ClientRequest) -> None:
    page = student_request.get("students.offers")
    assert "You have no offers waiting for an answer" in page.select_one("#waiting").text
    assert page.select_one("#history") is None


def test_the_offer_page_shows_the_placement_and_why_it_was_matched(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, title="Lab technician", postcode="M13 9WL")
    allocation = create_offer(student, opportunity)
    page = student_request.get("students.offer", allocation_id=allocation.id)
    assert page.h1.text.strip() == "Lab technician"
    details = " ".join(page.select_one("#details").text.split())
    assert "M13" in details and "M13 9WL" not in page.text
    reasons = [" ".join(item.text.split()) for item in page.select("#reasons li")]
    # Plain words, never score numbers; special needs and disadvantage are not named to the student.
    assert reasons == [
        "You ranked it second",
        "About 4 km from home",
        "It is in an area of work you chose",
        "It matches what you said you would like to do",
    ]
    assert page.select_one("#accept") and page.select_one("#decline")


def test_an_offer_without_an_explanation_shows_no_reasons(student_request: ClientRequest) -> None:
    student = me(student_request)
    allocation = create_offer(student, hub_opportunity(student), explanation={}, rank=None)
    page = student_request.get("students.offer", allocation_id=allocation.id)
    assert page.select_one("#reasons") is None


def test_an_allocation_not_yet_offered_is_not_found(student_request: ClientRequest) -> None:
    student = me(student_request)
    for status in ("proposed", "approved", "rejected"):
        allocation = create_offer(student, hub_opportunity(student), status=status)
        student_request.get("students.offer", _expected_status=404, allocation_id=allocation.id)
        student_request.post("students.accept_offer", _expected_status=404, allocation_id=allocation.id)
        assert _status(allocation) == status


def test_accepting_takes_a_seat_and_records_the_answer(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, capacity=2)
    allocation = create_offer(student, opportunity)
    page = student_request.post(
        "students.accept_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "You have accepted this placement" in banner(page)
    assert page.select_one("#accept") is None
    db.session.expire_all()
    saved = db.session.get(Allocation, allocation.id)
    assert saved.status == "accepted" and saved.responded_at is not None
    assert _taken(opportunity) == 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "offer_accepted")).one()
    user_id = student_request.user.id  # type: ignore[attr-defined]
    assert (event.record_type, event.record_id, event.user_id) == ("allocation", allocation.id, user_id)


def test_accepting_a_full_placement_does_not_overbook_and_expires_the_offer(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, capacity=1)
    opportunity.places_taken = 1
    db.session.commit()
    allocation = create_offer(student, opportunity)
    page = student_request.post(
        "students.accept_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "Sorry, this placement is now full" in banner(page)
    assert _status(allocation) == "expired"
    assert _taken(opportunity) == 1
    assert db.session.scalars(select(AuditEvent.action)).all() == ["offer_expired_full"]


def test_accepting_twice_gives_a_message_and_takes_one_seat(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, capacity=3)
    allocation = create_offer(student, opportunity)
    student_request.post("students.accept_offer", allocation_id=allocation.id)
    page = student_request.post(
        "students.accept_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "You have already responded to this offer" in banner(page)
    assert _taken(opportunity) == 1


def test_an_online_placement_says_there_is_no_travel_and_a_tiny_text_match_is_no_reason(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, remote=True, postcode=None)
    allocation = create_offer(
        student, opportunity, rank=None, explanation={"parts": {"text": 0.02}, "distance_km": None}
    )
    page = student_request.get("students.offer", allocation_id=allocation.id)
    assert [item.text.strip() for item in page.select("#reasons li")] == [
        "It is online, so there is no travel"
    ]


@pytest.mark.parametrize("status", ["proposed", "offered", "accepted"])
def test_the_database_refuses_a_second_live_allocation_of_the_same_place(
    student_request: ClientRequest, status: str
) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, capacity=3)
    create_offer(student, opportunity, status=status)
    with pytest.raises(IntegrityError):
        create_offer(student, opportunity, status="proposed")
    db.session.rollback()


def test_a_declined_place_can_be_offered_again(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, capacity=3)
    create_offer(student, opportunity, status="declined")
    again = create_offer(student, opportunity)
    assert _status(again) == "offered"


def test_an_offer_on_a_closed_placement_cannot_be_accepted_and_says_so(
    student_request: ClientRequest,
) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student, title="Closed since", status="closed")
    allocation = create_offer(student, opportunity)
    page = student_request.get("students.offer", allocation_id=allocation.id)
    assert page.select_one("#accept") is None and "No longer available" in page.select_one("#status").text
    listed = student_request.get("students.offers")
    assert "Closed since" in listed.select_one("#history").text
    page = student_request.post(
        "students.accept_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "This placement is no longer available" in banner(page)
    assert _status(allocation) == "offered" and _taken(opportunity) == 0


def test_declining_records_the_answer_and_takes_no_seat(student_request: ClientRequest) -> None:
    student = me(student_request)
    opportunity = hub_opportunity(student)
    allocation = create_offer(student, opportunity)
    page = student_request.post(
        "students.decline_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "You have declined this offer" in banner(page)
    db.session.expire_all()
    saved = db.session.get(Allocation, allocation.id)
    assert saved.status == "declined" and saved.responded_at is not None
    assert _taken(opportunity) == 0
    assert db.session.scalars(select(AuditEvent.action)).all() == ["offer_declined"]


def test_an_answered_offer_cannot_be_answered_again(student_request: ClientRequest) -> None:
    student = me(student_request)
    for status in ("declined", "accepted", "expired", "confirmed"):
        opportunity = hub_opportunity(student)
        allocation = create_offer(student, opportunity, status=status)
        for endpoint in ("students.accept_offer", "students.decline_offer"):
            page = student_request.post(
                endpoint, allocation_id=allocation.id, _follow=True, _expected_status=200
            )
            assert "You have already responded to this offer" in banner(page)
            assert page.select_one("#accept") is None
        assert _status(allocation) == status
        assert _taken(opportunity) == 0


def test_home_counts_offers_waiting(student_request: ClientRequest) -> None:
    student = me(student_request)
    create_offer(student, hub_opportunity(student))
    page = student_request.get("students.home")
    assert "You have 1 offer to accept or decline" in " ".join(page.select_one("#next-steps").text.split())


def test_declining_asks_first_and_changes_nothing_until_confirmed(student_request: ClientRequest) -> None:
    student = me(student_request)
    allocation = create_offer(student, hub_opportunity(student, title="Bakery week"))
    offer = student_request.get("students.offer", allocation_id=allocation.id)
    confirm_url = offer.select_one("#decline")["href"]
    assert confirm_url == student_request.url("students.decline_offer", allocation_id=allocation.id)
    page = student_request.get("students.decline_offer", allocation_id=allocation.id)
    assert page.h1.text.strip() == "Are you sure you want to decline this offer?"
    assert "You cannot undo this" in page.text and page.select_one("#confirm-decline")
    assert page.select_one("main form input[name=csrf_token]") is not None
    assert _status(allocation) == "offered"
    # A post without the form's CSRF token declines nothing.
    student_request.client.post(student_request.url("students.decline_offer", allocation_id=allocation.id))
    assert _status(allocation) == "offered"
    student_request.post("students.decline_offer", allocation_id=allocation.id)
    assert _status(allocation) == "declined"


@pytest.mark.parametrize(
    ("parent_email", "years_old", "told"),
    [
        (
            "parent@example.org",
            15,
            "It now waits for your parent or carer to agree to it. We have emailed them a link",
        ),
        ("", 15, "It now waits for your parent or carer to agree to it. Your careers leader will ask them"),
        ("parent@example.org", 19, "The employer will now confirm it"),
    ],
)
def test_accepting_says_the_placement_now_waits_for_consent_when_it_does(
    student_request: ClientRequest, parent_email: str, years_old: int, told: str
) -> None:
    student = me(student_request)
    student.parent_email = parent_email
    student.date_of_birth = date.today() - timedelta(days=366 * years_old)
    db.session.commit()
    allocation = create_offer(student, hub_opportunity(student, min_age=0))
    page = student_request.post(
        "students.accept_offer", allocation_id=allocation.id, _follow=True, _expected_status=200
    )
    assert "You have accepted this placement" in banner(page) and told in banner(page)
    if years_old >= 18:
        assert "parent" not in banner(page)
