"""Feedback after an event: a pupil's three answers about a place they went to, an organisation's two about
an event it ran slots at, the organisation's reach in its thank-you, and the quality report with small
numbers held back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests import db as factories
from tests.web.encounters.test_registers import Day, an_event, signed_in
from tests.web.pages import banner, error_messages
from tests.web.reports.test_encounters import _api_body
from web.dao.reports import Scope
from web.dates import academic_year_of, london_today
from web.extensions import db
from web.models import OrganisationFeedback, PupilFeedback
from web.reports.figures import SUPPRESSED
from web.reports.report import Figures
from web.reports.views import cell_text

PUPIL, ORGANISATION = "encounters.pupil_feedback", "encounters.organisation_feedback"
GOOD = {"learned": "yes", "wants_more": "no", "rating": "4"}


def went(day: Day) -> Day:
    """The day's pupil marked present."""
    day.place.status = "attended"
    db.session.commit()
    return day


def answers() -> list[PupilFeedback]:
    return list(db.session.scalars(select(PupilFeedback)))


def test_a_pupil_who_went_answers_three_questions_and_can_change_them(app: Flask, sign_in_as: Any) -> None:
    day = went(an_event())
    pupil = signed_in(sign_in_as, "student", day.pupil)
    events = pupil.get("encounters.pupil_events")
    link = next(a for a in events.select("main a") if "Tell us how it went" in a.text)
    assert link["href"] == pupil.url(PUPIL, place_id=day.place.id)
    page = pupil.post(PUPIL, GOOD, _expected_status=200, _follow=True, place_id=day.place.id)
    assert "Thank you" in banner(page)
    assert [(a.learned, a.wants_more, a.rating) for a in answers()] == [(True, False, 4)]
    shown = pupil.get(PUPIL, place_id=day.place.id)
    assert shown.select_one("input[name=rating][value='4']").has_attr("checked")
    pupil.post(PUPIL, {**GOOD, "rating": "5", "wants_more": "yes"}, place_id=day.place.id)
    assert [(a.wants_more, a.rating) for a in answers()] == [(True, 5)]  # changed, not added
    assert "Change your answers" in pupil.get("encounters.pupil_events").text


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"learned": "yes", "wants_more": "no"}, "Select how good it was, from 1 to 5"),
        ({**GOOD, "rating": "6"}, "Select how good it was, from 1 to 5"),
        ({**GOOD, "learned": "maybe"}, "Select yes if you learned something about jobs or routes"),
        ({"rating": "3", "learned": "no"}, "Select yes if you want to find out more"),
    ],
)
def test_a_missing_or_odd_answer_is_named_and_nothing_is_saved(
    app: Flask, sign_in_as: Any, posted: dict[str, str], message: str
) -> None:
    day = went(an_event())
    page = signed_in(sign_in_as, "student", day.pupil).post(
        PUPIL, posted, _expected_status=200, place_id=day.place.id
    )
    assert message in error_messages(page)
    assert answers() == []


def test_only_the_pupil_who_went_can_answer_about_a_place(app: Flask, sign_in_as: Any) -> None:
    day = an_event()  # invited, not yet marked present
    pupil = signed_in(sign_in_as, "student", day.pupil)
    pupil.get(PUPIL, _expected_status=404, place_id=day.place.id)
    went(day)
    classmate = signed_in(sign_in_as, "student", factories.create_student(day.school))
    classmate.get(PUPIL, _expected_status=404, place_id=day.place.id)
    classmate.post(PUPIL, GOOD, _expected_status=404, place_id=day.place.id)
    for role, record in (("careers_leader", day.school), ("employer", day.employer), ("hub_admin", day.hub)):
        signed_in(sign_in_as, role, record).post(PUPIL, GOOD, _expected_status=403, place_id=day.place.id)
    assert answers() == []


def test_the_database_refuses_a_rating_outside_1_to_5_and_a_second_set_for_one_place(app: Flask) -> None:
    day = went(an_event())
    db.session.add(PupilFeedback(place_id=day.place.id, learned=True, wants_more=True, rating=0))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    for _ in range(2):
        db.session.add(PupilFeedback(place_id=day.place.id, learned=True, wants_more=True, rating=3))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_organisation_answers_two_questions_once_the_event_has_happened(
    app: Flask, sign_in_as: Any
) -> None:
    coming = an_event(held_on=london_today() + timedelta(days=3))
    employer = signed_in(sign_in_as, "employer", coming.employer)
    assert not employer.get("encounters.employer_events").find("a", string="Tell the hub how it went")
    page = employer.post(
        ORGANISATION,
        {"pupils_ready": "4", "would_return": "yes"},
        _expected_status=200,
        _follow=True,
        event_id=coming.event.id,
    )
    assert "once the event has happened" in banner(page)
    db.session.query(type(coming.event)).filter_by(id=coming.event.id).update({"held_on": london_today()})
    db.session.commit()
    employer.post(ORGANISATION, {"pupils_ready": "2", "would_return": "no"}, event_id=coming.event.id)
    employer.post(ORGANISATION, {"pupils_ready": "4", "would_return": "yes"}, event_id=coming.event.id)
    saved = list(db.session.scalars(select(OrganisationFeedback)))
    assert [(s.employer_id, s.pupils_ready, s.would_return) for s in saved] == [(coming.employer.id, 4, True)]
    shown = employer.get(ORGANISATION, event_id=coming.event.id)
    assert shown.select_one("input[name=would_return][value=yes]").has_attr("checked")
    page = employer.post(ORGANISATION, {"pupils_ready": "9"}, _expected_status=200, event_id=coming.event.id)
    assert error_messages(page) == [
        "Select how ready the pupils were, from 1 to 5",
        "Select yes if you would take part again",
    ]


def test_another_organisation_or_role_cannot_answer_for_an_event(app: Flask, sign_in_as: Any) -> None:
    day = an_event()
    posted = {"pupils_ready": "4", "would_return": "yes"}
    other = factories.create_employer(day.hub, name="Elsewhere Ltd")
    signed_in(sign_in_as, "employer", other).post(
        ORGANISATION, posted, _expected_status=404, event_id=day.event.id
    )
    for role, record in (("careers_leader", day.school), ("student", day.pupil), ("hub_admin", day.hub)):
        signed_in(sign_in_as, role, record).post(
            ORGANISATION, posted, _expected_status=403, event_id=day.event.id
        )
    assert db.session.scalar(select(func.count()).select_from(OrganisationFeedback)) == 0


def _pupils_said(day: Day, ratings: list[int], school: Any = None) -> None:
    """Pupils (of this school, else the day's) who went to the day's slot, each with a rating."""
    for rating in ratings:
        pupil = factories.create_student(school or day.school, year_group=9)
        place = factories.create_place(day.slot, pupil, "attended")
        db.session.add(
            PupilFeedback(place_id=place.id, learned=rating > 2, wants_more=rating > 3, rating=rating)
        )
    db.session.commit()


def test_the_thank_you_gives_the_reach_and_ratings_only_from_five_answers(
    app: Flask, sign_in_as: Any
) -> None:
    day = went(an_event())
    _pupils_said(day, [5, 4, 3], school=factories.create_school(day.hub, name="Beswick School"))
    employer = signed_in(sign_in_as, "employer", day.employer)
    reach = employer.get("encounters.employer_events").select_one("#reach").text
    assert "you have met 4 pupils from 2 schools" in reach
    assert "once 5 or more have told us" in reach and "out of 5" not in reach
    _pupils_said(day, [4, 1])
    reach = " ".join(employer.get("encounters.employer_events").select_one("#reach").text.split())
    assert "met 6 pupils from 2 schools" in reach
    assert "5 of them told us how it went: 80% learned something" in reach
    assert "60% want to find out more" in reach and "rated it 3.4 out of 5" in reach
    other = signed_in(sign_in_as, "employer", factories.create_employer(day.hub, name="Elsewhere Ltd"))
    assert other.get("encounters.employer_events").select_one("#reach") is None


def _report(day: Day, slug: str, school_id: int | None = None, labels: int = 2) -> dict[Any, list[str]]:
    """The report's rows as shown, by their first `labels` cells."""
    today = london_today()
    scope = Scope(hub_id=day.hub.id, year=academic_year_of(today), today=today, school_id=school_id)
    rows = Figures(scope).table(slug).rows
    return {
        tuple(cell.value for cell in row[:labels]): [cell_text(cell) for cell in row[labels:]] for row in rows
    }


def _quality(day: Day, school_id: int | None = None) -> dict[Any, list[str]]:
    return _report(day, "encounter-quality", school_id)


def test_quality_is_reported_by_format_organisation_and_route_holding_back_under_five(app: Flask) -> None:
    day = an_event()
    _pupils_said(day, [5, 4, 4, 3, 2])
    hub_stand = factories.create_slot(day.event, 11, label="Hub's own stand")
    for rating in (5, 5):
        place = factories.create_place(
            hub_stand, factories.create_student(day.school, year_group=9), "attended"
        )
        db.session.add(PupilFeedback(place_id=place.id, learned=True, wants_more=True, rating=rating))
    db.session.commit()
    found = _quality(day)
    assert found[("All", "All encounters")] == ["7", "85.7%", "71.4%", "4.00"]
    assert found[("Format", "Careers-fair stand")] == ["7", "85.7%", "71.4%", "4.00"]
    assert found[("Organisation", "Northern Rail")] == ["5", "80.0%", "60.0%", "3.60"]
    assert found[("Organisation", "The hub")] == [SUPPRESSED] * 4  # two answers: held back
    assert found[("Route", "Every route")][0] == "7"
    elsewhere = factories.create_school(day.hub, name="Beswick School")
    assert _quality(day, elsewhere.id)[("All", "All encounters")] == ["0", "\u2013", "\u2013", "\u2013"]
    api = _api_body(app, day)["encounter_quality"]
    assert api[0] == {
        "by": "All",
        "label": "All encounters",
        "answered": 7,
        "learned_share": 0.8571,
        "wants_more_share": 0.7143,
        "average_rating": 4.0,
    }
    assert {"by": "Organisation", "label": "The hub", **dict.fromkeys(api[0].keys() - {"by", "label"})} in api


def test_no_shows_are_reported_by_format_holding_back_small_counts_in_the_hubs_report(app: Flask) -> None:
    day = an_event()
    day.place.status = "absent"
    for status in ["attended"] * 6 + ["absent"] * 1:
        factories.create_place(day.slot, factories.create_student(day.school, year_group=9), status)
    talk = factories.create_event(day.hub, [day.school], format="careers_talk", held_on=london_today())
    for status in ["attended"] * 5 + ["absent"] * 5:
        factories.create_place(factories.create_slot(talk), factories.create_student(day.school), status)
    factories.create_place(
        day.slot, factories.create_student(day.school), "invited"
    )  # not marked: not counted
    db.session.commit()
    hub = _report(day, "no-shows", labels=1)
    assert hub[("All formats",)] == ["18", "11", "7", "38.9%"]
    assert hub[("Careers-fair stand",)] == [SUPPRESSED] * 4  # two did not come: too few to show
    assert hub[("Careers talk or assembly",)] == ["10", "5", "5", "50.0%"]
    school = _report(day, "no-shows", day.school.id, labels=1)
    assert school[("Careers-fair stand",)] == ["8", "6", "2", "25.0%"]
    api = _api_body(app, day)["no_shows"]
    assert api[0] == {"format": "All formats", "marked": 18, "came": 11, "absent": 7, "absent_share": 0.3889}
    held = {
        "format": "Careers-fair stand",
        "marked": None,
        "came": None,
        "absent": None,
        "absent_share": None,
    }
    assert held in api
