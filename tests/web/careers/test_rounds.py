"""Starting a matching round and following it: the form, the enqueue after commit, the status endpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import banner, error_messages, rows
from web.dates import london_today
from web.extensions import db
from web.models import AuditEvent, Hub, MatchRound
from workers.matching_tasks import run_round


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record run_round.apply_async calls instead of reaching for the (unreachable) test broker."""
    calls: list[dict[str, Any]] = []

    def record(*args: Any, **kwargs: Any) -> None:
        # The round must already be committed when the task is enqueued, or a fast worker finds nothing.
        with db.engine.connect() as connection:
            committed = connection.scalar(select(func.count()).select_from(MatchRound))
        calls.append({"args": args, "kwargs": kwargs, "committed": committed})

    monkeypatch.setattr(run_round, "apply_async", record)
    return calls


def _rounds() -> list[MatchRound]:
    return list(db.session.scalars(select(MatchRound).order_by(MatchRound.id)))


def _form(**fields: str) -> dict[str, Any]:
    """The start form's answers with a decide-by date a week on (read today, in England)."""
    day = london_today() + timedelta(days=7)
    return {"decide_by": [str(day.day), str(day.month), str(day.year)], **fields}


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
@pytest.mark.parametrize("endpoint", ["careers.rounds", "careers.round_detail", "careers.round_status"])
def test_other_roles_cannot_see_rounds(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str
) -> None:
    other = request.getfixturevalue(f"{role}_request")
    match_round = factories.create_round(factories.create_school())
    values = {} if endpoint == "careers.rounds" else {"round_id": match_round.id}
    other.get(endpoint, _expected_status=403, **values)


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
def test_other_roles_cannot_start_a_round(
    app: Flask, request: pytest.FixtureRequest, role: str, enqueued: list[dict[str, Any]]
) -> None:
    other = request.getfixturevalue(f"{role}_request")
    other.post("careers.rounds", {"kind": "all", "mechanism": "optimal"}, _expected_status=403)
    assert _rounds() == []
    assert enqueued == []


def test_no_rounds_yet_shows_the_start_form(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.get("careers.rounds")
    assert "You have not run a matching round yet" in page.get_text(" ", strip=True)
    assert page.select_one("input[name=mechanism][value=optimal]").has_attr("checked")
    assert page.select_one("input[name=kind][value=all]").has_attr("checked")
    labels = [label.get_text(strip=True) for label in page.select("label.govuk-radios__label")]
    assert "Place as many students as possible" in labels
    assert "Respect students' rankings first" in labels


def test_starting_a_round_saves_it_queued_then_enqueues_only_its_id(
    careers_leader_request: ClientRequest, enqueued: list[dict[str, Any]]
) -> None:
    school = school_of(careers_leader_request)
    page = careers_leader_request.post(
        "careers.rounds", _form(kind="job_shadowing", mechanism="stable", seed=" 42 ")
    )

    [match_round] = _rounds()
    assert page.location == careers_leader_request.url("careers.round_detail", round_id=match_round.id)
    assert (match_round.school_id, match_round.hub_id) == (school.id, school.hub_id)
    assert (match_round.kind, match_round.mechanism, match_round.seed) == ("job_shadowing", "stable", 42)
    assert match_round.status == "queued"
    assert match_round.created_by_id == careers_leader_request.user.id  # type: ignore[attr-defined]
    assert match_round.policy["route"] == 1.0 and "reserves" in match_round.policy
    assert enqueued == [{"args": (), "kwargs": {"args": [match_round.id]}, "committed": 1}]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.record_id == match_round.id)) == (
        "round_started"
    )


def test_a_blank_seed_and_all_kinds_mean_seed_0_and_every_kind(
    careers_leader_request: ClientRequest, enqueued: list[dict[str, Any]]
) -> None:
    careers_leader_request.post("careers.rounds", _form(kind="all", mechanism="optimal", seed=""))
    [match_round] = _rounds()
    assert (match_round.kind, match_round.mechanism, match_round.seed) == (None, "optimal", 0)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "all", "mechanism": "cheapest"}, "mechanism", "Select how students should be matched"),
        ({"kind": "all"}, "mechanism", "Select how students should be matched"),
        ({"kind": "tea_break", "mechanism": "optimal"}, "kind", "Select which opportunities to fill"),
        (
            {"kind": "all", "mechanism": "optimal", "seed": "-1"},
            "seed",
            "Lottery number must be between 0 and 2147483647",
        ),
        (
            {"kind": "all", "mechanism": "optimal", "seed": "4.5"},
            "seed",
            "Lottery number must be a whole number, like 42",
        ),
        (
            {"kind": "all", "mechanism": "optimal", "seed": "99999999999"},
            "seed",
            "Lottery number must be between 0 and 2147483647",
        ),
        (
            {"kind": "all", "mechanism": "optimal", "seed": "9" * 5000},
            "seed",
            "Lottery number must be between 0 and 2147483647",
        ),
        (
            {"kind": "all", "mechanism": "optimal", "seed": "1e9"},
            "seed",
            "Lottery number must be a whole number, like 42",
        ),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    careers_leader_request: ClientRequest,
    enqueued: list[dict[str, Any]],
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    page = careers_leader_request.post("careers.rounds", _form(**data), _expected_status=200)
    assert page.title.get_text(strip=True).startswith("Error: ")
    assert error_messages(page) == [message]
    summary_link = page.select_one(".govuk-error-summary__list a")
    assert summary_link["href"].startswith(f"#{field}")
    assert message in page.select_one(f"#{field}-error").get_text()
    assert _rounds() == []
    assert enqueued == []


def test_a_broker_that_is_down_fails_the_round_with_a_plain_message(
    careers_leader_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(run_round, "apply_async", down)
    page = careers_leader_request.post(
        "careers.rounds", _form(kind="all", mechanism="optimal"), _expected_status=200, _follow=True
    )

    [match_round] = _rounds()
    assert match_round.status == "failed"
    assert match_round.error == "The matching service is not available. Try again later."
    assert match_round.finished_at is not None
    assert "The matching service is not available. Try again later." in page.get_text(" ", strip=True)


def test_rounds_list_shows_this_schools_rounds_with_counts(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    done = factories.create_round(school, status="succeeded", kind="mentoring")
    factories.create_round(school, status="running", mechanism="stable")
    factories.create_round(factories.create_school(db.session.get(Hub, school.hub_id)))
    opportunity = factories.create_opportunity(capacity=5)
    for status in ("proposed", "proposed", "offered"):
        factories.create_allocation(done, factories.create_student(school), opportunity, status=status)

    table = rows(careers_leader_request.get("careers.rounds"), "rounds-table")

    assert [row[1:] for row in table] == [
        ["All kinds", "Respect students' rankings first", "Running", "None"],
        ["Mentoring", "Place as many students as possible", "Succeeded", "1 offered, 2 proposed"],
    ]


def test_a_queued_round_shows_progress_a_refresh_link_and_the_polling_script(
    careers_leader_request: ClientRequest,
) -> None:
    match_round = factories.create_round(
        school_of(careers_leader_request), status="running", progress=40, stage="Scoring each possible match"
    )
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)

    box = page.select_one("#round-progress")
    assert box["data-status-url"] == careers_leader_request.url(
        "careers.round_status", round_id=match_round.id
    )
    assert page.select_one("#round-progress-bar")["value"] == "40"
    assert "Scoring each possible match" in page.select_one("#round-stage").get_text()
    assert page.select_one("#round-refresh")["href"] == careers_leader_request.url(
        "careers.round_detail", round_id=match_round.id
    )
    scripts = [script.get("src") for script in page.select("script[src]")]
    assert any(src.endswith("/round-progress.js") for src in scripts)


def test_round_status_is_json_with_status_progress_and_stage(careers_leader_request: ClientRequest) -> None:
    match_round = factories.create_round(
        school_of(careers_leader_request), status="running", progress=70, stage="Allocating places"
    )
    response = careers_leader_request.client.get(
        careers_leader_request.url("careers.round_status", round_id=match_round.id),
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "running",
        "finished": False,
        "progress": 70,
        "stage": "Allocating places",
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_a_failed_round_shows_its_message_and_no_progress(careers_leader_request: ClientRequest) -> None:
    match_round = factories.create_round(
        school_of(careers_leader_request), status="failed", error="No opportunities are published yet."
    )
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)
    assert page.select_one("#round-error").get_text(strip=True) == "No opportunities are published yet."
    assert page.select_one("#round-progress") is None
    assert not page.select("script[src$='round-progress.js']")


@pytest.mark.parametrize("endpoint", ["careers.round_detail", "careers.round_status"])
def test_another_schools_round_is_not_found(careers_leader_request: ClientRequest, endpoint: str) -> None:
    neighbour = factories.create_school(db.session.get(Hub, school_of(careers_leader_request).hub_id))
    match_round = factories.create_round(neighbour)
    careers_leader_request.get(endpoint, _expected_status=404, round_id=match_round.id)


def test_a_hub_wide_draft_and_another_hubs_round_are_not_found(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    draft = factories.create_round(school, school_id=None, draft=True)
    elsewhere = factories.create_round(factories.create_school(), school_id=None)
    for match_round in (draft, elsewhere):
        careers_leader_request.get("careers.round_detail", _expected_status=404, round_id=match_round.id)
        careers_leader_request.get("careers.round_status", _expected_status=404, round_id=match_round.id)


def test_the_hubs_own_hub_wide_round_is_shown_but_only_the_hub_cancels_it(
    careers_leader_request: ClientRequest,
) -> None:
    match_round = factories.create_round(school_of(careers_leader_request), school_id=None, status="running")
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)
    assert page.select_one("#cancel-round") is None
    careers_leader_request.post("careers.cancel_round", _expected_status=404, round_id=match_round.id)


def test_the_status_script_is_served_as_a_static_file(careers_leader_request: ClientRequest) -> None:
    response = careers_leader_request.client.get("/static/round-progress.js")
    assert response.status_code == 200
    assert b"data-status-url" in response.data


def test_a_round_started_on_the_page_and_run_by_the_task_shows_its_proposals(
    careers_leader_request: ClientRequest, enqueued: list[dict[str, Any]]
) -> None:
    school = school_of(careers_leader_request)
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    factories.create_opportunity(employer, title="Web developer week", postcode="M1 1AD", capacity=2)
    for first, postcode in [("Amy", "M13 9PL"), ("Bo", "M14 5TP"), ("Cy", "M15 6BH")]:
        factories.create_student(school, first_name=first, postcode=postcode)
    careers_leader_request.post("careers.rounds", _form(kind="all", mechanism="optimal"))
    [call] = enqueued

    run_round.run(*call["kwargs"]["args"])

    [match_round] = _rounds()
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)
    assert len(rows(page, "proposals-table")) == 2
    assert "2 of 3 students were given a proposed placement" in page.get_text(" ", strip=True)
    status = careers_leader_request.client.get(
        careers_leader_request.url("careers.round_status", round_id=match_round.id),
    ).get_json()
    assert status == {"status": "succeeded", "finished": True, "progress": 100, "stage": "Finished"}


def test_a_second_round_while_one_is_unfinished_is_refused_with_a_message(
    careers_leader_request: ClientRequest, enqueued: list[dict[str, Any]]
) -> None:
    factories.create_round(school_of(careers_leader_request), status="running")
    page = careers_leader_request.post(
        "careers.rounds", _form(kind="all", mechanism="optimal"), _follow=True, _expected_status=200
    )
    assert "A matching round is already waiting or running for your school" in banner(page)
    assert len(_rounds()) == 1 and enqueued == []


def test_a_queued_round_can_be_cancelled_and_a_cancelled_one_started_again(
    careers_leader_request: ClientRequest, enqueued: list[dict[str, Any]]
) -> None:
    match_round = factories.create_round(school_of(careers_leader_request), status="queued")
    page = careers_leader_request.get("careers.round_detail", round_id=match_round.id)
    assert page.select_one("#cancel-round") is not None and page.select_one("#retry-round") is None

    page = careers_leader_request.post(
        "careers.cancel_round", round_id=match_round.id, _follow=True, _expected_status=200
    )
    assert "Matching round cancelled" in banner(page)
    assert "This round was cancelled" in page.get_text(" ", strip=True)
    assert db.session.get(MatchRound, match_round.id).status == "cancelled"

    careers_leader_request.post("careers.retry_round", round_id=match_round.id)
    db.session.expire_all()
    again = db.session.get(MatchRound, match_round.id)
    assert (again.status, again.progress, again.attempts) == ("queued", 0, 0)
    assert enqueued[-1]["kwargs"] == {"args": [match_round.id]}
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["round_cancelled", "round_retried"]


def test_a_failed_round_can_be_started_again_but_a_finished_one_cannot(
    careers_leader_request: ClientRequest, enqueued: list[dict[str, Any]]
) -> None:
    school = school_of(careers_leader_request)
    failed = factories.create_round(school, status="failed", error="The matching stopped 3 times")
    page = careers_leader_request.get("careers.round_detail", round_id=failed.id)
    assert "The matching stopped 3 times" in page.select_one("#round-error").text
    careers_leader_request.post("careers.retry_round", round_id=failed.id)
    db.session.expire_all()
    assert (db.session.get(MatchRound, failed.id).status, db.session.get(MatchRound, failed.id).error) == (
        "queued",
        "",
    )

    done = factories.create_round(factories.create_school(), status="succeeded")
    db.session.execute(
        MatchRound.__table__.update().where(MatchRound.id == done.id).values(school_id=school.id)
    )
    db.session.commit()
    page = careers_leader_request.post(
        "careers.retry_round", round_id=done.id, _follow=True, _expected_status=200
    )
    assert "Only a round that failed or was cancelled can be started again" in banner(page)
    page = careers_leader_request.post(
        "careers.cancel_round", round_id=done.id, _follow=True, _expected_status=200
    )
    assert "This round has already finished" in banner(page)
    assert db.session.get(MatchRound, done.id).status == "succeeded"
    assert len(enqueued) == 1


@pytest.mark.parametrize("endpoint", ["careers.cancel_round", "careers.retry_round"])
def test_another_schools_round_cannot_be_cancelled_or_retried(
    careers_leader_request: ClientRequest, enqueued: list[dict[str, Any]], endpoint: str
) -> None:
    other = factories.create_round(factories.create_school(), status="failed")
    careers_leader_request.post(endpoint, _expected_status=404, round_id=other.id)
    assert db.session.get(MatchRound, other.id).status == "failed" and enqueued == []


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
@pytest.mark.parametrize("endpoint", ["careers.cancel_round", "careers.retry_round"])
def test_other_roles_cannot_cancel_or_retry(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str, enqueued: list[dict[str, Any]]
) -> None:
    match_round = factories.create_round(factories.create_school(), status="failed")
    request.getfixturevalue(f"{role}_request").post(endpoint, _expected_status=403, round_id=match_round.id)
    assert db.session.get(MatchRound, match_round.id).status == "failed" and enqueued == []
