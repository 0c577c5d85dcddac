"""The hub's forecast: needed, pledged and shortfall by route, year group and month from a small hub
worked out by hand, the biggest gaps in words, the CSV, filters that refuse what is not on their list,
other roles refused and other hubs' pupils and offers never counted."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.employers.test_encounter_offers import create_offer
from tests.web.pages import error_messages, rows
from web.dao import forecast as forecast_dao
from web.dao.forecast import forecast_of
from web.extensions import db
from web.models import EncounterOffer, Hub, PlanItem, PlanSession, Student, TermPlan

# A Saturday in the summer term: May (31 days), June (30) and July (31) are left, 92 days in all.
TODAY = date(2027, 5, 1)
CONSTRUCTION = "construction-and-the-built-environment"
NEAR = "M1 1AD"


@pytest.fixture(autouse=True)
def every_route_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """These hand-checked hubs are small: show every route's row (the fold has its own test)."""
    monkeypatch.setattr(forecast_dao, "FEWEST", 0)


def _seed(hub: Hub) -> None:
    """Year 9: Ann (construction; nothing done) and Ben (construction and digital; 10 workplace hours and
    an encounter done); Year 10: Cas (no route; nothing done); a leaver and another hub's pupil besides.

    Hours in workplaces needed: Ann 30 (construction), Ben 20 (10 each route), Cas 25 (no route).
    Employer encounters needed: Ann 1 (construction), Cas 1 (no route).
    Pledged: a construction visit for Year 9 (10 seats x 3 hours, once) = 30 hours; a digital talk for
    Years 9 and 10 (30 seats, twice) = 60 places, 30 for each year group."""
    school = factories.create_school(hub)
    factories.create_student(school, first_name="Ann", year_group=9, routes=[CONSTRUCTION])
    ben = factories.create_student(school, first_name="Ben", year_group=9, routes=[CONSTRUCTION, "digital"])
    factories.create_record(ben, on_date=date(2027, 3, 10))
    factories.create_record(
        ben, benchmark="6", kind="workplace_visit", on_date=date(2027, 3, 11), hours=Decimal("10")
    )
    factories.create_student(school, first_name="Cas", year_group=10, routes=[])
    factories.create_student(school, first_name="Left", year_group=9, left_on=date(2027, 1, 1))
    summer = {"available_from": TODAY, "available_until": date(2027, 7, 31)}
    employer = factories.create_employer(hub, postcode=NEAR)
    create_offer(
        employer,
        format="workplace_visit",
        route=CONSTRUCTION,
        year_groups=[9],
        group_min=1,
        group_max=10,
        hours=Decimal("3"),
        location="workplace",
        per_term=1,
        **summer,
    )
    create_offer(
        employer, route="digital", year_groups=[9, 10], group_min=1, group_max=30, per_term=2, **summer
    )
    create_offer(employer, route="digital", status="draft", **summer)  # not pledged yet
    create_offer(
        employer, route="digital", available_from=date(2027, 1, 4), available_until=date(2027, 4, 30)
    )  # over before today
    pending = factories.create_employer(hub, status="pending")
    create_offer(pending, route="digital", **summer)
    other_hub = factories.create_hub(name="Another hub")
    factories.create_student(factories.create_school(other_hub), year_group=9, routes=[CONSTRUCTION])
    create_offer(factories.create_employer(other_hub), route=CONSTRUCTION, year_groups=[9], **summer)


@pytest.fixture
def hub(hub_admin_request: ClientRequest, monkeypatch: pytest.MonkeyPatch) -> Hub:
    monkeypatch.setattr("web.planner.forecast.london_today", lambda: TODAY)
    found = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    _seed(found)  # type: ignore[arg-type]
    return found  # type: ignore[return-value]


def test_the_figures_are_counted_by_route_year_group_and_month(hub: Hub) -> None:
    found = forecast_of(hub.id, TODAY)
    assert found.months == [date(2027, 5, 1), date(2027, 6, 1), date(2027, 7, 1)]
    hours = found.needed[2]  # (year group from 7, route, month)
    construction, digital = found.routes.index(CONSTRUCTION), found.routes.index("digital")
    assert hours[2, construction].sum() == pytest.approx(40)
    assert hours[2, digital].sum() == pytest.approx(10)
    assert hours[3, -1].sum() == pytest.approx(25)
    assert hours.sum() == pytest.approx(75)
    # Spread by the days left in each month.
    assert hours.sum(axis=(0, 1)) == pytest.approx([75 * 31 / 92, 75 * 30 / 92, 75 * 31 / 92])
    assert found.pledged[2, 2, construction].sum() == pytest.approx(30)
    assert found.pledged[2].sum() == pytest.approx(30)
    assert found.pledged[0, 2, digital].sum() == pytest.approx(30)
    assert found.pledged[0, 3, digital].sum() == pytest.approx(30)
    assert found.pledged[0].sum() == pytest.approx(60)
    assert found.needed[0].sum() == pytest.approx(2)
    assert found.shortfall[2, 2, construction].sum() == pytest.approx(10)


def test_the_page_shows_needed_pledged_and_shortfall_by_route(
    hub_admin_request: ClientRequest, hub: Hub
) -> None:
    page = hub_admin_request.get("planner.forecast", measure="workplace_hours")
    assert rows(page, "forecast-table") == [
        ["Construction and the built environment", "40", "30", "10"],
        ["Digital", "10", "0", "10"],
        ["Other routes, or none chosen", "25", "0", "25"],
        ["Total", "75", "30", "45"],
    ]
    assert [th.get_text() for th in page.select("#forecast-table thead th")] == [
        "Route",
        "Needed (hours)",
        "Pledged (hours)",
        "Shortfall (hours)",
    ]
    assert page.select_one("#forecast-chart title").get_text() == "Hours in workplaces by route"
    assert [li.get_text() for li in page.select("#biggest-gaps li")] == [
        "The biggest gap in employer encounters is Year 9 in construction and the built environment: "
        "1 more place than pledged.",
        "The biggest gap in provider encounters is Year 9 in construction and the built environment: "
        "3 more places than pledged.",
        "The biggest gap in hours in workplaces is Year 10 in other routes or none: "
        "25 more hours than pledged.",
    ]
    assert "in proportion to the days left in each" in page.select_one("#how-counted").parent.get_text()


def test_the_page_shows_each_year_group_and_each_month(hub_admin_request: ClientRequest, hub: Hub) -> None:
    by_year = rows(
        hub_admin_request.get("planner.forecast", measure="workplace_hours", by="year_group"),
        "forecast-table",
    )
    assert by_year[2:4] == [["Year 9", "50", "30", "20"], ["Year 10", "25", "0", "25"]]
    assert by_year[0] == ["Year 7", "0", "0", "0"] and len(by_year) == 8
    by_month = rows(
        hub_admin_request.get("planner.forecast", measure="workplace_hours", by="month"), "forecast-table"
    )
    assert by_month == [
        ["May 2027", "25", "10", "15"],
        ["June 2027", "24", "10", "14"],
        ["July 2027", "25", "10", "15"],
        ["Total", "75", "30", "45"],
    ]
    encounters = rows(hub_admin_request.get("planner.forecast"), "forecast-table")
    assert encounters == [
        ["Construction and the built environment", "1", "0", "1"],
        ["Digital", "0", "60", "0"],
        ["Other routes, or none chosen", "1", "0", "1"],
        ["Total", "2", "60", "0"],
    ]


def test_places_approved_in_a_kept_plan_are_booked_not_still_pledged(hub: Hub) -> None:
    ann, ben = db.session.scalars(db.select(Student).where(Student.first_name.in_(["Ann", "Ben"]))).all()
    visit = db.session.scalar(db.select(EncounterOffer).where(EncounterOffer.format == "workplace_visit"))
    # The kept plan has Ann approved and Ben still proposed; a plan not kept has Ben approved.
    for kept, items in ((True, [(ann, "approved"), (ben, "proposed")]), (False, [(ben, "approved")])):
        plan = TermPlan(hub_id=hub.id, academic_year=2026, term=3, status="succeeded", kept=kept)
        db.session.add(plan)
        db.session.flush()
        session = PlanSession(plan_id=plan.id, offer_id=visit.id, number=1, seats=10, places_taken=2)
        db.session.add(session)
        db.session.flush()
        db.session.add_all(
            PlanItem(
                plan_id=plan.id,
                session_id=session.id,
                offer_id=visit.id,
                school_id=pupil.school_id,
                student_id=pupil.id,
                measure="workplace_hours",
                amount=Decimal("3"),
                need=Decimal("3"),
                status=status,
            )
            for pupil, status in items
        )
    db.session.commit()
    found = forecast_of(hub.id, TODAY)
    construction = found.routes.index(CONSTRUCTION)
    # Only the kept plan's approved place: Ann is booked 3 hours, and the visit has 9 seats left.
    assert found.needed[2, 2, construction].sum() == pytest.approx(37)
    assert found.pledged[2, 2, construction].sum() == pytest.approx(27)


def test_the_csv_is_the_table(hub_admin_request: ClientRequest, hub: Hub) -> None:
    page = hub_admin_request.get("planner.forecast", measure="workplace_hours", by="year_group")
    link = page.select_one("a[download]")["href"]
    assert "measure=workplace_hours" in link and "by=year_group" in link
    response = hub_admin_request.client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="forecast-workplace-hours-by-year-group-2027-05-01.csv"'
    )
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == ["Year group", "Needed (hours)", "Pledged (hours)", "Shortfall (hours)"]
    assert lines[3] == ["Year 9", "50", "30", "20"]
    assert lines[-1] == ["Total", "75", "30", "45"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"measure": "t_level_hours"}, "Select a measure from the list"),
        ({"measure": "\x00"}, "Select a measure from the list"),
        ({"by": "school"}, "Select route, year group or month"),
        ({"by": "x" * 500}, "Select route, year group or month"),
    ],
)
def test_a_filter_not_on_the_list_says_so_and_shows_the_default(
    hub_admin_request: ClientRequest, hub: Hub, args: dict[str, str], message: str
) -> None:
    page = hub_admin_request.get("planner.forecast", **args)
    assert page.title.text.startswith("Error: ")
    assert error_messages(page) == [message]
    assert rows(page, "forecast-table")[-1] == ["Total", "2", "60", "0"]  # employer encounters by route
    assert (
        hub_admin_request.client.get(hub_admin_request.url("planner.forecast_csv", **args)).status_code == 200
    )


def test_after_july_the_year_has_ended(hub_admin_request: ClientRequest, hub: Hub, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("web.planner.forecast.london_today", lambda: date(2027, 8, 10))
    page = hub_admin_request.get("planner.forecast")
    assert page.select_one("#year-ended") is not None
    assert rows(page, "forecast-table") == [["Total", "0", "0", "0"]]


def test_another_hub_sees_only_its_own(hub: Hub, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    other = db.session.scalar(db.select(Hub).where(Hub.name == "Another hub"))
    found = forecast_of(other.id, TODAY)
    assert found.needed[0].sum() == pytest.approx(1)  # its one pupil's encounter
    assert found.pledged[0].sum() == pytest.approx(2 * 200)  # its one talk: twice a term for 200
    page = sign_in_as(factories.create_user_for("hub_admin", other)).get("planner.forecast")
    assert rows(page, "forecast-table")[-1] == ["Total", "1", "400", "0"]


def test_other_roles_are_refused(
    careers_leader_request: ClientRequest, employer_request: ClientRequest, student_request: ClientRequest
) -> None:
    for request in (careers_leader_request, employer_request, student_request):
        request.get("planner.forecast", _expected_status=403)
        request.get("planner.forecast_csv", _expected_status=403)


def test_the_hub_admin_finds_it_after_entitlements(hub_admin_request: ClientRequest) -> None:
    links = [
        a.get_text(strip=True)
        for a in hub_admin_request.get("planner.targets").select(".govuk-service-navigation__link")
    ]
    assert links[links.index("Entitlements") + 1] == "Forecast"


def test_a_route_fewer_than_five_pupils_chose_is_counted_with_other_routes(
    hub_admin_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    _seed(hub)
    unfolded = forecast_of(hub.id, TODAY)
    monkeypatch.setattr(forecast_dao, "FEWEST", 5)
    found = forecast_of(hub.id, TODAY)
    assert found.needed.sum() == pytest.approx(unfolded.needed.sum())
    assert found.pledged.sum() == pytest.approx(unfolded.pledged.sum())
    shown = {route for r, route in enumerate(found.routes) if found.needed[:, :, r].sum() > 0}
    assert shown == {forecast_dao.NO_ROUTE}
