"""An organisation's encounter offers: offering, changing and withdrawing them, and who may."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import banner, error_messages, rows
from web.extensions import db
from web.models import AuditEvent, Employer, EncounterOffer

# (endpoint, method, takes an offer's id)
ENCOUNTER_OFFER_ROUTES = [
    ("employers.encounter_offers", "get", False),
    ("employers.new_encounter_offer", "get", False),
    ("employers.new_encounter_offer", "post", False),
    ("employers.edit_encounter_offer", "get", True),
    ("employers.edit_encounter_offer", "post", True),
    ("employers.publish_encounter_offer", "post", True),
    ("employers.withdraw_encounter_offer", "get", True),
    ("employers.withdraw_encounter_offer", "post", True),
]
OTHER_ROLES = ["hub_admin_request", "careers_leader_request", "student_request"]


def _day(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def valid_offer(**overrides: Any) -> dict[str, Any]:
    """A complete, valid encounter offer form; a list value posts the field once per item."""
    today = date.today()
    fields: dict[str, Any] = {
        "format": "mock_interviews",
        "sessions": "",
        "route": "construction-and-the-built-environment",
        "pathway": "technical",
        "year_groups": ["10", "11"],
        "group_min": "6",
        "group_max": "24",
        "whole_group": "no",
        "staff_places": "",
        "days": "1",
        "hours": "2.5",
        "location": "school",
        "travel_km": "15",
        "available_from": _day(today + timedelta(days=10)),
        "available_until": _day(today + timedelta(days=100)),
        "availability_note": "Any Tuesday in spring term",
        "per_term": "3",
    }
    return {**fields, **overrides}


def create_offer(employer: Employer | None = None, **overrides: Any) -> EncounterOffer:
    """An offered careers talk at school, saved as it stands."""
    employer = employer or factories.create_employer()
    today = date.today()
    fields = {
        "employer_id": employer.id,
        "format": "careers_talk",
        "route": "digital",
        "pathway": "both",
        "year_groups": [9],
        "group_min": 30,
        "group_max": 200,
        "hours": Decimal("1"),
        "location": "school",
        "travel_km": 10,
        "available_from": today,
        "available_until": today + timedelta(days=90),
        "per_term": 2,
        "status": "offered",
    }
    offer = EncounterOffer(**{**fields, **overrides})
    db.session.add(offer)
    db.session.commit()
    return offer


def _employer_of(request: ClientRequest) -> Employer:
    return db.session.get(Employer, request.user.employer_id)  # type: ignore[attr-defined]


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _actions() -> list[str]:
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_an_approved_organisation_offers_an_encounter_with_every_field(
    employer_request: ClientRequest,
) -> None:
    page = employer_request.post("employers.new_encounter_offer", valid_offer())

    assert page.location == employer_request.url("employers.encounter_offers")
    offer = db.session.scalar(select(EncounterOffer))
    today = date.today()
    assert offer.employer_id == employer_request.user.employer_id  # type: ignore[attr-defined]
    assert (offer.format, offer.sessions, offer.route, offer.pathway, offer.year_groups) == (
        "mock_interviews",
        None,
        "construction-and-the-built-environment",
        "technical",
        [10, 11],
    )
    assert (offer.group_min, offer.group_max, offer.hours, offer.location, offer.travel_km) == (
        6,
        24,
        Decimal("2.5"),
        "school",
        15,
    )
    assert (offer.available_from, offer.available_until, offer.availability_note, offer.per_term) == (
        today + timedelta(days=10),
        today + timedelta(days=100),
        "Any Tuesday in spring term",
        3,
    )
    assert offer.status == "offered"
    assert _actions() == ["encounter_offer_created"]
    listing = employer_request.get("employers.encounter_offers")
    assert "Your careers hub can now see it" in banner(listing)
    [row] = rows(listing, "encounter-offers")
    assert row[:7] == [
        "Mock interviews Construction and the built environment",
        "Years 10 and 11",
        "Groups of 6 to 24",
        "At the school, up to 15 km away",
        f"{(today + timedelta(days=10)):%-d %B %Y} to {(today + timedelta(days=100)):%-d %B %Y} Any Tuesday "
        "in spring term",
        "3",
        "Offered",
    ]


def test_a_mentoring_programme_keeps_its_sessions_and_an_online_talk_needs_no_travel(
    employer_request: ClientRequest,
) -> None:
    form = employer_request.get("employers.new_encounter_offer")
    mentoring = form.find("input", {"name": "format", "value": "mentoring_programme"})
    revealed = form.select_one(f"#{mentoring['data-aria-controls']}")
    assert revealed.find("input", {"name": "sessions"})

    employer_request.post(
        "employers.new_encounter_offer", valid_offer(format="mentoring_programme", sessions="6")
    )
    employer_request.post(
        "employers.new_encounter_offer",
        valid_offer(format="online_talk", location="online", travel_km="99", sessions="4"),
    )

    mentoring, talk = db.session.scalars(select(EncounterOffer).order_by(EncounterOffer.id))
    assert (mentoring.format, mentoring.sessions, mentoring.format_label) == (
        "mentoring_programme",
        6,
        "Mentoring programme of 6 sessions",
    )
    assert (talk.format, talk.sessions, talk.location, talk.travel_km) == (
        "online_talk",
        None,
        "online",
        None,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": ""}, "Select what you will offer"),
        ({"format": "juggling"}, "Select what you will offer"),
        ({"format": "mentoring_programme", "sessions": ""}, "Enter how many sessions the programme has"),
        ({"format": "mentoring_programme", "sessions": "0"}, "Number of sessions must be between 1 and 52"),
        ({"route": ""}, "Select an occupational route"),
        ({"pathway": "sideways"}, "Select which pathway it suits"),
        ({"year_groups": []}, "Select at least one year group"),
        ({"year_groups": ["6"]}, "Select year groups from the list"),
        ({"group_min": ""}, "Enter the smallest group you will take"),
        ({"group_min": "0"}, "Smallest group must be between 1 and 500 pupils"),
        (
            {"group_min": "30", "group_max": "20"},
            "Largest group must be the same as or more than the smallest",
        ),
        ({"hours": "0"}, "Length must be from 0.5 to 12 hours a day"),
        ({"hours": "two"}, "Length must be a number, like 1 or 1.5"),
        ({"location": "moon"}, "Select where it will take place"),
        (
            {"format": "online_talk", "location": "school"},
            "Select online, as an online talk takes place online",
        ),
        ({"travel_km": ""}, "Enter how far you will travel, in km"),
        ({"location": "workplace", "travel_km": ""}, "Enter how far you will travel, in km"),
        ({"travel_km": "5000"}, "How far you will travel must be between 0 and 200 km"),
        ({"available_from": ["", "", ""]}, "Enter the first date you can do it"),
        ({"available_until": ["31", "2", "2030"]}, "Available until must be a real date"),
        (
            {
                "available_from": timedelta(days=-9),
                "available_until": timedelta(days=-1),
            },
            "Available until must be today or in the future",
        ),
        (
            {"available_until": timedelta(days=5)},
            "Available until must be the same as or",
        ),
        (
            {"available_until": timedelta(days=800)},
            "Available until must be within 2 years",
        ),
        ({"availability_note": "x" * 201}, "When you can do it must be 200 characters or fewer"),
        ({"per_term": ""}, "Enter how many you can do a term"),
        ({"per_term": "0"}, "How many a term must be between 1 and 50"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    employer_request: ClientRequest, changes: dict[str, Any], message: str
) -> None:
    # Dates are days from today, read now rather than when the module is imported.
    dated = {
        name: _day(day)
        for name, day in factories.from_today(changes).items()
        if isinstance(changes[name], timedelta)
    }
    page = employer_request.post(
        "employers.new_encounter_offer", valid_offer(**{**changes, **dated}), _expected_status=200
    )

    assert len(error_messages(page)) == 1, error_messages(page)
    assert error_messages(page)[0].startswith(message)
    assert page.title.text.startswith("Error: ")
    assert _count(EncounterOffer) == 0
    assert _count(AuditEvent) == 0


def test_an_employer_cannot_offer_a_providers_formats_but_a_provider_can(
    employer_request: ClientRequest, sign_in_as: Any
) -> None:
    form = employer_request.get("employers.new_encounter_offer")
    assert form.find("input", {"name": "format", "value": "taster_day"}) is None
    page = employer_request.post(
        "employers.new_encounter_offer", valid_offer(format="taster_day"), _expected_status=200
    )
    assert error_messages(page) == ["Select what you will offer"]

    college = factories.create_employer(kind="fe_college", name="Ardwick FE College")
    provider = sign_in_as(factories.create_user_for("employer", college))
    form = provider.get("employers.new_encounter_offer")
    assert form.find("input", {"name": "format", "value": "taster_day"})
    provider.post("employers.new_encounter_offer", valid_offer(format="technical_talk"))
    provider.post("employers.new_encounter_offer", valid_offer(format="taster_day", location="workplace"))

    offers = db.session.scalars(select(EncounterOffer).order_by(EncounterOffer.id))
    assert [(offer.employer_id, offer.format, offer.status) for offer in offers] == [
        (college.id, "technical_talk", "offered"),
        (college.id, "taster_day", "offered"),
    ]


@pytest.mark.parametrize(
    ("status", "evidence", "reason"),
    [
        ("pending", {}, "Your careers hub has not approved your organisation yet"),
        ("suspended", {}, "Your careers hub has suspended your organisation"),
        ("approved", {"insurance_expires": date(2020, 1, 31)}, "Your employers' liability insurance ran out"),
    ],
)
def test_an_organisation_not_approved_with_current_evidence_saves_a_draft_it_cannot_offer(
    app: Flask, sign_in_as: Any, status: str, evidence: dict[str, Any], reason: str
) -> None:
    employer = factories.create_employer(status=status, **evidence)
    request = sign_in_as(factories.create_user_for("employer", employer))

    request.post("employers.new_encounter_offer", valid_offer())

    offer = db.session.scalar(select(EncounterOffer))
    assert offer.status == "draft"
    listing = request.get("employers.encounter_offers")
    assert "saved as a draft" in banner(listing)
    assert reason in listing.select_one(".govuk-inset-text").text
    assert listing.find("button", string=lambda text: text and "Offer it" in text) is None

    page = request.post(
        "employers.publish_encounter_offer", offer_id=offer.id, _follow=True, _expected_status=200
    )

    assert reason in banner(page)
    assert db.session.get(EncounterOffer, offer.id).status == "draft"
    assert _actions() == ["encounter_offer_created"]


def test_once_approved_the_organisation_offers_its_draft(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    draft = create_offer(employer, status="draft")
    listing = employer_request.get("employers.encounter_offers")
    assert listing.find("button", string=lambda text: text and "Offer it" in text)

    employer_request.post("employers.publish_encounter_offer", offer_id=draft.id)

    assert db.session.get(EncounterOffer, draft.id).status == "offered"
    assert _actions() == ["encounter_offer_published"]
    page = employer_request.post(
        "employers.publish_encounter_offer", offer_id=draft.id, _follow=True, _expected_status=200
    )
    assert "This encounter offer is offered, so it cannot be offered again" in banner(page)
    assert _actions() == ["encounter_offer_published"]


def test_changing_an_offer_shows_its_answers_then_saves_and_audits_what_changed(
    employer_request: ClientRequest,
) -> None:
    offer = create_offer(_employer_of(employer_request))
    form = employer_request.get("employers.edit_encounter_offer", offer_id=offer.id)
    assert form.find("input", {"name": "format", "value": "careers_talk"}).has_attr("checked")
    assert form.find("input", {"name": "group_max"})["value"] == "200"
    assert form.find("input", {"name": "csrf_token"})

    employer_request.post("employers.edit_encounter_offer", valid_offer(), offer_id=offer.id)

    saved = db.session.get(EncounterOffer, offer.id)
    assert (saved.format, saved.group_max, saved.travel_km, saved.status) == (
        "mock_interviews",
        24,
        15,
        "offered",
    )
    [event] = db.session.scalars(select(AuditEvent))
    assert (event.action, event.record_type, event.record_id) == (
        "encounter_offer_updated",
        "encounter_offer",
        offer.id,
    )
    assert "group_max" in event.detail["fields"] and "employer_id" not in event.detail["fields"]


def test_a_bad_change_saves_nothing(employer_request: ClientRequest) -> None:
    offer = create_offer(_employer_of(employer_request))

    page = employer_request.post(
        "employers.edit_encounter_offer",
        valid_offer(group_min="50", group_max="10"),
        offer_id=offer.id,
        _expected_status=200,
    )

    assert error_messages(page) == ["Largest group must be the same as or more than the smallest group"]
    assert db.session.get(EncounterOffer, offer.id).group_max == 200
    assert _count(AuditEvent) == 0


def test_withdrawing_asks_first_then_withdraws_for_good(employer_request: ClientRequest) -> None:
    offer = create_offer(_employer_of(employer_request))
    page = employer_request.get("employers.withdraw_encounter_offer", offer_id=offer.id)
    assert "Are you sure you want to withdraw" in page.h1.text
    assert page.find("input", {"name": "csrf_token"})
    assert db.session.get(EncounterOffer, offer.id).status == "offered"

    employer_request.post("employers.withdraw_encounter_offer", offer_id=offer.id)

    assert db.session.get(EncounterOffer, offer.id).status == "withdrawn"
    assert _actions() == ["encounter_offer_withdrawn"]
    [row] = rows(employer_request.get("employers.encounter_offers"), "encounter-offers")
    assert row[6:] == ["Withdrawn", ""]
    for endpoint in ("employers.edit_encounter_offer", "employers.withdraw_encounter_offer"):
        page = employer_request.post(
            endpoint, valid_offer(), offer_id=offer.id, _follow=True, _expected_status=200
        )
        assert "withdrawn" in banner(page)
    assert db.session.get(EncounterOffer, offer.id).format == "careers_talk"
    assert _actions() == ["encounter_offer_withdrawn"]


def test_the_employers_home_links_to_its_encounter_offers(employer_request: ClientRequest) -> None:
    page = employer_request.get("employers.opportunities")

    link = page.select_one("#encounter-offers-link a")
    assert link["href"] == employer_request.url("employers.encounter_offers")
    nav = page.select_one(".govuk-service-navigation")
    assert "Encounter offers" in nav.text


def test_the_list_shows_only_the_organisations_own_offers(employer_request: ClientRequest) -> None:
    create_offer(_employer_of(employer_request), format="qa_panel")
    create_offer(format="speed_networking")

    listed = rows(employer_request.get("employers.encounter_offers"), "encounter-offers")

    assert [row[0] for row in listed] == ["Q&A panel Digital"]


def _call(request: ClientRequest, endpoint: str, method: str, status: int, **values: Any) -> Any:
    if method == "get":
        return request.get(endpoint, _expected_status=status, **values)
    return request.post(endpoint, valid_offer(), _expected_status=status, **values)


def _unchanged(offer: EncounterOffer) -> None:
    saved = db.session.get(EncounterOffer, offer.id)
    assert (saved.status, saved.format) == ("draft", "careers_talk")
    assert _count(EncounterOffer) == 1
    assert _count(AuditEvent) == 0


@pytest.mark.parametrize(
    ("endpoint", "method", "with_id"), [route for route in ENCOUNTER_OFFER_ROUTES if route[2]]
)
def test_another_organisations_offer_is_not_found(
    employer_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    theirs = create_offer(status="draft")

    page = _call(employer_request, endpoint, method, 404, offer_id=theirs.id)

    assert "Page not found" in page.h1.text
    _unchanged(theirs)
    _call(employer_request, endpoint, method, 404, offer_id=999_999)


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("endpoint", "method", "with_id"), ENCOUNTER_OFFER_ROUTES)
def test_other_roles_are_refused(
    app: Flask, request: pytest.FixtureRequest, role: str, endpoint: str, method: str, with_id: bool
) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    offer = create_offer(status="draft")

    page = _call(client, endpoint, method, 403, **({"offer_id": offer.id} if with_id else {}))

    assert "You do not have permission" in page.h1.text
    _unchanged(offer)


@pytest.mark.parametrize(("endpoint", "method", "with_id"), ENCOUNTER_OFFER_ROUTES)
def test_nobody_signed_in_is_sent_to_sign_in(
    client_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    offer = create_offer(status="draft")
    url = client_request.url(endpoint, **({"offer_id": offer.id} if with_id else {}))

    if method == "get":
        location = client_request.client.get(url).headers["Location"]
    else:
        location = _call(
            client_request, endpoint, method, 302, **({"offer_id": offer.id} if with_id else {})
        ).location

    assert "/sign-in" in location
    _unchanged(offer)


@pytest.mark.parametrize(
    ("endpoint", "method", "with_id"), [route for route in ENCOUNTER_OFFER_ROUTES if route[1] == "post"]
)
def test_a_post_without_a_csrf_token_is_refused(
    employer_request: ClientRequest, endpoint: str, method: str, with_id: bool
) -> None:
    offer = create_offer(_employer_of(employer_request), status="draft")
    url = employer_request.url(endpoint, **({"offer_id": offer.id} if with_id else {}))

    response = employer_request.client.post(url, data=valid_offer())

    assert response.status_code == 400
    _unchanged(offer)


@pytest.mark.parametrize(
    "bad",
    [
        {"group_min": 30, "group_max": 20},
        {"group_min": 0},
        {"hours": Decimal("0")},
        {"per_term": 0},
        {"available_until": timedelta(days=-1)},
        {"format": "juggling"},
        {"format": "mentoring_programme", "sessions": None},
        {"sessions": 3},
        {"location": "online"},
        {"travel_km": None},
        {"travel_km": -1},
        {"status": "lost"},
    ],
)
def test_the_database_refuses_an_offer_that_breaks_its_rules(app: Flask, bad: dict[str, Any]) -> None:
    employer = factories.create_employer()

    with pytest.raises(IntegrityError):
        create_offer(employer, **factories.from_today(bad))
    db.session.rollback()
    assert _count(EncounterOffer) == 0


def test_the_database_refuses_an_organisation_of_an_unknown_kind(app: Flask) -> None:
    with pytest.raises(IntegrityError):
        factories.create_employer(kind="school")
