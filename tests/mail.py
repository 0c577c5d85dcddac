"""Email in tests: send what is queued, as the worker would, and read what arrived in the test outbox."""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from web.extensions import db
from web.models import Notification
from web.outbox import Sent, messages
from workers.notification_tasks import send_notification


def deliver_queued() -> int:
    """Run the send task, as a function, for every queued notification; how many there were."""
    ids = list(db.session.scalars(select(Notification.id).where(Notification.status == "queued")))
    for notification_id in ids:
        send_notification.run(notification_id)
    db.session.expire_all()
    return len(ids)


def outbox() -> list[Sent]:
    """Every message written to the test outbox, newest first."""
    folder = Path(current_app.config["MAIL_FILE_PATH"])
    return messages(folder) if folder.exists() else []


def sent_to(address: str) -> list[Sent]:
    """Messages to this address, newest first."""
    return [message for message in outbox() if message.to == address]


def link_in(message: Sent) -> str:
    """The path of the first link in a message (the service's own address taken off)."""
    found = re.search(r'href="https?://[^/"]+(/[^"]*)"', str(message.body))
    assert found, f"No link in: {message.body}"
    return found.group(1)
