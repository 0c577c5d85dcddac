"""A parent's or carer's view of their child's entitlements, through the link the school emailed.

The emailed link shows one button; pressing it (a POST, so a mail scanner that opens links spends nothing)
uses the link once and gives this browser a signed cookie holding a random key for that child's link alone.
The child's page, at an address without the secret, asks for that key on every visit, so it ends as soon as
the school revokes the link, it runs out, or the pupil leaves. A parent of two children keeps a key for each.
The page is not in the access log, as a pupil's own record is not: the parent sees what their child does.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from web.accounts.views import hide_link_secrets
from web.auth.roles import public
from web.dao import entitlements, ledger
from web.dao import parent_links as dao
from web.dao.base import transaction
from web.dao.family import coming_up
from web.dates import london_today
from web.extensions import limiter
from web.fields import ConfirmForm
from web.models.base import utcnow
from web.parents import (
    family_bp,
    family_emails,  # noqa: F401 - registers the link's email
)
from web.planner.entitlements import in_words

COOKIE = "family"
COOKIE_DAYS = 400  # the longest browsers keep a cookie; each link's own end is checked on every visit
MOST_CHILDREN = 10  # keys kept in one cookie; the oldest goes first


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="family-cookie")


def _keys() -> dict[str, str]:
    """This browser's keys, by link id; nothing for a missing, altered or malformed cookie."""
    try:
        keys = _serializer().loads(request.cookies.get(COOKIE, ""))
    except BadSignature:
        return {}
    if not isinstance(keys, dict):
        return {}
    return {str(k): v for k, v in keys.items() if isinstance(v, str)}


def _rate_limit() -> str:
    return str(current_app.config["ACCOUNT_RATE_LIMIT"])


@family_bp.route("/<string:secret>", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit)
def start(secret: str) -> Response | str | tuple[str, int]:
    """The emailed link: a button that uses it once and opens the child's page on this browser."""
    now = utcnow()
    found = dao.find(secret, now)
    if found is None:
        # Opened again on the browser it was used on: straight to the child's page, still checked there.
        used = dao.find_used(secret)
        if used is not None and str(used) in _keys():
            return redirect(url_for("family.child", link_id=used))
        return render_template("parents/family_ended.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        with transaction():
            key = dao.start(found.id, now)
        if key is None:  # used in another tab, or revoked, a moment ago
            return render_template("parents/family_ended.html"), 404
        keys = {k: v for k, v in _keys().items() if k != str(found.id)}
        kept = dict(list(keys.items())[-(MOST_CHILDREN - 1) :])
        kept[str(found.id)] = key
        response = redirect(url_for("family.child", link_id=found.id))
        response.set_cookie(
            COOKIE,
            _serializer().dumps(kept),
            max_age=COOKIE_DAYS * 24 * 3600,
            path=family_bp.url_prefix or "/",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
        return response
    school = dao.school_of(dao.pupil_of(found))
    return render_template("parents/family_start.html", form=form, school_name=school.name if school else "")


@family_bp.route("/child/<int:link_id>")
@public
def child(link_id: int) -> str | tuple[str, int]:
    """The child's encounters and experiences against what they are owed, and what is coming up."""
    found = dao.in_session(link_id, _keys().get(str(link_id), ""), utcnow())
    school = dao.school_of(found[1]) if found else None
    if found is None or school is None:
        return render_template("parents/family_ended.html"), 403
    student = found[1]
    today = london_today()
    owed, ended = ledger.pupil_ledger(student, entitlements.targets_of(school.hub_id), today)
    return render_template(
        "parents/family_child.html",
        first_name=student.known_as,
        school_name=school.name,
        owed=owed,
        ended=ended,
        in_words=in_words,
        coming=coming_up(student.id, today),
    )


@family_bp.after_request
def _private(response: Response) -> Response:
    # A child's record, to whoever holds the browser: out of every cache, and no secret sent onward.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@family_bp.record_once
def _register(state: BlueprintSetupState) -> None:
    hide_link_secrets(f"{state.url_prefix or ''}/")
