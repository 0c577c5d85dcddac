"""Careers hubs themselves: the first one and its first admin, made from the command line."""

from __future__ import annotations

from sqlalchemy import select

from web.dao.base import audit, transaction
from web.dao.users import create_user, get_user_by_email
from web.extensions import db
from web.models import Hub, User

MIN_PASSWORD_LENGTH = 10


def create_first_admin(email: str, hub_name: str, area: str, password: str) -> tuple[Hub, User]:
    """A hub of this name (made if new) with a hub admin who can sign in with this password; ValueError
    with a message if the email is taken, the name is blank or the password too short."""
    email, hub_name = email.strip().lower(), " ".join(hub_name.split())
    if "@" not in email or len(email) > 320:
        raise ValueError("Give an email address, like name@example.org")
    if not hub_name or len(hub_name) > 200:
        raise ValueError("Give the hub's name, in 200 characters or fewer")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters")
    if get_user_by_email(email) is not None:
        raise ValueError(f"{email} already has an account")
    with transaction():
        hub = db.session.scalar(select(Hub).where(Hub.name == hub_name))
        if hub is None:
            hub = Hub(name=hub_name, area=area.strip()[:200])
            db.session.add(hub)
            db.session.flush()
        user = create_user(email, password, "hub_admin", hub_id=hub.id)
        db.session.flush()
        audit(None, "hub_admin_created", "user", user.id, hub_id=hub.id)
    return hub, user
