"""The hub admin's encounter requests: every open request of its schools, with the offers that fit each and
the answers, a page at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.test_encounter_requests import create_answer, create_request
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import rows
from web.extensions import db
from web.models import Hub


def _hub_of(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def test_the_hub_sees_every_open_request_of_its_schools_with_the_offers_that_fit_and_the_answers(
    hub_admin_request: ClientRequest,
) -> None:
    hub = _hub_of(hub_admin_request)
    hulme = factories.create_school(hub, name="Hulme High School")
    levenshulme = factories.create_school(hub, name="Levenshulme High School")
    talk = create_request(hulme, note="An assembly slot at 9:00")
    later = create_request(
        levenshulme,
        format="mock_interviews",
        route=None,
        year_groups=[11],
        audience=24,
        wanted_from=talk.wanted_from + timedelta(days=1),
    )
    create_request(hulme, status="booked")
    create_request(hulme, status="cancelled")
    create_request(factories.create_school(), note="Another hub's")
    speakers = [create_offer(factories.create_employer(hub)) for _ in range(3)]
    create_offer(factories.create_employer(hub), status="draft")
    create_answer(talk, speakers[0])
    create_answer(talk, speakers[1], status="withdrawn")

    page = hub_admin_request.get("hub.encounter_requests")

    listed = rows(page, "encounter-requests")
    assert [row[:5] + row[6:] for row in listed] == [
        ["Hulme High School", "Careers talk or assembly Digital", "Year 9", "200", "At the school", "3", "1"],
        ["Levenshulme High School", "Mock interviews Any route", "Year 11", "24", "At the school", "0", "0"],
    ]
    assert listed[0][5].endswith("An assembly slot at 9:00")
    assert f"{later.wanted_from:%-d %B %Y}" in listed[1][5]
    assert "2 open requests" in page.select_one("#encounter-requests caption").text
    assert "Encounter requests" in page.select_one(".govuk-service-navigation").text


def test_a_hub_with_no_open_request_says_so(hub_admin_request: ClientRequest) -> None:
    create_request(factories.create_school(_hub_of(hub_admin_request)), status="cancelled")

    page = hub_admin_request.get("hub.encounter_requests")

    assert page.select_one("#encounter-requests") is None
    assert "No school in this hub has an open encounter request" in page.text


def test_the_list_shows_50_requests_a_page(hub_admin_request: ClientRequest) -> None:
    school = factories.create_school(_hub_of(hub_admin_request))
    start = create_request(school).wanted_from
    for day in range(1, 55):
        create_request(
            school,
            audience=day,
            wanted_from=start + timedelta(days=day),
            wanted_until=start + timedelta(days=60),
        )

    first = hub_admin_request.get("hub.encounter_requests")
    second = hub_admin_request.get("hub.encounter_requests", page=2)

    assert [row[3] for row in rows(first, "encounter-requests")] == ["200", *map(str, range(1, 50))]
    assert [row[3] for row in rows(second, "encounter-requests")] == [str(n) for n in range(50, 55)]
    assert "55 open requests, showing 51 to 55" in second.select_one("#encounter-requests caption").text
    following = first.select_one("nav.govuk-pagination .govuk-pagination__next a")["href"]
    assert following == hub_admin_request.url("hub.encounter_requests", page=2) + "#encounter-requests"
    assert rows(hub_admin_request.get("hub.encounter_requests", page="x"), "encounter-requests") == rows(
        first, "encounter-requests"
    )


@pytest.mark.parametrize("role", ["careers_leader_request", "employer_request", "student_request"])
def test_other_roles_are_refused(app: Flask, request: pytest.FixtureRequest, role: str) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    create_request(factories.create_school())

    page = client.get("hub.encounter_requests", _expected_status=403)

    assert "You do not have permission" in page.h1.text


def test_nobody_signed_in_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    response = client_request.client.get(client_request.url("hub.encounter_requests"))

    assert "/sign-in" in response.headers["Location"]
