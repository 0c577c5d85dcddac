"""Requests from schools that fit an organisation's offers: seeing them, answering "We can do this",
withdrawing an answer, and who may."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, link_in, sent_to
from tests.web.careers.test_encounter_requests import create_answer, create_request
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import banner, error_messages, rows
from web.extensions import db
from web.models import (
    AuditEvent,
    Employer,
    EncounterOffer,
    EncounterRequest,
    EncounterResponse,
    Hub,
    Notification,
)

# (endpoint, method, the id it takes)
ROUTES = [
    ("employers.encounter_requests", "get", None),
    ("employers.answer_encounter_request", "get", "encounter_request_id"),
    ("employers.answer_encounter_request", "post", "encounter_request_id"),
    ("employers.withdraw_encounter_answer", "get", "response_id"),
    ("employers.withdraw_encounter_answer", "post", "response_id"),
]
OTHER_ROLES = ["hub_admin_request", "careers_leader_request", "student_request"]


def _employer_of(request: ClientRequest) -> Employer:
    return db.session.get(Employer, request.user.employer_id)  # type: ignore[attr-defined]


def _school_in_hub_of(employer: Employer, **overrides: Any) -> Any:
    return factories.create_school(db.session.get(Hub, employer.hub_id), **overrides)


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _actions() -> list[str]:
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_the_list_shows_only_open_requests_that_fit_the_organisations_own_offers(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    create_offer(employer, available_from=date.today() - timedelta(days=40))
    school = _school_in_hub_of(employer, name="Hulme High School")
    fitting = create_request(school, note="An assembly slot at 9:00")
    create_request(school, format="qa_panel")  # no offer of theirs is a Q&A panel
    create_request(school, status="booked")
    create_request(school, status="cancelled")
    create_request(
        school,
        wanted_from=fitting.wanted_from - timedelta(days=30),
        wanted_until=fitting.wanted_from - timedelta(days=11),
    )  # over
    create_request(factories.create_school())  # another hub's
    other = factories.create_employer(db.session.get(Hub, employer.hub_id))
    create_request(school, format="mock_interviews")
    create_offer(other, format="mock_interviews", group_min=1, group_max=300)  # fits, but it is not theirs

    page = employer_request.get("employers.encounter_requests")

    [row] = rows(page, "fitting-requests")
    when = f"{fitting.wanted_from:%-d %B %Y} to {fitting.wanted_until:%-d %B %Y} An assembly slot at 9:00"
    assert row == [
        "Hulme High School",
        "Careers talk or assembly Digital",
        "Year 9",
        "200",
        "At the school 2 km from you",
        when,
        "We can do this : answer Hulme High School",
    ]
    assert "Requests from schools" in page.select_one(".govuk-service-navigation").text


def test_the_list_never_shows_anything_about_the_schools_pupils(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    create_offer(employer)
    school = _school_in_hub_of(employer)
    create_request(school)
    factories.create_student(school, first_name="Zebedee", last_name="Quantock", postcode="M14 5TP")

    page = employer_request.get("employers.encounter_requests")

    for private in ("Zebedee", "Quantock", "M14 5TP", school.postcode):
        assert private not in page.text


def test_answering_saves_the_answer_and_emails_each_careers_leader_once(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    offer = create_offer(employer)
    school = _school_in_hub_of(employer)
    request = create_request(school)
    leaders = [
        factories.create_user_for("careers_leader", school, email=f"leader{n}@school.example") for n in (1, 2)
    ]
    factories.create_user_for(
        "careers_leader", school, email="invited@school.example", password=""
    )  # not yet in
    form = employer_request.get("employers.answer_encounter_request", encounter_request_id=request.id)
    assert form.find("input", {"name": "offer", "value": str(offer.id)}).has_attr("checked")  # their only one
    assert form.find("input", {"name": "csrf_token"})

    page = employer_request.post(
        "employers.answer_encounter_request",
        {"offer": str(offer.id), "message": "Our site manager can come\nwith a hard hat for each pupil"},
        encounter_request_id=request.id,
    )

    assert page.location == employer_request.url("employers.encounter_requests")
    answer = db.session.scalar(select(EncounterResponse))
    assert (answer.request_id, answer.offer_id, answer.employer_id, answer.status) == (
        request.id,
        offer.id,
        employer.id,
        "offered",
    )
    assert answer.message == "Our site manager can come\nwith a hard hat for each pupil"
    assert answer.responded_by_id == employer_request.user.id  # type: ignore[attr-defined]
    assert _actions() == ["encounter_request_answered"]
    assert deliver_queued() == 2
    for leader in leaders:
        [message] = sent_to(leader.email)
        assert message.subject == f"{employer.name} has answered your encounter request"
        assert "with a hard hat for each pupil" in str(message.body)
        assert link_in(message) == employer_request.url(
            "careers.encounter_request", encounter_request_id=request.id
        )
    assert sent_to("invited@school.example") == []
    [row] = rows(employer_request.get("employers.encounter_requests"), "fitting-requests")
    assert row[-1].startswith("You answered. Withdraw")
    [answered] = rows(employer_request.get("employers.encounter_requests"), "answers")
    assert answered[-1] == "Waiting for the school"


def test_an_offer_that_does_not_fit_cannot_be_used_to_answer(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    create_offer(employer)
    unfit = create_offer(employer, year_groups=[12, 13])
    theirs = create_offer(factories.create_employer(db.session.get(Hub, employer.hub_id)))
    request = create_request(_school_in_hub_of(employer))

    for offer in (unfit, theirs):
        page = employer_request.post(
            "employers.answer_encounter_request",
            {"offer": str(offer.id), "message": ""},
            encounter_request_id=request.id,
            _expected_status=200,
        )
        assert error_messages(page) == ["Select one of your offers that fits this request"]

    assert _count(EncounterResponse) == 0 and _count(AuditEvent) == 0 and _count(Notification) == 0


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"offer": ""}, "Select one of your offers that fits this request"),
        ({"message": "x" * 1001}, "Your message must be 1000 characters or fewer"),
    ],
)
def test_a_bad_answer_names_the_field_and_saves_nothing(
    employer_request: ClientRequest, posted: dict[str, str], message: str
) -> None:
    employer = _employer_of(employer_request)
    offer = create_offer(employer)
    request = create_request(_school_in_hub_of(employer))

    page = employer_request.post(
        "employers.answer_encounter_request",
        {"offer": str(offer.id), "message": "", **posted},
        encounter_request_id=request.id,
        _expected_status=200,
    )

    assert error_messages(page) == [message]
    assert _count(EncounterResponse) == 0 and _count(AuditEvent) == 0


@pytest.mark.parametrize(
    "unseen",
    [
        {"format": "qa_panel"},
        {"status": "booked"},
        {"status": "cancelled"},
        {"year_groups": [7]},
    ],
)
def test_a_request_none_of_their_offers_fits_is_not_found(
    employer_request: ClientRequest, unseen: dict[str, Any]
) -> None:
    employer = _employer_of(employer_request)
    offer = create_offer(employer)
    request = create_request(_school_in_hub_of(employer), **unseen)

    employer_request.get(
        "employers.answer_encounter_request", _expected_status=404, encounter_request_id=request.id
    )
    employer_request.post(
        "employers.answer_encounter_request",
        {"offer": str(offer.id)},
        _expected_status=404,
        encounter_request_id=request.id,
    )

    assert _count(EncounterResponse) == 0


def test_another_hubs_request_is_not_found(employer_request: ClientRequest) -> None:
    offer = create_offer(_employer_of(employer_request))
    request = create_request(factories.create_school())

    employer_request.post(
        "employers.answer_encounter_request",
        {"offer": str(offer.id)},
        _expected_status=404,
        encounter_request_id=request.id,
    )

    assert _count(EncounterResponse) == 0


def test_withdrawing_asks_first_and_an_answer_given_again_is_told_again(
    employer_request: ClientRequest,
) -> None:
    employer = _employer_of(employer_request)
    offer = create_offer(employer)
    school = _school_in_hub_of(employer)
    leader = factories.create_user_for("careers_leader", school)
    request = create_request(school)
    employer_request.post(
        "employers.answer_encounter_request", {"offer": str(offer.id)}, encounter_request_id=request.id
    )
    answer = db.session.scalar(select(EncounterResponse))

    page = employer_request.get("employers.withdraw_encounter_answer", response_id=answer.id)
    assert "Are you sure you want to withdraw your answer?" in page.h1.text
    assert page.find("input", {"name": "csrf_token"})
    employer_request.post("employers.withdraw_encounter_answer", response_id=answer.id)

    assert db.session.get(EncounterResponse, answer.id).status == "withdrawn"
    assert deliver_queued() == 1  # the first answer's email, no longer true, is not sent
    assert sent_to(leader.email) == []
    employer_request.post(
        "employers.answer_encounter_request", {"offer": str(offer.id)}, encounter_request_id=request.id
    )
    assert db.session.get(EncounterResponse, answer.id).status == "offered"
    assert _count(EncounterResponse) == 1
    assert _actions() == [
        "encounter_request_answered",
        "encounter_answer_withdrawn",
        "encounter_request_answered",
    ]
    deliver_queued()
    assert len(sent_to(leader.email)) == 1


def test_an_answer_cannot_be_withdrawn_once_the_request_is_booked(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    offer = create_offer(employer)
    request = create_request(_school_in_hub_of(employer), status="booked")
    answer = create_answer(request, offer, status="accepted")

    page = employer_request.post(
        "employers.withdraw_encounter_answer", response_id=answer.id, _follow=True, _expected_status=200
    )

    assert "can no longer be withdrawn" in banner(page)
    assert db.session.get(EncounterResponse, answer.id).status == "accepted"
    [row] = rows(page, "answers")
    assert row[-1] == "Accepted"


def test_answering_every_fitting_offer_leaves_nothing_to_answer_with(employer_request: ClientRequest) -> None:
    employer = _employer_of(employer_request)
    offer = create_offer(employer)
    request = create_request(_school_in_hub_of(employer))
    create_answer(request, offer)

    page = employer_request.get(
        "employers.answer_encounter_request", encounter_request_id=request.id, _expected_status=302
    )

    assert page is not None
    assert _count(EncounterResponse) == 1


# Who may.


def _world(employer: Employer) -> tuple[EncounterRequest, EncounterResponse, EncounterOffer]:
    """A request that fits the employer's offer, answered by the employer."""
    offer = create_offer(employer)
    request = create_request(_school_in_hub_of(employer))
    return request, create_answer(request, offer), offer


def _values(name: str | None, request: EncounterRequest, answer: EncounterResponse) -> dict[str, int]:
    return {} if name is None else {name: request.id if name == "encounter_request_id" else answer.id}


def _call(
    client: ClientRequest, endpoint: str, method: str, status: int, offer: EncounterOffer, **values: Any
) -> Any:
    if method == "get":
        return client.get(endpoint, _expected_status=status, **values)
    return client.post(
        endpoint, {"offer": str(offer.id), "message": "Hello"}, _expected_status=status, **values
    )


def _unchanged(answer: EncounterResponse) -> None:
    assert db.session.get(EncounterResponse, answer.id).status == "offered"
    assert db.session.get(EncounterResponse, answer.id).message == "Our site manager can come"
    assert _count(EncounterResponse) == 1
    assert _count(AuditEvent) == 0 and _count(Notification) == 0


@pytest.mark.parametrize(("endpoint", "method", "name"), [route for route in ROUTES if route[2]])
def test_another_organisations_request_and_answer_are_not_found(
    employer_request: ClientRequest, endpoint: str, method: str, name: str
) -> None:
    # Another organisation of the same hub, whose offer fits; ours does not (a Q&A panel).
    employer = _employer_of(employer_request)
    create_offer(employer, format="qa_panel")
    request, answer, offer = _world(factories.create_employer(db.session.get(Hub, employer.hub_id)))

    page = _call(employer_request, endpoint, method, 404, offer, **_values(name, request, answer))

    assert "Page not found" in page.h1.text
    _unchanged(answer)


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("endpoint", "method", "name"), ROUTES)
def test_other_roles_are_refused(
    request: pytest.FixtureRequest, role: str, endpoint: str, method: str, name: str | None
) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    asked, answer, offer = _world(factories.create_employer())

    page = _call(client, endpoint, method, 403, offer, **_values(name, asked, answer))

    assert "You do not have permission" in page.h1.text
    _unchanged(answer)


@pytest.mark.parametrize(("endpoint", "method", "name"), [route for route in ROUTES if route[1] == "post"])
def test_a_post_without_a_csrf_token_is_refused(
    employer_request: ClientRequest, endpoint: str, method: str, name: str
) -> None:
    asked, answer, offer = _world(_employer_of(employer_request))
    create_offer(_employer_of(employer_request))  # a second fitting offer, so the answer form is open
    url = employer_request.url(endpoint, **_values(name, asked, answer))

    response = employer_request.client.post(url, data={"offer": str(offer.id), "message": "Hello"})

    assert response.status_code == 400
    _unchanged(answer)
