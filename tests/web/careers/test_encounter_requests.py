"""A careers leader's encounter requests: which offers fit one (rule by rule), posting it, accepting an
organisation's answer, cancelling it, and who may."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.careers.helpers import school_of
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import banner, error_messages, rows
from tests.web.students.test_offer_concurrency import _race
from web.dao import encounter_requests as dao
from web.dao.base import transaction
from web.extensions import db
from web.models import (
    AuditEvent,
    Employer,
    EncounterOffer,
    EncounterRequest,
    EncounterResponse,
    Hub,
    Notification,
    School,
)

# (endpoint, method, takes a request's id, takes an answer's id)
ROUTES = [
    ("careers.encounter_requests", "get", False, False),
    ("careers.new_encounter_request", "get", False, False),
    ("careers.new_encounter_request", "post", False, False),
    ("careers.encounter_request", "get", True, False),
    ("careers.accept_encounter_response", "get", True, True),
    ("careers.accept_encounter_response", "post", True, True),
    ("careers.cancel_encounter_request", "get", True, False),
    ("careers.cancel_encounter_request", "post", True, False),
]
OTHER_ROLES = ["hub_admin_request", "employer_request", "student_request"]
NEAR, FAR, AWAY = "M13 9PL", "WA14 1AA", "LS1 4AP"  # 2 km, 13 km and 57 km from M1 1AD


def _day(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def valid_request(**overrides: Any) -> dict[str, Any]:
    """A complete, valid request form; a list value posts the field once per item."""
    today = date.today()
    fields: dict[str, Any] = {
        "format": "careers_talk",
        "route": "construction-and-the-built-environment",
        "pathway": "technical",
        "year_groups": ["9"],
        "audience": "200",
        "location": "school",
        "wanted_from": _day(today + timedelta(days=10)),
        "wanted_until": _day(today + timedelta(days=14)),
        "note": "The week of 9 March, an assembly slot at 9:00",
    }
    return {**fields, **overrides}


def create_request(school: School, **overrides: Any) -> EncounterRequest:
    """An open request for a digital careers talk at school for 200 in Year 9, in 10 to 20 days."""
    today = date.today()
    fields = {
        "school_id": school.id,
        "format": "careers_talk",
        "route": "digital",
        "pathway": "both",
        "year_groups": [9],
        "audience": 200,
        "location": "school",
        "wanted_from": today + timedelta(days=10),
        "wanted_until": today + timedelta(days=20),
        "status": "open",
    }
    request = EncounterRequest(**{**fields, **overrides})
    db.session.add(request)
    db.session.commit()
    return request


def create_answer(request: EncounterRequest, offer: EncounterOffer, **overrides: Any) -> EncounterResponse:
    """The offer's organisation's answer to the request, waiting for the school."""
    fields = {
        "request_id": request.id,
        "offer_id": offer.id,
        "employer_id": offer.employer_id,
        "message": "Our site manager can come",
        "status": "offered",
    }
    response = EncounterResponse(**{**fields, **overrides})
    db.session.add(response)
    db.session.commit()
    return response


def fitting_pair(school: School | None = None) -> tuple[EncounterRequest, EncounterOffer]:
    """A request and an offer of the same hub that fit: a careers talk for Year 9, 2 km apart."""
    school = school or factories.create_school()
    employer = factories.create_employer(db.session.get(Hub, school.hub_id))
    return create_request(school), create_offer(employer)


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _actions() -> list[str]:
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _fits(request: EncounterRequest) -> list[int]:
    return [fit.offer_id for fit in dao.fits(date.today(), EncounterRequest.id == request.id)]


# Which offers fit a request.


def test_an_offer_that_meets_every_rule_fits_with_its_distance(app: Flask) -> None:
    request, offer = fitting_pair()

    [fit] = dao.fits(date.today())

    assert (fit.request_id, fit.offer_id, fit.employer_id) == (request.id, offer.id, offer.employer_id)
    assert 1.5 < fit.km < 2.5  # M13 9PL to M1 1AD, in a straight line


# name, offer's, request's, organisation's and school's fields (timedeltas from today), whether it fits
RULES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any], bool]] = [
    ("a draft offer", {"status": "draft"}, {}, {}, {}, False),
    ("a withdrawn offer", {"status": "withdrawn"}, {}, {}, {}, False),
    ("an organisation not approved", {}, {}, {"status": "pending"}, {}, False),
    ("an organisation whose insurance ran out", {}, {}, {"insurance_expires": timedelta(days=-1)}, {}, False),
    ("another format", {"format": "qa_panel"}, {}, {}, {}, False),
    ("another route", {"route": "construction-and-the-built-environment"}, {}, {}, {}, False),
    (
        "any route asked for",
        {"route": "construction-and-the-built-environment"},
        {"route": None},
        {},
        {},
        True,
    ),
    ("another pathway", {"pathway": "academic"}, {"pathway": "technical"}, {}, {}, False),
    ("an offer for both pathways", {"pathway": "both"}, {"pathway": "technical"}, {}, {}, True),
    ("a request for both pathways", {"pathway": "academic"}, {"pathway": "both"}, {}, {}, True),
    ("another place", {}, {"location": "workplace"}, {}, {}, False),
    ("a year group the offer does not take", {}, {"year_groups": [9, 10]}, {}, {}, False),
    ("year groups all taken", {"year_groups": [8, 9, 10]}, {"year_groups": [9, 10]}, {}, {}, True),
    ("an audience over the largest group", {}, {"audience": 201}, {}, {}, False),
    (
        "an audience under a workshop's smallest group",
        {"format": "cv_workshop"},
        {"format": "cv_workshop", "audience": 29},
        {},
        {},
        False,
    ),
    ("an audience under a talk's smallest group", {}, {"audience": 29}, {}, {}, True),
    (
        "dates after the offer's",
        {},
        {"wanted_from": timedelta(days=91), "wanted_until": timedelta(days=95)},
        {},
        {},
        False,
    ),
    (
        "dates before the offer's",
        {"available_from": timedelta(days=30)},
        {},
        {},
        {},
        False,
    ),
    (
        "dates overlapping on one day",
        {},
        {"wanted_from": timedelta(days=90), "wanted_until": timedelta(days=95)},
        {},
        {},
        True,
    ),
    ("a school beyond the travel", {}, {}, {}, {"postcode": FAR}, False),
    ("a school within the travel", {"travel_km": 15}, {}, {}, {"postcode": FAR}, True),
    (
        "a school beyond the travel to the workplace",
        {"location": "workplace"},
        {"location": "workplace"},
        {},
        {"postcode": FAR},
        False,
    ),
    (
        "a school postcode without a grid reference",
        {"travel_km": 200},
        {},
        {},
        {"postcode": "ZZ99 9ZZ"},
        False,
    ),
    (
        "online, however far",
        {"location": "online", "travel_km": None},
        {"location": "online"},
        {},
        {"postcode": AWAY},
        True,
    ),
]


@pytest.mark.parametrize(
    ("offer_fields", "request_fields", "organisation", "school_fields", "fits"),
    [rule[1:] for rule in RULES],
    ids=[rule[0] for rule in RULES],
)
def test_each_rule_decides_whether_an_offer_fits(
    app: Flask,
    offer_fields: dict[str, Any],
    request_fields: dict[str, Any],
    organisation: dict[str, Any],
    school_fields: dict[str, Any],
    fits: bool,
) -> None:
    school = factories.create_school(**school_fields)
    employer = factories.create_employer(
        db.session.get(Hub, school.hub_id), **factories.from_today(organisation)
    )
    request = create_request(school, **factories.from_today(request_fields))
    offer = create_offer(employer, **factories.from_today(offer_fields))

    assert _fits(request) == ([offer.id] if fits else [])


def test_an_organisation_of_another_hub_never_fits(app: Flask) -> None:
    school = factories.create_school()
    request = create_request(school)
    create_offer(factories.create_employer())  # of a hub of its own

    assert _fits(request) == []


def test_many_requests_and_offers_are_matched_in_one_query_each(app: Flask) -> None:
    school = factories.create_school()
    hub = db.session.get(Hub, school.hub_id)
    requests = [create_request(school, audience=n) for n in (50, 150, 250)]
    small = create_offer(factories.create_employer(hub), group_max=100)
    large = create_offer(factories.create_employer(hub), group_max=300)

    found = {(fit.request_id, fit.offer_id) for fit in dao.fits(date.today())}

    assert found == {
        (requests[0].id, small.id),
        (requests[0].id, large.id),
        (requests[1].id, large.id),
        (requests[2].id, large.id),
    }


# Posting a request.


def test_posting_a_request_saves_every_field_audits_it_and_says_how_many_offers_fit(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    create_offer(
        factories.create_employer(db.session.get(Hub, school.hub_id)),
        route="construction-and-the-built-environment",
        pathway="technical",
    )

    page = careers_leader_request.post("careers.new_encounter_request", valid_request())

    request = db.session.scalar(select(EncounterRequest))
    assert page.location == careers_leader_request.url(
        "careers.encounter_request", encounter_request_id=request.id
    )
    today = date.today()
    assert (request.school_id, request.format, request.route, request.pathway, request.year_groups) == (
        school.id,
        "careers_talk",
        "construction-and-the-built-environment",
        "technical",
        [9],
    )
    assert (request.audience, request.location, request.wanted_from, request.wanted_until) == (
        200,
        "school",
        today + timedelta(days=10),
        today + timedelta(days=14),
    )
    assert (request.note, request.status, request.created_by_id) == (
        "The week of 9 March, an assembly slot at 9:00",
        "open",
        careers_leader_request.user.id,  # type: ignore[attr-defined]
    )
    assert _actions() == ["encounter_request_posted"]
    shown = careers_leader_request.get("careers.encounter_request", encounter_request_id=request.id)
    assert "1 offer fits it" in banner(shown)
    assert "1 offer fits this request" in shown.select_one("#fitting").text


def test_any_route_is_kept_as_no_route_and_said_as_any(careers_leader_request: ClientRequest) -> None:
    careers_leader_request.post("careers.new_encounter_request", valid_request(route="any"))

    request = db.session.scalar(select(EncounterRequest))
    assert request.route is None
    [row] = rows(careers_leader_request.get("careers.encounter_requests"), "encounter-requests")
    assert row[0] == "Careers talk or assembly Any route"


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"format": ""}, "Select the kind of encounter"),
        ({"format": "juggling"}, "Select the kind of encounter"),
        ({"route": "nowhere"}, "Select an occupational route, or any route"),
        ({"year_groups": []}, "Select at least one year group"),
        ({"year_groups": ["6"]}, "Select year groups from the list"),
        ({"audience": ""}, "Enter how many pupils there will be"),
        ({"audience": "0"}, "Number of pupils must be between 1 and 500 pupils"),
        ({"audience": "lots"}, "Number of pupils must be a whole number of pupils, like 200"),
        ({"location": ""}, "Select where it should take place"),
        ({"format": "online_talk"}, "Select online, as an online talk takes place online"),
        ({"wanted_from": ["", "", ""]}, "Enter the first date it could be"),
        ({"wanted_from": ["31", "2", "2027"]}, "The first date must be a real date"),
        ("yesterday", "The first date must be today or in the future"),
        ("backwards", "The last date must be the same as or after the first date"),
        ("years away", "The last date must be within 2 years of today"),
        ({"note": "x" * 201}, "When in those dates must be 200 characters or fewer"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    careers_leader_request: ClientRequest, posted: Any, message: str
) -> None:
    today = date.today()
    dated = {
        "yesterday": {"wanted_from": _day(today - timedelta(days=1))},
        "backwards": {"wanted_until": _day(today + timedelta(days=9))},
        "years away": {"wanted_until": _day(today + timedelta(days=800))},
    }
    data = valid_request(**(dated[posted] if isinstance(posted, str) else posted))

    page = careers_leader_request.post("careers.new_encounter_request", data, _expected_status=200)

    assert error_messages(page) == [message]
    assert page.title.text.startswith("Error: ")
    assert _count(EncounterRequest) == 0 and _count(AuditEvent) == 0


def test_the_list_shows_only_the_schools_own_requests_open_first(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    create_request(school, format="qa_panel", status="cancelled")
    create_request(school, format="mock_interviews", year_groups=[11], audience=24)
    create_request(factories.create_school(), format="speed_networking")

    listed = rows(careers_leader_request.get("careers.encounter_requests"), "encounter-requests")

    assert [(row[0], row[1], row[2], row[-1]) for row in listed] == [
        ("Mock interviews Digital", "Year 11", "24", "Open"),
        ("Q&A panel Digital", "Year 9", "200", "Cancelled"),
    ]


# Answers: accepting one, cancelling.


def _leader_email(request: ClientRequest) -> str:
    return request.user.email  # type: ignore[attr-defined]


def test_the_request_page_lists_the_answers_with_what_each_offers(
    careers_leader_request: ClientRequest,
) -> None:
    request, offer = fitting_pair(school_of(careers_leader_request))
    create_answer(request, offer)

    page = careers_leader_request.get("careers.encounter_request", encounter_request_id=request.id)

    employer = db.session.get(Employer, offer.employer_id)
    [row] = rows(page, "answers")
    assert row[:4] == [
        employer.name,
        "Careers talk or assembly At the school, up to 10 km away, 1 hour",
        "Our site manager can come",
        "Waiting for you",
    ]
    assert "Accept" in row[4]


def test_accepting_asks_first_then_books_declines_the_others_and_tells_each_organisation_once(
    careers_leader_request: ClientRequest,
) -> None:
    request, chosen_offer = fitting_pair(school_of(careers_leader_request))
    hub = db.session.get(Hub, school_of(careers_leader_request).hub_id)
    chosen = create_answer(request, chosen_offer)
    other = factories.create_employer(hub)
    # Another organisation answered with two of its offers: it hears once.
    others = [create_answer(request, create_offer(other)), create_answer(request, create_offer(other))]
    for organisation in (chosen_offer.employer_id, other.id):
        factories.create_user_for(
            "employer", db.session.get(Employer, organisation), email=f"org{organisation}@example.org"
        )

    page = careers_leader_request.get(
        "careers.accept_encounter_response", encounter_request_id=request.id, response_id=chosen.id
    )
    assert page.find("input", {"name": "csrf_token"})
    assert "The 1 other organisation that answered will be told" in " ".join(page.text.split())
    assert db.session.get(EncounterRequest, request.id).status == "open"

    careers_leader_request.post(
        "careers.accept_encounter_response", encounter_request_id=request.id, response_id=chosen.id
    )

    assert db.session.get(EncounterRequest, request.id).status == "booked"
    assert db.session.get(EncounterResponse, chosen.id).status == "accepted"
    assert [db.session.get(EncounterResponse, r.id).status for r in others] == ["declined", "declined"]
    assert _actions() == ["encounter_request_accepted"]
    assert deliver_queued() == 2
    [accepted] = sent_to(f"org{chosen_offer.employer_id}@example.org")
    school = school_of(careers_leader_request)
    assert accepted.subject == f"{school.name} has accepted your answer"
    assert _leader_email(careers_leader_request) in accepted.body
    [declined] = sent_to(f"org{other.id}@example.org")
    assert declined.subject == f"{school.name} has chosen another organisation"

    again = careers_leader_request.post(
        "careers.accept_encounter_response",
        encounter_request_id=request.id,
        response_id=others[0].id,
        _follow=True,
        _expected_status=200,
    )
    assert "can no longer be accepted" in banner(again)
    assert db.session.get(EncounterResponse, others[0].id).status == "declined"
    assert _count(Notification) == 2


def test_a_withdrawn_answer_cannot_be_accepted(careers_leader_request: ClientRequest) -> None:
    request, offer = fitting_pair(school_of(careers_leader_request))
    withdrawn = create_answer(request, offer, status="withdrawn")

    page = careers_leader_request.post(
        "careers.accept_encounter_response",
        encounter_request_id=request.id,
        response_id=withdrawn.id,
        _follow=True,
        _expected_status=200,
    )

    assert "can no longer be accepted" in banner(page)
    assert db.session.get(EncounterRequest, request.id).status == "open"
    assert _count(AuditEvent) == 0 and _count(Notification) == 0


def test_an_answer_withdrawn_while_the_page_was_open_books_nothing(
    careers_leader_request: ClientRequest,
) -> None:
    request, offer = fitting_pair(school_of(careers_leader_request))
    answer = create_answer(request, offer)
    school_id = careers_leader_request.user.school_id  # type: ignore[attr-defined]
    db.session.get(EncounterResponse, answer.id).status = "withdrawn"
    db.session.commit()

    with pytest.raises(dao.RequestError, match="withdrawn"), transaction():
        dao.accept(request.id, answer.id, school_id, careers_leader_request.user.id)  # type: ignore[attr-defined]

    assert db.session.get(EncounterRequest, request.id).status == "open"
    assert _count(AuditEvent) == 0


def test_cancelling_asks_first_then_tells_the_organisations_that_answered(
    careers_leader_request: ClientRequest,
) -> None:
    request, offer = fitting_pair(school_of(careers_leader_request))
    answer = create_answer(request, offer)
    create_answer(request, create_offer(db.session.get(Employer, offer.employer_id)), status="withdrawn")
    factories.create_user_for(
        "employer", db.session.get(Employer, offer.employer_id), email="org@example.org"
    )

    page = careers_leader_request.get("careers.cancel_encounter_request", encounter_request_id=request.id)
    assert "Are you sure you want to cancel" in page.h1.text
    assert page.find("input", {"name": "csrf_token"})

    page = careers_leader_request.post("careers.cancel_encounter_request", encounter_request_id=request.id)

    assert page.location == careers_leader_request.url("careers.encounter_requests")
    assert db.session.get(EncounterRequest, request.id).status == "cancelled"
    assert db.session.get(EncounterResponse, answer.id).status == "declined"
    assert _actions() == ["encounter_request_cancelled"]
    assert deliver_queued() == 1
    [told] = sent_to("org@example.org")
    assert told.subject == f"{school_of(careers_leader_request).name} has cancelled its request"
    again = careers_leader_request.post(
        "careers.cancel_encounter_request",
        encounter_request_id=request.id,
        _follow=True,
        _expected_status=200,
    )
    assert "already cancelled" in banner(again)
    assert _actions() == ["encounter_request_cancelled"]


def test_cancelling_a_booked_request_tells_the_organisation_it_accepted(
    careers_leader_request: ClientRequest,
) -> None:
    request, offer = fitting_pair(school_of(careers_leader_request))
    answer = create_answer(request, offer)
    factories.create_user_for(
        "employer", db.session.get(Employer, offer.employer_id), email="org@example.org"
    )
    careers_leader_request.post(
        "careers.accept_encounter_response", encounter_request_id=request.id, response_id=answer.id
    )

    careers_leader_request.post("careers.cancel_encounter_request", encounter_request_id=request.id)

    deliver_queued()
    # The acceptance is no longer true, so only the cancellation goes when they are sent together.
    assert [message.subject for message in sent_to("org@example.org")] == [
        f"{school_of(careers_leader_request).name} has cancelled its request"
    ]
    assert db.session.get(EncounterResponse, answer.id).status == "accepted"


def test_two_answers_accepted_at_once_book_the_request_once(app: Flask) -> None:
    school = factories.create_school()
    leader = factories.create_user_for("careers_leader", school)
    request, offer = fitting_pair(school)
    answers = [
        create_answer(request, offer),
        create_answer(request, create_offer(db.session.get(Employer, offer.employer_id))),
    ]

    def accept(response_id: int) -> Any:
        def call() -> bool:
            with transaction():
                dao.accept(request.id, response_id, school.id, leader.id)
            return True

        return call

    results = _race(app, [accept(answer.id) for answer in answers])

    assert sorted(map(str, results)) == ["This request is already booked or cancelled", "True"], results
    db.session.expire_all()
    statuses = sorted(db.session.get(EncounterResponse, answer.id).status for answer in answers)
    assert statuses == ["accepted", "declined"]
    assert _actions() == ["encounter_request_accepted"]


# Who may.


def _values(
    request: EncounterRequest, answer: EncounterResponse, with_request: bool, with_answer: bool
) -> dict[str, int]:
    values = {"encounter_request_id": request.id} if with_request else {}
    return {**values, "response_id": answer.id} if with_answer else values


def _call(client: ClientRequest, endpoint: str, method: str, status: int, **values: Any) -> Any:
    if method == "get":
        return client.get(endpoint, _expected_status=status, **values)
    return client.post(endpoint, valid_request(), _expected_status=status, **values)


def _unchanged(request: EncounterRequest, answer: EncounterResponse) -> None:
    assert db.session.get(EncounterRequest, request.id).status == "open"
    assert db.session.get(EncounterResponse, answer.id).status == "offered"
    assert _count(EncounterRequest) == 1
    assert _count(AuditEvent) == 0 and _count(Notification) == 0


@pytest.mark.parametrize(("endpoint", "method", "with_request", "with_answer"), [r for r in ROUTES if r[2]])
def test_another_schools_request_is_not_found(
    careers_leader_request: ClientRequest, endpoint: str, method: str, with_request: bool, with_answer: bool
) -> None:
    theirs, offer = fitting_pair()
    answer = create_answer(theirs, offer)

    page = _call(
        careers_leader_request, endpoint, method, 404, **_values(theirs, answer, with_request, with_answer)
    )

    assert "Page not found" in page.h1.text
    _unchanged(theirs, answer)


def test_an_answer_to_another_request_is_not_found(careers_leader_request: ClientRequest) -> None:
    ours, offer = fitting_pair(school_of(careers_leader_request))
    theirs, their_offer = fitting_pair()
    answer = create_answer(theirs, their_offer)

    for method in ("get", "post"):
        _call(
            careers_leader_request,
            "careers.accept_encounter_response",
            method,
            404,
            encounter_request_id=ours.id,
            response_id=answer.id,
        )

    assert db.session.get(EncounterRequest, ours.id).status == "open"
    assert db.session.get(EncounterResponse, answer.id).status == "offered"


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize(("endpoint", "method", "with_request", "with_answer"), ROUTES)
def test_other_roles_are_refused(
    request: pytest.FixtureRequest,
    role: str,
    endpoint: str,
    method: str,
    with_request: bool,
    with_answer: bool,
) -> None:
    client: ClientRequest = request.getfixturevalue(role)
    asked, offer = fitting_pair()
    answer = create_answer(asked, offer)

    page = _call(client, endpoint, method, 403, **_values(asked, answer, with_request, with_answer))

    assert "You do not have permission" in page.h1.text
    _unchanged(asked, answer)


@pytest.mark.parametrize(
    ("endpoint", "method", "with_request", "with_answer"), [r for r in ROUTES if r[1] == "post"]
)
def test_a_post_without_a_csrf_token_is_refused(
    careers_leader_request: ClientRequest, endpoint: str, method: str, with_request: bool, with_answer: bool
) -> None:
    asked, offer = fitting_pair(school_of(careers_leader_request))
    answer = create_answer(asked, offer)
    url = careers_leader_request.url(endpoint, **_values(asked, answer, with_request, with_answer))

    response = careers_leader_request.client.post(url, data=valid_request())

    assert response.status_code == 400
    _unchanged(asked, answer)


@pytest.mark.parametrize(
    "bad",
    [
        {"audience": 0},
        {"wanted_until": timedelta(days=5)},
        {"format": "juggling"},
        {"location": "moon"},
        {"pathway": "sideways"},
        {"status": "lost"},
    ],
)
def test_the_database_refuses_a_request_that_breaks_its_rules(app: Flask, bad: dict[str, Any]) -> None:
    school = factories.create_school()

    with pytest.raises(IntegrityError):
        create_request(school, **factories.from_today(bad))
    db.session.rollback()
    assert _count(EncounterRequest) == 0


def test_the_database_keeps_one_answer_per_request_and_offer(app: Flask) -> None:
    request, offer = fitting_pair()
    create_answer(request, offer)

    with pytest.raises(IntegrityError):
        create_answer(request, offer, status="withdrawn")
    db.session.rollback()
