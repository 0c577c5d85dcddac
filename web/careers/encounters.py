"""Encounters with employers and providers (Benchmark 5) recorded for whole year groups at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.careers import bp
from web.careers.record_forms import ENCOUNTER_KINDS, EncounterForm
from web.dao import records as dao
from web.dao.base import transaction
from web.dao.students import today


def _students(n: int) -> str:
    return f"{n} {'student' if n == 1 else 'students'}"


@bp.route("/encounters", methods=["GET", "POST"])
@role_required("careers_leader")
def encounters() -> Response | str:
    """Record an encounter for one or more year groups, and see the school's recent encounters."""
    school_id = int(current_user.school_id)
    form = EncounterForm(today=today())
    if form.validate_on_submit():
        with transaction():
            added, skipped = dao.record_encounter(
                school_id,
                current_user.id,
                kind=form.kind.data,
                title=form.title.data,
                on_date=form.on_date.data,
                hours=form.hours.data,
                year_groups=list(form.year_groups.data),
            )
        message = f"Encounter added to the records of {_students(added)}" if added else "Nobody was added"
        if not added and not skipped:
            message += ": there are no current students in those year groups"
        if skipped:
            message += f". {_students(skipped)} already had it, so were skipped"
        flash(message, "success" if added else "important")
        return redirect(url_for("careers.encounters"))
    return render_template(
        "careers/encounters.html",
        form=form,
        year_counts=dao.year_group_counts(school_id),
        recent=dao.recent_encounters(school_id),
        kinds=ENCOUNTER_KINDS,
    )
