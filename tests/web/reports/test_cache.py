"""Report figures are kept a short while in each web process, and worked out again after that."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests import db as factories
from tests.conftest import ClientRequest
from web import cache
from web.dao import reports as dao
from web.extensions import db
from web.models import Hub


@pytest.fixture
def cache_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """The cache at 60 seconds, empty, with every time the figures are worked out recorded."""
    monkeypatch.setitem(app.config, "REPORT_CACHE_SECONDS", 60.0)
    cache.clear()
    worked_out: list[object] = []
    real = dao.benchmark_counts

    def counting(scope: dao.Scope) -> object:
        worked_out.append(scope)
        return real(scope)

    monkeypatch.setattr(dao, "benchmark_counts", counting)
    yield worked_out
    cache.clear()


def test_the_hub_page_works_its_figures_out_once_a_minute_and_says_so(
    hub_admin_request: ClientRequest, cache_on: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    school = factories.create_school(db.session.get(Hub, hub_admin_request.user.hub_id))  # type: ignore[attr-defined]
    factories.create_record(factories.create_student(school, year_group=10))

    page = hub_admin_request.get("reports.hub")
    assert "Figures can be up to 1 minute old" in page.select_one("#figures-age").text
    hub_admin_request.get("reports.hub")
    assert len(cache_on) == 1  # the second request used the first one's figures

    clock = [cache.time.monotonic() + 61]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    hub_admin_request.get("reports.hub")
    assert len(cache_on) == 2  # a minute on, worked out again


def test_each_scope_has_its_own_figures(hub_admin_request: ClientRequest, cache_on: list[object]) -> None:
    hub_admin_request.get("reports.hub")
    hub_admin_request.get("reports.hub", year_group="10")
    hub_admin_request.get("reports.hub", year_group="10")
    assert len(cache_on) == 2 and cache_on[0] != cache_on[1]


def test_the_hub_page_is_drawn_once_while_its_figures_last(
    hub_admin_request: ClientRequest, cache_on: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[object] = []
    real = dao.count_schools
    monkeypatch.setattr(dao, "count_schools", lambda *args: drawn.append(args) or real(*args))
    first = hub_admin_request.get("reports.hub")
    second = hub_admin_request.get("reports.hub")
    assert len(drawn) == 1  # the second request showed the first one's page
    assert first.select_one("main").text == second.select_one("main").text
    hub_admin_request.get("reports.hub", page="2")
    assert len(drawn) == 2  # another page of schools is drawn on its own


def test_a_page_drawn_from_older_figures_goes_when_they_do(
    hub_admin_request: ClientRequest, cache_on: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    start = cache.time.monotonic()
    clock = [start]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    hub_admin_request.get("reports.hub_csv", report="benchmark-5")  # the figures, worked out now
    clock[0] = start + 50
    hub_admin_request.get("reports.hub")  # the page, drawn from them
    assert len(cache_on) == 1
    clock[0] = start + 61  # the page is 11 s old, the figures in it 61 s
    hub_admin_request.get("reports.hub")
    assert len(cache_on) == 2
