"""A page number or a placement's id in the address is read only when it is plain ASCII digits: anything
else (even a character str.isdigit accepts, such as "²") is the first page or no filter."""

from __future__ import annotations

import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.careers.test_decisions import _finished_round
from tests.web.pages import rows
from web.extensions import db
from web.fields import whole_number
from web.models import Hub

ODD = ["\u00b2", "\u0663", "-1", "1.5", " 1", "1" * 20, ""]


@pytest.mark.parametrize(("text", "number"), [("7", 7), ("007", 7), *((odd, None) for odd in ODD)])
def test_whole_number_reads_ascii_digits_only(text: str, number: int | None) -> None:
    assert whole_number(text) == number


def test_a_long_number_is_refused() -> None:
    assert whole_number("1234567", 6) is None and whole_number("123456", 6) == 123456


@pytest.mark.parametrize("odd", ODD)
def test_odd_page_numbers_show_the_first_page(
    careers_leader_request: ClientRequest, hub_admin_request: ClientRequest, odd: str
) -> None:
    round_, _ = _finished_round(school_of(careers_leader_request))
    careers_leader_request.get("careers.round_detail", round_id=round_.id, page=odd)
    hub_admin_request.get("reports.hub", page=odd)
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    hub_round = factories.create_round(factories.create_school(hub), school_id=None, status="succeeded")
    hub_admin_request.get("hub.round_detail", round_id=hub_round.id, page=odd, school=odd, schools_page=odd)


@pytest.mark.parametrize("odd", ODD)
def test_an_odd_placement_number_filters_nothing(careers_leader_request: ClientRequest, odd: str) -> None:
    round_, allocations = _finished_round(school_of(careers_leader_request))
    page = careers_leader_request.get("careers.round_detail", round_id=round_.id, opportunity=odd)
    assert len(rows(page, "proposals-table")) == len(allocations)
