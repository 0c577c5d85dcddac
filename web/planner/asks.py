"""The hub's termly asks of its engaged employers: drafted from the kept plan's shortfall, looked over,
then sent, one an employer a term; each employer's answers part by part show here as they come."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import asks as dao
from web.dao.base import transaction
from web.dao.plans import kept_plan
from web.dates import london_today
from web.employers import ask_emails  # noqa: F401 - registers the email these pages send
from web.fields import ConfirmForm
from web.planner import bp
from web.planner.terms import coming_terms, term_label


def _coming(academic_year: int, term: int) -> tuple[int, int]:
    """A term the hub may still ask for: this one or the next two (404 for any other)."""
    if (academic_year, term) not in coming_terms(london_today()):
        abort(404)
    return academic_year, term


@bp.route("/asks")
@role_required("hub_admin")
def asks() -> str:
    """A coming term's asks by employer, with their parts and each part's answer."""
    terms = coming_terms(london_today())
    chosen = next((one for one in terms if request.args.get("term") == f"{one[0]}-{one[1]}"), terms[0])
    year, term = chosen
    hub_id = current_user.hub_id
    return render_template(
        "planner/asks.html",
        terms=terms,
        chosen=chosen,
        term_label=term_label,
        rows=dao.asks_of_hub(hub_id, year, term),
        kept=kept_plan(hub_id, year, term),
        form=ConfirmForm(),
    )


@bp.route("/asks/<int:academic_year>/<int:term>/draft", methods=["POST"])
@role_required("hub_admin")
def draft_asks(academic_year: int, term: int) -> Response:
    """Draft (or draft again) the term's asks from its kept plan; sent asks stay as they are."""
    year, term = _coming(academic_year, term)
    with transaction():
        drafted = dao.draft_asks(current_user.hub_id, year, term, current_user.id, london_today())
    if isinstance(drafted, str):
        flash(drafted, "important")
    elif drafted:
        flash(f"{drafted} ask{'' if drafted == 1 else 's'} drafted. Check them, then send them", "success")
    else:
        flash("Nothing to ask: the kept plan leaves no shortfall an engaged employer can fill", "important")
    return redirect(url_for("planner.asks", term=f"{year}-{term}"))


@bp.route("/asks/<int:academic_year>/<int:term>/send", methods=["POST"])
@role_required("hub_admin")
def send_asks(academic_year: int, term: int) -> Response:
    """Send the term's drafts: each employer is told once, and is never asked again this term."""
    year, term = _coming(academic_year, term)
    with transaction():
        sent = dao.send_asks(current_user.hub_id, year, term, current_user.id)
    if sent:
        flash(f"{sent} ask{'' if sent == 1 else 's'} sent", "success")
    else:
        flash("There are no drafts to send. Draft the asks first", "important")
    return redirect(url_for("planner.asks", term=f"{year}-{term}"))
