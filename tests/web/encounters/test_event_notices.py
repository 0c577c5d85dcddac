"""The emails an event sends, each once: the reminder the day before with a calendar entry, the register
prompt on the day, the question to each pupil who came, and the organisation's thank-you afterwards."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import icalendar
from flask import Flask, current_app
from sqlalchemy import select

from tests import db as factories
from tests.mail import deliver_queued, sent_to
from tests.web.encounters.test_registers import Day, an_event, signed_in
from web.dao import event_notices
from web.dao.base import transaction
from web.dates import london_today
from web.extensions import db
from web.models import Notification, PupilFeedback
from web.outbox import SEPARATOR
from workers.schedule_tasks import send_event_notices


def queued(template: str) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.template == template).order_by(Notification.id)
        )
    )


def send_due(day: Any) -> int:
    with transaction():
        return event_notices.send_due(day)


def attachments(address: str) -> list[tuple[str, str]]:
    """(file name, text) of every file attached to messages to this address in the test outbox."""
    found = []
    for path in Path(current_app.config["MAIL_FILE_PATH"]).glob("*.log"):
        for raw in path.read_bytes().split(SEPARATOR):
            message = email.message_from_bytes(raw, policy=email.policy.default)
            if raw.strip() and str(message["To"]) == address:
                found += [
                    (str(part.get_filename()), part.get_content()) for part in message.iter_attachments()
                ]
    return found


def tomorrow_with_a_parent() -> Day:
    day = an_event(held_on=london_today() + timedelta(days=1))
    day.pupil.email, day.pupil.parent_email = "priya@pupils.example", "shah.family@example.org"
    db.session.commit()
    return day


def test_the_day_before_each_invited_pupil_and_parent_get_one_reminder_with_a_calendar_entry(
    app: Flask,
) -> None:
    day = tomorrow_with_a_parent()
    waiting = factories.create_student(day.school, email="waiting@pupils.example")
    factories.create_place(day.slot, waiting, "waitlisted")
    assert send_due(london_today()) == 2
    assert send_due(london_today()) == 0  # beat again within the day: nothing twice
    assert sorted(n.recipient for n in queued("event_reminder")) == [
        "priya@pupils.example",
        "shah.family@example.org",
    ]
    assert deliver_queued() == 2
    [message] = sent_to("shah.family@example.org")
    assert message.subject == "Tomorrow: Spring careers fair" and message.attached == ("event.ics",)
    [(name, text)] = attachments("priya@pupils.example")
    [entry] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    starts = entry.decoded("DTSTART")
    assert (starts.replace(tzinfo=None), str(starts.tzinfo)) == (
        datetime.combine(day.event.held_on, time(10)),
        "Europe/London",
    )
    assert str(entry["LOCATION"]) == "Town hall" and "Engineering stand" in str(entry["SUMMARY"])


def test_a_reminder_is_not_sent_for_a_place_given_up_since_it_was_queued(app: Flask) -> None:
    day = tomorrow_with_a_parent()
    send_due(london_today())
    day.place.status = "declined"
    db.session.commit()
    deliver_queued()
    assert sent_to("priya@pupils.example") == []
    assert {n.status for n in queued("event_reminder")} == {"failed"}


def test_on_the_day_whoever_marks_the_register_is_prompted_once(app: Flask) -> None:
    day = an_event()
    runner = factories.create_user_for("employer", day.employer)
    leader = factories.create_user_for("careers_leader", day.school)
    elsewhere = factories.create_user_for("careers_leader", factories.create_school(day.hub, name="Beswick"))
    assert send_due(london_today()) == 2
    send_event_notices.run()  # as beat sends it: nothing twice
    prompted = {n.recipient for n in queued("event_register_prompt")}
    assert prompted == {runner.email, leader.email} and elsewhere.email not in prompted
    deliver_queued()
    [message] = sent_to(leader.email)
    assert message.subject == "Mark the register: Spring careers fair"
    assert f"/events/{day.event.id}/register" in str(message.body)


def test_each_pupil_the_register_marks_present_is_asked_how_it_went_once(app: Flask, sign_in_as: Any) -> None:
    day = an_event()
    day.pupil.email = "priya@pupils.example"
    db.session.commit()
    marker = signed_in(sign_in_as, "employer", day.employer)
    for _ in range(2):
        marker.post(
            "encounters.mark_place", {"attended": "yes"}, event_id=day.event.id, place_id=day.place.id
        )
    assert [n.recipient for n in queued("event_feedback")] == ["priya@pupils.example"]
    deliver_queued()
    [message] = sent_to("priya@pupils.example")
    assert f"/student/events/places/{day.place.id}/feedback" in str(message.body)


def test_a_pupil_who_answered_before_the_question_went_is_not_asked(app: Flask, sign_in_as: Any) -> None:
    day = an_event()
    day.pupil.email = "priya@pupils.example"
    db.session.commit()
    signed_in(sign_in_as, "employer", day.employer).post(
        "encounters.mark_place", {"attended": "yes"}, event_id=day.event.id, place_id=day.place.id
    )
    db.session.add(PupilFeedback(place_id=day.place.id, learned=True, wants_more=False, rating=4))
    db.session.commit()
    deliver_queued()
    assert sent_to("priya@pupils.example") == []


def test_after_the_day_each_organisation_that_met_pupils_is_thanked_with_its_reach(app: Flask) -> None:
    day = an_event(held_on=london_today() - timedelta(days=2))
    day.place.status = "attended"
    idle = factories.create_employer(day.hub, name="Empty Stand Ltd")
    factories.create_slot(day.event, 11, employer_id=idle.id, label="Empty stand")
    db.session.commit()
    runner = factories.create_user_for("employer", day.employer)
    idle_user = factories.create_user_for("employer", idle)
    assert send_due(london_today()) == 1
    assert send_due(london_today() + timedelta(days=1)) == 0
    deliver_queued()
    [message] = sent_to(runner.email)
    assert message.subject == "Thank you for taking part in Spring careers fair"
    assert "you have met 1 pupil from 1 school" in str(message.body)
    assert sent_to(idle_user.email) == []


def test_a_thank_you_that_beat_missed_for_a_week_is_not_sent(app: Flask) -> None:
    day = an_event(held_on=london_today() - timedelta(days=8))
    day.place.status = "attended"
    db.session.commit()
    factories.create_user_for("employer", day.employer)
    assert send_due(london_today()) == 0


def test_the_event_notices_run_every_hour_on_beat(app: Flask) -> None:
    entry = app.config["CELERY"]["beat_schedule"]["schedule.event_notices"]
    assert (entry["task"], entry["schedule"]) == ("schedule.event_notices", 3600.0)
