"""A finished round: its fairness summary, its proposals with reasons, and the careers leader's decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, rows
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, AuditEvent, Hub, MatchRound, Opportunity, School

METRICS = {
    "students": 4,
    "assigned": 3,
    "ranked_placed": 1,
    "objective": 7.5,
    "fairness": {
        "overall": {"students": 4, "assigned": 3, "coverage": 0.75, "mean_rank": 1.5},
        "by_category": {
            "disadvantaged": {"students": 1, "assigned": 1, "coverage": 1.0, "mean_rank": 2.0},
            "send": {"students": 0, "assigned": 0, "coverage": None, "mean_rank": None},
            "no_experience": {"students": 4, "assigned": 3, "coverage": 0.75, "mean_rank": 1.5},
        },
        "pathway_share": {"technical": 2 / 3, "academic": 1 / 3, "both": 0.0},
    },
}


def _finished_round(school: School) -> tuple[MatchRound, list[Allocation]]:
    round_ = factories.create_round(school, status="succeeded", progress=100, metrics=METRICS)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id), name="Manchester Digital Ltd")
    opportunity = factories.create_opportunity(employer, title="Web developer week", capacity=3)
    allocations = [
        factories.create_allocation(
            round_,
            factories.create_student(school, first_name=first, last_name=last),
            opportunity,
            score=score,
            rank=rank,
            explanation={"text": 0.4, "route": 1.0, "pathway": 0.5, "distance": 0.0, "send": 0.0},
        )
        for first, last, score, rank in [("Amy", "Adams", 1.9, 1), ("Bo", "Bell", 1.9, None)]
    ]
    return round_, allocations


def _allocation(allocation_id: int) -> Allocation:
    return db.session.get(Allocation, allocation_id)


REJECTED = {"reason": "not_suitable"}


def _respond_by(days: int = 7) -> dict[str, list[str]]:
    day = london_today() + timedelta(days=days)
    return {"respond_by": [str(day.day), str(day.month), str(day.year)]}


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
@pytest.mark.parametrize(
    ("endpoint", "kind"),
    [
        ("careers.approve_allocation", "allocation"),
        ("careers.reject_allocation", "allocation"),
        ("careers.approve_all", "round"),
    ],
)
def test_other_roles_cannot_decide(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str, kind: str
) -> None:
    other = request.getfixturevalue(f"{role}_request")
    round_, [allocation, _] = _finished_round(factories.create_school())
    values = {"allocation_id": allocation.id} if kind == "allocation" else {"round_id": round_.id}
    other.post(endpoint, {**REJECTED, **_respond_by()}, _expected_status=403, **values)
    assert _allocation(allocation.id).status == "proposed"


def test_a_finished_round_shows_fairness_and_proposals_with_reasons(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, bo] = _finished_round(school_of(careers_leader_request))

    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)

    text = page.get_text(" ", strip=True)
    assert "3 of 4 students were given a proposed placement; 1 of them on a choice they ranked" in text
    assert rows(page, "fairness-table") == [
        ["Everyone", "3 of 4", "75%", "1.5"],
        ["Disadvantaged", "1 of 1", "100%", "2.0"],
        ["Special educational needs", "0 of 0", "None", "None"],
        ["No workplace experience yet", "3 of 4", "75%", "1.5"],
    ]
    assert rows(page, "pathway-table") == [
        ["Technical", "67%"],
        ["Academic", "33%"],
        ["Technical or academic", "0%"],
    ]
    table = rows(page, "proposals-table")
    assert [row[:2] for row in table] == [
        ["Amy Adams", "Web developer week Manchester Digital Ltd"],
        ["Bo Bell", "Web developer week Manchester Digital Ltd"],
    ]
    reasons = [item.get_text(strip=True) for item in page.select(f"#allocation-{amy.id} ul.app-reasons li")]
    assert reasons == [
        "Their first choice",
        "Matches their interest in digital",
        "What they wrote about their interests matches the description",
        "Fits the pathway they are interested in (technical or academic)",
    ]
    parts = [item.get_text(strip=True) for item in page.select(f"#allocation-{amy.id} details li")]
    assert parts == [
        "In an occupational route the student chose: 1.00",
        "Fits the student's pathway (technical or academic): 0.50",
        "Interests match the description: 0.40",
    ]
    buttons = [link.get_text(" ", strip=True) for link in page.select(f"#allocation-{bo.id} a.govuk-button")]
    assert buttons == ["Approve Bo Bell", "Reject Bo Bell"]
    assert page.select_one("#approve-all") is not None
    assert page.select_one("#round-progress") is None


def test_approving_offers_the_placement_to_the_student_with_an_audit_trail(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, bo] = _finished_round(school_of(careers_leader_request))

    page = careers_leader_request.post("careers.approve_allocation", _respond_by(), allocation_id=amy.id)

    back = careers_leader_request.url("careers.round_detail", round_id=round_.id)
    assert page.location == back + "#decided"
    offered = _allocation(amy.id)
    assert offered.status == "offered"
    assert offered.decided_by_id == careers_leader_request.user.id  # type: ignore[attr-defined]
    assert offered.decided_at is not None and offered.offered_at is not None
    assert _allocation(bo.id).status == "proposed"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.record_id == amy.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["allocation_approved", "allocation_offered"]


def test_rejecting_marks_the_proposal_rejected(careers_leader_request: ClientRequest) -> None:
    round_, [amy, _] = _finished_round(school_of(careers_leader_request))

    careers_leader_request.post("careers.reject_allocation", REJECTED, allocation_id=amy.id)

    rejected = _allocation(amy.id)
    assert (rejected.status, rejected.offered_at) == ("rejected", None)
    assert rejected.decided_by_id == careers_leader_request.user.id  # type: ignore[attr-defined]
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert rows(page, "proposals-table")[0][-1] == "Rejected"
    assert not page.select(f"#allocation-{amy.id} a.govuk-button")


@pytest.mark.parametrize("status", ["rejected", "offered", "accepted"])
@pytest.mark.parametrize("endpoint", ["careers.approve_allocation", "careers.reject_allocation"])
def test_only_proposed_allocations_can_be_decided(
    careers_leader_request: ClientRequest, status: str, endpoint: str
) -> None:
    _, [amy, _] = _finished_round(school_of(careers_leader_request))
    amy.status = status
    db.session.commit()

    page = careers_leader_request.post(endpoint, allocation_id=amy.id, _follow=True, _expected_status=200)

    assert _allocation(amy.id).status == status
    assert "This proposal has already been decided" in page.get_text(" ", strip=True)


def test_approve_all_offers_every_proposal_left(careers_leader_request: ClientRequest) -> None:
    round_, [amy, bo] = _finished_round(school_of(careers_leader_request))
    careers_leader_request.post("careers.reject_allocation", REJECTED, allocation_id=amy.id)

    respond_by = london_today() + timedelta(days=10)
    page = careers_leader_request.post(
        "careers.approve_all",
        {"respond_by": [str(respond_by.day), str(respond_by.month), str(respond_by.year)]},
        round_id=round_.id,
        _follow=True,
        _expected_status=200,
    )

    assert (_allocation(amy.id).status, _allocation(bo.id).status) == ("rejected", "offered")
    assert _allocation(bo.id).respond_by == respond_by
    assert "1 offer sent to the student" in page.get_text(" ", strip=True)
    assert page.select_one("#approve-all") is None


@pytest.mark.parametrize("endpoint", ["careers.approve_allocation", "careers.reject_allocation"])
def test_another_schools_allocation_is_not_found(
    careers_leader_request: ClientRequest, endpoint: str
) -> None:
    neighbour = factories.create_school(db.session.get(Hub, school_of(careers_leader_request).hub_id))
    _, [amy, _] = _finished_round(neighbour)
    careers_leader_request.post(endpoint, _expected_status=404, allocation_id=amy.id)
    assert _allocation(amy.id).status == "proposed"


def test_approve_all_on_another_schools_round_is_not_found(careers_leader_request: ClientRequest) -> None:
    neighbour = factories.create_school(db.session.get(Hub, school_of(careers_leader_request).hub_id))
    round_, allocations = _finished_round(neighbour)
    careers_leader_request.post("careers.approve_all", _expected_status=404, round_id=round_.id)
    assert {_allocation(a.id).status for a in allocations} == {"proposed"}


def test_each_rows_approve_and_reject_are_links_to_a_question_first_and_the_page_holds_no_form_to_post(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, _] = _finished_round(school_of(careers_leader_request))
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    approve, reject = page.select(f"#allocation-{amy.id} a.govuk-button")
    assert approve["href"] == careers_leader_request.url("careers.approve_allocation", allocation_id=amy.id)
    assert reject["href"] == careers_leader_request.url("careers.reject_allocation", allocation_id=amy.id)
    assert page.select_one("#proposals-table form, form[method=post] #proposals-table") is None
    assert _allocation(amy.id).status == "proposed"


def test_unknown_allocations_and_rounds_are_not_found(careers_leader_request: ClientRequest) -> None:
    careers_leader_request.post("careers.approve_allocation", _expected_status=404, allocation_id=424242)
    careers_leader_request.post("careers.approve_all", _expected_status=404, round_id=424242)
    careers_leader_request.get("careers.round_detail", _expected_status=404, round_id=424242)


def test_a_round_with_no_proposals_says_why(careers_leader_request: ClientRequest) -> None:
    round_ = factories.create_round(school_of(careers_leader_request), status="succeeded", metrics=METRICS)
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert "No placements could be proposed" in page.get_text(" ", strip=True)
    assert page.select_one("#approve-all") is None


def test_approve_all_asks_first_and_says_how_many_offers_it_will_send(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, bo] = _finished_round(school_of(careers_leader_request))

    page = careers_leader_request.get("careers.approve_all", round_id=round_.id)

    assert page.h1.get_text(strip=True) == "Send 2 offers to students?"
    assert page.select_one("#confirm-approve-all").get_text(strip=True) == "Yes, send 2 offers"
    assert {_allocation(amy.id).status, _allocation(bo.id).status} == {"proposed"}
    finished = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert finished.select_one("#approve-all")["href"].endswith(f"/rounds/{round_.id}/approve-all")


def test_approve_all_with_nothing_left_goes_back_to_the_round(careers_leader_request: ClientRequest) -> None:
    round_, allocations = _finished_round(school_of(careers_leader_request))
    for allocation in allocations:
        careers_leader_request.post("careers.reject_allocation", REJECTED, allocation_id=allocation.id)
    response = careers_leader_request.client.get(
        careers_leader_request.url("careers.approve_all", round_id=round_.id)
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/rounds/{round_.id}")


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
def test_other_roles_cannot_see_the_approve_all_question(
    app: Flask, request: pytest.FixtureRequest, role: str
) -> None:
    round_, _ = _finished_round(factories.create_school())
    request.getfixturevalue(f"{role}_request").get(
        "careers.approve_all", _expected_status=403, round_id=round_.id
    )


def test_the_round_says_who_it_left_out_and_why(careers_leader_request: ClientRequest) -> None:
    metrics = {**METRICS, "left_out": {"holding": 3, "waiting": 1}}
    school = school_of(careers_leader_request)
    round_ = factories.create_round(school, status="succeeded", metrics=metrics, kind="mentoring")
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert page.select_one("#left-out").get_text(" ", strip=True) == (
        "4 students were left out of this round: 3 already hold a placement of this kind and 1 has a "
        "proposal or offer of this kind waiting for a decision."
    )
    metrics = {**METRICS, "left_out": {"holding": 0, "waiting": 1}}
    round_ = factories.create_round(school, status="succeeded", metrics=metrics)
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert page.select_one("#left-out").get_text(" ", strip=True) == (
        "1 student was left out of this round because they have a proposal or offer waiting for a decision."
    )


def test_the_round_says_how_many_places_were_left_out_for_lapsed_evidence(
    careers_leader_request: ClientRequest,
) -> None:
    metrics = {**METRICS, "left_out": {"holding": 0, "waiting": 0, "lapsed": 2}}
    round_ = factories.create_round(school_of(careers_leader_request), status="succeeded", metrics=metrics)
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert (
        page.select_one("#lapsed")
        .get_text(" ", strip=True)
        .startswith("2 opportunities were left out because the employer's safeguarding evidence")
    )
    assert page.select_one("#left-out") is None


def test_the_round_says_how_many_students_another_round_proposed_first(
    careers_leader_request: ClientRequest,
) -> None:
    round_ = factories.create_round(
        school_of(careers_leader_request), status="succeeded", metrics={**METRICS, "skipped": 2}
    )
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert (
        page.select_one("#skipped")
        .get_text(" ", strip=True)
        .startswith(
            "2 students it placed were given a proposal or placement by another round that finished first"
        )
    )
    plain = factories.create_round(school_of(careers_leader_request), status="succeeded", metrics=METRICS)
    assert (
        careers_leader_request.get("careers.round_detail", round_id=plain.id).select_one("#skipped") is None
    )


def test_a_placement_that_starts_too_soon_to_answer_is_not_offered(
    careers_leader_request: ClientRequest,
) -> None:
    round_, [amy, _] = _finished_round(school_of(careers_leader_request))
    opportunity = db.session.get(Opportunity, amy.opportunity_id)
    opportunity.start_date = london_today()
    db.session.commit()

    page = careers_leader_request.post(
        "careers.approve_allocation", _respond_by(), allocation_id=amy.id, _follow=True, _expected_status=200
    )

    assert "starts too soon to be answered" in banner(page.select_one("#decided"))
    assert _allocation(amy.id).status == "proposed"
