"""A hub admin resets the two-step sign-in of a careers leader in their hub who has lost their phone: the
leader sets it up again at their next sign-in. Only the hub's own schools' leaders; every reset is audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.roles import role_required
from web.dao import two_step as dao
from web.dao.base import transaction
from web.fields import ConfirmForm
from web.models import User


def _leader(user_id: int) -> User:
    """A careers leader of one of the signed-in hub admin's schools; anyone else is a 404."""
    leader = dao.careers_leader_in_hub(user_id, current_user.hub_id)
    if leader is None:
        abort(404)
    return leader


@bp.route("/two-step/careers-leaders")
@role_required("hub_admin")
def two_step_leaders() -> str:
    """The hub's careers leaders and whether each has two-step sign-in on."""
    leaders = dao.careers_leaders_of_hub(current_user.hub_id)
    return render_template("auth/two_step_leaders.html", leaders=leaders)


@bp.route("/two-step/careers-leaders/<int:user_id>/reset", methods=["GET", "POST"])
@role_required("hub_admin")
def two_step_reset(user_id: int) -> Response | str:
    """Ask, then reset a careers leader's two-step: their app and recovery codes stop working and they are
    signed out everywhere."""
    leader = _leader(user_id)
    if not dao.is_on(leader.id):
        flash(f"{leader.name or leader.email} does not have two-step sign-in on", "important")
        return redirect(url_for("auth.two_step_leaders"))
    button = ConfirmForm()
    if button.validate_on_submit():
        with transaction():
            dao.reset_for(leader, current_user)
        flash(f"Two-step sign-in is reset for {leader.name or leader.email}", "success")
        return redirect(url_for("auth.two_step_leaders"))
    return render_template("auth/two_step_reset.html", leader=leader, button=button)
