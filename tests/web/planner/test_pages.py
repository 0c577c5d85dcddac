"""The hub's entitlements page and the careers leader's ledger: what each shows, changes kept for every
school, bad numbers named, and other roles, hubs and schools refused."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import error_messages, rows
from web.extensions import db
from web.models import AuditEvent, EntitlementTarget, Hub, School, User


def _school(request: ClientRequest) -> School:
    return db.session.get(School, request.user.school_id)  # type: ignore[attr-defined]


def test_the_hub_starts_from_the_defaults_and_changes_a_milestone(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.get("planner.targets")
    assert page.select_one("#defaults-note") is not None
    assert page.select_one("#target-ks3_workplace") is not None

    page = hub_admin_request.post(
        "planner.change_target",
        {"label": "Workplace days", "year_7": "6", "year_8": "3", "year_9": "30"},
        _expected_status=200,
        key="ks3_workplace",
    )
    assert error_messages(page) == [
        "Year 8 must be at least 6: milestones count from the start of Year 7, so they cannot fall"
    ]
    assert db.session.scalar(select(EntitlementTarget.id)) is None  # nothing half-saved

    page = hub_admin_request.post(
        "planner.change_target",
        {"label": "Workplace days", "year_7": "6", "year_8": "", "year_9": "x"},
        _expected_status=200,
        key="ks3_workplace",
    )
    assert error_messages(page) == [
        "Enter what workplace activities in years 7 to 9 should reach by the end of Year 8",
        "Year 9 must be a whole number of hours, like 30",
    ]

    hub_admin_request.post(
        "planner.change_target",
        {"label": "Workplace days", "year_7": "6", "year_8": "16", "year_9": "30"},
        key="ks3_workplace",
    )
    stored = db.session.scalars(select(EntitlementTarget).order_by(EntitlementTarget.position)).all()
    assert len(stored) == 8
    ks3 = next(row for row in stored if row.key == "ks3_workplace")
    assert (ks3.label, ks3.milestones) == ("Workplace days", ["6", "16", "30"])
    assert db.session.scalar(select(AuditEvent.action)) == "entitlement_targets_set"


def test_a_hub_adds_and_removes_its_own_entitlement(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.post(
        "planner.new_target",
        {
            "label": "University visit",
            "measure": "employer",
            "first_year": "11",
            "last_year": "10",
            "every_year": "no",
            "amount": "2",
        },
        _expected_status=200,
    )
    assert error_messages(page) == ["Last year must be the first year or later"]
    hub_admin_request.post(
        "planner.new_target",
        {
            "label": "University visit",
            "measure": "employer",
            "first_year": "10",
            "last_year": "11",
            "every_year": "no",
            "amount": "2",
        },
    )
    own = db.session.scalar(select(EntitlementTarget).where(EntitlementTarget.key == "own-university-visit"))
    assert own is not None and own.milestones == ["1", "2"]
    hub_admin_request.post("planner.remove_target", key="own-university-visit")
    assert db.session.scalar(select(EntitlementTarget).where(EntitlementTarget.key.like("own-%"))) is None
    hub_admin_request.post("planner.remove_target", _expected_status=404, key="encounter")


def test_other_roles_cannot_set_targets_and_hubs_keep_their_own(
    hub_admin_request: ClientRequest,
    careers_leader_request: ClientRequest,
    student_request: ClientRequest,
    employer_request: ClientRequest,
    sign_in_as,  # type: ignore[no-untyped-def]
) -> None:
    for request in (careers_leader_request, student_request, employer_request):
        request.get("planner.targets", _expected_status=403)
        request.post("planner.default_targets", _expected_status=403)
    hub_admin_request.post(
        "planner.change_target",
        {"label": "An encounter", **{f"year_{y}": "2" for y in range(7, 14)}},
        key="encounter",
    )
    other = factories.create_user_for("hub_admin", factories.create_hub())
    assert sign_in_as(other).get("planner.targets").select_one("#defaults-note") is not None


def test_the_ledger_shows_each_pupils_standing_in_the_year_group(
    careers_leader_request: ClientRequest,
) -> None:
    school = _school(careers_leader_request)
    today = date.today()
    done = factories.create_student(school, first_name="Dee", last_name="Able", year_group=9)
    booked = factories.create_student(school, first_name="Bo", last_name="Baker", year_group=9)
    factories.create_student(school, first_name="Ned", last_name="Cole", year_group=9, disadvantaged=True)
    factories.create_student(school, first_name="Seven", last_name="Dunn", year_group=7)
    factories.create_record(done, benchmark="5", kind="employer_talk", on_date=today, hours=1)
    factories.create_record(done, benchmark="6", kind="work_experience", on_date=today, hours=30)
    event = factories.create_event(
        db.session.get(Hub, school.hub_id), [school], held_on=today + timedelta(days=20)
    )
    factories.create_place(factories.create_slot(event), booked)
    db.session.commit()

    page = careers_leader_request.get("planner.year_ledger", year="9")
    table = rows(page, "ledger")
    assert [row[0] for row in table] == ["Dee Able", "Bo Baker", "Ned Cole"]
    assert table[0][1].startswith("Done 1 of 1")
    assert table[0][2].startswith("Done 30 h of 30 h")
    assert ", 1 booked" in table[1][1]
    assert rows(page, "summary-table")[0][0] == "An employer encounter every year"

    page = careers_leader_request.get("planner.year_ledger", year="9", group="disadvantaged")
    assert [row[0] for row in rows(page, "ledger")] == ["Ned Cole"]
    page = careers_leader_request.get("planner.year_ledger", year="9", group="no_experience")
    assert [row[0] for row in rows(page, "ledger")] == ["Bo Baker", "Ned Cole"]


def test_the_ledger_is_the_schools_own_and_refused_to_other_roles(
    careers_leader_request: ClientRequest,
    hub_admin_request: ClientRequest,
    student_request: ClientRequest,
) -> None:
    other = factories.create_school(db.session.get(Hub, _school(careers_leader_request).hub_id))
    factories.create_student(other, first_name="Elsewhere", year_group=9)
    db.session.commit()
    page = careers_leader_request.get("planner.year_ledger", year="9")
    assert "Elsewhere" not in page.get_text()
    for request in (hub_admin_request, student_request):
        request.get("planner.year_ledger", _expected_status=403)


def test_my_record_says_what_the_pupil_is_owed(student_request: ClientRequest) -> None:
    user = db.session.get(User, student_request.user.id)  # type: ignore[attr-defined]
    page = student_request.get("students.record")
    owed = page.select_one("#owed-list")
    assert owed is not None
    assert "An employer encounter every year" in owed.get_text()
    assert user is not None
