"""What the emails about providers' access requests say: a request arrived or was withdrawn (to the
school's careers leaders), and it was granted or refused (to the provider's users), from the request's id."""

from __future__ import annotations

from typing import Any

from web.dao import provider_requests as dao
from web.emails import email, link
from web.extensions import db
from web.models import Employer, School
from web.models.organisations import ORGANISATION_KINDS


def _context(access_request_id: int, status: str) -> dict[str, Any] | None:
    request = dao.get_request(access_request_id)
    # Moved on since it was queued (withdrawn before it was read, say): it would say something untrue.
    if request is None or request.status != status:
        return None
    provider = db.session.get(Employer, request.provider_id)
    school = db.session.get(School, request.school_id)
    assert provider is not None and school is not None  # by their foreign keys
    return {
        "provider": provider.name,
        "kind": ORGANISATION_KINDS.get(provider.kind, provider.kind),
        "school": school.name,
        "when": request.when_label,
        "years": request.years_label,
        "audience": request.audience_size,
        "visitors": request.visitors,
        "reason": request.refusal_reason,
        "note": request.decision_note,
    }


@email("provider_access_requested")
def provider_access_requested(access_request_id: int) -> dict[str, Any] | None:
    """To a careers leader: a provider asks to visit the school under its provider access policy."""
    context = _context(access_request_id, dao.WAITING)
    if context is None:
        return None
    return {**context, "link": link("careers.provider_request", access_request_id=access_request_id)}


@email("provider_access_decided")
def provider_access_decided(access_request_id: int, status: str) -> dict[str, Any] | None:
    """To a provider's user: the school granted their request, or refused it and why."""
    context = _context(access_request_id, status)
    if context is None:
        return None
    return {**context, "granted": status == "granted", "link": link("employers.provider_requests")}


@email("provider_access_withdrawn")
def provider_access_withdrawn(access_request_id: int) -> dict[str, Any] | None:
    """To a careers leader: the provider no longer asks to visit; there is nothing to decide."""
    context = _context(access_request_id, "withdrawn")
    if context is None:
        return None
    return {**context, "link": link("careers.provider_requests")}
