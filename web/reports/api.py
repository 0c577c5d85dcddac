"""The hub's reports as read-only JSON, for its own dashboards: token-authenticated per hub, GET only,
documented by the OpenAPI document at /api/v1/openapi.json.

A key is sent as `Authorization: Bearer <key>`. No key, an unknown or revoked key, or another hub's key
gets 401 with a JSON problem body (RFC 9457), as does any other refusal of this API.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from web.auth.roles import public
from web.dao import reports as dao
from web.dao.base import transaction
from web.dao.reports import FIRST_YEAR_GROUP, LAST_YEAR_GROUP, Scope
from web.dates import academic_year_of, london_today
from web.extensions import csrf, limiter
from web.fields import whole_number, without_control_characters
from web.reports import encounter_figures as encounters
from web.reports import openapi
from web.reports.figures import EQUITY_REPORTS, group_values
from web.reports.forms import academic_year_words
from web.reports.placement_figures import outcome_values, total_placements
from web.reports.quality_figures import NO_SHOW_KEYS, QUALITY_KEYS, table_values
from web.reports.report import Figures, school_values

api = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api)  # read-only, and a key in a header, not a cookie, says who is asking


def _caller() -> str:
    """Whom the rate limit counts: the key sent, read as key_required reads it and kept only as an HMAC
    under the app's secret (not the stored hash), or else the address asking."""
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() == "bearer" and secret and len(secret) <= MAX_KEY_LENGTH:
        signed = hmac.new(current_app.config["SECRET_KEY"].encode(), secret.encode(), hashlib.sha256)
        return "key:" + signed.hexdigest()
    return f"address:{request.remote_addr}"


# One count per key across every endpoint of the API.
limiter.shared_limit(
    lambda: str(current_app.config["API_RATE_LIMIT"]), scope="reports-api", key_func=_caller
)(api)

# The marker the route guard test knows token-authenticated views by (see tests/web/test_routes.py).
API_KEY = "hub_api_key"
FIRST_YEAR = 2000
PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 25, 100, 100_000
MAX_KEY_LENGTH = 100  # a key is 43 characters; anything much longer is not one of ours
MAX_NAME_LENGTH = 100
F = TypeVar("F", bound=Callable[..., Any])


class RefusedError(Exception):
    """A request this API answers with a problem body."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def problem(status: int, title: str, detail: str) -> Response:
    """An RFC 9457 problem body."""
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="reports"'
    return response


@api.errorhandler(RefusedError)
def _refused(error: RefusedError) -> Response:
    return problem(error.status, error.title, error.detail)


@api.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return problem(error.code or 500, error.name, error.description or error.name)


@api.after_request
def _not_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _unauthorised(detail: str) -> RefusedError:
    return RefusedError(401, "Unauthorized", detail)


def key_required(view: F) -> F:
    """Let a request through only with a working key of the hub its URL names; note the key was used."""

    @wraps(view)
    def checked(hub_id: int, **kwargs: Any) -> Any:
        scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret:
            raise _unauthorised("Send your hub's API key as 'Authorization: Bearer <key>'")
        key = dao.working_api_key(secret) if len(secret) <= MAX_KEY_LENGTH else None
        if key is None or key.hub_id != hub_id:
            raise _unauthorised("This key is not a working key for this hub")
        with transaction():
            dao.touch_api_key(key.id)
        return view(hub_id, **kwargs)

    checked.allowed_roles = (API_KEY,)  # type: ignore[attr-defined]
    return checked  # type: ignore[return-value]


def _whole(name: str, default: int | None, low: int, high: int) -> int | None:
    text = request.args.get(name)
    if text is None:
        return default
    number = whole_number(text, len(str(high)))
    if number is None or not low <= number <= high:
        raise RefusedError(400, "Bad Request", f"{name} must be a whole number from {low} to {high}")
    return number


def _scope(hub_id: int, school_id: int | None = None) -> Scope:
    today = london_today()
    current = academic_year_of(today)
    year = _whole("year", current, FIRST_YEAR, current)
    year_group = _whole("year_group", None, FIRST_YEAR_GROUP, LAST_YEAR_GROUP)
    return Scope(
        hub_id=hub_id, year=int(year or current), today=today, school_id=school_id, year_group=year_group
    )


def _about(scope: Scope) -> dict[str, Any]:
    return {
        "hub_id": scope.hub_id,
        "school_id": scope.school_id,
        "academic_year": scope.year,
        "academic_year_words": academic_year_words(scope.year),
        "year_group": scope.year_group,
        "as_of": scope.as_of.isoformat(),
    }


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {key: round(value, 4) if isinstance(value, float) else value for key, value in values.items()}


def _benchmarks(figures: Figures) -> dict[str, Any]:
    return {
        **{
            slug.replace("-", "_"): {
                group: _rounded(values) for group, values in group_values(metrics, figures.groups).items()
            }
            for slug, (_, metrics) in EQUITY_REPORTS.items()
        },
        "encounters_by_year_group": encounters.group_values(figures.group_rows),
        "provider_deadlines": encounters.deadline_values(figures.deadline_rows),
        "encounter_pathways": encounters.pathway_values(figures.record_pathways),
        "encounter_quality": table_values(figures.table("encounter-quality"), QUALITY_KEYS),
        "no_shows": table_values(figures.table("no-shows"), NO_SHOW_KEYS),
    }


def _placements(figures: Figures) -> dict[str, Any]:
    pathways = figures.pathways
    total = total_placements(pathways.values())
    engagement = figures.engagement
    return {
        "pathways": {
            pathway: _rounded(
                {
                    "offered": found.offered,
                    "filled": found.filled,
                    "offered_share": found.offered / total.offered if total.offered else None,
                    "filled_share": found.filled / total.filled if total.filled else None,
                }
            )
            for pathway, found in pathways.items()
        },
        "outcomes": outcome_values(total),
        "routes": [
            {
                "route": row.route,
                "employers_offering": row.employers_offering,
                "employers_hosting": row.employers_hosting,
                "offered": row.offered,
                "filled": row.filled,
            }
            for row in engagement.routes
        ],
        "employers": {"offering": engagement.offering, "hosting": engagement.hosting},
    }


@api.route("/openapi.json")
@public
def openapi_document() -> Response:
    """The OpenAPI document describing this API."""
    current = academic_year_of(london_today())
    return jsonify(openapi.document(FIRST_YEAR, current, MAX_PER_PAGE, MAX_PAGE, MAX_NAME_LENGTH))


@api.route("/hubs/<int:hub_id>/reports/benchmarks")
@key_required
def benchmarks(hub_id: int) -> Response:
    """The hub's Benchmark 5, Benchmark 6 and provider-encounter figures, with equity groups and gaps; its
    encounters by year group, provider deadlines and the pathways of its encounters."""
    figures = Figures(_scope(hub_id))
    return jsonify({**_about(figures.scope), **_benchmarks(figures)})


@api.route("/hubs/<int:hub_id>/reports/placements")
@key_required
def placements(hub_id: int) -> Response:
    """The hub's places offered and filled by pathway and outcome, and employers engaged by route."""
    figures = Figures(_scope(hub_id))
    return jsonify({**_about(figures.scope), **_placements(figures)})


@api.route("/hubs/<int:hub_id>/reports/schools")
@key_required
def schools(hub_id: int) -> Response:
    """A page of the hub's schools (by name, optionally only those with `name` in theirs), with each
    school's headline figures."""
    scope = _scope(hub_id)
    page = int(_whole("page", 1, 1, MAX_PAGE) or 1)
    per_page = int(_whole("per_page", PER_PAGE, 1, MAX_PER_PAGE) or PER_PAGE)
    name = without_control_characters(request.args.get("name", "")).strip()
    if len(name) > MAX_NAME_LENGTH:
        raise RefusedError(400, "Bad Request", f"name must be {MAX_NAME_LENGTH} characters or fewer")
    listed = dao.schools_page(hub_id, name, page, per_page)
    rows = Figures(scope).school_rows(listed)
    return jsonify(
        {
            **_about(scope),
            "page": page,
            "per_page": per_page,
            "total": dao.count_schools(hub_id, name),
            "schools": [
                {"id": school.id, "name": school.name, "urn": school.urn, **_rounded(school_values(c, p))}
                for school, c, p in rows
            ],
        }
    )


@api.route("/hubs/<int:hub_id>/schools/<int:school_id>/reports")
@key_required
def school(hub_id: int, school_id: int) -> Response:
    """Every report for one of the hub's schools."""
    if dao.school_in_hub(school_id, hub_id) is None:
        raise RefusedError(404, "Not Found", "The hub has no school with this id")
    figures = Figures(_scope(hub_id, school_id))
    return jsonify({**_about(figures.scope), **_benchmarks(figures), **_placements(figures)})
