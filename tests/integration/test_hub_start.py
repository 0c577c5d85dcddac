"""A hub starts for real, from an empty database, over HTTP with a real worker and a real SMTP server.

The first hub admin is made by the documented command; everyone else arrives by invitation or registers, and
every link is followed from the email the SMTP server received: the hub admin adds a school and invites its
careers leader, who imports the school's students from a CSV and invites them; an employer registers, is
vetted and approved, and publishes; a student accepts their invitation and ranks the placement.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.integration.browser import Browser
from tests.integration.conftest import BIN, ROOT, Stack, _broker_url, _free_port, _purge, launch, stack_env
from tests.integration.test_journey import _date, _employer_publishes, _id_from, _student_ranks
from tests.smtp import SmtpServer, body
from tests.web.careers.import_files import csv_bytes, pupil
from web.extensions import db
from web.models import Employer, Notification, Student

PASSWORD = "hub-start password 1"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    """The SMTP server every message of this module goes to."""
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module", params=["sqlite", "redis"], ids=["sqlite-file broker", "redis broker"])
def stack(
    request: pytest.FixtureRequest, app: Flask, smtp: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """The web server and a worker (matching and notifications) sending mail to the tests' SMTP server."""
    where: Path = tmp_path_factory.mktemp("hub-start")
    broker = _broker_url(request.param, where)
    _purge(broker)
    port = _free_port()
    env = {**stack_env(app, broker), **smtp.settings(), "SERVICE_URL": f"http://127.0.0.1:{port}"}
    yield from launch(broker, app, where, env, workers=("worker",), port=port)


def _link(message: EmailMessage) -> str:
    """The path of the service link in an email."""
    found = re.search(r"https?://[^/\s]+(/\S+)", body(message))
    assert found, body(message)
    return found.group(1)


def _accept_invitation(stack: Stack, smtp: SmtpServer, address: str) -> Browser:
    """Follow the invitation emailed to this address, choose a password, and land signed in."""
    [invitation] = smtp.inbox.wait_for(address)
    assert invitation["Subject"] == "You have been invited to Arrange work experience"
    person = stack.browser()
    page = person.get(_link(invitation))
    assert page.url.endswith("/account/password"), page.url  # the secret left the address bar
    page = person.submit(page, {"password": PASSWORD, "confirm": PASSWORD})
    assert "Your password is saved and you are signed in" in page.main_text()
    return person


def _waiting_messages() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification.status).where(Notification.status != "sent")))


def test_a_hub_starts_from_an_empty_database(stack: Stack, smtp: SmtpServer) -> None:
    smtp.inbox.messages.clear()  # the server outlives each broker's stack
    # The first hub admin, by the command the README gives.
    command = ["create-hub-admin", "--email", "admin@hub.example", "--hub", "Manchester Careers Hub"]
    command += ["--area", "Greater Manchester", "--password", PASSWORD]
    subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=stack.env, check=True, capture_output=True)
    admin = stack.browser()
    admin.sign_in("admin@hub.example", PASSWORD)

    # A school, and an invitation to its careers leader.
    page = admin.submit(
        stack.url("hub.new_school"),
        {"urn": "123456", "name": "Ardwick Green Academy", "postcode": "M13 9PL", "phase": "secondary"},
    )
    school_id = _id_from(page, "/schools/")
    page = admin.submit(page, {"name": "Nia Careers", "email": "leader@ardwick.example"})
    assert "leader@ardwick.example" in page.main_text()

    # The careers leader accepts, imports the school's students from the MIS and invites them.
    leader = _accept_invitation(stack, smtp, "leader@ardwick.example")
    rows = [
        pupil(1, **{"Legal Forename": "Zainab", "Year": "10", "Postcode": "M14 5TP"}),
        pupil(2, **{"Legal Forename": "Tom", "Year": "11", "Postcode": "M20 2RN"}),
    ]
    rows[0]["Email"], rows[1]["Email"] = "zainab@pupils.example", "tom@pupils.example"
    page = leader.submit(
        stack.url("careers.import_students"),
        {"full_export": ["yes"]},
        files={"file": ("students.csv", csv_bytes(rows))},
    )
    assert "/students/import/check" in page.url, page.main_text()[:2000]
    page = leader.post_form(page, stack.url("careers.confirm_import"))
    assert "2 added" in page.main_text() or "2 students added" in page.main_text(), page.main_text()[:2000]
    page = leader.post_form(leader.get(stack.url("careers.students")), stack.url("careers.invite_students"))
    assert "2 students invited" in page.main_text(), page.main_text()[:2000]

    # An employer registers, is vetted and approved by the hub, and publishes a placement.
    employer = stack.browser()
    employer.submit(
        stack.url("employers.register"),
        {
            "name": "Northern Quarter Digital",
            "route": "digital",
            "postcode": "M1 1AD",
            "contact_name": "Sam Supervisor",
            "contact_email": "sam@nqd.example",
            "contact_phone": "0161 496 0000",
            "email": "boss@nqd.example",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    [registered] = smtp.inbox.wait_for("admin@hub.example")
    assert "registered" in registered["Subject"]
    db.session.expire_all()
    employer_id = db.session.scalar(select(Employer.id).where(Employer.name == "Northern Quarter Digital"))
    today = date.today()
    admin.submit(
        stack.url("hub.employer_check", employer_id=employer_id),
        {
            "insurer": "Mutual Employers Insurance",
            "insurance_cover": "5,000,000",
            "insurance_expires": _date(today + timedelta(days=300)),
            "risk_assessment_on_file": "y",
            "risk_assessment_summary": "Office work, supervised throughout; fire drill explained on day one.",
            "supervisor_name": "Sam Supervisor",
            "last_checked_on": _date(today),
            "next_check_due": _date(today + timedelta(days=365)),
        },
    )
    page = admin.submit(
        stack.url("hub.employer", employer_id=employer_id),
        {"decision": "approve", "reason": "Evidence checked."},
    )
    assert "Approved" in page.main_text(), page.main_text()[:2000]
    [decision] = smtp.inbox.wait_for("boss@nqd.example")
    assert "approved" in body(decision).lower()
    employer.sign_in("boss@nqd.example", PASSWORD)
    opportunity_id = _employer_publishes(stack, employer, today + timedelta(days=60))

    # A student accepts their invitation and ranks the placement.
    student = _accept_invitation(stack, smtp, "zainab@pupils.example")
    _student_ranks(stack, student, opportunity_id)

    db.session.expire_all()
    zainab = db.session.scalar(select(Student).where(Student.email == "zainab@pupils.example"))
    assert zainab is not None and zainab.school_id == school_id and zainab.upn
    stack.wait_for(lambda: not _waiting_messages(), 30, "every email to be sent")
    assert len(smtp.inbox.to("tom@pupils.example")) == 1  # invited once, though not yet accepted


def test_the_outbox_page_is_not_there_when_mail_goes_by_smtp(stack: Stack) -> None:
    assert stack.browser().get("/dev/outbox", expect=404).status == 404
