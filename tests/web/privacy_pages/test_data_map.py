"""The data map holds: signed in as each role, every page of that role's journey (the browser suite's list)
shows no detail of a pupil that web/privacy/data_map.py does not let the role see.

Each detail is checked by changing it (on every pupil at once) and reading every page again: a page whose
text changes shows that detail, whether as the value itself or as something worked out from it (an age from
the date of birth, a distance from the home postcode, a "priority" from disadvantage). Sensitive flags such as
SEND cannot be found by searching for a value; a changed page finds them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from tests.browser import world as worlds
from tests.browser.test_pages import _pages
from tests.conftest import ClientRequest
from tests.web.careers.import_files import HEADER, csv_bytes
from tests.web.careers.import_files import pupil as mis_row
from web import cache
from web.extensions import db
from web.models import Consent, Student
from web.privacy import data_map


@dataclass
class _Paths:
    """What tests.browser.test_pages._pages needs of a stack: paths built by the app's URL map."""

    app: Flask

    def url(self, endpoint: str, **values: Any) -> str:
        return ClientRequest(self.app.test_client(), self.app).url(endpoint, **values)


def _pupils() -> list[Student]:
    return list(db.session.scalars(select(Student)))


def _each_pupil(change: Callable[[Student], None]) -> Callable[[], None]:
    def apply() -> None:
        for pupil in _pupils():
            change(pupil)

    return apply


def _consents(**values: str) -> Callable[[], None]:
    def apply() -> None:
        for row in db.session.scalars(select(Consent)):
            for name, value in values.items():
                setattr(row, name, value)

    return apply


def _flags(pupil: Student, send: bool) -> None:
    pupil.send, pupil.send_status = (True, "E") if send else (False, "N")


# One change per detail of the map, to a value no page could show by chance.
CHANGES: dict[str, Callable[[], None]] = {
    "first_name": _each_pupil(lambda pupil: setattr(pupil, "first_name", "Quillon")),
    "preferred_name": _each_pupil(lambda pupil: setattr(pupil, "preferred_name", "Zeph")),
    "last_name": _each_pupil(lambda pupil: setattr(pupil, "last_name", "Vantongeren")),
    "upn": _each_pupil(lambda pupil: setattr(pupil, "upn", f"Z{pupil.id:012d}")),
    "date_of_birth": _each_pupil(
        lambda pupil: setattr(pupil, "date_of_birth", pupil.date_of_birth - timedelta(1))
    ),
    "year_group": _each_pupil(lambda pupil: setattr(pupil, "year_group", 12)),
    "tutor_group": _each_pupil(lambda pupil: setattr(pupil, "tutor_group", "12Qx")),
    "postcode": _each_pupil(lambda pupil: setattr(pupil, "postcode", "OL16 1AB")),
    "email": _each_pupil(lambda pupil: setattr(pupil, "email", f"pupil{pupil.id}@quillon.example")),
    "parent_name": _each_pupil(lambda pupil: setattr(pupil, "parent_name", "Morwenna Threlkeld")),
    "parent_email": _each_pupil(
        lambda pupil: setattr(pupil, "parent_email", f"carer{pupil.id}@threlkeld.example")
    ),
    "disadvantaged": _each_pupil(lambda pupil: setattr(pupil, "disadvantaged", not pupil.disadvantaged)),
    "send": _each_pupil(lambda pupil: _flags(pupil, not pupil.send)),
    "interests": _each_pupil(
        lambda pupil: (
            setattr(pupil, "statement", "Beekeeping robots for a quillon orchard"),
            setattr(pupil, "routes", ["agriculture-environmental-and-animal-care"]),
            setattr(
                pupil, "pathway_interest", "academic" if pupil.pathway_interest != "academic" else "technical"
            ),
            setattr(pupil, "max_travel_km", 37.5),
            setattr(pupil, "available_from", date(2031, 6, 2)),
            setattr(pupil, "available_until", date(2031, 6, 27)),
        )
    ),
    "emergency_contact": _consents(emergency_name="Ottoline Marsh", emergency_phone="07700 900456"),
    "shared_needs": _consents(shared_needs="Uses a quillon-brand hearing loop"),
}
# The school is the one detail not changed: every role sees which school a pupil is at (data_map says so).
UNCHANGED = {"school"}


def test_every_detail_of_the_map_is_checked() -> None:
    assert set(CHANGES) | UNCHANGED == set(data_map.KEYS)
    assert all(data_map.may_see(role, "school") for role in data_map.MAP)


def _texts(request: ClientRequest, paths: list[str]) -> dict[str, str]:
    cache.clear()  # a kept page (the round pages) would not show the change
    texts = {}
    for path in paths:
        response = request.client.get(path)
        if response.status_code != 200:  # a page that sends this user on (the one it sends to is listed)
            continue
        main = BeautifulSoup(response.get_data(as_text=True), "html.parser").main
        for token in main.select('input[name$="csrf_token"]'):  # signed with the time: new each second
            token.decompose()
        # The markup, not just the text: a form's saved answers are in its inputs' values.
        texts[path] = " ".join(str(main).split())
    return texts


def _shown(app: Flask, sign_in_as: Any, role: str, keys: list[str]) -> dict[str, list[str]]:
    """Which of these details change a page of this role's journey: detail -> the pages it changes."""
    world = worlds.build()
    paths = [path for path, status in _pages(_Paths(app), world, role) if status == 200]  # type: ignore[arg-type]
    privacy = _privacy_pages(app, world, role)
    paths += privacy
    request = sign_in_as(world.users[role])
    # The student's own record is theirs to see; for them the map is tested on the other pupils.
    own = world.student.id if role == "student" else None
    # Only the pages that answer 200: one that sends the user on leaves a message on the next page read.
    paths = list(_texts(request, paths))
    assert set(privacy) <= set(paths), "a data protection page for one pupil did not open"
    baseline = _texts(request, paths)
    assert _texts(request, paths) == baseline, "a page changes between two reads: it cannot be compared"
    assert len(paths) >= 10

    shown: dict[str, list[str]] = {}
    for key in keys:
        with db.session.no_autoflush:
            keep = {pupil.id: _snapshot(pupil) for pupil in _pupils()}
            consents = {row.id: _snapshot(row) for row in db.session.scalars(select(Consent))}
            CHANGES[key]()
            if own is not None:  # leave the student's own record as it was
                _restore(db.session.get(Student, own), keep[own])
                for row in db.session.scalars(select(Consent)):
                    if row.allocation_id in _allocations_of(own):
                        _restore(row, consents[row.id])
        db.session.commit()
        changed = [path for path, text in _texts(request, paths).items() if text != baseline[path]]
        if changed:
            shown[key] = changed
        for pupil in _pupils():
            _restore(pupil, keep[pupil.id])
        for row in db.session.scalars(select(Consent)):
            _restore(row, consents[row.id])
        db.session.commit()
    return shown


@pytest.mark.parametrize("role", ["hub_admin", "careers_leader", "employer", "student"])
def test_no_page_shows_a_role_a_detail_of_a_pupil_the_data_map_does_not_allow(
    role: str, app: Flask, sign_in_as
) -> None:  # type: ignore[no-untyped-def]
    # A student may see all of their own record: for them every detail is checked on the other pupils.
    keys = [key for key in CHANGES if role == "student" or not data_map.may_see(role, key)]

    shown = _shown(app, sign_in_as, role, keys)

    assert shown == {}, f"pages show {role} details the data map does not allow: {shown}"


def test_the_check_sees_a_detail_when_a_page_shows_it(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    # Careers leaders see everything about their pupils: changing a detail changes their pages.
    shown = _shown(app, sign_in_as, "careers_leader", list(CHANGES))

    for key in ("last_name", "date_of_birth", "postcode", "parent_email", "disadvantaged", "send"):
        assert key in shown, key


# The data protection pages that name a pupil (web/privacy/pupils.py, subject_access.py), not in the browser
# journey's lists: staff's pages for one pupil, and the pupil's own request page.
PRIVACY_PAGES = {
    "hub_admin": ["privacy.pupil", "privacy.erase", "privacy.pupil_subject_access"],
    "careers_leader": ["privacy.pupil", "privacy.erase", "privacy.pupil_subject_access"],
    "student": ["privacy.my_subject_access"],
}


def _privacy_pages(app: Flask, world: worlds.World, role: str) -> list[str]:
    paths = _Paths(app)
    found = []
    for endpoint in PRIVACY_PAGES.get(role, []):
        if endpoint not in app.view_functions:  # built by another part of issue 16; checked once it is there
            continue
        values = {} if role == "student" else {"student_id": world.student.id}
        found.append(paths.url(endpoint, **values))
    return found


def _allocations_of(student_id: int) -> set[int]:
    from web.models import Allocation

    return set(db.session.scalars(select(Allocation.id).where(Allocation.student_id == student_id)))


COLUMNS = {
    Student: [
        "first_name",
        "preferred_name",
        "last_name",
        "upn",
        "date_of_birth",
        "year_group",
        "postcode",
        "email",
        "parent_name",
        "parent_email",
        "disadvantaged",
        "send",
        "send_status",
        "statement",
        "routes",
        "pathway_interest",
        "max_travel_km",
        "available_from",
        "available_until",
    ],
    Consent: ["emergency_name", "emergency_phone", "shared_needs"],
}


def _snapshot(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in COLUMNS[type(row)]}


def _restore(row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)


# Columns an MIS export often adds, with values found nowhere else, that the service has no use for.
UNNEEDED = {
    "Gender": "Quillonian",
    "Ethnicity": "WQLN-Threlkeld",
    "Religion": "Vantongerenism",
    "First Language": "Quillonese",
    "Address Line 1": "12 Threlkeld Gardens",
    "Home Telephone": "0161 496 0777",
    "Medical Conditions": "Quillon syndrome",
    "Attendance %": "87.349",
    "KS2 Prior Attainment": "Threlkeld-high",
    "CLA": "Looked after by Vantongeren council",
}


def _everything_stored() -> str:
    """Every row of every table, as text."""
    with db.engine.connect() as connection:
        return "\n".join(
            str(row) for table in db.metadata.sorted_tables for row in connection.execute(table.select())
        )


def test_mis_columns_the_service_does_not_need_are_not_stored(careers_leader_request: ClientRequest) -> None:
    header = [*HEADER, *UNNEEDED]
    data = csv_bytes([{**mis_row(1), **UNNEEDED}, {**mis_row(2), **UNNEEDED}], header=header)

    careers_leader_request.post(
        "careers.import_students", {"file": (io.BytesIO(data), "students.csv")}, _expected_status=302
    )
    check = careers_leader_request.get("careers.check_import")
    waiting = _everything_stored()
    seen = check.select_one("input[name=seen]")["value"]
    careers_leader_request.post("careers.confirm_import", {"seen": seen}, _follow=True, _expected_status=200)
    imported = _everything_stored()

    assert len(db.session.scalars(select(Student)).all()) == 2
    assert "Surname001" in imported  # the needed columns were stored
    for column, value in UNNEEDED.items():
        assert value not in waiting, column
        assert value not in imported, column
    # The careers leader is told which columns were left out (their names only).
    text = check.get_text(" ")
    assert all(column in text for column in UNNEEDED)
