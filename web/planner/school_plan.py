"""A careers leader's part of the hub's kept plans: which of their pupils go to which sessions and why,
each approved or rejected by a person before any pupil or parent hears."""

from __future__ import annotations

from itertools import groupby

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import plan_events
from web.dao import plans as dao
from web.dao import rounds as rounds_dao
from web.dao.base import transaction
from web.dates import london_today, long_date
from web.encounters.event_emails import send_invitations
from web.fields import ConfirmForm
from web.models import School, TermPlan
from web.planner import bp
from web.planner.terms import coming_terms, term_label


def _school() -> School:
    school = rounds_dao.get_school(int(current_user.school_id))
    if school is None:
        abort(404)
    return school


def _kept(school: School, plan_id: int) -> TermPlan:
    plan = dao.plan_of(school.hub_id, plan_id)
    if plan is None or not plan.kept:
        abort(404)
    return plan


@bp.route("/term")
@role_required("careers_leader")
def school_plan() -> str:
    """The school's proposed places in the hub's kept plans for this term and the next two."""
    school = _school()
    terms = []
    for year, term in coming_terms(london_today()):
        plan = dao.kept_plan(school.hub_id, year, term)
        if plan is not None:
            items = dao.school_items(plan.id, school.id)
            sessions = [
                (key, list(rows))
                for key, rows in groupby(
                    items, key=lambda row: (row.organisation, row.offer, row.session_number)
                )
            ]
            events = plan_events.events_of_plan(plan.id, school.id)
            terms.append((plan, sessions, dao.counts_by_status(plan.id, school.id), events))
    return render_template(
        "planner/school_plan.html",
        school=school,
        terms=terms,
        term_label=term_label,
        long_date=long_date,
        form=ConfirmForm(),
    )


@bp.route("/term/<int:plan_id>/approve", methods=["POST"])
@role_required("careers_leader")
def approve_plan(plan_id: int) -> Response:
    """Approve every proposed place of the school's in this plan: they count as booked from now."""
    school = _school()
    plan = _kept(school, plan_id)
    with transaction():
        changed = dao.decide(plan.id, school.id, None, "approved", current_user.id)
        # Sessions the hub has given a day already are events: those pupils are invited now.
        place_ids, _, busy = plan_events.invite_approved(plan.id, school_id=school.id)
        send_invitations(place_ids)
    said = f"{changed} {'place' if changed == 1 else 'places'} approved"
    if place_ids:
        said += "; pupils whose sessions have a day are invited"
    if busy:
        said += f" ({busy} not, as they have a place somewhere else then)"
    flash(said, "success")
    return redirect(url_for("planner.school_plan"))


@bp.route("/term/<int:plan_id>/items/<int:item_id>/reject", methods=["POST"])
@role_required("careers_leader")
def reject_item(plan_id: int, item_id: int) -> Response:
    """Take one pupil's proposed place out of the plan (the place is not given to them)."""
    school = _school()
    plan = _kept(school, plan_id)
    with transaction():
        changed = dao.decide(plan.id, school.id, [item_id], "rejected", current_user.id)
    if not changed:
        abort(404)
    flash("Place rejected", "success")
    return redirect(url_for("planner.school_plan"))
