"""Notifications: queued with the change, sent once by id after commit, through a real SMTP server too."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

import pytest
from celery.exceptions import Retry
from flask import Flask
from flask_mailman import Mail
from sqlalchemy import func, select

from tests import db as factories
from tests.mail import deliver_queued, link_in, outbox, sent_to
from tests.smtp import SmtpServer, body
from web.dao import accounts, tokens
from web.dao import notifications as notifications_dao
from web.dao.base import transaction
from web.emails import notify
from web.extensions import db
from web.models import Notification
from web.models.base import utcnow
from workers import notification_tasks
from workers.notification_tasks import repair_notifications, send_notification


@pytest.fixture
def enqueued(handed_over: list[int], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Ids handed to the notifications queue after commit or sent to it by the repair task (recorded)."""
    monkeypatch.setattr(send_notification, "apply_async", lambda args, **_: handed_over.append(args[0]))
    return handed_over


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A real SMTP server, and the app's mail settings pointed at it."""
    with SmtpServer() as server:
        config = {**app.config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
        config["MAIL_USE_TLS"] = False
        monkeypatch.setitem(app.extensions, "mailman", Mail.init_mail(config))
        yield server


def _invite(email: str = "new.leader@example.org") -> int:
    school = factories.create_school()
    with transaction():
        user = accounts.invite(email, "careers_leader", school.id, None, name="Nia")
    return user.id


def _notifications() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_an_invitation_is_queued_with_the_change_and_sent_to_the_worker_after_commit(
    app: Flask, enqueued: list[int]
) -> None:
    _invite()
    [queued] = _notifications()
    assert (queued.template, queued.status, queued.recipient) == (
        "invitation",
        "queued",
        "new.leader@example.org",
    )
    assert set(queued.about) == {"token_id"}  # ids only: the words are written when it is sent
    assert enqueued == [queued.id]


def test_nothing_is_queued_or_sent_when_the_change_rolls_back(app: Flask, enqueued: list[int]) -> None:
    school = factories.create_school()
    with pytest.raises(RuntimeError), transaction():
        accounts.invite("new.leader@example.org", "careers_leader", school.id, None)
        raise RuntimeError("the rest of the change failed")
    assert _notifications() == [] and enqueued == []


def test_messages_go_to_the_worker_only_when_the_outermost_transaction_commits(
    app: Flask, enqueued: list[int]
) -> None:
    # A released savepoint is a "commit" to SQLAlchemy's events: handed over then, a message was not yet
    # there for the worker to read (found with Redis, whose worker is quick enough to look).
    with transaction():
        before = notify("a", "invitation", "a@example.org", token_id=1)
        with db.session.begin_nested():
            kept = notify("b", "invitation", "b@example.org", token_id=1)
        assert enqueued == []
        with pytest.raises(RuntimeError), db.session.begin_nested():
            notify("c", "invitation", "c@example.org", token_id=1)
            raise RuntimeError("this part fails")
        assert enqueued == []
    assert enqueued == [before, kept]
    assert [n.idempotency_key for n in _notifications()] == ["a", "b"]


def test_the_same_key_queues_one_message(app: Flask, enqueued: list[int]) -> None:
    _invite()
    [first] = _notifications()
    with transaction():
        again = notify(first.idempotency_key, "invitation", "other@example.org", token_id=1)
    assert again is None and len(_notifications()) == 1 and enqueued == [first.id]


def test_the_task_writes_the_message_once_however_often_it_is_delivered(
    app: Flask, enqueued: list[int]
) -> None:
    _invite()
    [queued] = _notifications()

    send_notification.run(queued.id)
    send_notification.run(queued.id)

    [message] = sent_to("new.leader@example.org")
    assert message.subject == "You have been invited to Arrange work experience"
    assert link_in(message).startswith("/account/link/")
    [sent] = _notifications()
    assert (sent.status, sent.attempts, sent.error) == ("sent", 1, "")
    assert sent.sent_at is not None


def test_a_message_goes_through_a_real_smtp_server_as_plain_text(
    app: Flask, enqueued: list[int], smtp: Any
) -> None:
    _invite()
    deliver_queued()
    [message] = smtp.inbox.to("new.leader@example.org")
    assert message["Subject"] == "You have been invited to Arrange work experience"
    text = body(message)
    assert "Choose a password to start:" in text and "/account/link/" in text
    assert not message.is_multipart() or message.get_body(preferencelist=("plain",)) is not None
    assert outbox() == []  # SMTP, not the file outbox


def test_a_temporary_refusal_is_tried_again_later(app: Flask, enqueued: list[int], smtp: Any) -> None:
    _invite()
    [queued] = _notifications()
    smtp.inbox.refuse_with = "451 4.3.0 Try again later"
    with pytest.raises(Retry):
        send_notification.run(queued.id)
    [waiting] = _notifications()
    assert (waiting.status, waiting.error) == ("queued", "Will try again: SMTPDataError 451")
    assert waiting.next_attempt_at > utcnow() + timedelta(seconds=50)
    # The repair task leaves a message waiting for its retry alone, however long ago it was written.
    waiting.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    enqueued.clear()
    repair_notifications.run()
    assert enqueued == []

    smtp.inbox.refuse_with = None
    send_notification.run(queued.id)
    assert len(smtp.inbox.to("new.leader@example.org")) == 1
    assert _notifications()[0].status == "sent"


def test_a_permanent_refusal_fails_the_message_without_trying_again(
    app: Flask, enqueued: list[int], smtp: Any
) -> None:
    _invite()
    [queued] = _notifications()
    smtp.inbox.refuse_with = "550 5.1.1 No such mailbox"
    send_notification.run(queued.id)
    [failed] = _notifications()
    assert (failed.status, failed.error) == ("failed", "refused: SMTPDataError 550")
    assert notifications_dao.not_delivered_reason(failed.error).startswith("The email address was refused")


def _mail_server_away(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    config = {**app.config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1}
    config["MAIL_USE_TLS"] = False
    monkeypatch.setitem(app.extensions, "mailman", Mail.init_mail(config))


def test_the_mail_server_away_is_tried_again_with_backoff_for_about_a_day_then_not_delivered(
    app: Flask, enqueued: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _mail_server_away(app, monkeypatch)
    _invite()
    [queued] = _notifications()
    start = clock = queued.created_at
    monkeypatch.setattr(notification_tasks, "utcnow", lambda: clock)
    waits = []

    for _ in range(100):  # far more than a day's tries: the bound is the time, not this loop
        try:
            send_notification.run(queued.id)
        except Retry:
            [waiting] = _notifications()
            waits.append(waiting.next_attempt_at - clock)
            clock = waiting.next_attempt_at  # the retry runs when it is due
        else:
            break

    [failed] = _notifications()
    assert failed.status == "failed"
    assert failed.error == f"unreachable: {len(waits) + 1} attempts, ConnectionRefusedError"
    reason = notifications_dao.not_delivered_reason(failed.error)
    assert reason == "We tried for a day and could not deliver it"
    # Backing off from a minute, doubling, to three hours between tries; all within the day allowed.
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert max(waits) == timedelta(hours=3)
    assert timedelta(hours=20) < clock - start <= timedelta(hours=app.config["NOTIFICATION_GIVE_UP_HOURS"])
    # Given up is given up: another delivery of its task (or the repair task) changes nothing.
    clock += timedelta(hours=1)
    send_notification.run(queued.id)
    enqueued.clear()
    repair_notifications.run()
    assert enqueued == [] and _notifications()[0].attempts == failed.attempts


def test_a_retry_that_comes_round_after_a_day_is_not_tried_but_marked_not_delivered(
    app: Flask, enqueued: list[int]
) -> None:
    _invite()
    [queued] = _notifications()
    # Tried twice and put back, then its worker and broker were away for longer than the day allowed.
    queued.attempts, queued.error = 2, "Will try again: SMTPServerDisconnected"
    queued.created_at = utcnow() - timedelta(hours=25)
    queued.next_attempt_at = utcnow() - timedelta(hours=20)
    db.session.commit()
    enqueued.clear()

    repair_notifications.run()
    assert enqueued == [queued.id]
    send_notification.run(queued.id)

    assert outbox() == []  # the mail server is there now, but the message is not sent a day late
    [failed] = _notifications()
    assert failed.status == "failed" and failed.error.startswith("unreachable: 2 attempts")


def test_a_message_written_long_ago_and_never_tried_is_still_sent(app: Flask, enqueued: list[int]) -> None:
    _invite()
    [queued] = _notifications()
    queued.created_at = utcnow() - timedelta(hours=30)  # its task was lost; nothing had failed
    db.session.commit()

    send_notification.run(queued.id)

    assert _notifications()[0].status == "sent"


def test_a_refusal_of_the_services_own_mail_account_is_tried_again(
    app: Flask, enqueued: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication failed")

    monkeypatch.setattr(notification_tasks.EmailMessage, "send", refuse)
    _invite()
    [queued] = _notifications()

    with pytest.raises(Retry):
        send_notification.run(queued.id)

    assert _notifications()[0].status == "queued"  # not the address's fault: not "refused"


def test_a_message_about_a_link_that_was_replaced_is_not_sent(app: Flask, enqueued: list[int]) -> None:
    user_id = _invite()
    with transaction():
        tokens.issue(user_id, "invitation", timedelta(days=7), None)  # replaces the emailed one
    [queued] = _notifications()
    send_notification.run(queued.id)
    assert outbox() == []
    assert _notifications()[0].status == "failed"


def test_repair_sends_again_what_a_dead_worker_left_half_sent(app: Flask, enqueued: list[int]) -> None:
    _invite()
    [queued] = _notifications()
    queued.status, queued.claim, queued.claimed_at = "sending", "dead", utcnow() - timedelta(minutes=30)
    db.session.commit()
    enqueued.clear()

    repair_notifications.run()

    assert enqueued == [queued.id]
    assert _notifications()[0].status == "queued"
    send_notification.run(queued.id)
    assert len(sent_to("new.leader@example.org")) == 1


def test_repair_sends_again_a_message_whose_task_was_lost(app: Flask, enqueued: list[int]) -> None:
    _invite()
    [queued] = _notifications()
    queued.created_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    enqueued.clear()
    repair_notifications.run()
    assert enqueued == [queued.id]


def test_the_tasks_are_named_and_on_the_notifications_queue(app: Flask) -> None:
    router = app.extensions["celery"].amqp.router
    for task in (send_notification, repair_notifications):
        assert router.route({}, task.name)["queue"].name == "notifications"
    assert notification_tasks.send_notification.name == "notifications.send"
    count = select(func.count()).select_from(Notification)
    assert db.session.scalar(count) == 0
