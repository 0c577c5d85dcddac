"""The retention schedule: a public page of what is kept and why, and the hub admin's page to change the
hub's periods within their limits and to see each night's notice and run."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import public, role_required
from web.dao import retention
from web.dao.base import transaction
from web.dates import london_today
from web.privacy import (
    bp,
    retention_emails,  # noqa: F401 - registers the notice email
)
from web.privacy.forms import FindPupilForm, period_form
from web.privacy.schedule import DEFAULTS, periods


@bp.route("/privacy/retention")
@public
def schedule() -> str:
    """The schedule anyone may read: each record type's period, from when, what happens and why, with
    each hub's own periods where it changed one."""
    hubs = retention.hubs_and_periods()
    labels = {record_type: period.label for record_type, period in DEFAULTS.items()}
    return render_template(
        "privacy/schedule.html", rows=periods({}), hubs=[h for h in hubs if h[1]], labels=labels
    )


@bp.route("/hub/retention")
@role_required("hub_admin")
def hub_schedule() -> str:
    """The hub's schedule, the next notice and the latest runs, and finding a pupil by UPN."""
    return hub_page(FindPupilForm())


def hub_page(form: FindPupilForm) -> str:
    """The hub's data protection page, with this pupil-finding form (and its errors)."""
    hub_id = current_user.hub_id
    today = london_today()
    return render_template(
        "privacy/hub_schedule.html",
        rows=periods(retention.reasons_of(hub_id)),
        runs=retention.recent_runs(hub_id),
        coming=retention.due(hub_id, today + timedelta(days=retention.NOTICE_DAYS), with_service=False),
        notice_day=today + timedelta(days=retention.NOTICE_DAYS),
        today=today,
        form=form,
    )


ADJUSTABLE = ",".join(record_type for record_type, period in DEFAULTS.items() if period.adjustable)


@bp.route(f"/hub/retention/<any({ADJUSTABLE}):record_type>", methods=["GET", "POST"])
@role_required("hub_admin")
def change_period(record_type: str) -> Response | str:
    """Change one record type's period for the hub, within its limits, with the hub's reason."""
    period = DEFAULTS.get(record_type)
    if period is None or not period.adjustable:
        abort(404)
    hub_id = current_user.hub_id
    form = period_form(period)
    if not form.is_submitted():
        form.days.data, form.reason.data = retention.reasons_of(hub_id).get(record_type, (period.days, ""))
    if form.validate_on_submit():
        with transaction():
            retention.set_period(hub_id, record_type, form.days.data, form.reason.data, current_user.id)
        flash(f"{period.label}: now kept for {form.days.data} days", "success")
        return redirect(url_for("privacy.hub_schedule"))
    return render_template("privacy/change_period.html", form=form, period=period)
