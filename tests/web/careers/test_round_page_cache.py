"""A careers leader's round page keeps its drawn proposals while their decisions stay the same, and no
longer than ROUND_PAGE_CACHE_SECONDS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.careers.test_decisions import _finished_round
from tests.web.pages import rows
from web import cache
from web.dao import hub_rounds
from web.extensions import db
from web.models import Student


@pytest.fixture
def drawn(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The cache at 60 seconds, empty, with the round of each drawing of a page of proposals recorded."""
    monkeypatch.setitem(app.config, "ROUND_PAGE_CACHE_SECONDS", 60.0)
    cache.clear()
    pages: list[int] = []
    real = hub_rounds.proposals_page

    def counting(round_id: int, **kwargs: object) -> hub_rounds.Page:
        pages.append(round_id)
        return real(round_id, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hub_rounds, "proposals_page", counting)
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

    careers_leader_request.post("careers.reject_allocation", allocation_id=amy.id)
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    assert len(drawn) == 2
    assert [row[5] for row in rows(page, "proposals-table")] == ["Rejected", "Approve Bo Bell Reject Bo Bell"]
    careers_leader_request.get("careers.round_detail", round_id=round_.id, page="2")
    assert len(drawn) == 3  # each page its own


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


def test_the_kept_page_holds_no_token_and_its_buttons_post_the_pages_own_form(
    careers_leader_request: ClientRequest, drawn: list[int]
) -> None:
    round_, [amy, _] = _finished_round(school_of(careers_leader_request))
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id)
    table = page.select_one("#proposals-table")
    assert table.select("input") == [] and table.select("form") == []
    approve, reject = page.select(f"#allocation-{amy.id} button")
    assert (approve["form"], reject["form"]) == ("decisions", "decisions")
    approving = careers_leader_request.url("careers.approve_allocation", allocation_id=amy.id)
    assert approve["formaction"] == approving
    assert page.select_one("form#decisions input[name=csrf_token]") is not None
