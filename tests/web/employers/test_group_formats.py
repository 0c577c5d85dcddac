"""Group formats on an encounter offer: a project over several days, a whole class or tutor group with its
staff, and how the offer's lists say so."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_encounter_offers import create_offer, valid_offer
from tests.web.pages import error_messages, rows
from web.extensions import db
from web.models import Employer, EncounterOffer, Hub


def _saved() -> EncounterOffer:
    return db.session.scalars(select(EncounterOffer)).one()


def test_a_whole_tutor_group_with_its_staff_over_three_days_is_saved_and_listed_in_words(
    employer_request: ClientRequest,
) -> None:
    form = valid_offer(
        format="workplace_project",
        group_min="20",
        group_max="30",
        whole_group="yes",
        staff_places="2",
        days="3",
        hours="18",
        location="workplace",
    )

    employer_request.post("employers.new_encounter_offer", form)

    offer = _saved()
    assert (offer.format, offer.whole_group, offer.staff_places, offer.days, offer.hours) == (
        "workplace_project",
        True,
        2,
        3,
        Decimal("18"),
    )
    [row] = rows(employer_request.get("employers.encounter_offers"), "encounter-offers")
    assert row[0].startswith("Project set by the employer, over several days")
    assert row[2] == "A whole tutor group of up to 30 with 2 staff, over 3 days"


def test_pupils_from_different_classes_bring_no_staff_whatever_was_typed(
    employer_request: ClientRequest,
) -> None:
    employer_request.post("employers.new_encounter_offer", valid_offer(whole_group="no", staff_places="4"))

    offer = _saved()
    assert (offer.whole_group, offer.staff_places, offer.days) == (False, 0, 1)
    assert offer.group_label == "Groups of 6 to 24"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"whole_group": ""}, "Select whether it takes a whole class or tutor group together"),
        ({"whole_group": "maybe"}, "Select whether it takes a whole class or tutor group together"),
        # The whole-group rule: a class comes with at least one of its staff.
        ({"whole_group": "yes", "staff_places": ""}, "Enter how many school staff can come with the group"),
        ({"whole_group": "yes", "staff_places": "0"}, "Number of staff must be between 1 and 10 staff"),
        ({"whole_group": "yes", "staff_places": "two"}, "Number of staff must be a whole number of staff"),
        ({"days": ""}, "Enter how many days it runs"),
        ({"days": "0"}, "Number of days must be between 1 and 10 days"),
        ({"days": "1.5"}, "Number of days must be a whole number of days, like 3"),
        ({"days": "2", "hours": "25"}, "Length must be 24 hours or fewer over 2 days"),
        ({"days": "1", "hours": "13"}, "Length must be 12 hours or fewer in one day"),
        (
            {"format": "workplace_project", "days": "1"},
            "Enter 2 or more days, as a project runs over several days",
        ),
    ],
)
def test_bad_group_answers_name_the_field_and_save_nothing(
    employer_request: ClientRequest, changes: dict[str, Any], message: str
) -> None:
    form = valid_offer(**changes)
    page = employer_request.post("employers.new_encounter_offer", form, _expected_status=200)

    assert page.title.get_text().startswith("Error: ")
    [shown] = error_messages(page)
    assert shown.startswith(message)
    assert db.session.scalar(select(EncounterOffer)) is None


def test_changing_an_offer_shows_its_group_answers_and_saves_new_ones(
    employer_request: ClientRequest,
) -> None:
    employer = db.session.get(Employer, employer_request.user.employer_id)  # type: ignore[attr-defined]
    offer = create_offer(
        employer,
        format="workplace_visit",
        whole_group=True,
        staff_places=3,
        group_min=25,
        group_max=30,
        days=1,
        hours=Decimal("2"),
    )

    page = employer_request.get("employers.edit_encounter_offer", offer_id=offer.id)
    assert page.select_one("input[name=whole_group][value=yes]").has_attr("checked")
    assert page.select_one("input[name=staff_places]")["value"] == "3"
    assert page.select_one("input[name=days]")["value"] == "1"

    form = valid_offer(format="workplace_visit", whole_group="yes", staff_places="1", group_max="30")
    employer_request.post("employers.edit_encounter_offer", form, offer_id=offer.id)
    db.session.refresh(offer)
    assert offer.group_label == "A whole tutor group of up to 30 with 1 member of staff"


def test_a_new_offer_form_asks_for_the_group_with_staff_revealed_under_yes(
    employer_request: ClientRequest,
) -> None:
    page = employer_request.get("employers.new_encounter_offer")

    assert page.select_one("input[name=days]")["value"] == "1"
    revealed = page.select_one(".govuk-radios__conditional input[name=staff_places]")
    assert revealed is not None
    assert not page.select_one("input[name=whole_group][value=yes]").has_attr("checked")


def test_the_database_refuses_a_whole_group_without_staff_and_a_run_of_no_days() -> None:
    with pytest.raises(IntegrityError):
        create_offer(whole_group=True, staff_places=0)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        create_offer(days=0)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        create_offer(staff_places=-1)
    db.session.rollback()


def test_the_hubs_list_says_the_group_in_words(hub_admin_request: ClientRequest) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    create_offer(
        factories.create_employer(hub),
        whole_group=True,
        staff_places=2,
        group_min=25,
        group_max=30,
        days=3,
        hours=Decimal("15"),
    )

    page = hub_admin_request.get("hub.encounter_offers")

    assert "A whole tutor group of up to 30 with 2 staff, over 3 days" in page.get_text(" ", strip=True)
