"""A mentoring programme meets pupils one to one, so no school's request fits it until the hub records that it
saw the mentor's enhanced DBS certificate: whose, its date of issue, who saw it and when."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.test_encounter_requests import create_request
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import error_messages
from web.dao import encounter_matches
from web.dao.encounter_requests import fitting_count
from web.extensions import db
from web.models import AuditEvent, EncounterMatch, EncounterOffer, Hub

VALID = {"mentor": "Sam Okoro", "issued_on": ["14", "9", "2026"], "seen": "y"}


def _mentoring(hub: Hub) -> tuple[EncounterOffer, int]:
    """A mentoring programme for Year 12 and a school's request that fits it but for the DBS check."""
    offer = create_offer(
        factories.create_employer(hub),
        format="mentoring_programme",
        sessions=6,
        year_groups=[12],
        group_min=1,
        group_max=4,
        location="workplace",
    )
    request = create_request(
        factories.create_school(hub),
        format="mentoring_programme",
        year_groups=[12],
        audience=4,
        location="workplace",
    )
    return offer, request.id


def test_no_request_fits_a_mentoring_programme_until_its_dbs_check_is_recorded(
    hub_admin_request: ClientRequest,
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    offer, request_id = _mentoring(hub)
    assert fitting_count(request_id, date.today()) == 0
    assert encounter_matches.propose(hub.id, None, date.today()) == 0  # type: ignore[arg-type]
    db.session.rollback()
    listed = hub_admin_request.get("hub.encounter_offers")
    assert "No DBS check recorded: no request fits it" in listed.select_one("#encounter-offers").text

    hub_admin_request.post("hub.record_dbs_check", VALID, offer_id=offer.id)

    db.session.expire_all()
    saved = db.session.get(EncounterOffer, offer.id)
    assert (saved.dbs_mentor, saved.dbs_issued_on) == ("Sam Okoro", date(2026, 9, 14))
    assert (saved.dbs_seen_by_id, saved.dbs_seen_on) == (hub_admin_request.user.id, date.today())  # type: ignore[attr-defined]
    assert db.session.scalar(select(AuditEvent.action)) == "mentor_dbs_recorded"
    assert fitting_count(request_id, date.today()) == 1
    assert encounter_matches.propose(hub.id, None, date.today()) == 1  # type: ignore[arg-type]
    assert db.session.scalar(select(EncounterMatch.offer_id)) == offer.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mentor": " "}, "Enter the mentor's full name, as on the certificate"),
        ({"issued_on": ["", "", ""]}, "Enter the certificate's date of issue"),
        ({"issued_on": ["31", "2", "2026"]}, "Date of issue"),
        ({"seen": ""}, "Select whether you have seen the original certificate"),
        ({"seen": "n"}, "Record the check once you have seen the original certificate"),
    ],
)
def test_a_missing_or_wrong_answer_is_named_and_nothing_is_saved(
    hub_admin_request: ClientRequest, change: dict[str, object], message: str
) -> None:
    offer, _ = _mentoring(db.session.get(Hub, hub_admin_request.user.hub_id))  # type: ignore[attr-defined]

    page = hub_admin_request.post(
        "hub.record_dbs_check", {**VALID, **change}, offer_id=offer.id, _expected_status=200
    )

    assert any(message in error for error in error_messages(page))
    db.session.expire_all()
    assert db.session.get(EncounterOffer, offer.id).dbs_issued_on is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_certificate_not_yet_issued_is_refused(hub_admin_request: ClientRequest) -> None:
    offer, _ = _mentoring(db.session.get(Hub, hub_admin_request.user.hub_id))  # type: ignore[attr-defined]
    tomorrow = date.today() + timedelta(days=1)
    answers = {**VALID, "issued_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]}

    page = hub_admin_request.post("hub.record_dbs_check", answers, offer_id=offer.id, _expected_status=200)

    assert "Date of issue must be today or in the past" in error_messages(page)


def test_only_a_mentoring_programme_of_the_hubs_own_has_a_dbs_check(hub_admin_request: ClientRequest) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    talk = create_offer(factories.create_employer(hub))
    theirs, _ = _mentoring(factories.create_hub())

    for offer in (talk, theirs):
        hub_admin_request.get("hub.record_dbs_check", _expected_status=404, offer_id=offer.id)
        hub_admin_request.post("hub.record_dbs_check", VALID, _expected_status=404, offer_id=offer.id)
