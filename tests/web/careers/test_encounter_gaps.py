"""Encounters this year: who of the school's current students has had no encounter this academic year, and
provider encounters against the 28 February deadlines."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.pages import rows
from web.dates import academic_year_of, london_today
from web.models import School, Student


def _start_of_year(today: date) -> date:
    return date(academic_year_of(today), 9, 1)


def _encounter(student: Student, on_date: date, kind: str = "employer_talk") -> None:
    factories.create_record(student, kind=kind, on_date=on_date)


def _pupil(school: School, year_group: int = 9, **overrides: object) -> Student:
    return factories.create_student(school, year_group=year_group, **overrides)


def _csv(request: ClientRequest, **values: object) -> list[list[str]]:
    response = request.client.get(request.url("careers.encounter_gaps_csv", **values))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _names(page: object, table_id: str) -> list[str]:
    return [row[0] for row in rows(page, table_id)]  # type: ignore[arg-type]


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr("web.careers.encounter_gaps.london_today", lambda: day)


def test_counts_per_year_group_and_group_take_only_this_academic_years_encounters(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    today = london_today()
    this_year, last_year = _start_of_year(today), _start_of_year(today) - timedelta(days=1)
    _encounter(_pupil(school, 9), this_year)  # counted
    _encounter(_pupil(school, 9, disadvantaged=True), last_year)  # last academic year's: none this year
    _pupil(school, 9, send=True, disadvantaged=True)  # none
    _encounter(_pupil(school, 10, send=True), today)
    factories.create_record(_pupil(school, 10), benchmark="6", kind="work_experience", on_date=today)
    _encounter(_pupil(school, 10, left_on=today), today)  # a leaver: not counted
    _encounter(factories.create_student(year_group=9), today)  # another school's
    page = careers_leader_request.get("careers.encounter_gaps")
    assert rows(page, "year-groups-table") == [
        ["Year 9", "3", "1", "2", "2 of 2", "1 of 1", "0 of 1"],
        ["Year 10", "2", "1", "1", "0 of 0", "0 of 1", "1 of 1"],
        ["All year groups", "5", "2", "3", "2 of 2", "1 of 2", "1 of 2"],
    ]


def test_the_list_shows_only_the_schools_current_pupils_with_no_encounter_this_year(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    today = london_today()
    _encounter(_pupil(school, 9, first_name="Had", last_name="One"), today)
    _encounter(
        _pupil(school, 9, first_name="Last", last_name="Year"), _start_of_year(today) - timedelta(days=1)
    )
    none = _pupil(school, 8, first_name="No", last_name="Encounter")
    _pupil(school, 9, first_name="Gone", last_name="Leaver", left_on=today)
    factories.create_student(first_name="Other", last_name="School", year_group=9)
    page = careers_leader_request.get("careers.encounter_gaps")
    assert _names(page, "without-table") == ["No Encounter", "Last Year"]
    link = page.select_one("#without-table a")
    assert link["href"] == careers_leader_request.url("careers.student", student_id=none.id)
    assert [row[1:] for row in _csv(careers_leader_request)] == [
        ["First name", "Last name", "Year group", "Disadvantaged", "SEND", "Workplace experience"],
        ["No", "Encounter", "8", "No", "No", "No"],
        ["Last", "Year", "9", "No", "No", "No"],
    ]


def test_the_list_filters_by_year_group_and_group(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    _pupil(school, 9, last_name="Nine")
    _pupil(school, 10, last_name="Disadvantaged", disadvantaged=True)
    _pupil(school, 10, last_name="Send", send=True)
    experienced = _pupil(school, 10, last_name="Experienced")
    factories.create_record(experienced, benchmark="6", kind="work_experience", on_date=london_today())

    def listed(**filters: str) -> list[str]:
        names = _names(careers_leader_request.get("careers.encounter_gaps", **filters), "without-table")
        assert [f"Alex {row[2]}" for row in _csv(careers_leader_request, **filters)[1:]] == names
        return names

    assert listed(year="10") == ["Alex Disadvantaged", "Alex Experienced", "Alex Send"]
    assert listed(group="disadvantaged") == ["Alex Disadvantaged"]
    assert listed(year="10", group="send") == ["Alex Send"]
    assert listed(year="10", group="no_experience") == ["Alex Disadvantaged", "Alex Send"]
    # Anything not on the lists is no filter.
    assert len(listed(year="6", group="everyone")) == 4
    page = careers_leader_request.get("careers.encounter_gaps", year="7")
    assert "No pupils match these filters" in page.select_one("#no-pupils").text


def test_the_list_has_pages_of_50_that_keep_the_filters(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    for n in range(52):
        _pupil(school, 9, last_name=f"Pupil {n:02d}")
    _pupil(school, 10, last_name="Ten")
    first = careers_leader_request.get("careers.encounter_gaps", year="9")
    assert len(rows(first, "without-table")) == 50
    assert "52 pupils, showing 1 to 50" in first.select_one("#without-table caption").text
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert "year=9" in next_link and "page=2" in next_link
    second = careers_leader_request.get("careers.encounter_gaps", year="9", page="2")
    assert _names(second, "without-table") == ["Alex Pupil 50", "Alex Pupil 51"]
    assert len(_csv(careers_leader_request, year="9")) == 1 + 52  # the download is every page


def test_the_csv_escapes_what_a_spreadsheet_would_run(careers_leader_request: ClientRequest) -> None:
    school = school_of(careers_leader_request)
    _pupil(school, 9, upn="A123456789012", first_name="=HYPERLINK(1)", last_name='-Smith, "Jo"')
    table = _csv(careers_leader_request)
    assert table[0] == [
        "UPN",
        "First name",
        "Last name",
        "Year group",
        "Disadvantaged",
        "SEND",
        "Workplace experience",
    ]
    assert table[1] == ["A123456789012", "'=HYPERLINK(1)", '\'-Smith, "Jo"', "9", "No", "No", "No"]
    response = careers_leader_request.client.get(
        careers_leader_request.url("careers.encounter_gaps_csv", year="9")
    )
    year = academic_year_of(london_today())
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="no-encounter-{year}-to-{year + 1}-year-9.csv"'
    )


def _next_28_february(today: date) -> date:
    this_year = date(today.year, 2, 28)
    return this_year if this_year >= today else date(today.year + 1, 2, 28)


def test_a_pupil_with_one_provider_encounter_close_to_28_february_is_at_risk(
    careers_leader_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline = _next_28_february(london_today())
    today = deadline - timedelta(days=20)
    _on(monkeypatch, today)
    school = school_of(careers_leader_request)
    one = _pupil(school, 9, last_name="One")
    _encounter(one, today - timedelta(days=30), kind="technical_provider")
    two = _pupil(school, 9, last_name="Two")
    for days in (30, 400):  # last year (Year 8) counts toward the pair of years
        _encounter(two, today - timedelta(days=days), kind="technical_provider")
    early = _pupil(school, 9, last_name="Early")  # Year 7's encounters are before the pair of years
    for days in (30, 600):
        _encounter(early, today - timedelta(days=days), kind="technical_provider")
    _encounter(_pupil(school, 8, last_name="Eight"), today, kind="technical_provider")  # a year to go
    _pupil(school, 11, last_name="Eleven")
    _pupil(school, 9, last_name="Leaver", left_on=today)
    factories.create_student(year_group=9, last_name="Elsewhere")
    page = careers_leader_request.get("careers.encounter_gaps")
    long = f"28 February {deadline.year}"
    assert rows(page, "phases-table") == [
        ["Years 8 to 9", "4", "1", "3", f"{long} (Year 9)", "2"],
        ["Years 10 to 11", "1", "0", "1", f"{long} (Year 11)", "1"],
        ["Years 12 to 13", "0", "0", "0", f"{long} (Year 13)", "0"],
    ]
    assert rows(page, "at-risk-table") == [
        ["Alex Early", "Year 9", "1", long],
        ["Alex One", "Year 9", "1", long],
        ["Alex Eleven", "Year 11", "0", long],
    ]
    # The day after, Year 9's deadline has passed: the next is Year 8's, a year on, and nobody is at risk.
    _on(monkeypatch, deadline + timedelta(days=1))
    page = careers_leader_request.get("careers.encounter_gaps")
    assert rows(page, "phases-table")[0][4] == f"28 February {deadline.year + 1} (Year 8)"
    assert page.select_one("#at-risk-table") is None
    assert page.select_one("#no-risk") is not None


def test_nobody_is_at_risk_more_than_8_weeks_before_the_deadline(
    careers_leader_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline = _next_28_february(london_today())
    _on(monkeypatch, deadline - timedelta(weeks=8, days=1))
    _pupil(school_of(careers_leader_request), 9)
    page = careers_leader_request.get("careers.encounter_gaps")
    assert rows(page, "phases-table")[0][-1] == "0"
    assert page.select_one("#at-risk-table") is None
    _on(monkeypatch, deadline - timedelta(weeks=8))
    assert len(rows(careers_leader_request.get("careers.encounter_gaps"), "at-risk-table")) == 1


def test_the_encounters_page_links_here(careers_leader_request: ClientRequest) -> None:
    page = careers_leader_request.get("careers.encounters")
    assert page.select_one("#encounter-gaps")["href"] == careers_leader_request.url("careers.encounter_gaps")


@pytest.mark.parametrize("role", ["hub_admin", "employer", "student"])
@pytest.mark.parametrize("endpoint", ["careers.encounter_gaps", "careers.encounter_gaps_csv"])
def test_other_roles_are_refused(role: str, endpoint: str, request: pytest.FixtureRequest) -> None:
    other: ClientRequest = request.getfixturevalue(f"{role}_request")
    other.get(endpoint, _expected_status=403)


def test_nobody_signed_in_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    response = client_request.client.get(client_request.url("careers.encounter_gaps_csv"))
    assert response.status_code == 302


def test_another_schools_careers_leader_sees_only_their_own(
    careers_leader_request: ClientRequest, sign_in_as: object
) -> None:
    mine = _pupil(school_of(careers_leader_request), 9, last_name="Mine")
    theirs_school = factories.create_school()
    _pupil(theirs_school, 9, last_name="Theirs")
    _pupil(theirs_school, 9, last_name="Theirs too")
    them: ClientRequest = sign_in_as(factories.create_user_for("careers_leader", theirs_school))  # type: ignore[operator]
    page = them.get("careers.encounter_gaps")
    assert _names(page, "without-table") == ["Alex Theirs", "Alex Theirs too"]
    assert rows(page, "year-groups-table")[0][:2] == ["Year 9", "2"]
    assert [row[2] for row in _csv(them)[1:]] == ["Theirs", "Theirs too"]
    assert _names(careers_leader_request.get("careers.encounter_gaps"), "without-table") == [mine.full_name]
