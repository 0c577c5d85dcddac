"""Pupils moving school within the hub: the old school's careers leader confirms or refuses a transfer another
school's import asked for, and each school sees the transfers it asked for and how they were answered.

A school sees only its own side: the old school its own pupil's record and the name of the school asking; the
new school the names its own file gave and the name of the old school, never the old school's record.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import owned_or_404, role_required
from web.careers import bp
from web.dao import transfers as dao
from web.dao.base import transaction

ANSWERED = "This transfer has been answered already"


def _school_id() -> int:
    return int(current_user.school_id)


@bp.route("/students/transfers")
@role_required("careers_leader")
def transfers() -> str:
    """Transfers other schools asked for, to confirm or refuse, and the transfers this school asked for."""
    return render_template(
        "careers/transfers.html",
        asked_of=dao.asked_of(_school_id()),
        asked_by=dao.asked_by(_school_id()),
    )


@bp.route("/students/transfers/<int:transfer_id>/confirm", methods=["POST"])
@role_required("careers_leader")
def confirm_transfer(transfer_id: int) -> Response:
    """Let one of the school's pupils move to the school that asked, with their whole record."""
    return _answer(transfer_id, dao.confirm, "Transfer confirmed: the student has moved to {school}")


@bp.route("/students/transfers/<int:transfer_id>/refuse", methods=["POST"])
@role_required("careers_leader")
def refuse_transfer(transfer_id: int) -> Response:
    """Keep one of the school's pupils: the school that asked sees that the transfer was refused."""
    return _answer(
        transfer_id,
        dao.refuse,
        "Transfer refused: the student stays at your school, and {school} can see that you refused it",
    )


def _answer(transfer_id: int, decide: Callable[[int, int, int], bool], done: str) -> Response:
    # Only the old school answers: anyone else gets a 404, so ids reveal nothing. The message names no
    # pupil (it travels in the session cookie), only the school that asked.
    owned_or_404(dao.get(transfer_id), from_school_id=_school_id())
    waiting = dao.asked_of(_school_id(), transfer_id)
    with transaction():
        decided = bool(waiting) and decide(transfer_id, _school_id(), current_user.id)
    if decided:
        flash(done.format(school=waiting[0].school), "success")
    else:
        flash(ANSWERED, "important")
    return redirect(url_for("careers.transfers"))
