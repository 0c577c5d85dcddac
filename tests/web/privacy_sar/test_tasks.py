"""The bundle task (by id, idempotent) and the hourly purge, called as functions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.web.privacy_sar.seed import World
from web.dao import subject_access as dao
from web.dao.base import transaction
from web.extensions import db
from web.models import AuditEvent, Notification, SubjectAccessBundle
from web.models.base import utcnow
from web.privacy import bundle as bundle_zip
from workers.privacy_tasks import make_bundle, purge_bundles


def _ask(world: World) -> int:
    with transaction():
        return int(dao.ask(world.pupil.student.id, world.leader.id).id)


def _count(model: Any, *where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_the_task_makes_the_bundle_and_emails_the_requester_in_one_go(world: World) -> None:
    bundle_id = _ask(world)
    make_bundle.run(bundle_id)
    db.session.expire_all()
    made = db.session.get(SubjectAccessBundle, bundle_id)
    assert made.status == "ready" and made.ready_at is not None and made.content
    _, machine = bundle_zip.read(made.content)
    assert machine["student_id"] == world.pupil.student.id
    [message] = db.session.scalars(
        select(Notification).where(Notification.template == "subject_access_ready")
    )
    assert message.recipient == world.leader.email and message.about == {"bundle_id": bundle_id}
    assert _count(AuditEvent, AuditEvent.action == "subject_access_bundle_made") == 1


def test_a_task_delivered_twice_makes_one_bundle_and_one_email(world: World) -> None:
    bundle_id = _ask(world)
    make_bundle.run(bundle_id)
    db.session.expire_all()
    first = db.session.get(SubjectAccessBundle, bundle_id).content
    make_bundle.run(bundle_id)
    db.session.expire_all()
    assert _count(SubjectAccessBundle) == 1
    assert db.session.get(SubjectAccessBundle, bundle_id).content == first
    assert _count(Notification, Notification.template == "subject_access_ready") == 1
    assert _count(AuditEvent, AuditEvent.action == "subject_access_bundle_made") == 1


def test_a_bundle_already_ready_is_left_alone(world: World) -> None:
    bundle_id = _ask(world)
    made = db.session.get(SubjectAccessBundle, bundle_id)
    made.status, made.content = "ready", b"made before"
    db.session.commit()
    make_bundle.run(bundle_id)
    db.session.expire_all()
    assert db.session.get(SubjectAccessBundle, bundle_id).content == b"made before"
    assert _count(Notification, Notification.template == "subject_access_ready") == 0


def test_a_bundle_that_is_gone_is_nothing_to_do(world: World) -> None:
    make_bundle.run(999_999)
    assert _count(SubjectAccessBundle) == 0


def test_a_bundle_that_cannot_be_made_is_marked_failed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle_id = _ask(world)

    def broken(*args: Any) -> bytes:
        raise ValueError("a bug")

    monkeypatch.setattr("workers.privacy_tasks.build_bundle", broken)
    make_bundle.run(bundle_id)
    db.session.expire_all()
    assert db.session.get(SubjectAccessBundle, bundle_id).status == "failed"
    assert _count(Notification, Notification.template == "subject_access_ready") == 0


def test_purge_deletes_expired_bundles_and_keeps_the_rest(
    world: World, enqueued: list[dict[str, Any]]
) -> None:
    expired, current = _ask(world), _ask(world)
    make_bundle.run(current)
    db.session.get(SubjectAccessBundle, expired).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    purge_bundles.run()
    db.session.expire_all()
    assert db.session.get(SubjectAccessBundle, expired) is None
    assert db.session.get(SubjectAccessBundle, current) is not None
    assert enqueued == []


def test_purge_sends_again_a_bundle_whose_message_was_lost(
    world: World, enqueued: list[dict[str, Any]]
) -> None:
    lost, _fresh = _ask(world), _ask(world)
    db.session.get(SubjectAccessBundle, lost).created_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    purge_bundles.run()
    assert [call["args"] for call in enqueued] == [[lost]]


def test_the_tasks_go_to_the_notifications_queue_and_purge_runs_hourly(app: Any) -> None:
    celery = app.extensions["celery"]
    for name in ("privacy.make_bundle", "privacy.purge_bundles"):
        assert celery.amqp.router.route({}, name)["queue"].name == "notifications"
    assert celery.conf.beat_schedule["privacy.purge_bundles"]["schedule"] == 3600.0
