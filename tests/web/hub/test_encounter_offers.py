"""The hub admin's encounter offers, and its employers list by kind of organisation."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import rows
from web.extensions import db
from web.models import Employer, Hub


def _hub_of(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def _listed(request: ClientRequest, **args: Any) -> list[list[str]]:
    page = request.get("hub.encounter_offers", **args)
    return [row[:2] for row in rows(page, "encounter-offers")] if page.select_one("#encounter-offers") else []


def test_the_hub_sees_every_offer_of_its_own_organisations_and_no_other_hubs(
    hub_admin_request: ClientRequest,
) -> None:
    hub = _hub_of(hub_admin_request)
    college = factories.create_employer(hub, name="Ardwick FE College", kind="fe_college")
    bakery = factories.create_employer(hub, name="Ancoats Bakery", route="catering-and-hospitality")
    create_offer(college, format="taster_day", route="digital", location="workplace", travel_km=20)
    create_offer(bakery, format="workplace_visit", route="catering-and-hospitality", status="withdrawn")
    create_offer(bakery, format="mentoring_programme", sessions=6, status="draft")
    create_offer(factories.create_employer(factories.create_hub(), name="Their Employer"))

    page = hub_admin_request.get("hub.encounter_offers")

    listed = rows(page, "encounter-offers")
    # Offered first, then drafts, then withdrawn.
    assert listed == [
        [
            "Ardwick FE College Further education (FE) college",
            "Taster day Digital",
            "Year 9",
            "Groups of 30 to 200",
            "1",
            "At our workplace or campus, up to 20 km away",
            listed[0][6],
            "2",
            "Offered",
        ],
        [
            "Ancoats Bakery Employer",
            "Mentoring programme of 6 sessions Digital No DBS check recorded: no request fits it"
            " Record DBS check for Ancoats Bakery's mentoring programme",
            *listed[1][2:8],
            "Draft",
        ],
        [
            "Ancoats Bakery Employer",
            "Workplace visit or tour Catering and hospitality",
            *listed[2][2:8],
            "Withdrawn",
        ],
    ]
    assert "3 encounter offers" in page.select_one("#encounter-offers caption").text
    assert "Their Employer" not in page.text
    nav = page.select_one(".govuk-service-navigation")
    assert "Encounter offers" in nav.text


def test_an_organisation_not_approved_is_marked(hub_admin_request: ClientRequest) -> None:
    suspended = factories.create_employer(_hub_of(hub_admin_request), name="Gone Ltd", status="suspended")
    create_offer(suspended)

    [row] = rows(hub_admin_request.get("hub.encounter_offers"), "encounter-offers")

    assert row[0] == "Gone Ltd Employer Suspended"


def test_the_list_filters_by_format_route_and_kind_of_organisation(hub_admin_request: ClientRequest) -> None:
    hub = _hub_of(hub_admin_request)
    college = factories.create_employer(hub, name="College", kind="fe_college")
    provider = factories.create_employer(hub, name="Provider", kind="apprenticeship_provider")
    employer = factories.create_employer(hub, name="Employer")
    create_offer(college, format="technical_talk", route="construction-and-the-built-environment")
    create_offer(provider, format="technical_talk", route="digital")
    create_offer(employer, format="careers_talk", route="digital")

    def names(**args: str) -> list[str]:
        return [row[0].split()[0] for row in _listed(hub_admin_request, **args)]

    assert names(format="technical_talk") == ["College", "Provider"]
    assert names(route="digital") == ["Employer", "Provider"]
    assert names(kind="apprenticeship_provider") == ["Provider"]
    assert names(kind="employer", route="digital") == ["Employer"]
    assert names(format="technical_talk", kind="employer") == []
    assert names(format="nonsense", route="nowhere", kind="alien") == ["College", "Employer", "Provider"]
    page = hub_admin_request.get("hub.encounter_offers", format="technical_talk", kind="fe_college")
    assert page.select_one("#format option[selected]")["value"] == "technical_talk"
    assert page.select_one("#kind option[selected]")["value"] == "fe_college"
    empty = hub_admin_request.get("hub.encounter_offers", kind="university")
    assert "No encounter offers match these filters" in empty.text


def test_the_list_shows_50_offers_a_page_and_its_links_keep_the_filters(
    hub_admin_request: ClientRequest,
) -> None:
    hub = _hub_of(hub_admin_request)
    for i in range(55):
        create_offer(factories.create_employer(hub, name=f"Employer {i:03}"), format="qa_panel")
    create_offer(factories.create_employer(hub, name="Zed Talks"), format="careers_talk")

    first = hub_admin_request.get("hub.encounter_offers", format="qa_panel")
    second = hub_admin_request.get("hub.encounter_offers", format="qa_panel", page=2)

    assert [row[0] for row in rows(first, "encounter-offers")] == [
        f"Employer {i:03} Employer" for i in range(50)
    ]
    assert [row[0] for row in rows(second, "encounter-offers")] == [
        f"Employer {i:03} Employer" for i in range(50, 55)
    ]
    assert "55 encounter offers, showing 51 to 55" in second.select_one("#encounter-offers caption").text
    following = first.select_one("nav.govuk-pagination .govuk-pagination__next a")["href"]
    assert (
        following
        == hub_admin_request.url("hub.encounter_offers", page=2, format="qa_panel") + "#encounter-offers"
    )
    assert _listed(hub_admin_request, format="qa_panel", page="x") == _listed(
        hub_admin_request, format="qa_panel"
    )
    assert _listed(hub_admin_request, format="qa_panel", page=9) == _listed(
        hub_admin_request, format="qa_panel", page=2
    )


@pytest.mark.parametrize("role", ["careers_leader_request", "employer_request", "student_request"])
def test_other_roles_are_refused(app: Flask, request: pytest.FixtureRequest, role: str) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    create_offer()

    page = client.get("hub.encounter_offers", _expected_status=403)

    assert "You do not have permission" in page.h1.text


def test_nobody_signed_in_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    response = client_request.client.get(client_request.url("hub.encounter_offers"))

    assert "/sign-in" in response.headers["Location"]


def test_the_employers_list_shows_and_filters_by_kind_of_organisation(
    hub_admin_request: ClientRequest,
) -> None:
    hub = _hub_of(hub_admin_request)
    factories.create_employer(hub, name="Ardwick FE College", kind="fe_college")
    factories.create_employer(
        hub, name="Bright Apprenticeships", kind="apprenticeship_provider", status="pending"
    )
    factories.create_employer(hub, name="Cog Works", route="engineering-and-manufacturing")

    page = hub_admin_request.get("hub.employers")
    assert page.h1.text.strip() == "Employers and providers"
    assert [row[:2] for row in rows(page, "employers-table")] == [
        ["Ardwick FE College", "Further education (FE) college"],
        ["Bright Apprenticeships", "Apprenticeship provider"],
        ["Cog Works", "Employer"],
    ]

    def names(**args: str) -> list[str]:
        return [row[0] for row in rows(hub_admin_request.get("hub.employers", **args), "employers-table")]

    assert names(kind="fe_college") == ["Ardwick FE College"]
    assert names(kind="employer") == ["Cog Works"]
    assert names(kind="nonsense") == names()
    filtered = hub_admin_request.get("hub.employers", kind="apprenticeship_provider")
    assert filtered.select_one("#status-filter [aria-current=page]").text.strip() == "All (1)"
    pending = filtered.select_one("#status-filter a[href*=pending]")
    assert pending.text.strip() == "Pending (1)"
    assert pending["href"] == hub_admin_request.url(
        "hub.employers", status="pending", kind="apprenticeship_provider"
    )
    assert filtered.select_one("#kind option[selected]")["value"] == "apprenticeship_provider"

    college = db.session.scalar(select(Employer).where(Employer.kind == "fe_college"))
    caption = hub_admin_request.get("hub.employer", employer_id=college.id).select_one(".govuk-caption-l")
    assert caption.text.strip() == "Further education (FE) college, Digital"
