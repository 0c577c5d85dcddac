"""The school's students page at a real school's size: 50 a page with GOV.UK pagination, and filters by
year group, name or UPN, account and missing details that the page links keep."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

from sqlalchemy import event

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.helpers import school_of
from tests.web.careers.import_files import upn
from tests.web.pages import rows
from web.extensions import db
from web.models import School, Student


def add_students(school: School, count: int, **fields: Any) -> None:
    """`count` students named Pupil0001 Surname0001 and on, in one commit."""
    start = db.session.query(Student).count()
    db.session.add_all(
        Student(
            **{
                "school_id": school.id,
                "first_name": f"Pupil{n:04d}",
                "last_name": f"Surname{n:04d}",
                "year_group": 7 + n % 5,
                "date_of_birth": date(2011, 3, 27),
                "postcode": "M14 5TP",
                "email": f"pupil{n}@school.example.org",
                "parent_email": f"parent{n}@example.org",
                **fields,
            }
        )
        for n in range(start + 1, start + count + 1)
    )
    db.session.commit()


def names(page: Any, table: str = "students-table") -> list[str]:
    return [row[0] for row in rows(page, table)]


def caption(page: Any) -> str:
    return page.select_one("#students-table caption").get_text(" ", strip=True)


def test_students_are_listed_50_a_page_with_pages_that_keep_the_filters(
    careers_leader_request: ClientRequest,
) -> None:
    add_students(school_of(careers_leader_request), 120)

    first = careers_leader_request.get("careers.students")
    last = careers_leader_request.get("careers.students", page="3")

    assert len(names(first)) == 50 and names(first)[0] == "Pupil0001 Surname0001"
    assert caption(first) == "120 students, showing 1 to 50"
    assert names(last) == [f"Pupil{n:04d} Surname{n:04d}" for n in range(101, 121)]
    assert caption(last) == "120 students, showing 101 to 120"
    assert [link.get_text(strip=True) for link in first.select(".govuk-pagination__item a")] == [
        "1",
        "2",
        "3",
    ]
    filtered = careers_leader_request.get("careers.students", year="8", missing="no_postcode", q="pupil")
    assert filtered.select_one("#no-students")
    year_8 = careers_leader_request.get("careers.students", year="8")
    assert caption(year_8) == "24 students"
    add_students(school_of(careers_leader_request), 100, year_group=8)
    year_8 = careers_leader_request.get("careers.students", year="8")
    link = year_8.select_one(".govuk-pagination__next a")["href"]
    assert parse_qs(urlparse(link).query) == {"page": ["2"], "year": ["8"]}


def test_a_page_out_of_range_or_garbage_filters_give_a_page_not_an_error(
    careers_leader_request: ClientRequest,
) -> None:
    add_students(school_of(careers_leader_request), 60)

    for values in (
        {"page": "99"},
        {"page": "-1"},
        {"page": "²"},
        {"page": "1" * 40},
        {"year": "Year 99", "account": "maybe", "missing": "x", "show": "all"},
    ):
        page = careers_leader_request.get("careers.students", **values)
        assert names(page), values
    assert names(careers_leader_request.get("careers.students", page="99"))[-1] == "Pupil0060 Surname0060"
    too_long = careers_leader_request.get("careers.students", q="x" * 101)
    assert "Name or UPN must be 100 characters or fewer" in too_long.get_text()
    assert len(names(too_long)) == 50


def test_students_are_found_by_year_group_name_upn_account_and_missing_details(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)
    zoe = factories.create_student(
        school, first_name="Zoë", preferred_name="Zoe", last_name="O'Neill", year_group=9, upn=upn(7)
    )
    factories.create_user_for("student", zoe)
    factories.create_student(
        school, first_name="Sam", last_name="Lee_Ward", year_group=10, email="sam@example.org", postcode=None
    )
    factories.create_student(
        school,
        first_name="Ann",
        last_name="Ash",
        year_group=10,
        email="ann@example.org",
        parent_email="p@x.org",
    )
    factories.create_student(factories.create_school(), first_name="Zoe", last_name="Elsewhere")

    def found(**values: str) -> list[str]:
        page = careers_leader_request.get("careers.students", **values)
        return names(page) if page.select_one("#students-table") else []

    assert found(year="10") == ["Ann Ash", "Sam Lee_Ward"]
    assert found(q="zoe") == ["Zoe O'Neill"]
    assert found(q="ZOË o'neill") == ["Zoe O'Neill"]
    assert found(q=upn(7).lower()) == ["Zoe O'Neill"]
    assert found(q="_") == ["Sam Lee_Ward"]  # a wildcard of LIKE is only itself
    assert found(q="%") == []
    assert found(account="has") == ["Zoe O'Neill"]
    assert found(account="none") == ["Ann Ash", "Sam Lee_Ward"]
    assert found(missing="no_contact") == ["Zoe O'Neill"]
    assert found(missing="no_parent_email") == ["Sam Lee_Ward", "Zoe O'Neill"]
    assert found(missing="no_email") == ["Zoe O'Neill"]
    assert found(missing="no_postcode") == ["Sam Lee_Ward"]
    assert found(year="10", missing="no_postcode") == ["Sam Lee_Ward"]


def test_the_page_reads_the_same_few_queries_however_many_students_the_school_has(
    careers_leader_request: ClientRequest,
) -> None:
    school = school_of(careers_leader_request)

    def statements() -> int:
        seen: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            careers_leader_request.get("careers.students")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    add_students(school, 60)
    few = statements()
    add_students(school, 600)

    assert statements() == few
