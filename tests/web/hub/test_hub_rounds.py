"""Hub-wide rounds from start to release, and what-if drafts kept or discarded (the round task runs here)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, error_messages, rows
from web.dao import hub_rounds, what_if
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, AuditEvent, Hub, MatchRound, Notification, School, User
from workers.matching_tasks import run_round

POSTCODES = ("M13 9PL", "M14 5TP", "M15 6BH", "M20 2RN")


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Round ids handed to the broker, instead of the (unreachable) test broker."""
    calls: list[int] = []
    monkeypatch.setattr(run_round, "apply_async", lambda args: calls.append(args[0]))
    return calls


@pytest.fixture
def hub(hub_admin_request: ClientRequest) -> dict[str, Any]:
    """The admin's hub: two schools of four students each (one with an account each), one employer with
    two placements of three seats, and a careers leader per school."""
    the_hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    employer = factories.create_employer(the_hub)
    places = [
        factories.create_opportunity(
            employer, capacity=3, postcode="M1 1AD", title="Web week", route="digital"
        ),
        factories.create_opportunity(
            employer, capacity=3, postcode="M13 9PL", title="Lab week", route="health"
        ),
    ]
    schools, students = [], []
    for name in ("Ash School", "Birch School"):
        school = factories.create_school(the_hub, name=name)
        schools.append(school)
        for postcode in POSTCODES:
            student = factories.create_student(school, postcode=postcode)
            factories.create_user_for("student", student)
            students.append(student)
    return {"hub": the_hub, "schools": schools, "students": students, "places": places}


def _start(request: ClientRequest, **fields: Any) -> MatchRound:
    decide_by = london_today() + timedelta(days=5)
    data = {
        "kind": "all",
        "mechanism": "optimal",
        "school_share": "yes",
        "priority": "standard",
        "decide_by": [str(decide_by.day), str(decide_by.month), str(decide_by.year)],
        **fields,
    }
    request.post("hub.rounds", data)
    return db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()  # type: ignore[return-value]


def _statuses(round_id: int) -> dict[str, int]:
    db.session.expire_all()
    rows_ = db.session.execute(
        select(Allocation.status, func.count())
        .where(Allocation.round_id == round_id)
        .group_by(Allocation.status)
    )
    return dict(rows_.all())  # type: ignore[arg-type]


def _leader(sign_in_as: Any, school: School) -> ClientRequest:
    return sign_in_as(factories.create_user_for("careers_leader", school))  # type: ignore[no-any-return]


def test_the_hub_admin_starts_a_hub_wide_round_with_its_scope_and_settings(
    hub_admin_request: ClientRequest, hub: dict[str, Any], enqueued: list[int]
) -> None:
    match_round = _start(
        hub_admin_request, year_groups=["10", "11"], max_per_school="2", reserve_send="10", max_travel_km="15"
    )

    assert match_round.school_id is None and match_round.hub_id == hub["hub"].id
    assert match_round.decide_by == london_today() + timedelta(days=5)
    policy = match_round.policy
    assert (policy["school_share"], policy["max_per_school"], policy["year_groups"]) == (True, 2, [10, 11])
    assert (policy["reserves"], policy["max_travel_km"]) == ({"send": 0.1}, 15)
    assert enqueued == [match_round.id]


def test_bad_settings_name_the_field_and_start_nothing(
    hub_admin_request: ClientRequest, hub: dict[str, Any], enqueued: list[int]
) -> None:
    yesterday = london_today() - timedelta(days=1)
    page = hub_admin_request.post(
        "hub.rounds",
        {
            "kind": "all",
            "mechanism": "optimal",
            "decide_by": [str(yesterday.day), str(yesterday.month), str(yesterday.year)],
            "max_per_school": "lots",
            "year_groups": ["6"],
        },
        _expected_status=200,
    )
    messages = error_messages(page)
    assert "The decide-by date must be in the future" in messages
    assert "The most students from one school must be a whole number, like 2" in messages
    assert "Select year groups from the list" in messages
    assert db.session.scalar(select(func.count()).select_from(MatchRound)) == 0 and enqueued == []


def test_each_school_decides_its_share_and_the_hub_releases_the_approved_offers(
    hub_admin_request: ClientRequest, hub: dict[str, Any], enqueued: list[int], sign_in_as: Any
) -> None:
    match_round = _start(hub_admin_request)
    run_round.run(match_round.id)
    ash, birch = hub["schools"]
    assert sum(_statuses(match_round.id).values()) == 6  # six seats, eight students

    # Each school's share: six places in proportion to four students each.
    db.session.expire_all()
    progress = {
        row.school.name: row for row in hub_rounds.school_progress(db.session.get(MatchRound, match_round.id))
    }
    assert (progress["Ash School"].share, progress["Birch School"].share) == (3, 3)
    page = hub_admin_request.get("hub.round_detail", round_id=match_round.id)
    assert "2 schools have not decided yet" in page.select_one("#release-blocker").text
    assert len(rows(page, "schools-table")) == 2

    ash_leader, birch_leader = _leader(sign_in_as, ash), _leader(sign_in_as, birch)
    page = ash_leader.get("careers.round_detail", round_id=match_round.id)
    names = {row.th.text.strip() for row in page.select("#proposals-table tbody tr")}
    ash_names = {f"{s.known_as} {s.last_name}" for s in hub["students"] if s.school_id == ash.id}
    assert names and names <= ash_names  # only its own students
    assert page.select_one("#hub-release") is not None

    ash_leader.post("careers.approve_all", round_id=match_round.id)
    assert _statuses(match_round.id).get("approved") == progress["Ash School"].counts["undecided"]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0  # nobody told yet
    approvals = select(func.count()).where(AuditEvent.action == "allocation_approved")
    assert db.session.scalar(approvals) == progress["Ash School"].counts["undecided"]

    birch_allocations = hub_rounds.proposals_page(match_round.id, school_id=birch.id).rows
    birch_leader.post("careers.reject_allocation", {"reason": "other"}, allocation_id=birch_allocations[0].id)
    for allocation in birch_allocations[1:]:
        birch_leader.post("careers.approve_allocation", allocation_id=allocation.id)

    respond_by = london_today() + timedelta(days=6)
    page = hub_admin_request.post(
        "hub.release_round",
        {"respond_by": [str(respond_by.day), str(respond_by.month), str(respond_by.year)]},
        _follow=True,
        _expected_status=200,
        round_id=match_round.id,
    )
    assert "5 offers sent to students" in banner(page)
    assert _statuses(match_round.id) == {"offered": 5, "rejected": 1}
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 5
    assert db.session.get(MatchRound, match_round.id).released_at is not None

    # A second release changes nothing.
    page = hub_admin_request.post(
        "hub.release_round",
        {"respond_by": [str(respond_by.day), str(respond_by.month), str(respond_by.year)]},
        _follow=True,
        _expected_status=200,
        round_id=match_round.id,
    )
    assert "already been released" in banner(page)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 5


def test_after_the_decide_by_day_the_hub_can_release_what_was_approved(
    hub_admin_request: ClientRequest, hub: dict[str, Any], enqueued: list[int], sign_in_as: Any
) -> None:
    match_round = _start(hub_admin_request)
    run_round.run(match_round.id)
    ash = hub["schools"][0]
    _leader(sign_in_as, ash).post("careers.approve_all", round_id=match_round.id)
    page = hub_admin_request.get("hub.round_detail", round_id=match_round.id)
    assert "1 school has not decided yet" in page.select_one("#release-blocker").text

    db.session.get(MatchRound, match_round.id).decide_by = london_today() - timedelta(days=1)
    db.session.commit()
    page = hub_admin_request.get("hub.round_detail", round_id=match_round.id)
    assert page.select_one("#release") is not None
    hub_admin_request.post(
        "hub.release_round", {"respond_by": ["1", "1", str(london_today().year + 1)]}, round_id=match_round.id
    )
    statuses = _statuses(match_round.id)
    assert statuses["offered"] == 3 and statuses["proposed"] == 3

    # Seats still free after the release (two of Birch's three are undecided): a top-up waits for that.
    page = hub_admin_request.post(
        "hub.top_up_round", _follow=True, _expected_status=200, round_id=match_round.id
    )
    assert "no free places or no unplaced students" in banner(page)

    # Birch decides late: its approval is offered at once.
    birch_leader = _leader(sign_in_as, hub["schools"][1])
    [allocation] = hub_rounds.proposals_page(match_round.id, school_id=hub["schools"][1].id, per_page=1).rows
    respond_by = london_today() + timedelta(days=5)
    answer = {"respond_by": [str(respond_by.day), str(respond_by.month), str(respond_by.year)]}
    birch_leader.post("careers.approve_allocation", answer, allocation_id=allocation.id)
    assert db.session.get(Allocation, allocation.id).status == "offered"

    # A student declines; the freed seat goes to a top-up round that schools decide and the hub releases.
    db.session.get(Allocation, allocation.id).status = "declined"
    for proposal in db.session.scalars(select(Allocation).where(Allocation.status == "proposed")):
        proposal.status = "rejected"
    db.session.commit()
    page = hub_admin_request.post(
        "hub.top_up_round", _follow=True, _expected_status=200, round_id=match_round.id
    )
    top_up = db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()
    assert (top_up.top_up_of_id, top_up.school_id, top_up.decide_by) == (
        match_round.id,
        None,
        london_today() + timedelta(days=7),
    )
    assert enqueued[-1] == top_up.id


def test_proposals_are_paged_and_filtered_by_school_decision_and_route(
    hub_admin_request: ClientRequest,
    hub: dict[str, Any],
    enqueued: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    match_round = _start(hub_admin_request)
    run_round.run(match_round.id)
    ash = hub["schools"][0]

    page = hub_rounds.proposals_page(match_round.id, per_page=4)
    assert (page.total, page.pages, len(page.rows)) == (6, 2, 4)
    assert len(hub_rounds.proposals_page(match_round.id, per_page=4, page=2).rows) == 2
    assert hub_rounds.proposals_page(match_round.id, per_page=4, page=99).page == 2
    assert {row.school_id for row in hub_rounds.proposals_page(match_round.id, school_id=ash.id).rows} == {
        ash.id
    }
    web = hub_rounds.proposals_page(match_round.id, route="digital")
    assert web.rows and {row.route for row in web.rows} == {"digital"}
    assert web.proposed == web.total == len(web.rows)  # nothing decided yet
    assert hub_rounds.proposals_page(match_round.id, standing="approved").total == 0

    # Two pages of four: the pager carries the filters, and nothing else in the address.
    monkeypatch.setattr(hub_rounds, "PER_PAGE", 4)
    crafted = hub_admin_request.url("hub.round_detail", round_id=match_round.id, standing="undecided")
    response = hub_admin_request.client.get(crafted + "&endpoint=x&_method=x&round_id=abc")
    assert response.status_code == 200
    page = BeautifulSoup(response.data, "html.parser")
    next_page = page.select_one(".govuk-pagination__next a")["href"]
    assert "page=2" in next_page and "standing=undecided" in next_page and "endpoint" not in next_page
    response = hub_admin_request.client.get(next_page)
    assert response.status_code == 200
    assert len(rows(BeautifulSoup(response.data, "html.parser"), "proposals-table")) == 2

    page = hub_admin_request.get("hub.round_detail", round_id=match_round.id, school=ash.id, route="digital")
    assert {cells.select("td")[0].text for cells in page.select("#proposals-table tbody tr")} == {
        "Ash School"
    }
    # Nonsense filters are ignored, never an error.
    hub_admin_request.get("hub.round_detail", round_id=match_round.id, school="x", standing="<b>", page="-1")


def test_a_what_if_runs_two_drafts_that_reach_no_one_until_one_is_kept(
    hub_admin_request: ClientRequest, hub: dict[str, Any], enqueued: list[int], sign_in_as: Any
) -> None:
    hub_admin_request.post(
        "hub.what_if_start",
        {
            "kind": "all",
            "seed": "7",
            "a-mechanism": "optimal",
            "a-school_share": "yes",
            "b-mechanism": "stable",
            "b-school_share": "no",
            "b-priority": "double",
        },
    )
    one, two = db.session.scalars(select(MatchRound).order_by(MatchRound.id)).all()
    assert (one.draft, two.draft, one.compared_with_id, two.compared_with_id) == (True, True, two.id, one.id)
    assert (one.mechanism, two.mechanism, one.seed, two.seed) == ("optimal", "stable", 7, 7)
    assert enqueued == [one.id, two.id]
    ids = (one.id, two.id)
    for round_id in enqueued:
        run_round.run(round_id)
    assert set(_statuses(one.id)) == {"draft"} and set(_statuses(two.id)) == {"draft"}

    # Careers leaders and students see nothing of drafts.
    leader = _leader(sign_in_as, hub["schools"][0])
    leader.get("careers.round_detail", _expected_status=404, round_id=one.id)
    assert "Draft" not in leader.get("careers.rounds").text
    student = sign_in_as(db.session.scalars(select(User).where(User.role == "student")).first())
    assert "Web week" not in student.get("students.offers").text

    page = hub_admin_request.get("hub.compare", round_id=two.id)
    db.session.expire_all()
    placed = [str(db.session.get(MatchRound, r).metrics["assigned"]) for r in (one.id, two.id)]
    outcomes = {cells[0]: (cells[1], cells[2]) for cells in rows(page, "outcomes-table")}
    assert outcomes["Students placed"] == (placed[0], placed[1]) and placed[0] == "6"
    settings = {cells[0]: (cells[1], cells[2]) for cells in rows(page, "settings-table")}
    assert settings["Fair share per school"] == ("Yes", "No")
    assert settings["Priority"] == ("Standard priority", "Double priority")

    page = hub_admin_request.post("hub.keep_round", _follow=True, _expected_status=200, round_id=one.id)
    assert "Draft kept: 6 proposals are waiting for schools to decide" in banner(page)
    assert db.session.get(MatchRound, ids[1]) is None
    assert db.session.scalar(select(func.count()).where(Allocation.round_id == ids[1])) == 0
    kept = db.session.get(MatchRound, one.id)
    assert (kept.draft, kept.decide_by) == (False, london_today() + timedelta(days=7))
    assert _statuses(one.id) == {"proposed": 6}
    assert leader.get("careers.round_detail", round_id=one.id).select("#proposals-table tbody tr")

    page = hub_admin_request.post("hub.keep_round", _follow=True, _expected_status=200, round_id=one.id)
    assert "Only a finished draft can be kept" in banner(page)


def test_keeping_a_draft_drops_students_matched_since_and_places_filled_since(
    careers_leader_request: ClientRequest, enqueued: list[int], app: Flask
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    place = factories.create_opportunity(employer, capacity=2, postcode="M1 1AD")
    other = factories.create_opportunity(employer, capacity=5, postcode="M1 1AD", title="Elsewhere")
    students = [factories.create_student(school, postcode=postcode) for postcode in POSTCODES[:2]]
    careers_leader_request.post(
        "careers.what_if_start", {"kind": "all", "a-mechanism": "optimal", "b-mechanism": "stable"}
    )
    one, two = db.session.scalars(select(MatchRound).order_by(MatchRound.id)).all()
    ids = (one.id, two.id)
    for round_id in ids:
        run_round.run(round_id)
    assert _statuses(one.id) == {"draft": 2}
    # A real round running for the same students: keeping waits for it.
    running = factories.create_round(school, status="running")
    page = careers_leader_request.post(
        "careers.keep_round", _follow=True, _expected_status=200, round_id=two.id
    )
    assert "A matching round is waiting or running for these students" in banner(page)
    assert _statuses(two.id) == {"draft": 2}
    db.session.get(MatchRound, running.id).status = "cancelled"
    db.session.commit()

    # Since the drafts ran: one student was offered a place elsewhere, and the place lost a seat.
    real = factories.create_round(school, status="succeeded")
    factories.create_allocation(real, students[0], other, status="offered")
    db.session.get(type(place), place.id).capacity = 2
    db.session.get(type(place), place.id).places_taken = 1
    db.session.commit()

    page = careers_leader_request.post(
        "careers.keep_round", _follow=True, _expected_status=200, round_id=two.id
    )
    # A school's kept draft waits no longer than its rounds do: it gets their decide-by date.
    decide_by = db.session.get(MatchRound, two.id).decide_by
    assert decide_by is not None and london_today() <= decide_by <= london_today() + timedelta(days=14)
    assert "1 proposal is waiting for your approval by " in banner(page)
    assert ". 1 was dropped" in banner(page)
    statuses = _statuses(two.id)
    assert statuses == {"proposed": 1}
    assert db.session.get(MatchRound, ids[0]) is None


def test_keeping_both_drafts_at_once_keeps_exactly_one(
    app: Flask, careers_leader_request: ClientRequest, enqueued: list[int]
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL's row locks")
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    factories.create_opportunity(employer, capacity=2, postcode="M1 1AD")
    for postcode in POSTCODES[:2]:
        factories.create_student(school, postcode=postcode)
    careers_leader_request.post(
        "careers.what_if_start", {"kind": "all", "a-mechanism": "optimal", "b-mechanism": "optimal"}
    )
    ids = [r.id for r in db.session.scalars(select(MatchRound).order_by(MatchRound.id))]
    for round_id in ids:
        run_round.run(round_id)
    user_id = careers_leader_request.user.id  # type: ignore[attr-defined]
    db.session.remove()
    start, results = threading.Barrier(2), {}

    def keep(round_id: int) -> None:
        with app.app_context():
            start.wait()
            with transaction():
                results[round_id] = what_if.keep(round_id, user_id, london_today())
            db.session.remove()

    threads = [threading.Thread(target=keep, args=(round_id,)) for round_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(result is None for result in results.values()) == [False, True]
    [left] = db.session.scalars(select(MatchRound))
    assert left.draft is False and set(_statuses(left.id)) == {"proposed"}


def test_a_school_whose_students_all_wait_on_their_own_round_is_named_with_why_and_what_to_do(
    hub_admin_request: ClientRequest, hub: dict[str, Any], enqueued: list[int]
) -> None:
    ash, birch = hub["schools"]
    own_round = factories.create_round(birch, status="succeeded")
    for student in (s for s in hub["students"] if s.school_id == birch.id):
        factories.create_allocation(own_round, student, hub["places"][0])
    match_round = _start(hub_admin_request)
    run_round.run(match_round.id)

    page = hub_admin_request.get("hub.round_detail", round_id=match_round.id)
    status = {row[0]: row[-1] for row in rows(page, "schools-table")}
    assert status == {"Ash School": "Deciding", "Birch School": "Not in round"}
    [why] = page.select("#not-in-round + ul li")
    assert why.strong.text == "Birch School"
    words = " ".join(why.text.split())
    assert "4 students were left out of this round because they have a proposal or offer waiting" in words
    assert "decide those proposals on the school's own round page" in words
