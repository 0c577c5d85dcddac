"""The same lockout for addresses with no account, so the sign-in page never tells anyone which exist.

Accounts count their wrong passwords in the database (web/dao/users.py). An address without an account has
no row to count in, so its failures are counted in the rate limiter's storage (Redis when configured) the
same way: the allowed-th failure in a row locks it for the same time. Only a hash of the address is kept.
"""

from __future__ import annotations

import hashlib
import logging

from flask import current_app

from web.extensions import limiter

log = logging.getLogger(__name__)

_REMEMBER_FAILURES = 30 * 24 * 3600  # seconds; an account's count never expires, this one nearly so


def _key(kind: str, email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"sign-in-{kind}:{digest}"


def is_locked(email: str) -> bool:
    """Whether this address (one without an account) is locked out now."""
    try:
        return limiter.storage.get(_key("locked", email)) > 0
    except Exception:  # noqa: BLE001 - storage away: the per-address rate limit still applies
        log.warning("Could not read the sign-in lockout store")
        return False


def count_failure(email: str) -> bool:
    """Count a wrong sign-in for an address with no account; True if this one locks it."""
    config = current_app.config
    try:
        failures = limiter.storage.incr(_key("failures", email), _REMEMBER_FAILURES)
        if failures < config["SIGN_IN_FAILURES_ALLOWED"]:
            return False
        limiter.storage.clear(_key("failures", email))
        limiter.storage.incr(_key("locked", email), config["SIGN_IN_LOCKOUT_MINUTES"] * 60)
        return True
    except Exception:  # noqa: BLE001
        log.warning("Could not write the sign-in lockout store")
        return False
