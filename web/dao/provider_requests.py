"""Providers' requests for access to a school under its published policy: asking, withdrawing, and the
careers leader's grant or refusal, with who is told of each."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select, update

from web.dao.base import audit
from web.dao.provider_access import blackouts
from web.dao.users import reachable_leaders
from web.dao.vetting import employer_users, evidence_current
from web.dates import long_date
from web.emails import notify
from web.extensions import db
from web.models import Employer, EncounterOffer, ProviderAccessPolicy, ProviderAccessRequest, School
from web.models.base import utcnow

# Schools plan a year or so ahead: a visit further off is more often a mistyped year than a plan.
MOST_DAYS_AHEAD = 2 * 366
WAITING = "requested"
# A request's status as a sentence ends: "This request is granted".
STATUS_WORDS = {
    "requested": "waiting for the school's answer",
    "granted": "granted",
    "refused": "refused",
    "withdrawn": "withdrawn",
}


def is_provider(employer: Employer) -> bool:
    """Whether the organisation is an education or training provider (any kind but "employer")."""
    return employer.kind != "employer"


def schools_with_policies(hub_id: int) -> list[tuple[School, ProviderAccessPolicy]]:
    """The hub's schools that have published a provider access policy, by name."""
    rows = db.session.execute(
        select(School, ProviderAccessPolicy)
        .join(ProviderAccessPolicy, ProviderAccessPolicy.school_id == School.id)
        .where(School.hub_id == hub_id)
        .order_by(School.name, School.id)
    )
    return [(school, policy) for school, policy in rows]


def school_with_policy(hub_id: int, school_id: int) -> tuple[School, ProviderAccessPolicy] | None:
    """The hub's school with this id and its published policy; None if either is missing."""
    row = db.session.execute(
        select(School, ProviderAccessPolicy)
        .join(ProviderAccessPolicy, ProviderAccessPolicy.school_id == School.id)
        .where(School.id == school_id, School.hub_id == hub_id)
    ).first()
    return (row[0], row[1]) if row else None


def offers_to_name(provider_id: int) -> list[EncounterOffer]:
    """The provider's encounter offers a request can be about: those offered to the hub, oldest first."""
    return list(
        db.session.scalars(
            select(EncounterOffer)
            .where(EncounterOffer.employer_id == provider_id, EncounterOffer.status == "offered")
            .order_by(EncounterOffer.id)
        )
    )


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def date_range(start: date, end: date) -> str:
    """Two dates as people write them: "2 to 13 March 2027", "27 February to 6 March 2027"."""
    if start == end:
        return long_date(start)
    if start.year != end.year:
        return f"{long_date(start)} to {long_date(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%B} to {long_date(end)}"
    return f"{start.day} to {long_date(end)}"


def date_problem(policy: ProviderAccessPolicy, visit_date: date, today: date) -> str | None:
    """Why the policy does not allow a visit on this date, in the provider's words; None if it does."""
    earliest = today + timedelta(days=policy.notice_days)
    if visit_date < earliest:
        return (
            f"Date of the visit must be {long_date(earliest)} or later, as the school asks for "
            f"{_days(policy.notice_days)}' notice"
        )
    if (visit_date - today).days > MOST_DAYS_AHEAD:
        return "Date of the visit must be within 2 years of today"
    for blackout in blackouts(policy, ending_from=visit_date):
        if blackout.start <= visit_date:
            return (
                f"That date is in the school's blackout '{blackout.label}' "
                f"({date_range(blackout.start, blackout.end)})"
            )
    return None


def visitors_problem(policy: ProviderAccessPolicy, visitors: int) -> str | None:
    """Why the policy does not allow this many visiting staff; None if it does."""
    if visitors > policy.max_visitors:
        most = policy.max_visitors
        return f"Visiting staff must be {most} or fewer, as the school takes up to {most} at once"
    return None


def ask(
    provider_id: int, school_id: int, by_id: int, today: date, **fields: Any
) -> ProviderAccessRequest | None:
    """Send a request to the school (in the caller's transaction), its careers leaders emailed once each;
    None, with nothing saved, unless the organisation is a provider that is approved with current evidence
    (checked here as well as on the page, so a suspension a moment ago counts)."""
    allowed = db.session.scalar(
        select(Employer.id).where(
            Employer.id == provider_id, Employer.kind != "employer", evidence_current(today)
        )
    )
    if allowed is None:
        return None
    request = ProviderAccessRequest(provider_id=provider_id, school_id=school_id, status=WAITING, **fields)
    db.session.add(request)
    db.session.flush()
    audit(by_id, "provider_access_requested", "provider_access_request", request.id, school_id=school_id)
    for leader in reachable_leaders(school_id):
        notify(
            f"provider-access-requested:{request.id}:{leader.id}",
            "provider_access_requested",
            leader.email,
            access_request_id=request.id,
        )
    return request


def _waiting_first() -> Any:
    return case((ProviderAccessRequest.status == WAITING, 0), else_=1)


def requests_of_provider(provider_id: int) -> list[tuple[ProviderAccessRequest, School]]:
    """The provider's requests with their schools: those waiting first, then the newest."""
    rows = db.session.execute(
        select(ProviderAccessRequest, School)
        .join(School, School.id == ProviderAccessRequest.school_id)
        .where(ProviderAccessRequest.provider_id == provider_id)
        .order_by(_waiting_first(), ProviderAccessRequest.created_at.desc(), ProviderAccessRequest.id.desc())
    )
    return [(request, school) for request, school in rows]


def requests_to_school(school_id: int) -> list[tuple[ProviderAccessRequest, Employer]]:
    """The requests to the school with their providers: those waiting first, soonest visit first; then the
    rest, newest first."""
    soonest_waiting = case((ProviderAccessRequest.status == WAITING, ProviderAccessRequest.visit_date))
    rows = db.session.execute(
        select(ProviderAccessRequest, Employer)
        .join(Employer, Employer.id == ProviderAccessRequest.provider_id)
        .where(ProviderAccessRequest.school_id == school_id)
        .order_by(
            _waiting_first(),
            soonest_waiting,
            ProviderAccessRequest.created_at.desc(),
            ProviderAccessRequest.id.desc(),
        )
    )
    return [(request, employer) for request, employer in rows]


def waiting_count(school_id: int) -> int:
    """How many requests to the school wait for its careers leader's answer."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(ProviderAccessRequest)
            .where(ProviderAccessRequest.school_id == school_id, ProviderAccessRequest.status == WAITING)
        )
        or 0
    )


def get_request(access_request_id: int) -> ProviderAccessRequest | None:
    """The request with this id, or None."""
    return db.session.get(ProviderAccessRequest, access_request_id)


def offer_of(request: ProviderAccessRequest) -> EncounterOffer | None:
    """The encounter offer the request is about, if it names one."""
    return db.session.get(EncounterOffer, request.offer_id) if request.offer_id else None


def _decide(access_request_id: int, school_id: int, *conditions: Any, **values: Any) -> bool:
    # One conditional UPDATE: of two tabs deciding at once, only the first finds the request waiting.
    result = db.session.execute(
        update(ProviderAccessRequest)
        .where(
            ProviderAccessRequest.id == access_request_id,
            ProviderAccessRequest.school_id == school_id,
            ProviderAccessRequest.status == WAITING,
            *conditions,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _tell_provider(request_id: int, provider_id: int, status: str) -> None:
    for user in employer_users(provider_id):
        notify(
            f"provider-access-decided:{request_id}:{user.id}",
            "provider_access_decided",
            user.email,
            access_request_id=request_id,
            status=status,
        )


def grant(access_request_id: int, school_id: int, by_id: int, note: str, today: date) -> bool:
    """Grant a waiting request to the school, its provider's users emailed; False if it was not waiting or
    its visit date has passed (a visit that cannot happen is refused, or left)."""
    done = _decide(
        access_request_id,
        school_id,
        ProviderAccessRequest.visit_date >= today,
        status="granted",
        decision_note=note,
        decided_by_id=by_id,
        decided_at=utcnow(),
    )
    if done:
        provider_id = _provider_of(access_request_id)
        audit(by_id, "provider_access_granted", "provider_access_request", access_request_id)
        _tell_provider(access_request_id, provider_id, "granted")
    return done


def refuse(access_request_id: int, school_id: int, by_id: int, reason: str, note: str) -> bool:
    """Refuse a waiting request for one of the policy's reasons (kept as its text), its provider's users
    emailed; False if it was not waiting."""
    done = _decide(
        access_request_id,
        school_id,
        status="refused",
        refusal_reason=reason,
        decision_note=note,
        decided_by_id=by_id,
        decided_at=utcnow(),
    )
    if done:
        provider_id = _provider_of(access_request_id)
        audit(by_id, "provider_access_refused", "provider_access_request", access_request_id, reason=reason)
        _tell_provider(access_request_id, provider_id, "refused")
    return done


def withdraw(access_request_id: int, provider_id: int, by_id: int) -> bool:
    """Withdraw the provider's waiting request; False if it was not waiting (decided meanwhile, say)."""
    result = db.session.execute(
        update(ProviderAccessRequest)
        .where(
            ProviderAccessRequest.id == access_request_id,
            ProviderAccessRequest.provider_id == provider_id,
            ProviderAccessRequest.status == WAITING,
        )
        .values(status="withdrawn")
        .returning(ProviderAccessRequest.school_id)
        .execution_options(synchronize_session=False)
    )
    school_id = result.scalar()
    done = school_id is not None
    if done:
        audit(by_id, "provider_access_withdrawn", "provider_access_request", access_request_id)
        for leader in reachable_leaders(int(school_id)):
            notify(
                f"provider-access-withdrawn:{access_request_id}:{leader.id}",
                "provider_access_withdrawn",
                leader.email,
                access_request_id=access_request_id,
            )
    return done


def _provider_of(access_request_id: int) -> int:
    provider_id = db.session.scalar(
        select(ProviderAccessRequest.provider_id).where(ProviderAccessRequest.id == access_request_id)
    )
    assert provider_id is not None  # the caller has just updated it
    return int(provider_id)
