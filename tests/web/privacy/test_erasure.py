"""Erasing a pupil takes away everything that says who they are, in one transaction, and keeps what reports
count; a hold refuses it with its reason; others are refused."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import error_messages
from tests.web.privacy.helpers import full_pupil
from tests.web.privacy.plan_rows import create_link, create_session, place
from web.dao import erasure
from web.dao.base import transaction
from web.extensions import db
from web.models import (
    AccessLog,
    Allocation,
    AuditEvent,
    CheckIn,
    Consent,
    EventPlace,
    ExperienceRecord,
    Feedback,
    Hub,
    Notification,
    OwnPlacement,
    ParentLink,
    PlanItem,
    PlanSession,
    Preference,
    PupilHold,
    School,
    SignInIdentity,
    Student,
    StudentTransfer,
    User,
)
from web.models.base import utcnow

PERSONAL = (
    "Alex",
    "Smith",
    "Jo Smith",
    "jo.smith",
    "alex.smith",
    "A123456789012",
    "M14 5TP",
    "07700",
    "Asthma",
)


def _everything_about(student_id: int) -> str:
    """Every column of every row that belongs to the pupil, as one string to search."""
    rows: list[object] = [db.session.get(Student, student_id)]
    allocations = list(db.session.scalars(select(Allocation.id).where(Allocation.student_id == student_id)))
    rows += list(db.session.scalars(select(User).where(User.student_id == student_id)))
    for model in (Consent, CheckIn, Feedback):
        rows += list(db.session.scalars(select(model).where(model.allocation_id.in_(allocations))))
    for model in (OwnPlacement, StudentTransfer, Preference, Allocation, EventPlace, ExperienceRecord):
        rows += list(db.session.scalars(select(model).where(model.student_id == student_id)))
    rows += list(db.session.scalars(select(AuditEvent)))
    rows += list(db.session.scalars(select(Notification)))
    return json.dumps(
        [{c.name: str(getattr(r, c.key, "")) for c in r.__table__.columns} for r in rows]  # type: ignore[attr-defined]
    )


def test_erasing_a_pupil_takes_away_who_they_are_and_keeps_what_reports_count(
    careers_leader_request: ClientRequest,
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    other = factories.create_student(school, first_name="Bea", last_name="Jones", email="bea@example.org")
    before = _everything_about(pupil.student.id)
    assert all(word in before for word in PERSONAL)

    page = careers_leader_request.post(
        "privacy.erase", {"reason": "asked"}, _expected_status=200, _follow=True, student_id=pupil.student.id
    )

    assert "The pupil has been erased" in page.text
    db.session.expire_all()
    after = _everything_about(pupil.student.id)
    assert [word for word in PERSONAL if word in after] == []
    student = db.session.get(Student, pupil.student.id)
    assert (student.school_id, student.year_group, student.routes) == (school.id, 10, ["digital"])
    assert student.date_of_birth == date(2010, 3, 1)
    assert student.anonymised_at is not None
    assert db.session.get(Allocation, pupil.allocation_id).status == "completed"
    assert db.session.scalar(select(Consent.decision)) == "given"
    assert db.session.scalar(select(Feedback.rating)) == 5
    account = db.session.get(User, pupil.account.id)
    assert not account.active and account.password_hash == ""
    # Who saw them stays: the view in the pupil's history, and the careers leader's of the page after erasing.
    pages = db.session.scalars(select(AccessLog.page).order_by(AccessLog.at))
    assert list(pages) == ["careers.student", "privacy.pupil"]
    assert db.session.get(Student, other.id).first_name == "Bea"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert (event.record_id, event.detail) == (pupil.student.id, {"reason": "asked"})


def test_the_erased_pupils_address_is_gone_from_their_account(careers_leader_request: ClientRequest) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    careers_leader_request.post("privacy.erase", {"reason": "asked"}, student_id=pupil.student.id)
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.email == "alex.smith@pupils.example.org")
        )
        == 0
    )


def test_erasing_a_pupil_disconnects_their_school_account(careers_leader_request: ClientRequest) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    db.session.add(
        SignInIdentity(user_id=pupil.account.id, provider="google", issuer="https://g", subject="42")
    )
    db.session.commit()
    careers_leader_request.post("privacy.erase", {"reason": "asked"}, student_id=pupil.student.id)
    assert db.session.scalar(select(func.count()).select_from(SignInIdentity)) == 0


def test_a_hold_refuses_erasure_with_its_reason_and_nothing_changes(
    careers_leader_request: ClientRequest,
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    careers_leader_request.post(
        "privacy.hold", {"reason": "Safeguarding review under way"}, student_id=pupil.student.id
    )
    before = _everything_about(pupil.student.id)

    page = careers_leader_request.post(
        "privacy.erase", {"reason": "asked"}, _expected_status=200, student_id=pupil.student.id
    )

    assert "on hold and must be kept: Safeguarding review under way" in page.text
    db.session.expire_all()
    assert _everything_about(pupil.student.id) == before
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "erase"))
        == 0
    )


def test_lifting_the_hold_lets_erasure_go_ahead(careers_leader_request: ClientRequest) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    careers_leader_request.post("privacy.hold", {"reason": "Claim"}, student_id=pupil.student.id)
    careers_leader_request.post("privacy.lift_hold", {}, student_id=pupil.student.id)
    assert db.session.scalar(select(func.count()).select_from(PupilHold)) == 0
    careers_leader_request.post("privacy.erase", {"reason": "mistake"}, student_id=pupil.student.id)
    db.session.expire_all()
    assert db.session.get(Student, pupil.student.id).anonymised_at is not None


def test_erasure_is_all_or_nothing(
    careers_leader_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    before = _everything_about(pupil.student.id)

    def broken(ids: list[int]) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erasure, "clear_feedback", broken)
    student = db.session.get(Student, pupil.student.id)
    with pytest.raises(RuntimeError), transaction():
        erasure.erase(student, careers_leader_request.user.id, "asked", utcnow())  # type: ignore[attr-defined]
    db.session.expire_all()
    assert _everything_about(pupil.student.id) == before


def test_no_reason_chosen_gets_an_error_naming_the_question(careers_leader_request: ClientRequest) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    student = factories.create_student(school)
    page = careers_leader_request.post("privacy.erase", {}, _expected_status=200, student_id=student.id)
    assert error_messages(page) == ["Select why this pupil is being erased"]
    assert db.session.get(Student, student.id).anonymised_at is None


def test_an_empty_hold_reason_gets_an_error(careers_leader_request: ClientRequest) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    student = factories.create_student(school)
    page = careers_leader_request.post(
        "privacy.hold", {"reason": "  "}, _expected_status=200, student_id=student.id
    )
    assert error_messages(page) == ["Enter why this record must be kept"]


@pytest.mark.parametrize("endpoint", ["privacy.pupil", "privacy.erase"])
def test_another_schools_careers_leader_is_refused(
    careers_leader_request: ClientRequest, endpoint: str
) -> None:
    theirs = factories.create_student(factories.create_school())
    assert careers_leader_request.get(endpoint, student_id=theirs.id, _expected_status=404)


def test_another_schools_careers_leader_cannot_erase(careers_leader_request: ClientRequest) -> None:
    theirs = factories.create_student(factories.create_school())
    careers_leader_request.post(
        "privacy.erase", {"reason": "asked"}, student_id=theirs.id, _expected_status=404
    )
    careers_leader_request.post("privacy.hold", {"reason": "x"}, student_id=theirs.id, _expected_status=404)
    db.session.expire_all()
    assert db.session.get(Student, theirs.id).anonymised_at is None


def test_the_hub_admin_may_erase_in_their_hub_but_not_another(hub_admin_request: ClientRequest) -> None:
    hub_id = hub_admin_request.user.hub_id  # type: ignore[attr-defined]
    ours = factories.create_student(factories.create_school(db.session.get(Hub, hub_id)))
    theirs = factories.create_student(factories.create_school())
    hub_admin_request.post("privacy.erase", {"reason": "asked"}, student_id=ours.id)
    hub_admin_request.post("privacy.erase", {"reason": "asked"}, student_id=theirs.id, _expected_status=404)
    db.session.expire_all()
    assert db.session.get(Student, ours.id).anonymised_at is not None
    assert db.session.get(Student, theirs.id).anonymised_at is None


@pytest.mark.parametrize("role_fixture", ["employer_request", "student_request"])
def test_employers_and_students_are_refused(request: pytest.FixtureRequest, role_fixture: str) -> None:
    client: ClientRequest = request.getfixturevalue(role_fixture)
    student = factories.create_student()
    client.get("privacy.pupil", student_id=student.id, _expected_status=403)
    client.post("privacy.erase", {"reason": "asked"}, student_id=student.id, _expected_status=403)


def test_the_hub_admin_finds_a_pupil_of_the_hub_by_upn_and_not_another_hubs(
    hub_admin_request: ClientRequest,
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    ours = factories.create_student(factories.create_school(hub), upn="A123456789012")
    factories.create_student(factories.create_school(), upn="B123456789012")

    page = hub_admin_request.post("privacy.find_pupil", {"upn": "a123456789012"})
    assert page.location == hub_admin_request.url("privacy.pupil", student_id=ours.id)  # type: ignore[attr-defined]
    page = hub_admin_request.post("privacy.find_pupil", {"upn": "B123456789012"}, _expected_status=200)
    assert error_messages(page) == ["No pupil of your hub's schools has that UPN"]
    page = hub_admin_request.post("privacy.find_pupil", {"upn": ""}, _expected_status=200)
    assert error_messages(page) == ["Enter the pupil's UPN"]


def test_only_hub_admins_find_pupils_by_upn(careers_leader_request: ClientRequest) -> None:
    careers_leader_request.post("privacy.find_pupil", {"upn": "A123456789012"}, _expected_status=403)


def test_erasure_clears_the_reasons_and_notes_written_about_the_pupils_placements(
    careers_leader_request: ClientRequest,
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    allocation = db.session.get(Allocation, pupil.allocation_id)
    allocation.ended_reason = "Withdrawn by the school: Alex Smith is ill"
    db.session.add(
        AuditEvent(
            action="allocation_rejected",
            record_type="allocation",
            record_id=allocation.id,
            detail={"reason": "travel", "note": "Alex Smith cannot travel"},
        )
    )
    db.session.commit()

    careers_leader_request.post("privacy.erase", {"reason": "asked"}, student_id=pupil.student.id)

    db.session.expire_all()
    assert db.session.get(Allocation, allocation.id).ended_reason == ""
    rejected = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "allocation_rejected"))
    assert rejected.detail == {"reason": "travel", "note": ""}


def test_a_siblings_emails_to_the_same_family_address_are_kept(careers_leader_request: ClientRequest) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    sibling = full_pupil(school, upn="A123456789013", email="bea.smith@pupils.example.org", first_name="Bea")
    for who in (pupil, sibling):
        db.session.add(
            Notification(
                idempotency_key=f"offer:{who.allocation_id}",
                recipient="jo.smith@example.net",
                template="offer_made",
                about={"allocation_id": who.allocation_id},
                status="queued",
            )
        )
    db.session.commit()

    careers_leader_request.post("privacy.erase", {"reason": "asked"}, student_id=pupil.student.id)

    db.session.expire_all()
    left = db.session.scalars(select(Notification.about).where(Notification.template == "offer_made")).all()
    assert left == [{"allocation_id": sibling.allocation_id}]


@pytest.mark.parametrize("live", ["accepted", "confirmed", "offered"])
def test_a_pupil_with_a_placement_still_to_come_is_not_erased(
    careers_leader_request: ClientRequest, live: str
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    db.session.get(Allocation, pupil.allocation_id).status = live
    db.session.commit()

    page = careers_leader_request.post(
        "privacy.erase", {"reason": "asked"}, _expected_status=200, student_id=pupil.student.id
    )

    assert "still to come" in page.select_one(".govuk-error-summary").text
    db.session.expire_all()
    assert db.session.get(Student, pupil.student.id).anonymised_at is None


def test_pressing_hold_twice_keeps_one_hold(careers_leader_request: ClientRequest) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    student = factories.create_student(school)
    for _ in range(2):
        careers_leader_request.post("privacy.hold", {"reason": "Claim"}, student_id=student.id)
    assert db.session.scalar(select(func.count()).select_from(PupilHold)) == 1


def test_erasing_a_pupil_takes_away_their_parents_links_and_their_places_in_term_plans(
    careers_leader_request: ClientRequest,
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    pupil = full_pupil(school)
    sibling = factories.create_student(school, first_name="Bea", last_name="Smith")
    session = create_session(db.session.get(Hub, school.hub_id))  # type: ignore[arg-type]
    place(session, pupil.student, "approved")
    place(session, sibling)
    create_link(pupil.student)
    kept_link = create_link(sibling)

    careers_leader_request.post("privacy.erase", {"reason": "asked"}, student_id=pupil.student.id)

    db.session.expire_all()
    assert list(db.session.scalars(select(ParentLink.id))) == [kept_link.id]
    assert list(db.session.scalars(select(PlanItem.student_id))) == [sibling.id]
    assert db.session.get(PlanSession, session.id).places_taken == 1
