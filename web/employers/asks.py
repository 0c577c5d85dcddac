"""The hub's termly asks of the organisation: each part accepted or declined with one click, an accepted
part becoming one of its encounter offers in the hub's pool."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import asks as dao
from web.dao.base import transaction
from web.employers import bp
from web.fields import ConfirmForm
from web.planner.terms import term_label


def _own_part_or_404(part_id: int) -> None:
    if dao.part_of_employer(current_user.employer_id, part_id) is None:
        abort(404)


@bp.route("/asks")
@role_required("employer")
def asks() -> str:
    """The asks the hub sent the organisation, latest term first, with an answer to give per part."""
    return render_template(
        "employers/asks.html",
        rows=dao.asks_of_employer(current_user.employer_id),
        term_label=term_label,
        form=ConfirmForm(),
    )


@bp.route("/asks/parts/<int:part_id>/accept", methods=["POST"])
@role_required("employer")
def accept_ask_part(part_id: int) -> Response:
    """Say yes to one part: it becomes an encounter offer the hub matches to schools."""
    _own_part_or_404(part_id)
    with transaction():
        made = dao.accept_part(current_user.employer_id, part_id, current_user.id, date.today())
    if isinstance(made, str):
        flash(made, "important")
    else:
        flash("Accepted: it is now one of your encounter offers, for your careers hub to match", "success")
    return redirect(url_for("employers.asks"))


@bp.route("/asks/parts/<int:part_id>/decline", methods=["POST"])
@role_required("employer")
def decline_ask_part(part_id: int) -> Response:
    """Say no to one part; the hub sees it declined."""
    _own_part_or_404(part_id)
    with transaction():
        declined = dao.decline_part(current_user.employer_id, part_id, current_user.id)
    if declined:
        flash("Declined. Your careers hub can see your answer", "success")
    else:
        flash("This part of the ask has already been answered", "important")
    return redirect(url_for("employers.asks"))
