"""The hub brokers encounter requests: the engine proposes an offer for each open request nobody has
answered, within each organisation's termly limit, a hub admin approves, and the organisation confirms
(its offer then answers the school) or declines."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.test_encounter_requests import create_answer, create_request
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import rows
from web.dao import encounter_matches as dao
from web.dao.encounter_requests import cancel
from web.extensions import db
from web.models import (
    Employer,
    EncounterMatch,
    EncounterOffer,
    EncounterRequest,
    EncounterResponse,
    Hub,
    Notification,
    School,
)

pytestmark = pytest.mark.usefixtures("app")

NEAR, FAR = "M1 1AD", "WA14 1AA"  # 2 km and about 13 km from the schools' M13 9PL


def _hub_of(request: ClientRequest) -> Hub:
    return db.session.get(Hub, request.user.hub_id)  # type: ignore[attr-defined]


def _offer(hub: Hub, postcode: str, **overrides: Any) -> EncounterOffer:
    employer = factories.create_employer(hub, postcode=postcode, name=f"Speakers at {postcode}")
    return create_offer(employer, **{"travel_km": 20, "per_term": 1, **overrides})


def _proposed() -> dict[int, int]:
    db.session.expire_all()
    found = select(EncounterMatch.request_id, EncounterMatch.offer_id).where(
        EncounterMatch.status == "proposed"
    )
    return dict(db.session.execute(found).all())


def _propose(hub: Hub) -> int:
    proposed = dao.propose(hub.id, None, date.today())  # type: ignore[arg-type]
    db.session.commit()
    return proposed


def test_the_engine_answers_as_many_requests_as_it_can_before_choosing_the_nearest() -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    first = create_request(school)  # wanted first: a greedy broker gives it the nearest and the second none
    second = create_request(school, year_groups=[10], wanted_from=first.wanted_from + timedelta(days=1))
    near = _offer(hub, NEAR, year_groups=[9, 10])
    far = _offer(hub, FAR)

    assert _propose(hub) == 2
    assert _proposed() == {first.id: far.id, second.id: near.id}


def test_with_room_the_nearest_offer_is_proposed_and_the_reason_says_why() -> None:
    hub = factories.create_hub()
    wanted = create_request(factories.create_school(hub))
    near = _offer(hub, NEAR, per_term=2)
    _offer(hub, FAR, per_term=2)

    _propose(hub)

    match = db.session.scalar(select(EncounterMatch))
    assert _proposed() == {wanted.id: near.id}
    assert match.reason.startswith("Speakers at M1 1AD's careers talk or assembly fits: 2 km from the school")
    assert (
        "one of 2 offers that fit" in match.reason and "They do 2 a term; 1 more left in the" in match.reason
    )


def test_an_offer_does_no_more_in_a_term_than_its_organisation_said() -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    today = date.today()
    near = _offer(hub, NEAR, available_until=today + timedelta(days=300))
    far = _offer(hub, FAR, available_until=today + timedelta(days=300))
    create_answer(create_request(school, status="booked"), near, status="accepted")
    now = create_request(school)
    next_term = create_request(
        school, wanted_from=today + timedelta(days=130), wanted_until=today + timedelta(days=140)
    )
    assert dao.term_of(now.wanted_from) != dao.term_of(next_term.wanted_from)

    _propose(hub)

    assert _proposed() == {now.id: far.id, next_term.id: near.id}


def test_requests_answered_or_asked_about_are_left_and_proposing_again_replaces_the_unapproved() -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    answered, asked, free = (create_request(school) for _ in range(3))
    near = _offer(hub, NEAR, per_term=5)
    create_answer(answered, near)
    db.session.add(
        EncounterMatch(request_id=asked.id, offer_id=near.id, employer_id=near.employer_id, status="asked")
    )
    db.session.commit()

    assert _propose(hub) == 1 and _proposed() == {free.id: near.id}
    assert _propose(hub) == 1 and _proposed() == {free.id: near.id}  # replaced, not added to
    assert db.session.scalar(select(func.count()).select_from(EncounterMatch)) == 2


def test_a_set_aside_or_declined_offer_is_not_proposed_for_that_request_again() -> None:
    hub = factories.create_hub()
    wanted = create_request(factories.create_school(hub))
    near = _offer(hub, NEAR)
    far = _offer(hub, FAR)
    _propose(hub)
    match = db.session.scalar(select(EncounterMatch))
    assert dao.reject(match.id, hub.id, None)  # type: ignore[arg-type]
    db.session.commit()

    _propose(hub)
    assert _proposed() == {wanted.id: far.id}
    assert near.id not in _proposed().values()


def test_a_request_has_one_proposal_waiting_at_a_time_in_the_database() -> None:
    hub = factories.create_hub()
    wanted = create_request(factories.create_school(hub))
    offer = _offer(hub, NEAR)
    for status in ("asked", "proposed"):
        db.session.add(
            EncounterMatch(
                request_id=wanted.id, offer_id=offer.id, employer_id=offer.employer_id, status=status
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_hub_proposes_approves_and_the_organisation_confirms_and_the_school_hears(
    hub_admin_request: ClientRequest, sign_in_as: Any
) -> None:
    hub = _hub_of(hub_admin_request)
    school = factories.create_school(hub, name="Hulme High School")
    leader = factories.create_user_for("careers_leader", school)
    wanted = create_request(school)
    offer = _offer(hub, NEAR)
    speaker = factories.create_user_for("employer", db.session.get(Employer, offer.employer_id))

    hub_admin_request.post("hub.propose_encounter_matches")
    page = hub_admin_request.get("hub.encounter_requests")
    (listed,) = rows(page, "proposed-matches")
    assert (listed[0], listed[2]) == ("Hulme High School", "Speakers at M1 1AD")
    assert listed[1].startswith("Careers talk or assembly for Year 9") and "2 km from the school" in listed[3]
    match = db.session.scalar(select(EncounterMatch))
    hub_admin_request.post("hub.decide_encounter_match", match_id=match.id, decision="approve")
    asked = db.session.scalars(
        select(Notification).where(Notification.template == "encounter_match_asked")
    ).all()
    assert [n.recipient for n in asked] == [speaker.email]

    organisation = sign_in_as(speaker)
    listed = rows(organisation.get("employers.encounter_requests"), "hub-asks-table")
    assert listed[0][0] == "Hulme High School"
    organisation.post("employers.decide_encounter_match", match_id=match.id, decision="confirm")

    db.session.expire_all()
    assert db.session.get(EncounterMatch, match.id).status == "confirmed"
    answer = db.session.scalar(select(EncounterResponse).where(EncounterResponse.request_id == wanted.id))
    assert (answer.offer_id, answer.status, answer.message) == (offer.id, "offered", dao.CONFIRMED_MESSAGE)
    told = db.session.scalars(
        select(Notification.recipient).where(Notification.template == "encounter_answered")
    )
    assert list(told) == [leader.email]
    assert db.session.get(EncounterRequest, wanted.id).status == "open"  # the school still accepts it
    again = organisation.post(
        "employers.decide_encounter_match",
        match_id=match.id,
        decision="decline",
        _follow=True,
        _expected_status=200,
    )
    assert "You have already answered the hub about this request" in again.text


def test_a_declined_proposal_frees_the_request_for_another_organisation(
    employer_request: ClientRequest,
) -> None:
    employer = db.session.get(Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    hub = db.session.get(Hub, employer.hub_id)
    wanted = create_request(factories.create_school(hub))
    mine = create_offer(employer, per_term=1)
    other = _offer(hub, FAR)
    _propose(hub)
    match = db.session.scalar(select(EncounterMatch))
    assert match.offer_id == mine.id
    dao.approve(match.id, hub.id, None)  # type: ignore[arg-type]
    db.session.commit()

    employer_request.post("employers.decide_encounter_match", match_id=match.id, decision="decline")

    _propose(hub)
    assert _proposed() == {wanted.id: other.id}


def test_another_hub_another_organisation_and_other_roles_are_refused(
    app: Flask, hub_admin_request: ClientRequest, employer_request: ClientRequest, sign_in_as: Any
) -> None:
    hub = factories.create_hub()
    create_request(factories.create_school(hub))
    offer = _offer(hub, NEAR)
    _propose(hub)
    match = db.session.scalar(select(EncounterMatch))

    for decision in ("approve", "reject"):
        hub_admin_request.post(
            "hub.decide_encounter_match", match_id=match.id, decision=decision, _expected_status=404
        )
    for decision in ("confirm", "decline"):  # not theirs, and not yet asked of the one it is for
        employer_request.post(
            "employers.decide_encounter_match", match_id=match.id, decision=decision, _expected_status=404
        )
        owner = sign_in_as(factories.create_user_for("employer", db.session.get(Employer, offer.employer_id)))
        owner.post(
            "employers.decide_encounter_match", match_id=match.id, decision=decision, _expected_status=404
        )
    leader = sign_in_as(
        factories.create_user_for("careers_leader", db.session.get(School, factories.create_school(hub).id))
    )
    leader.post("hub.propose_encounter_matches", _expected_status=403)
    leader.post("hub.decide_encounter_match", match_id=match.id, decision="approve", _expected_status=403)
    for role in ("student", "hub_admin"):
        other = sign_in_as(factories.create_user_for(role))
        other.post(
            "employers.decide_encounter_match", match_id=match.id, decision="confirm", _expected_status=403
        )
    db.session.expire_all()
    assert db.session.get(EncounterMatch, match.id).status == "proposed"


def test_nobody_signed_in_or_without_a_csrf_token_is_refused(
    client_request: ClientRequest, hub_admin_request: ClientRequest
) -> None:
    hub = _hub_of(hub_admin_request)
    create_request(factories.create_school(hub))
    _offer(hub, NEAR)
    _propose(hub)
    match = db.session.scalar(select(EncounterMatch))
    for endpoint, decision in (
        ("hub.decide_encounter_match", "approve"),
        ("employers.decide_encounter_match", "confirm"),
    ):
        page = client_request.post(endpoint, match_id=match.id, decision=decision)
        assert "/sign-in" in page.location  # type: ignore[attr-defined]
    url = hub_admin_request.url("hub.decide_encounter_match", match_id=match.id, decision="approve")
    assert hub_admin_request.client.post(url).status_code == 400
    db.session.expire_all()
    assert db.session.get(EncounterMatch, match.id).status == "proposed"


def test_a_request_booked_or_cancelled_closes_its_waiting_proposals_and_frees_the_term() -> None:
    hub = factories.create_hub()
    school = factories.create_school(hub)
    first, second = create_request(school), create_request(school)
    offer = _offer(hub, NEAR)  # one a term
    _propose(hub)
    match = db.session.scalar(select(EncounterMatch))
    assert dao.approve(match.id, hub.id, None)  # type: ignore[arg-type]
    db.session.commit()
    assert dao.asked_of(offer.employer_id) and _propose(hub) == 0  # the term's one is asked about

    cancel(match.request_id, school.id, None)  # type: ignore[arg-type]
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(EncounterMatch, match.id).status == "closed"
    assert dao.asked_of(offer.employer_id) == []
    other = second if match.request_id == first.id else first
    assert _propose(hub) == 1 and _proposed() == {other.id: offer.id}


def test_a_long_organisation_name_fits_in_the_reason() -> None:
    hub = factories.create_hub()
    create_request(factories.create_school(hub))
    offer = _offer(hub, NEAR)
    db.session.get(Employer, offer.employer_id).name = "A" * 200
    db.session.commit()

    assert _propose(hub) == 1
    assert db.session.scalar(select(EncounterMatch.reason)).startswith("A" * 200)


def test_a_confirmed_offer_withdrawn_is_not_proposed_again_and_an_answer_already_given_confirms() -> None:
    hub = factories.create_hub()
    wanted = create_request(factories.create_school(hub))
    offer = _offer(hub, NEAR, per_term=5)
    _propose(hub)
    match = db.session.scalar(select(EncounterMatch))
    dao.approve(match.id, hub.id, None)  # type: ignore[arg-type]
    create_answer(wanted, offer)  # they answered the school themselves meanwhile
    assert dao.confirm(match.id, offer.employer_id, None, date.today())  # type: ignore[arg-type]
    db.session.commit()
    answers = select(func.count()).select_from(EncounterResponse)
    assert db.session.scalar(answers) == 1

    db.session.execute(update(EncounterResponse).values(status="withdrawn"))
    db.session.commit()
    assert _propose(hub) == 0
