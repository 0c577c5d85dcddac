"""Steps the two-step tests share: a staff member with an authenticator, a clock held still, codes from it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest

from tests import db as factories
from tests.conftest import ClientRequest
from web.auth import two_step_session
from web.dao import two_step as dao
from web.dao.base import transaction
from web.extensions import db
from web.models import User

STEP = 30  # seconds: each code an authenticator app shows lasts this long


@dataclass
class Clock:
    """The time the two-step pages see (web.auth.two_step's utcnow), held still unless moved."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    @property
    def timestamp(self) -> float:
        return self.now.replace(tzinfo=UTC).timestamp()

    def move(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Now, rounded to 10 s into a time step, so a code "one step either side" is exactly that."""
    start = int(time.time()) // STEP * STEP + 10
    held = Clock(datetime.fromtimestamp(start, UTC).replace(tzinfo=None))
    monkeypatch.setattr("web.auth.two_step.utcnow", held)
    return held


@dataclass
class Staff:
    """A staff member with two-step on: their user, secret and recovery codes."""

    user: User
    secret: str
    recovery_codes: list[str]

    def code(self, clock: Clock, steps: int = 0) -> str:
        """The code their app shows `steps` time steps from the clock's now."""
        return pyotp.TOTP(self.secret).at(clock.timestamp + steps * STEP)


def turn_on(user: User, clock: Clock) -> Staff:
    """Set two-step up for this user as the set-up page does, with a code from two steps before now, so
    every code from now on is new."""
    earlier = clock.now - timedelta(seconds=2 * STEP)
    with transaction():
        secret = dao.start_set_up(user)
        assert secret is not None
        code = pyotp.TOTP(secret).at(earlier.replace(tzinfo=UTC).timestamp())
        codes = dao.confirm_set_up(user, code, earlier)
    assert codes is not None
    db.session.expire_all()
    return Staff(db.session.get(User, user.id), secret, codes)


def staff(role: str, clock: Clock, **overrides: Any) -> Staff:
    """A hub admin or careers leader with two-step on."""
    return turn_on(factories.create_user_for(role, **overrides), clock)


def sign_in_with_password(
    request: ClientRequest, user: User, path: str = "auth.sign_in", **values: Any
) -> Any:
    """Post the right password; the page it answers with (its location if it redirects)."""
    return request.post(path, {"email": user.email, "password": factories.PASSWORD}, **values)


def enter_code(
    request: ClientRequest, code: str, status: int = 302, endpoint: str = "auth.two_step_code"
) -> Any:
    """Post a code to the code page (or the recovery-code page)."""
    return request.post(endpoint, {"code": code}, _expected_status=status)


def session_of(request: ClientRequest) -> dict[str, Any]:
    """What the test client's session holds now."""
    with request.client.session_transaction() as session:
        return dict(session)


def verified(request: ClientRequest, user: User) -> ClientRequest:
    """Mark a signed-in test client's session as through the second step, as the code page would."""
    with request.client.session_transaction() as session:
        session[two_step_session.VERIFIED] = user.session_token
    return request
