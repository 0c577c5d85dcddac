"""The hub's entitlement targets: what every pupil of its schools is owed, year by year; set once for all
of them (the guidance's defaults until the hub changes one), with its own entitlements added."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import entitlements as dao
from web.dao.base import transaction
from web.fields import ConfirmForm
from web.planner import bp
from web.planner.entitlements import DEFAULT_TARGETS, HOURS, MEASURES, Target
from web.planner.forms import NewTargetForm, target_form

DEFAULT_KEYS = {target.key for target in DEFAULT_TARGETS}


def _find(targets: list[Target], key: str) -> Target:
    for target in targets:
        if target.key == key:
            return target
    abort(404)


@bp.route("/targets")
@role_required("hub_admin")
def targets() -> str:
    """Every entitlement with its milestones, to change, add to or return to the defaults."""
    hub_id = current_user.hub_id
    return render_template(
        "planner/targets.html",
        targets=dao.targets_of(hub_id),
        default=dao.is_default(hub_id),
        default_keys=DEFAULT_KEYS,
        measures=MEASURES,
        hours=HOURS,
        form=ConfirmForm(),
    )


@bp.route("/targets/<string(maxlength=40):key>", methods=["GET", "POST"])
@role_required("hub_admin")
def change_target(key: str) -> Response | str:
    """Change one entitlement's name and its milestone for each year of its span."""
    hub_id = current_user.hub_id
    targets = dao.targets_of(hub_id)
    target = _find(targets, key)
    form = target_form(target)
    if not form.is_submitted():
        form.label.data = target.label
        for field, year in zip(
            form.milestone_fields(), range(target.first_year, target.last_year + 1), strict=True
        ):
            field.data = int(target.milestone(year))
    if form.validate_on_submit():
        changed = replace(
            target,
            label=form.label.data,
            milestones=tuple(Decimal(field.data) for field in form.milestone_fields()),
        )
        with transaction():
            dao.save_targets(hub_id, [changed if t.key == key else t for t in targets], current_user.id)
        flash(f"{changed.label}: saved for every school in the hub", "success")
        return redirect(url_for("planner.targets"))
    return render_template("planner/change_target.html", form=form, target=target, hours=HOURS)


@bp.route("/targets/new", methods=["GET", "POST"])
@role_required("hub_admin")
def new_target() -> Response | str:
    """Add an entitlement of the hub's own; its milestones rise evenly to the amount, to change after."""
    hub_id = current_user.hub_id
    form = NewTargetForm()
    if form.validate_on_submit():
        targets = dao.targets_of(hub_id)
        first, last, every = (
            int(form.first_year.data),
            int(form.last_year.data),
            form.every_year.data == "yes",
        )
        years = last - first + 1
        amount = Decimal(form.amount.data)
        milestones = (
            (amount,) * years
            if every
            else tuple((amount * (index + 1) / years).quantize(Decimal(1)) for index in range(years))
        )
        target = Target(
            _key(form.label.data, targets), form.label.data, form.measure.data, first, last, milestones, every
        )
        with transaction():
            dao.save_targets(hub_id, [*targets, target], current_user.id)
        flash(f"{target.label}: added for every school in the hub", "success")
        return redirect(url_for("planner.targets"))
    return render_template("planner/new_target.html", form=form)


@bp.route("/targets/<string(maxlength=40):key>/remove", methods=["POST"])
@role_required("hub_admin")
def remove_target(key: str) -> Response:
    """Take away one of the hub's own entitlements (the guidance's stay: change their numbers instead)."""
    hub_id = current_user.hub_id
    targets = dao.targets_of(hub_id)
    target = _find(targets, key)
    if key in DEFAULT_KEYS:
        abort(404)
    with transaction():
        dao.save_targets(hub_id, [t for t in targets if t.key != key], current_user.id)
    flash(f"{target.label}: removed", "success")
    return redirect(url_for("planner.targets"))


@bp.route("/targets/defaults", methods=["POST"])
@role_required("hub_admin")
def default_targets() -> Response:
    """Go back to the guidance's entitlements and numbers (the hub's own entitlements are removed)."""
    with transaction():
        dao.save_targets(current_user.hub_id, list(DEFAULT_TARGETS), current_user.id)
    flash("Entitlements are back to the guidance's defaults", "success")
    return redirect(url_for("planner.targets"))


def _key(label: str, targets: list[Target]) -> str:
    """A key for a new entitlement from its name, unique in the hub ("own-work-tasters", "-2" if taken)."""
    base = "own-" + (re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:30] or "entitlement")
    taken = {target.key for target in targets}
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key
