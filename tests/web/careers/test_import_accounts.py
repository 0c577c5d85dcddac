"""What an import does to students' accounts: a new email moves the sign-in email (and the check page says
so), and a leaver's account is deactivated with every link for them ended."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.import_files import csv_bytes, pupil, upn
from tests.web.pages import error_messages, rows
from web.dao import consent as consent_dao
from web.dao import tokens
from web.dao.base import transaction
from web.extensions import db
from web.models import AuditEvent, Consent, School, Student, User
from web.models.base import utcnow


def upload(request: ClientRequest, data: bytes, full_export: bool = False) -> Any:
    payload: dict[str, Any] = {"file": (io.BytesIO(data), "students.csv")}
    if full_export:
        payload["full_export"] = "yes"
    return request.post("careers.import_students", payload, _expected_status=302)


def confirm(request: ClientRequest) -> Any:
    seen = request.get("careers.check_import").select_one("input[name=seen]")["value"]
    return request.post("careers.confirm_import", {"seen": seen}, _follow=True, _expected_status=200)


def imported_with_account(request: ClientRequest, n: int = 1) -> tuple[Student, User]:
    upload(request, csv_bytes([pupil(number) for number in range(1, n + 1)]))
    confirm(request)
    student = db.session.scalar(select(Student).where(Student.upn == upn(1)))
    assert student is not None
    user = factories.create_user_for("student", student, email=student.email)
    return student, user


def reset_link(user: User) -> str:
    with transaction():
        return tokens.secret_of(tokens.issue(user.id, "reset", timedelta(hours=24), None))


def test_a_new_email_in_the_file_changes_the_accounts_email_and_the_check_page_says_so(
    careers_leader_request: ClientRequest,
) -> None:
    student, user = imported_with_account(careers_leader_request)
    secret = reset_link(user)

    upload(careers_leader_request, csv_bytes([pupil(1, Email="New.Address@school.example.org")]))
    check = careers_leader_request.get("careers.check_import")

    assert rows(check, "email-changes-table") == [
        [
            "Pupil1 Surname001",
            upn(1),
            "Email will change from pupil1@school.example.org to new.address@school.example.org",
        ]
    ]
    confirm(careers_leader_request)
    db.session.expire_all()
    assert db.session.get(Student, student.id).email == "new.address@school.example.org"
    assert db.session.get(User, user.id).email == "new.address@school.example.org"
    # A link emailed to the old address no longer opens the account.
    assert tokens.find(secret, "reset", utcnow()) is None
    changed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user_email_changed")).all()
    assert [(event.record_id, event.detail) for event in changed] == [(user.id, {"by": "student_import"})]


def test_an_email_another_account_has_stops_the_import_with_a_problem(
    careers_leader_request: ClientRequest,
) -> None:
    _, user = imported_with_account(careers_leader_request)
    factories.create_user_for("careers_leader", email="taken@example.org")

    upload(careers_leader_request, csv_bytes([pupil(1, Email="taken@example.org")]))
    check = careers_leader_request.get("careers.check_import")

    assert [problem.get_text(strip=True) for problem in check.select("#check-problems li")] == [
        "Row 2, Email: Someone else's account already uses this email address, so this student's sign-in "
        "email cannot change to it. Check it in your MIS"
    ]
    assert check.select_one("#confirm-import") is None
    assert error_messages(check)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "pupil1@school.example.org"


def test_an_email_left_out_or_not_an_address_changes_no_account(
    careers_leader_request: ClientRequest,
) -> None:
    _, user = imported_with_account(careers_leader_request)

    upload(careers_leader_request, csv_bytes([pupil(1, Email="not an address")]))
    check = careers_leader_request.get("careers.check_import")

    assert check.select_one("#email-changes-table") is None
    confirm(careers_leader_request)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "pupil1@school.example.org"


def pending_consent(student: Student) -> Consent:
    place = factories.create_opportunity(factories.create_employer())
    school = db.session.get(School, student.school_id)
    allocation = factories.create_allocation(
        factories.create_round(school), student, place, status="accepted"
    )
    salt, token_hash = consent_dao._new_salt()
    consent = Consent(
        allocation_id=allocation.id,
        salt=salt,
        token_hash=token_hash,
        expires_at=utcnow() + timedelta(days=14),
    )
    db.session.add(consent)
    db.session.commit()
    return consent


def test_a_leaver_marked_by_a_full_export_loses_their_account_and_every_link(
    careers_leader_request: ClientRequest,
) -> None:
    student, user = imported_with_account(careers_leader_request, n=2)
    reset = reset_link(user)
    consent = pending_consent(student)
    consent_secret = consent_dao.secret_of(consent)
    assert consent_dao.find(consent_secret, utcnow()) is not None

    upload(careers_leader_request, csv_bytes([pupil(2)]), full_export=True)
    confirm(careers_leader_request)

    db.session.expire_all()
    assert db.session.get(Student, student.id).left_on is not None
    assert db.session.get(User, user.id).active is False
    assert tokens.find(reset, "reset", utcnow()) is None
    assert consent_dao.find(consent_secret, utcnow()) is None
    imported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "students_imported")).all()
    assert imported[-1].detail["accounts_deactivated"] == 1
