"""The retention schedule each night: a week's notice to the hub admins, then the same rows removed or
anonymised on the day (counts in reports unchanged), holds respected, a second delivery doing nothing twice;
and the hub admin's periods within their limits."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.pages import error_messages
from tests.web.privacy.helpers import ago, full_pupil
from tests.web.privacy.plan_rows import create_link
from web.dao import retention
from web.extensions import db
from web.models import (
    AccessLog,
    AuditEvent,
    Consent,
    ExperienceRecord,
    Hub,
    Notification,
    ParentLink,
    PupilHold,
    RetentionRun,
    School,
    Student,
)
from workers import privacy_tasks


def _night(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Run the nightly task as beat would on `day`."""
    monkeypatch.setattr(privacy_tasks, "london_today", lambda: day)
    privacy_tasks.apply_retention()
    db.session.expire_all()


def _names(school_id: int) -> list[str]:
    return sorted(db.session.scalars(select(Student.first_name).where(Student.school_id == school_id)))


def test_leavers_are_anonymised_two_years_after_leaving_and_others_kept(
    hub_admin_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    school = factories.create_school(hub)
    old = full_pupil(school, left_on=ago(740), first_name="Olga")
    recent = factories.create_student(school, first_name="Rita", left_on=ago(100))
    current = factories.create_student(school, first_name="Cara")
    held = factories.create_student(school, first_name="Hana", left_on=ago(900))
    db.session.add(PupilHold(student_id=held.id, reason="Claim"))
    db.session.commit()

    _night(monkeypatch, date.today())

    assert _names(school.id) == ["Cara", "Former", "Hana", "Rita"]
    assert db.session.get(Student, old.student.id).anonymised_at is not None
    assert db.session.scalar(select(Consent.parent_name)) == ""
    applied = retention.run_of(hub.id, date.today(), "applied")
    assert applied is not None and applied.counts["pupil"] == 1
    assert {recent.id, current.id, held.id}.isdisjoint(
        db.session.scalars(select(Student.id).where(Student.anonymised_at.is_not(None)))
    )


def test_the_notice_a_week_ahead_says_what_the_day_does(
    hub_admin_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    school = factories.create_school(hub)
    full_pupil(school, left_on=ago(730 - 6))  # kept 730 days: due in a week
    factories.create_student(school, first_name="Cara")
    today = date.today()

    _night(monkeypatch, today)

    notice = retention.run_of(hub.id, today + timedelta(days=7), "notice")
    assert notice is not None and notice.counts["pupil"] == 1
    assert retention.run_of(hub.id, today, "applied").counts["pupil"] == 0  # type: ignore[union-attr]
    sent = db.session.scalars(select(Notification).where(Notification.template == "retention_notice")).all()
    assert [n.recipient for n in sent] == [hub_admin_request.user.email]  # type: ignore[attr-defined]

    _night(monkeypatch, today + timedelta(days=6))
    assert _names(school.id) == ["Alex", "Cara"]
    assert retention.run_of(hub.id, today + timedelta(days=13), "notice").counts["pupil"] == 0  # type: ignore[union-attr]
    _night(monkeypatch, today + timedelta(days=7))

    assert retention.run_of(hub.id, today + timedelta(days=7), "applied").counts["pupil"] == 1  # type: ignore[union-attr]
    assert _names(school.id) == ["Cara", "Former"]


def test_a_second_delivery_the_same_night_does_nothing_twice(
    hub_admin_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    full_pupil(factories.create_school(hub), left_on=ago(800))
    _night(monkeypatch, date.today())
    runs = db.session.scalar(select(func.count()).select_from(RetentionRun))
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    emails = db.session.scalar(select(func.count()).select_from(Notification))

    _night(monkeypatch, date.today())

    assert db.session.scalar(select(func.count()).select_from(RetentionRun)) == runs == 2
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits
    assert db.session.scalar(select(func.count()).select_from(Notification)) == emails


def test_old_records_views_and_emails_are_deleted_by_their_own_periods(
    hub_admin_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    school = factories.create_school(hub)
    pupil = full_pupil(school)  # its view in the access log and its email are from 2024
    factories.create_record(pupil.student, on_date=ago(2200), title="Year 7 talk")  # still at school: kept
    long_gone = factories.create_student(school, first_name="Lea", left_on=ago(2200))
    factories.create_record(long_gone, on_date=ago(2500), title="Lea's talk")
    db.session.add(
        AccessLog(user_id=pupil.account.id, student_id=pupil.student.id, page="x", at=datetime.now())
    )
    db.session.commit()

    _night(monkeypatch, date.today())

    assert list(db.session.scalars(select(ExperienceRecord.title))) == ["Year 7 talk"]
    assert list(db.session.scalars(select(AccessLog.page))) == ["x"]
    assert (
        db.session.scalar(select(func.count()).select_from(Notification).where(Notification.status == "sent"))
        == 0
    )
    assert db.session.get(Student, pupil.student.id).first_name == "Alex"  # still at school: kept


def test_anonymised_leavers_still_count_in_the_schools_report(
    careers_leader_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = db.session.get(School, careers_leader_request.user.school_id)  # type: ignore[attr-defined]
    for n in range(3):
        pupil = full_pupil(school, left_on=ago(800), upn=f"A12345678901{n}", email=f"p{n}@example.org")
        factories.create_record(pupil.student, on_date=ago(900))
    factories.create_user_for("hub_admin", db.session.get(Hub, school.hub_id))
    before = careers_leader_request.get("reports.school", year=date.today().year - 3)

    _night(monkeypatch, date.today())

    assert (
        db.session.scalar(select(func.count()).select_from(Student).where(Student.first_name == "Former"))
        == 3
    )
    after = careers_leader_request.get("reports.school", year=date.today().year - 3)
    assert [t.text for t in after.select("table")] == [t.text for t in before.select("table")]


def test_the_hub_admin_changes_a_period_within_its_limits(hub_admin_request: ClientRequest) -> None:
    page = hub_admin_request.post(
        "privacy.change_period",
        {"days": "3000", "reason": "Longer"},
        _expected_status=200,
        record_type="pupil",
    )
    assert error_messages(page) == ["Days to keep must be between 365 and 2190 days"]
    page = hub_admin_request.post(
        "privacy.change_period", {"days": "400", "reason": ""}, _expected_status=200, record_type="pupil"
    )
    assert error_messages(page) == ["Enter why your hub keeps it for this long"]

    hub_admin_request.post(
        "privacy.change_period", {"days": "400", "reason": "Our DPO asked"}, record_type="pupil"
    )

    hub_id = hub_admin_request.user.hub_id  # type: ignore[attr-defined]
    assert retention.periods_of(hub_id)["pupil"] == 400
    shown = hub_admin_request.get("privacy.hub_schedule").select_one("#period-pupil").text
    assert "400 days (default 730)" in shown
    public = hub_admin_request.get("privacy.schedule")
    assert "400 days, because Our DPO asked" in public.text


def test_the_services_own_periods_cannot_be_changed(hub_admin_request: ClientRequest) -> None:
    for record_type in ("audit_event", "notification", "mis_import", "nonsense"):
        assert hub_admin_request.client.get(f"/hub/retention/{record_type}").status_code == 404


def test_a_shorter_period_brings_leavers_forward(
    hub_admin_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    school = factories.create_school(hub)
    factories.create_student(school, left_on=ago(400))
    hub_admin_request.post("privacy.change_period", {"days": "365", "reason": "Shorter"}, record_type="pupil")
    _night(monkeypatch, date.today())
    assert _names(school.id) == ["Former"]


@pytest.mark.parametrize("fixture", ["careers_leader_request", "employer_request", "student_request"])
def test_only_hub_admins_see_and_change_the_hubs_schedule(
    request: pytest.FixtureRequest, fixture: str
) -> None:
    client: ClientRequest = request.getfixturevalue(fixture)
    client.get("privacy.hub_schedule", _expected_status=403)
    client.post(
        "privacy.change_period", {"days": "400", "reason": "x"}, _expected_status=403, record_type="pupil"
    )


def test_anyone_can_read_the_schedule(client_request: ClientRequest) -> None:
    page = client_request.get("privacy.schedule")
    assert "Pupils who have left" in page.select_one("#period-pupil").text


def test_parents_links_are_deleted_ninety_days_after_they_ran_out_or_were_revoked(
    hub_admin_request: ClientRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = db.session.get(Hub, hub_admin_request.user.hub_id)  # type: ignore[attr-defined]
    school = factories.create_school(hub)
    pupil = factories.create_student(school)
    held = factories.create_student(school, first_name="Hana")
    db.session.add(PupilHold(student_id=held.id, reason="Claim"))
    long_ended = datetime.combine(ago(95), datetime.min.time())
    gone = [
        create_link(pupil, long_ended),
        create_link(pupil, revoked_at=long_ended),  # revoked three months ago, though it ran on
    ]
    kept = [
        create_link(pupil, datetime.combine(ago(80), datetime.min.time())),  # ended, not long enough
        create_link(pupil),  # still open
        create_link(held, long_ended),  # its pupil is on hold
    ]
    assert retention.due(hub.id, date.today())["parent_link"] == len(gone)

    _night(monkeypatch, date.today())

    assert set(db.session.scalars(select(ParentLink.id))) == {link.id for link in kept}


def test_the_schedule_lists_parents_links_as_the_services_own_rule(client_request: ClientRequest) -> None:
    page = client_request.get("privacy.schedule")

    assert "Parents' links to their child's entitlements" in page.select_one("#period-parent_link").text
    assert "the day the link ran out or was revoked" in page.text
