"""Accounts: following an emailed link (invitation or password reset) to set a password."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from web.accounts import emails  # noqa: F401 - registers the invitation and reset emails
from web.auth.roles import public
from web.dao import tokens
from web.models.base import utcnow

bp = Blueprint("accounts", __name__, url_prefix="/account")

# The link's token moves from the URL into the session at once, so it is not left in the browser's history
# or sent onward as a referrer.
SESSION_TOKEN = "access_token_id"


@bp.route("/link/<string:token>")
@public
def link(token: str) -> Response | tuple[str, int]:
    """An emailed link: remember its token, then ask for a password on a page without it in the address."""
    now = utcnow()
    found = tokens.find(token, "invitation", now) or tokens.find(token, "reset", now)
    if found is None:
        return render_template("accounts/link_expired.html"), 404
    session[SESSION_TOKEN] = found.id
    return redirect(url_for("accounts.set_password"))
