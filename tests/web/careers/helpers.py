"""Shared bits for the careers leader page tests."""

from __future__ import annotations

from tests.conftest import ClientRequest
from web.extensions import db
from web.models import School


def school_of(request: ClientRequest) -> School:
    """The careers leader's own school."""
    return db.session.get(School, request.user.school_id)  # type: ignore[attr-defined]
