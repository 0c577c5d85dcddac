"""The hub's term plans: start one in a worker (a what-if until kept), watch its progress, read its
coverage per group against the first-come baseline, compare two side by side, and keep one for the term,
when each school's careers leader sees their part to approve."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import owned_or_404, role_required
from web.dao import plans as dao
from web.dao.base import transaction
from web.dates import london_today
from web.fields import ConfirmForm
from web.planner import bp
from web.planner.plan_forms import plan_form
from web.planner.terms import term_label
from workers.planner_tasks import enqueue_plan

GROUPS = {
    "all": "All pupils short of something",
    "at_risk": "At risk",
    "priority": "Disadvantaged or SEND",
    "no_experience": "No workplace experience yet",
}


def _page(form: object) -> str:
    return render_template(
        "planner/plans.html",
        plans=dao.plans_of(current_user.hub_id),
        form=form,
        term_label=term_label,
    )


@bp.route("/plans")
@role_required("hub_admin")
def plans() -> str:
    """The hub's plans, newest first, and the form starting another."""
    return _page(plan_form(london_today()))


@bp.route("/plans", methods=["POST"])
@role_required("hub_admin")
def start_plan() -> Response | str:
    """Plan a term in a worker; the page shows its progress."""
    form = plan_form(london_today())
    if not form.validate_on_submit():
        return _page(form)
    year, term = form.chosen()
    with transaction():
        plan = dao.start_plan(current_user.hub_id, year, term, form.seed.data, current_user.id)
    if plan is None:
        flash("A plan is already being made. Wait for it to finish", "important")
        return redirect(url_for("planner.plans"))
    if not enqueue_plan(plan.id):
        flash("The plan is queued and will start when a worker is free", "important")
    return redirect(url_for("planner.plan", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>")
@role_required("hub_admin")
def plan(plan_id: int) -> str:
    """A plan's progress, then its coverage per group beside the first-come baseline's."""
    found = owned_or_404(dao.plan_of(current_user.hub_id, plan_id), hub_id=current_user.hub_id)
    others = [
        other
        for other in dao.plans_of(current_user.hub_id)
        if other.id != found.id and other.status == "succeeded"
    ]
    return render_template(
        "planner/plan.html",
        plan=found,
        groups=GROUPS,
        term_label=term_label,
        counts=dao.counts_by_status(found.id),
        others=others,
        form=ConfirmForm(),
    )


@bp.route("/plans/<int:plan_id>/keep", methods=["POST"])
@role_required("hub_admin")
def keep_plan(plan_id: int) -> Response:
    """Make this plan the term's: its schools' careers leaders see their part to approve."""
    found = owned_or_404(dao.plan_of(current_user.hub_id, plan_id), hub_id=current_user.hub_id)
    with transaction():
        kept = dao.keep_plan(found, current_user.id)
    if kept:
        flash(
            f"Kept for the {term_label(found.academic_year, found.term).lower()}: schools can approve it now",
            "success",
        )
    else:
        flash(
            "This plan cannot be kept: it has not finished, or a school has approved part of the one kept",
            "important",
        )
    return redirect(url_for("planner.plan", plan_id=plan_id))


@bp.route("/plans/compare")
@role_required("hub_admin")
def compare() -> str:
    """Two of the hub's finished plans side by side: places and coverage per group."""
    hub_id = current_user.hub_id
    chosen = []
    for name in ("first", "second"):
        value = request.args.get(name, "")
        found = dao.plan_of(hub_id, int(value)) if value.isdigit() and len(value) < 10 else None
        chosen.append(found if found is not None and found.status == "succeeded" else None)
    return render_template("planner/compare.html", plans=chosen, groups=GROUPS, term_label=term_label)
