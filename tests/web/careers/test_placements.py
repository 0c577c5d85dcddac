"""The careers leader's placements: consent status for each, the link sent again, consent on paper."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.mail import deliver_queued, sent_to
from tests.web.parents.helpers import PARENT, accepted, adult, consent_of, emailed_link
from tests.web.parents.test_consent import GIVE, _post
from web.extensions import db
from web.models import Allocation, Employer, Opportunity, School


def _school(request: ClientRequest) -> School:
    return db.session.get(School, request.user.school_id)  # type: ignore[attr-defined]


def _status(allocation: Allocation) -> str:
    return db.session.scalar(select(Allocation.status).where(Allocation.id == allocation.id))


def test_the_list_shows_the_schools_placements_with_consent_status(
    careers_leader_request: ClientRequest,
) -> None:
    school = _school(careers_leader_request)
    accepted(school, first_name="Waiting")
    accepted(school, first_name="Grown", **adult())
    accepted(school, first_name="Unreachable", parent_email=None)
    accepted(first_name="Elsewhere")  # another school's

    page = careers_leader_request.get("careers.placements")

    rows = {
        row.select("th, td")[0].text.strip(): row.select("td")[-1].text.strip()
        for row in page.select("#placements-table tbody tr")
    }
    assert rows == {
        "Waiting Smith": "Waiting",
        "Grown Smith": "Not needed (18 or over)",
        "Unreachable Smith": "No parent email",
    }


def test_the_list_can_be_filtered_by_status(careers_leader_request: ClientRequest) -> None:
    school = _school(careers_leader_request)
    accepted(school, first_name="Waiting")
    refused = accepted(school, first_name="Refused")
    db.session.execute(
        Allocation.__table__.update().where(Allocation.id == refused.id).values(status="consent_refused")
    )
    db.session.commit()

    page = careers_leader_request.get("careers.placements", status="consent_refused")

    assert [row.select_one("th, td").text.strip() for row in page.select("#placements-table tbody tr")] == [
        "Refused Smith"
    ]
    assert (
        len(
            careers_leader_request.get("careers.placements", status="nonsense").select(
                "#placements-table tbody tr"
            )
        )
        == 2
    )


def test_another_schools_placement_is_not_found(careers_leader_request: ClientRequest) -> None:
    other = accepted()

    careers_leader_request.get("careers.placement", allocation_id=other.id, _expected_status=404)
    careers_leader_request.post("careers.send_consent_link", allocation_id=other.id, _expected_status=404)
    careers_leader_request.post(
        "careers.paper_consent", {"parent_name": "X"}, allocation_id=other.id, _expected_status=404
    )
    careers_leader_request.post(
        "careers.withdraw_placement", {"reason": "X"}, allocation_id=other.id, _expected_status=404
    )
    assert _status(other) == "accepted"


def test_other_roles_cannot_see_placements(
    employer_request: ClientRequest, student_request: ClientRequest, hub_admin_request: ClientRequest
) -> None:
    allocation = accepted()
    for request in (employer_request, student_request, hub_admin_request):
        request.get("careers.placements", _expected_status=403)
        request.get("careers.placement", allocation_id=allocation.id, _expected_status=403)
        request.post("careers.send_consent_link", allocation_id=allocation.id, _expected_status=403)
        request.post("careers.paper_consent", allocation_id=allocation.id, _expected_status=403)
        request.post(
            "careers.withdraw_placement", {"reason": "X"}, allocation_id=allocation.id, _expected_status=403
        )


def test_the_placement_page_shows_consent_details(careers_leader_request: ClientRequest) -> None:
    allocation = accepted(_school(careers_leader_request))
    parent = ClientRequest(careers_leader_request.app.test_client(), careers_leader_request.app)
    _post(
        parent,
        emailed_link(),
        {**GIVE, "share": "share", "needs": "Uses an inhaler"},
    )

    page = careers_leader_request.get("careers.placement", allocation_id=allocation.id)

    details = page.select_one("#consent-details").text
    assert "Pat Smith" in details and "Jo Smith 07700 900982" in details and "Uses an inhaler" in details
    assert "Online, through the emailed link" in details
    assert page.select_one("#send-link") is None


def test_sending_the_link_again_ends_the_old_one(careers_leader_request: ClientRequest) -> None:
    allocation = accepted(_school(careers_leader_request))
    old = emailed_link()

    careers_leader_request.post("careers.send_consent_link", allocation_id=allocation.id)

    new = emailed_link()
    assert new != old
    assert careers_leader_request.client.get(old).status_code == 404
    assert careers_leader_request.client.get(new).status_code == 200


def test_consent_given_on_paper_moves_the_placement_on(careers_leader_request: ClientRequest) -> None:
    allocation = accepted(_school(careers_leader_request), parent_email=None)
    page = careers_leader_request.get("careers.placement", allocation_id=allocation.id)
    assert page.select_one("#no-email") is not None
    from web.dates import london_today

    today = london_today()
    careers_leader_request.post(
        "careers.paper_consent",
        {
            "parent_name": "Pat Smith",
            "given_on": [str(today.day), str(today.month), str(today.year)],
            "emergency_phone": "0161 496 0000",
        },
        allocation_id=allocation.id,
    )

    consent = consent_of(allocation)
    assert (consent.decision, consent.parent_name, consent.emergency_phone) == (
        "given",
        "Pat Smith",
        "0161 496 0000",
    )
    assert consent.recorded_by_id == careers_leader_request.user.id  # type: ignore[attr-defined]
    assert _status(allocation) == "consented"
    assert "On paper" in careers_leader_request.get("careers.placement", allocation_id=allocation.id).text


def test_consent_on_paper_ends_the_emailed_link(careers_leader_request: ClientRequest) -> None:
    allocation = accepted(_school(careers_leader_request))
    link = emailed_link(PARENT)
    from web.dates import london_today

    today = london_today()
    careers_leader_request.post(
        "careers.paper_consent",
        {"parent_name": "Pat Smith", "given_on": [str(today.day), str(today.month), str(today.year)]},
        allocation_id=allocation.id,
    )

    assert careers_leader_request.client.get(link).status_code == 404


def test_a_paper_consent_with_problems_says_what(careers_leader_request: ClientRequest) -> None:
    allocation = accepted(_school(careers_leader_request))

    page = careers_leader_request.post(
        "careers.paper_consent",
        {"parent_name": "", "given_on": ["1", "1", "2099"]},
        allocation_id=allocation.id,
        _expected_status=200,
    )

    text = page.select_one(".govuk-error-summary").text
    assert "Enter the parent or carer's full name" in text
    assert "Date consent was given must be today or in the past" in text
    assert consent_of(allocation).decision == "pending"


def test_paper_consent_for_a_placement_not_waiting_changes_nothing(
    careers_leader_request: ClientRequest,
) -> None:
    allocation = accepted(_school(careers_leader_request))
    db.session.execute(
        Allocation.__table__.update().where(Allocation.id == allocation.id).values(status="withdrawn")
    )
    db.session.commit()
    from web.dates import london_today

    today = london_today()
    careers_leader_request.post(
        "careers.paper_consent",
        {"parent_name": "Pat Smith", "given_on": [str(today.day), str(today.month), str(today.year)]},
        allocation_id=allocation.id,
    )

    assert consent_of(allocation).decision == "pending"
    assert _status(allocation) == "withdrawn"
    assert factories is not None


@pytest.mark.parametrize("nasty", ["\x00", "9" * 5000, "x" * 100_000, "1e309"])
def test_garbage_on_paper_is_refused_not_saved(careers_leader_request: ClientRequest, nasty: str) -> None:
    allocation = accepted(_school(careers_leader_request))
    data = {
        "parent_name": nasty,
        "given_on": [nasty, nasty, nasty],
        "emergency_name": nasty,
        "emergency_phone": nasty,
    }

    careers_leader_request.post(
        "careers.paper_consent", data, allocation_id=allocation.id, _expected_status=200
    )

    assert consent_of(allocation).decision == "pending"


def test_the_school_withdraws_a_student_whose_parent_asks_and_the_employer_is_told(
    careers_leader_request: ClientRequest,
) -> None:
    allocation = accepted(_school(careers_leader_request))
    employer = db.session.get(Employer, db.session.get(Opportunity, allocation.opportunity_id).employer_id)
    factories.create_user_for("employer", employer, email="host@example.org")
    page = careers_leader_request.get("careers.placement", allocation_id=allocation.id)
    assert page.select_one("#withdraw") is not None

    page = careers_leader_request.post(
        "careers.withdraw_placement", {"reason": ""}, allocation_id=allocation.id, _expected_status=200
    )
    assert "Enter why the student is withdrawing" in page.get_text()
    assert _status(allocation) == "accepted"

    careers_leader_request.post(
        "careers.withdraw_placement", {"reason": "Their mother asked"}, allocation_id=allocation.id
    )

    saved = db.session.get(Allocation, allocation.id)
    assert (saved.status, saved.ended_reason) == ("withdrawn", "Withdrawn by the school: Their mother asked")
    assert db.session.get(Opportunity, allocation.opportunity_id).places_taken == 0
    deliver_queued()
    [told] = sent_to("host@example.org")
    assert "withdrawn" in told.subject and "mother" not in str(told.body)


def test_a_placement_that_has_started_cannot_be_withdrawn_by_the_school(
    careers_leader_request: ClientRequest,
) -> None:
    allocation = accepted(_school(careers_leader_request))
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    opportunity.start_date = date.today()
    db.session.commit()
    assert (
        careers_leader_request.get("careers.placement", allocation_id=allocation.id).select_one("#withdraw")
        is None
    )

    careers_leader_request.post(
        "careers.withdraw_placement", {"reason": "Too late"}, allocation_id=allocation.id
    )

    assert _status(allocation) == "accepted"
