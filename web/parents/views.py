"""Parent or carer pages: the consent link (public, token-checked).

The page shows one placement and one form, and nothing else: no navigation, no sign-in link, nothing that
would lead a parent (or whoever has the link) anywhere else in the service. A wrong, used, run-out or
over-long secret gets the same 404 page, so the answer tells nobody which links exist.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from web.accounts.views import hide_link_secrets
from web.auth.roles import public
from web.dao import consent as consent_dao
from web.dao.base import transaction
from web.extensions import limiter
from web.models.base import utcnow
from web.parents import (
    bp,
    emails,  # noqa: F401 - registers the consent emails
)
from web.parents.forms import ConsentForm


def _rate_limit() -> str:
    return str(current_app.config["ACCOUNT_RATE_LIMIT"])


@bp.route("/<string:secret>", methods=["GET", "POST"])
@public
@limiter.limit(_rate_limit)
def consent(secret: str) -> str | tuple[str, int]:
    """The placement and the consent form; only a valid POST decides, and spends the link."""
    now = utcnow()
    found = consent_dao.find(secret, now)
    if found is None:
        return _gone()
    form = ConsentForm()
    shown = consent_dao.details(found)
    if shown["on_hold"]:
        return render_template("parents/on_hold.html", **shown)
    if form.validate_on_submit():
        answer = form.answer()
        try:
            with transaction():
                consent_dao.decide(found.id, answer, now)
        except consent_dao.LinkGoneError:  # answered in another tab, or run out, since the page was shown
            return _gone()
        return render_template("parents/done.html", given=answer.given, **shown)
    return render_template("parents/consent.html", form=form, **shown)


def _gone() -> tuple[str, int]:
    return render_template("parents/link_expired.html"), 404


@bp.after_request
def _private(response: Response) -> Response:
    # The page shows a child's placement to whoever holds the link: keep it out of every cache. The secret
    # is in the address: no request from this page (its own styles included) may carry it.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.record_once
def _register(state: BlueprintSetupState) -> None:
    hide_link_secrets(f"{state.url_prefix or ''}/")
