"""The careers leader's placements list: what each placement waits for (the student's answer, a parent's
consent, the employer's confirmation), a page at a time, and only the school's own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.parents.helpers import accepted, adult
from web.dao import placements
from web.dates import london_today
from web.extensions import db
from web.models import Allocation, Opportunity, School, Student


def _names(page: object) -> list[str]:
    return [row.select_one("th").text.strip() for row in page.select("#placements-table tbody tr")]  # type: ignore[attr-defined]


def _offer(school: School, first_name: str) -> Allocation:
    student = factories.create_student(school, first_name=first_name)
    opportunity = factories.create_opportunity(factories.create_employer())
    match_round = factories.create_round(school, status="succeeded")
    return factories.create_allocation(
        match_round, student, opportunity, status="offered", respond_by=london_today() + timedelta(days=3)
    )


def _set_status(allocation: Allocation, status: str) -> None:
    db.session.execute(
        Allocation.__table__.update().where(Allocation.id == allocation.id).values(status=status)
    )
    db.session.commit()


@pytest.fixture
def waiting(careers_leader_request: ClientRequest) -> None:
    """One of the school's placements waiting on each person, and another school's of each."""
    school = school_of(careers_leader_request)
    for where, prefix in ((school, ""), (factories.create_school(), "Other ")):
        _offer(where, f"{prefix}Offered")
        accepted(where, first_name=f"{prefix}Consent")
        accepted(where, first_name=f"{prefix}Grown", **adult())  # 18 by then: the employer confirms
        _set_status(accepted(where, first_name=f"{prefix}Consented"), "consented")
        _set_status(accepted(where, first_name=f"{prefix}Confirmed"), "confirmed")


@pytest.mark.parametrize(
    ("shown", "names"),
    [
        ("waiting_student", ["Offered Smith"]),
        ("waiting_consent", ["Consent Smith"]),
        ("waiting_employer", ["Consented Smith", "Grown Smith"]),
        ("", ["Confirmed Smith", "Consent Smith", "Consented Smith", "Grown Smith"]),
    ],
)
def test_the_list_shows_what_each_placement_waits_for_at_this_school_only(
    careers_leader_request: ClientRequest, waiting: None, shown: str, names: list[str]
) -> None:
    page = careers_leader_request.get("careers.placements", status=shown)

    assert sorted(_names(page)) == names


def test_an_offer_waiting_links_to_the_student_and_says_when_to_answer_by(
    careers_leader_request: ClientRequest,
) -> None:
    offer = _offer(school_of(careers_leader_request), "Offered")

    page = careers_leader_request.get("careers.placements", status="waiting_student")

    [row] = page.select("#placements-table tbody tr")
    assert row.select_one("a")["href"] == careers_leader_request.url(
        "careers.student", student_id=offer.student_id
    )
    by = offer.respond_by
    assert f"Offered: waiting for an answer by {by.day} {by:%B %Y}" in row.get_text(" ", strip=True)
    assert "Asked once they say yes" in row.get_text(" ", strip=True)


def test_the_list_is_paged_keeping_its_filter(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    for n in range(51):
        _offer(school, f"Student{n:02}")
    accepted(school, first_name="Said yes")

    first = careers_leader_request.get("careers.placements", status="waiting_student")
    second = careers_leader_request.get("careers.placements", status="waiting_student", page=2)

    assert len(_names(first)) == 50 and len(_names(second)) == 1
    assert "51 placements" in first.select_one("caption").text
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert "status=waiting_student" in next_link and "page=2" in next_link


@pytest.mark.parametrize(
    ("born", "starts"),
    [
        (date(2008, 6, 10), date(2026, 6, 10)),  # 18 that day
        (date(2008, 6, 11), date(2026, 6, 10)),  # 18 the day after
        (date(2008, 2, 29), date(2026, 2, 28)),  # a leap-day birthday, the day before 1 March
        (date(2008, 2, 29), date(2026, 3, 1)),
        (date(2007, 12, 31), date(2026, 1, 1)),
        (date(2009, 1, 1), date(2026, 12, 31)),
    ],
)
def test_the_query_agrees_with_needs_consent_on_birthdays(
    careers_leader_request: ClientRequest, born: date, starts: date
) -> None:
    school = school_of(careers_leader_request)
    opportunity = factories.create_opportunity(
        factories.create_employer(), start_date=starts, end_date=starts + timedelta(days=4)
    )
    student = factories.create_student(school, date_of_birth=born)
    factories.create_allocation(factories.create_round(school), student, opportunity)

    found = db.session.scalar(
        select(placements.under_age())
        .select_from(Allocation)
        .join(Student, Allocation.student_id == Student.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
    )

    assert bool(found) == placements.needs_consent(born, starts)
