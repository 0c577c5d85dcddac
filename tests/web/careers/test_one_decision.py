"""Deciding one proposal as carefully as all of them: approving asks first (who, where, the respond-by date,
a warning that the student is told at once), rejecting asks why, and either comes back to the same place in
the same list of proposals with the result beside the row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.careers.test_decisions import METRICS, _finished_round
from tests.web.pages import banner, error_messages, rows
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, AuditEvent, Hub, MatchRound, Notification


def _status(allocation_id: int) -> str:
    return db.session.get(Allocation, allocation_id).status


def _date(day: Any) -> dict[str, list[str]]:
    return {"respond_by": [str(day.day), str(day.month), str(day.year)]}


def test_approving_one_asks_first_showing_who_where_the_date_and_that_the_student_is_told_at_once(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, _] = _finished_round(school_of(careers_leader_request))

    page = careers_leader_request.get("careers.approve_allocation", allocation_id=amy.id)

    assert page.h1.get_text(strip=True) == "Send an offer to Amy Adams?"
    summary = dict(rows_of_summary(page))
    assert summary["Student"] == "Amy Adams"
    assert summary["Placement"] == "Web developer week"
    assert summary["Employer"] == "Manchester Digital Ltd"
    assert summary["Where"] == "M1"
    default = london_today() + timedelta(days=7)
    assert [page.select_one(f"#respond_by-{part}")["value"] for part in ("day", "month", "year")] == [
        str(default.day),
        str(default.month),
        str(default.year),
    ]
    warning = page.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "Amy Adams is told at once" in warning and "cannot take an offer back" in warning
    assert page.select_one("form input[name=csrf_token]") is not None
    assert _status(amy.id) == "proposed"  # asking changes nothing
    assert db.session.scalar(select(Notification.id)) is None


def rows_of_summary(page: Any) -> list[tuple[str, str]]:
    return [
        (row.select_one("dt").get_text(" ", strip=True), row.select_one("dd").get_text(" ", strip=True))
        for row in page.select("#proposal-summary .govuk-summary-list__row")
    ]


def test_approving_one_offers_it_to_answer_by_the_date_chosen(careers_leader_request: ClientRequest) -> None:
    round_, [amy, bo] = _finished_round(school_of(careers_leader_request))
    respond_by = london_today() + timedelta(days=12)

    careers_leader_request.post("careers.approve_allocation", _date(respond_by), allocation_id=amy.id)

    offered = db.session.get(Allocation, amy.id)
    assert (offered.status, offered.respond_by) == ("offered", respond_by)
    assert _status(bo.id) == "proposed"


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Enter the date students must respond by"),
        ({"respond_by": ["31", "2", "2030"]}, "The respond-by date must be a real date"),
        ({"respond_by": ["", "2", "2030"]}, "The respond-by date must include a day"),
    ],
)
def test_a_bad_respond_by_date_names_the_field_and_offers_nothing(
    careers_leader_request: ClientRequest, posted: dict[str, Any], message: str
) -> None:
    _, [amy, _] = _finished_round(school_of(careers_leader_request))

    page = careers_leader_request.post(
        "careers.approve_allocation", posted, _expected_status=200, allocation_id=amy.id
    )

    assert error_messages(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    assert _status(amy.id) == "proposed"


def test_a_respond_by_date_not_in_the_future_is_refused(careers_leader_request: ClientRequest) -> None:
    _, [amy, _] = _finished_round(school_of(careers_leader_request))
    page = careers_leader_request.post(
        "careers.approve_allocation", _date(london_today()), _expected_status=200, allocation_id=amy.id
    )
    assert error_messages(page) == ["The respond-by date must be in the future"]
    assert _status(amy.id) == "proposed"


def test_in_a_hub_round_not_yet_released_approving_one_asks_no_date(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    hub_round = factories.create_round(school, school_id=None, status="succeeded", metrics=METRICS)
    place = factories.create_opportunity(factories.create_employer(db.session.get(Hub, school.hub_id)))
    student = factories.create_student(school, first_name="Cal", last_name="Cole")
    allocation = factories.create_allocation(hub_round, student, place)

    page = careers_leader_request.get("careers.approve_allocation", allocation_id=allocation.id)

    assert page.h1.get_text(strip=True) == "Approve Cal Cole's proposal?"
    assert page.select_one("#respond_by-day") is None
    assert "told when the careers hub releases the offers" in page.get_text(" ", strip=True)
    careers_leader_request.post("careers.approve_allocation", allocation_id=allocation.id)
    saved = db.session.get(Allocation, allocation.id)
    assert (saved.status, saved.respond_by) == ("approved", None)


def test_rejecting_one_asks_why_and_keeps_the_reason_in_the_audit_trail(
    careers_leader_request: ClientRequest,
) -> None:
    _, [amy, _] = _finished_round(school_of(careers_leader_request))

    page = careers_leader_request.get("careers.reject_allocation", allocation_id=amy.id)
    assert page.h1.get_text(strip=True) == "Why are you rejecting Amy Adams's proposal?"
    assert page.select("input[name=reason]")
    assert page.select_one("form input[name=csrf_token]") is not None

    careers_leader_request.post(
        "careers.reject_allocation",
        {"reason": "travel", "note": "  Two buses each way  "},
        allocation_id=amy.id,
    )

    assert _status(amy.id) == "rejected"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "allocation_rejected"))
    assert (event.record_id, event.detail) == (amy.id, {"reason": "travel", "note": "Two buses each way"})


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Select why you are rejecting this proposal"),
        ({"reason": "bored"}, "Select why you are rejecting this proposal"),
        ({"reason": "other", "note": "x" * 501}, "More detail must be 500 characters or fewer"),
    ],
)
def test_a_rejection_without_a_reason_or_with_too_long_a_note_is_refused(
    careers_leader_request: ClientRequest, posted: dict[str, Any], message: str
) -> None:
    _, [amy, _] = _finished_round(school_of(careers_leader_request))
    page = careers_leader_request.post(
        "careers.reject_allocation", posted, _expected_status=200, allocation_id=amy.id
    )
    assert error_messages(page) == [message]
    assert _status(amy.id) == "proposed"


@pytest.mark.parametrize("endpoint", ["careers.approve_allocation", "careers.reject_allocation"])
def test_another_schools_careers_leader_is_refused_the_question(
    careers_leader_request: ClientRequest, sign_in_as: Any, endpoint: str
) -> None:
    school = school_of(careers_leader_request)
    _, [amy, _] = _finished_round(school)
    neighbour = factories.create_school(db.session.get(Hub, school.hub_id))
    neighbours_leader = sign_in_as(factories.create_user_for("careers_leader", neighbour))

    neighbours_leader.get(endpoint, _expected_status=404, allocation_id=amy.id)
    answer = {"reason": "other"} | _date(london_today() + timedelta(days=9))
    neighbours_leader.post(endpoint, answer, _expected_status=404, allocation_id=amy.id)
    assert _status(amy.id) == "proposed"


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
@pytest.mark.parametrize("endpoint", ["careers.approve_allocation", "careers.reject_allocation"])
def test_other_roles_are_refused_the_question(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str
) -> None:
    _, [amy, _] = _finished_round(factories.create_school())
    request.getfixturevalue(f"{role}_request").get(endpoint, _expected_status=403, allocation_id=amy.id)


@pytest.mark.parametrize("endpoint", ["careers.approve_allocation", "careers.reject_allocation"])
def test_a_decision_without_its_csrf_token_decides_nothing(
    careers_leader_request: ClientRequest, endpoint: str
) -> None:
    _, [amy, _] = _finished_round(school_of(careers_leader_request))
    data = {"reason": "other"} | _date(london_today() + timedelta(days=9))
    response = careers_leader_request.client.post(
        careers_leader_request.url(endpoint, allocation_id=amy.id), data=data
    )
    assert response.status_code == 400
    assert _status(amy.id) == "proposed"


def test_the_question_on_a_proposal_already_decided_goes_back_to_its_row(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, _] = _finished_round(school_of(careers_leader_request))
    db.session.get(Allocation, amy.id).status = "rejected"
    db.session.commit()
    response = careers_leader_request.client.get(
        careers_leader_request.url("careers.approve_allocation", allocation_id=amy.id)
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rounds/{round_.id}#decided")


def test_after_a_decision_the_page_comes_back_to_the_row_with_the_result_beside_it(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, bo] = _finished_round(school_of(careers_leader_request))
    listed = {"standing": "undecided", "sort": "place"}  # in the order the page writes them

    page = careers_leader_request.get("careers.round_detail", round_id=round_.id, **listed)
    question = page.select_one(f"#allocation-{amy.id} a.govuk-button")
    assert question["href"] == careers_leader_request.url(
        "careers.approve_allocation", allocation_id=amy.id, **listed
    )
    answered = careers_leader_request.post(
        "careers.approve_allocation",
        _date(london_today() + timedelta(days=9)),
        allocation_id=amy.id,
        **listed,
    )
    assert answered.location == (
        careers_leader_request.url("careers.round_detail", round_id=round_.id, **listed) + "#decided"
    )

    page = careers_leader_request.get("careers.round_detail", round_id=round_.id, **listed)

    # Amy is no longer undecided, so her row has gone: the result stands where it was, before Bo's.
    note = page.select_one("#decided")
    assert note is not None and note.find_next_sibling("tr")["id"] == f"allocation-{bo.id}"
    text = note.get_text(" ", strip=True)
    assert "offer sent" in text.lower() and "Amy Adams" in text
    assert note.select_one("a")["href"] == f"#allocation-{bo.id}"
    assert not banner(page).replace(banner(note), "").strip()  # shown by the row, not again at the top
    again = careers_leader_request.get("careers.round_detail", round_id=round_.id, **listed)
    assert again.select_one("#decided") is None  # said once


def test_a_decided_row_still_listed_has_the_result_straight_after_it(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, bo] = _finished_round(school_of(careers_leader_request))
    careers_leader_request.post("careers.reject_allocation", {"reason": "dates"}, allocation_id=amy.id)
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert page.select_one(f"#allocation-{amy.id}").find_next_sibling("tr")["id"] == "decided"
    assert "Proposal rejected" in page.select_one("#decided").get_text(" ", strip=True)
    assert rows(page, "proposals-table")[0][-1] == "Rejected"


def _round_of_three(school: Any) -> tuple[MatchRound, list[Allocation]]:
    round_ = factories.create_round(school, status="succeeded", metrics=METRICS, kind=None)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id), name="Acme Labs")
    bakery = factories.create_opportunity(employer, title="Bakery insight day", kind="insight_day")
    zoo = factories.create_opportunity(employer, title="Zoo keeper week")
    made = []
    for first, last, place, score, status in [
        ("Cy", "Clark", bakery, 2.5, "proposed"),
        ("Ann", "Ash", zoo, 1.0, "proposed"),
        ("Ben", "Birch", zoo, 3.0, "rejected"),
    ]:
        student = factories.create_student(school, first_name=first, last_name=last)
        made.append(factories.create_allocation(round_, student, place, score=score, status=status))
    return round_, made


def _names(page: Any) -> list[str]:
    return [row[0] for row in rows(page, "proposals-table")]


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ({}, ["Ann Ash", "Ben Birch", "Cy Clark"]),
        ({"sort": "score"}, ["Ben Birch", "Cy Clark", "Ann Ash"]),
        ({"sort": "place"}, ["Cy Clark", "Ann Ash", "Ben Birch"]),
        ({"standing": "undecided"}, ["Ann Ash", "Cy Clark"]),
        ({"standing": "rejected"}, ["Ben Birch"]),
        ({"kind": "insight_day"}, ["Cy Clark"]),
        ({"student": "bir"}, ["Ben Birch"]),
        ({"student": "ann ash"}, ["Ann Ash"]),
        ({"student": "nobody"}, []),
        ({"sort": "EVIL", "standing": "EVIL", "kind": "EVIL"}, ["Ann Ash", "Ben Birch", "Cy Clark"]),
    ],
)
def test_the_proposals_can_be_filtered_and_sorted(
    careers_leader_request: ClientRequest, asked: dict[str, str], shown: list[str]
) -> None:
    round_, _ = _round_of_three(school_of(careers_leader_request))
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id, **asked)
    if shown:
        assert _names(page) == shown
    else:
        assert page.select_one("#proposals-table") is None
        assert "No proposals match" in page.select_one("#no-proposals-match").get_text()
    assert page.select_one("form#filter-proposals-form select[name=sort]") is not None


def test_the_proposals_can_be_filtered_by_opportunity(careers_leader_request: ClientRequest) -> None:
    round_, [cy, ann, _] = _round_of_three(school_of(careers_leader_request))
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    choices = [o.get_text(strip=True) for o in page.select("select[name=opportunity] option")]
    assert choices == ["Every placement", "Bakery insight day, Acme Labs", "Zoo keeper week, Acme Labs"]
    page = careers_leader_request.get(
        "careers.round_detail", round_id=round_.id, opportunity=str(ann.opportunity_id)
    )
    assert _names(page) == ["Ann Ash", "Ben Birch"]


def test_the_pages_of_proposals_keep_the_filters_and_order(
    careers_leader_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.careers.views.PROPOSALS_PER_PAGE", 1)
    round_, _ = _round_of_three(school_of(careers_leader_request))
    page = careers_leader_request.get(
        "careers.round_detail", round_id=round_.id, sort="score", standing="undecided"
    )
    assert _names(page) == ["Cy Clark"]
    following = urlsplit(page.select_one(".govuk-pagination__next a")["href"])
    assert following.path == careers_leader_request.url("careers.round_detail", round_id=round_.id)
    assert parse_qs(following.query) == {"standing": ["undecided"], "sort": ["score"], "page": ["2"]}
    assert following.fragment == "proposals"
    response = careers_leader_request.client.get(f"{following.path}?{following.query}")
    assert _names(BeautifulSoup(response.get_data(as_text=True), "html.parser")) == ["Ann Ash"]


def test_the_reasons_are_in_plain_words_and_the_numbers_on_request(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    round_ = factories.create_round(school, status="succeeded", metrics=METRICS)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    place = factories.create_opportunity(employer, route="construction-and-the-built-environment")
    explanation = {"parts": {"route": 1.0, "distance": 0.66, "text": 0.0}, "distance_km": 3.2}
    student = factories.create_student(school)
    allocation = factories.create_allocation(
        round_, student, place, score=1.66, rank=2, explanation=explanation
    )

    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)

    row = page.select_one(f"#allocation-{allocation.id}")
    plain = [item.get_text(" ", strip=True) for item in row.select("ul.app-reasons li")]
    assert plain == [
        "Their second choice",
        "Matches their interest in construction and the built environment",
        "About 3 km from home",
    ]
    details = row.select_one("details.govuk-details")
    assert details.select_one("summary").get_text(strip=True) == "How the score was worked out"
    worked = details.get_text(" ", strip=True)
    assert "In an occupational route the student chose: 1.00" in worked
    assert "Near the student's home: 0.66" in worked and "Total score: 1.66" in worked
    assert "+" not in row.select_one("ul.app-reasons").get_text()
