"""The hub's termly asks: drafted from the kept plan's shortfall and sized by each employer's past offers,
one an employer a term (a draft replaced, a sent one never again, the database refusing a second), the
email sent once, each part accepted into the pool or declined by its employer alone; other roles refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import rows
from web.dao import asks as dao
from web.dao.ask_sizes import shortfall_left
from web.dao.base import transaction
from web.dao.plans import kept_plan
from web.extensions import db
from web.models import AskPart, Employer, EmployerAsk, EncounterOffer, Hub, Notification, TermPlan
from web.planner.terms import coming_terms, term_dates
from workers import planner_tasks

NEAR = "M1 1AD"  # 2 km from the schools' M13 9PL
EMPLOYER_ENDPOINTS = {"employers.asks", "employers.accept_ask_part", "employers.decline_ask_part"}


@pytest.fixture
def hub(hub_admin_request: ClientRequest) -> Hub:
    return db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined,return-value]


def _term() -> tuple[int, int]:
    return coming_terms(date.today())[1]  # next term: nothing of it has happened yet


def _past(employer: Employer, **fields: Any) -> EncounterOffer:
    """An offer the employer made last year: not in this term's pool, so the plan leaves it alone."""
    long_ago = date.today() - timedelta(days=400)
    return create_offer(
        employer,
        year_groups=[8],
        available_from=long_ago,
        available_until=long_ago + timedelta(days=60),
        status="withdrawn",
        **fields,
    )


def _seed(hub: Hub) -> dict[str, Employer]:
    """Five Year 8 pupils short of an encounter and workplace hours; a talk of 2 seats in the term's pool;
    Alpha (who ran a fair's stand) and Beta made talks and a tour before."""
    school = factories.create_school(hub)
    for n in range(5):
        factories.create_student(
            school, last_name=f"Pupil{n}", year_group=8, tutor_group="8A" if n < 4 else None
        )
    start, end = term_dates(*_term())
    planned = factories.create_employer(hub, name="Planned Ltd", postcode=NEAR)
    create_offer(
        planned,
        year_groups=[8],
        group_min=1,
        group_max=2,
        per_term=1,
        available_from=start,
        available_until=end,
    )
    alpha = factories.create_employer(hub, name="Alpha plc", postcode=NEAR)
    _past(alpha, group_min=1, group_max=1, per_term=2)  # a talk for one, twice a term
    _past(
        alpha,
        format="workplace_visit",
        group_min=3,
        group_max=5,
        hours=Decimal("3"),
        location="workplace",
        per_term=1,
        whole_group=True,
        staff_places=2,
    )
    fair = factories.create_event(hub, held_on=date.today() - timedelta(days=30), status="held")
    factories.create_slot(fair, employer_id=alpha.id)
    beta = factories.create_employer(hub, name="Beta Co", postcode=NEAR, contact_email="hello@beta.example")
    _past(beta, group_min=1, group_max=1, per_term=5)
    factories.create_employer(hub, name="Quiet Ltd")  # nothing offered or run: not engaged
    return {"planned": planned, "alpha": alpha, "beta": beta}


def _kept(hub: Hub, request: ClientRequest) -> TermPlan:
    year, term = _term()
    with transaction():
        plan = planner_tasks.dao.start_plan(hub.id, year, term, 0, request.user.id)  # type: ignore[attr-defined]
    assert plan is not None
    planner_tasks.make_plan(plan.id)
    db.session.expire_all()
    request.post("planner.keep_plan", plan_id=plan.id)
    found = kept_plan(hub.id, year, term)
    assert found is not None and found.status == "succeeded", found and found.error
    return found


def _draft(request: ClientRequest) -> Any:
    year, term = _term()
    return request.post(
        "planner.draft_asks", academic_year=year, term=term, _follow=True, _expected_status=200
    )


def _asks() -> dict[str, EmployerAsk]:
    found = db.session.execute(select(Employer.name, EmployerAsk).join(Employer)).all()
    return {name: ask for name, ask in found}


def _parts(ask: EmployerAsk) -> list[tuple[str, int]]:
    return [
        (part.format, part.sessions)
        for part in db.session.scalars(select(AskPart).where(AskPart.ask_id == ask.id).order_by(AskPart.id))
    ]


def test_asks_are_drafted_from_the_kept_plans_shortfall_sized_by_past_offers(
    hub_admin_request: ClientRequest, hub: Hub
) -> None:
    _seed(hub)
    plan = _kept(hub, hub_admin_request)
    # Five pupils short of an encounter, two given the talk's seats: 3 left. Each Year 8 pupil is owed
    # 15 workplace hours by the end of the year (the default tiers), none planned: 75 left.
    assert shortfall_left(plan, date.today()).tolist()[0] == 3
    assert shortfall_left(plan, date.today()).tolist()[2] == 75

    page = _draft(hub_admin_request)

    asks = _asks()
    assert set(asks) == {"Alpha plc", "Beta Co"}  # the talk's own employer is left nothing to fill
    # Alpha first (a past slot): its talk twice (all it said it would do), and its tour for 5 once (15 of
    # the 75 hours: all it said it would do); Beta's talk once covers the encounter left.
    assert _parts(asks["Alpha plc"]) == [("careers_talk", 2), ("workplace_visit", 1)]
    assert _parts(asks["Beta Co"]) == [("careers_talk", 1)]
    table = rows(page, "asks")
    assert table[0][0] == "Alpha plc" and "2 careers talks for 1 pupil" in table[0][1]
    assert "1 workplace tour for a whole tutor group of 5" in table[0][1] and table[0][2] == "Draft"


def test_without_a_kept_plan_drafting_is_refused_with_its_reason(
    hub_admin_request: ClientRequest, hub: Hub
) -> None:
    _seed(hub)
    page = _draft(hub_admin_request)
    assert (
        "Keep a plan for the" in page.get_text()
        and "asks are sized to what its plan leaves" in page.get_text()
    )
    assert db.session.scalar(select(func.count()).select_from(EmployerAsk)) == 0


def test_one_ask_a_term_a_draft_replaced_and_a_sent_one_never_again(
    hub_admin_request: ClientRequest, hub: Hub
) -> None:
    employers = _seed(hub)
    _kept(hub, hub_admin_request)
    _draft(hub_admin_request)
    first = set(_asks())
    _draft(hub_admin_request)
    assert set(_asks()) == first  # the drafts replaced, not added to
    assert db.session.scalar(select(func.count()).select_from(EmployerAsk)) == 2
    assert db.session.scalar(select(func.count()).select_from(AskPart)) == 3

    year, term = _term()
    hub_admin_request.post("planner.send_asks", academic_year=year, term=term)
    sent = {name: (ask.id, ask.status) for name, ask in _asks().items()}
    assert {status for _, status in sent.values()} == {"sent"}
    _draft(hub_admin_request)  # nothing left short that others could fill, and the sent ones stay
    db.session.expire_all()
    assert {name: (ask.id, ask.status) for name, ask in _asks().items()} == sent

    db.session.add(
        EmployerAsk(hub_id=hub.id, employer_id=employers["alpha"].id, academic_year=year, term=term)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_sending_emails_each_employer_once_with_the_parts_in_words(
    hub_admin_request: ClientRequest, hub: Hub
) -> None:
    employers = _seed(hub)
    person = factories.create_user_for("employer", employers["alpha"])
    _kept(hub, hub_admin_request)
    _draft(hub_admin_request)
    year, term = _term()
    hub_admin_request.post("planner.send_asks", academic_year=year, term=term)
    hub_admin_request.post("planner.send_asks", academic_year=year, term=term)  # nothing left to send
    with transaction():
        ask = _asks()["Alpha plc"]
        dao.send_asks(hub.id, year, term, hub_admin_request.user.id)  # type: ignore[attr-defined]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2  # Alpha's user, Beta's
    deliver_queued()
    messages = sent_to(person.email)
    assert len(messages) == 1
    body = str(messages[0].body)
    assert "2 careers talks for 1 pupil, 1 workplace tour for a whole tutor group of 5" in body
    assert "/employer/asks" in body and str(ask.id) not in messages[0].subject
    beta = db.session.get(Employer, employers["beta"].id)
    assert beta is not None and len(sent_to(beta.contact_email)) == 1  # no users: its contact address


def _sent(hub: Hub, request: ClientRequest) -> dict[str, EmployerAsk]:
    _kept(hub, request)
    _draft(request)
    year, term = _term()
    request.post("planner.send_asks", academic_year=year, term=term)
    return _asks()


def test_an_accepted_part_becomes_an_offer_in_the_hubs_pool(
    hub_admin_request: ClientRequest, hub: Hub, sign_in_as: Any
) -> None:
    employers = _seed(hub)
    asks = _sent(hub, hub_admin_request)
    alpha = sign_in_as(factories.create_user_for("employer", employers["alpha"]))
    page = alpha.get("employers.asks")
    ask = asks["Alpha plc"]
    assert "2 careers talks for 1 pupil" in rows(page, f"ask-parts-{ask.id}")[0][0]
    tour = db.session.scalars(select(AskPart).where(AskPart.format == "workplace_visit")).one()

    alpha.post("employers.accept_ask_part", part_id=tour.id)
    alpha.post("employers.accept_ask_part", part_id=tour.id)  # twice: one offer

    db.session.expire_all()
    offer = db.session.get(EncounterOffer, tour.offer_id)
    start, end = term_dates(*_term())
    assert tour.status == "accepted" and offer is not None and offer.status == "offered"
    assert (offer.available_from, offer.available_until, offer.per_term) == (start, end, 1)
    assert offer.whole_group and offer.group_max == 5 and offer.format == "workplace_visit"
    assert (
        db.session.scalar(
            select(func.count()).select_from(EncounterOffer).where(EncounterOffer.status == "offered")
        )
        == 2
    )
    pool = hub_admin_request.get("hub.encounter_offers")
    assert "Alpha plc" in pool.get_text() and "Workplace visit or tour" in pool.get_text()
    page = alpha.get("employers.asks")
    assert page.find("a", href=f"/employer/encounter-offers/{offer.id}/edit") is not None
    year, term = _term()
    assert "Accepted" in hub_admin_request.get("planner.asks", term=f"{year}-{term}").get_text()


def test_a_declined_part_is_declined_and_makes_nothing(
    hub_admin_request: ClientRequest, hub: Hub, sign_in_as: Any
) -> None:
    employers = _seed(hub)
    _sent(hub, hub_admin_request)
    beta = sign_in_as(factories.create_user_for("employer", employers["beta"]))
    part = db.session.scalars(
        select(AskPart).join(EmployerAsk).where(EmployerAsk.employer_id == employers["beta"].id)
    ).one()
    beta.post("employers.decline_ask_part", part_id=part.id)
    page = beta.post("employers.accept_ask_part", part_id=part.id, _follow=True, _expected_status=200)
    assert "already been answered" in page.get_text()
    db.session.expire_all()
    assert part.status == "declined" and part.offer_id is None


def test_another_employers_part_and_a_draft_are_not_found(
    hub_admin_request: ClientRequest, hub: Hub, sign_in_as: Any, employer_request: ClientRequest
) -> None:
    employers = _seed(hub)
    _kept(hub, hub_admin_request)
    _draft(hub_admin_request)
    alpha = sign_in_as(factories.create_user_for("employer", employers["alpha"]))
    draft_part = db.session.scalars(
        select(AskPart).join(EmployerAsk).where(EmployerAsk.employer_id == employers["alpha"].id)
    ).first()
    assert draft_part is not None
    alpha.post("employers.accept_ask_part", part_id=draft_part.id, _expected_status=404)  # a draft
    year, term = _term()
    hub_admin_request.post("planner.send_asks", academic_year=year, term=term)
    for endpoint in ("employers.accept_ask_part", "employers.decline_ask_part"):
        employer_request.post(endpoint, part_id=draft_part.id, _expected_status=404)
    assert "Alpha" not in employer_request.get("employers.asks").get_text()
    db.session.expire_all()
    assert draft_part.status == "asked"


def test_other_roles_are_refused_on_every_route(
    hub_admin_request: ClientRequest,
    hub: Hub,
    careers_leader_request: ClientRequest,
    student_request: ClientRequest,
    employer_request: ClientRequest,
) -> None:
    year, term = _term()
    for request in (careers_leader_request, student_request, employer_request):
        request.get("planner.asks", _expected_status=403)
        request.post("planner.draft_asks", _expected_status=403, academic_year=year, term=term)
        request.post("planner.send_asks", _expected_status=403, academic_year=year, term=term)
    for request in (careers_leader_request, student_request, hub_admin_request):
        request.get("employers.asks", _expected_status=403)
        request.post("employers.accept_ask_part", _expected_status=403, part_id=1)
        request.post("employers.decline_ask_part", _expected_status=403, part_id=1)


def test_a_term_not_coming_is_not_found(hub_admin_request: ClientRequest) -> None:
    hub_admin_request.post("planner.draft_asks", academic_year=1999, term=1, _expected_status=404)
    hub_admin_request.post("planner.send_asks", academic_year=2026, term=9, _expected_status=404)
    assert "No asks for this term yet" in hub_admin_request.get("planner.asks", term="nonsense").get_text()


@pytest.mark.parametrize("endpoint", ["planner.draft_asks", "planner.send_asks"])
def test_a_hub_post_without_a_csrf_token_is_refused(
    hub_admin_request: ClientRequest, hub: Hub, endpoint: str
) -> None:
    _seed(hub)
    _kept(hub, hub_admin_request)
    year, term = _term()
    response = hub_admin_request.client.post(hub_admin_request.url(endpoint, academic_year=year, term=term))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(EmployerAsk)) == 0


@pytest.mark.parametrize("endpoint", ["employers.accept_ask_part", "employers.decline_ask_part"])
def test_an_employer_post_without_a_csrf_token_is_refused(
    hub_admin_request: ClientRequest, hub: Hub, sign_in_as: Any, endpoint: str
) -> None:
    employers = _seed(hub)
    _sent(hub, hub_admin_request)
    beta = sign_in_as(factories.create_user_for("employer", employers["beta"]))
    part = db.session.scalars(
        select(AskPart).join(EmployerAsk).where(EmployerAsk.employer_id == employers["beta"].id)
    ).one()
    response = beta.client.post(beta.url(endpoint, part_id=part.id))
    assert response.status_code == 400
    db.session.expire_all()
    assert part.status == "asked"
