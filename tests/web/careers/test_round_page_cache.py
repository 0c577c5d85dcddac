"""A careers leader's round page keeps its drawn proposals while their decisions stay the same, and no
longer than ROUND_PAGE_CACHE_SECONDS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.careers.test_decisions import METRICS, _finished_round
from tests.web.pages import rows
from web import cache
from web.careers import views
from web.extensions import db
from web.models import Hub, MatchRound, Student
from web.models.base import utcnow


@pytest.fixture
def drawn(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The cache at 60 seconds, empty, with the round of each drawing of a page of proposals recorded."""
    monkeypatch.setitem(app.config, "ROUND_PAGE_CACHE_SECONDS", 60.0)
    cache.clear()
    pages: list[int] = []
    real = views._draw_share

    def counting(match_round: MatchRound, *args: Any) -> str:
        pages.append(match_round.id)
        return real(match_round, *args)

    monkeypatch.setattr(views, "_draw_share", counting)
    yield pages
    cache.clear()


def test_the_page_is_drawn_again_only_when_a_decision_changes(
    careers_leader_request: ClientRequest, drawn: list[int]
) -> None:
    round_, [amy, bo] = _finished_round(school_of(careers_leader_request))
    first = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    again = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert len(drawn) == 1
    assert rows(first, "proposals-table") == rows(again, "proposals-table")

    careers_leader_request.post("careers.reject_allocation", {"reason": "other"}, allocation_id=amy.id)
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert len(drawn) == 2 and page.select_one("#decided") is not None  # drawn for the result, not kept
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert len(drawn) == 3 and page.select_one("#decided") is None
    assert [row[3] for row in rows(page, "proposals-table")] == ["Rejected", "Approve Bo Bell Reject Bo Bell"]
    careers_leader_request.get("careers.round_detail", round_id=round_.id, page="99")
    assert len(drawn) == 3  # a page past the last is the last page, kept already
    careers_leader_request.get("careers.round_detail", round_id=round_.id, student="bo", sort="score")
    careers_leader_request.get("careers.round_detail", round_id=round_.id, sort="score", student=" bo ")
    assert len(drawn) == 4  # another list is kept apart, once


def test_a_new_name_shows_once_the_kept_page_is_a_minute_old(
    careers_leader_request: ClientRequest, drawn: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    round_, [amy, _] = _finished_round(school_of(careers_leader_request))
    careers_leader_request.get("careers.round_detail", round_id=round_.id)
    db.session.get(Student, amy.student_id).last_name = "Adamson"
    db.session.commit()
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert rows(page, "proposals-table")[0][0] == "Amy Adams"  # kept: no decision changed

    later = cache.time.monotonic() + 61
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert rows(page, "proposals-table")[0][0] == "Amy Adamson"


def test_the_kept_share_holds_no_token_or_form_and_nothing_from_the_address(
    careers_leader_request: ClientRequest, drawn: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.careers.views.PROPOSALS_PER_PAGE", 1)
    round_, _ = _finished_round(school_of(careers_leader_request))
    careers_leader_request.get("careers.round_detail", round_id=round_.id, route="EVIL", name="Amy Adams")
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert len(drawn) == 1  # the second visit was shown the first one's share
    [kept] = [value for key, value in cache.entries("ROUND_PAGE_CACHE_SECONDS") if key[0] == "round-share"]
    assert "csrf" not in kept and 'method="post"' not in kept and 'type="hidden"' not in kept
    assert "EVIL" not in kept and "Amy+Adams" not in kept  # the pager carries nothing from the first address
    assert page.select_one("#proposals form[method=post]") is None  # only the filters' GET form


def test_each_school_is_shown_its_own_share_of_a_hub_round_before_and_after_the_release(
    careers_leader_request: ClientRequest, drawn: list[int], sign_in_as: Any
) -> None:
    school = school_of(careers_leader_request)
    neighbour = factories.create_school(db.session.get(Hub, school.hub_id))
    hub_round = factories.create_round(school, school_id=None, status="succeeded", metrics=METRICS)
    place = factories.create_opportunity(factories.create_employer(db.session.get(Hub, school.hub_id)))
    for at, name in ((school, "Ours"), (neighbour, "Theirs")):
        factories.create_allocation(hub_round, factories.create_student(at, last_name=name), place)
    neighbours_leader = sign_in_as(factories.create_user_for("careers_leader", neighbour))

    def names(leader: ClientRequest) -> list[str]:
        page = leader.get("careers.round_detail", round_id=hub_round.id)
        return [row[0].split()[-1] for row in rows(page, "proposals-table")]

    assert (names(careers_leader_request), names(neighbours_leader)) == (["Ours"], ["Theirs"])
    assert len(drawn) == 2
    db.session.get(MatchRound, hub_round.id).released_at = utcnow()
    db.session.commit()
    assert names(careers_leader_request) == ["Ours"]
    assert len(drawn) == 3  # released: drawn again, though no decision changed
