"""The hub turns its kept plan's sessions into events: it gives each a day, times and a place, and the
pupils their careers leaders approved are invited (to them and their parent or carer). The event's register
then writes each pupil's record, as any event's does."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web import paging
from web.auth.roles import role_required
from web.dao import plan_events as dao
from web.dao import plans as plans_dao
from web.dao.base import transaction
from web.dates import london_today
from web.encounters.event_emails import send_invitations
from web.models import TermPlan
from web.planner import bp
from web.planner.plan_forms import ScheduleForm
from web.planner.terms import term_dates, term_label


def _kept(plan_id: int) -> TermPlan:
    plan = plans_dao.plan_of(current_user.hub_id, plan_id)
    if plan is None or not plan.kept:
        abort(404)
    return plan


@bp.route("/plans/<int:plan_id>/sessions")
@role_required("hub_admin")
def plan_sessions(plan_id: int) -> str:
    """The kept plan's sessions with pupils in them, those still to be given a day first."""
    plan = _kept(plan_id)
    total = dao.session_count(plan.id)
    pages = paging.page_count(total)
    page = paging.asked_page(pages)
    rows = dao.sessions_of(plan.id, (page - 1) * paging.PER_PAGE, paging.PER_PAGE)
    return render_template(
        "planner/plan_sessions.html",
        plan=plan,
        rows=rows,
        total=total,
        term_label=term_label,
        pagination=paging.pagination(page, pages, lambda n: _link(plan.id, n), "Pages of sessions"),
    )


def _link(plan_id: int, page: int) -> str:
    return url_for("planner.plan_sessions", plan_id=plan_id, page=page)


def _form(plan: TermPlan, row: dao.SessionRow) -> ScheduleForm:
    start, end = term_dates(plan.academic_year, plan.term)
    earliest = max(start, row.offer.available_from, london_today())
    return ScheduleForm(earliest, min(end, row.offer.available_until))


@bp.route("/plans/<int:plan_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@role_required("hub_admin")
def schedule_session(plan_id: int, session_id: int) -> Response | str:
    """Give a session its day, times and place: it becomes an event and its approved pupils are invited."""
    plan = _kept(plan_id)
    row = dao.session_of(plan.id, session_id)
    if row is None:
        abort(404)
    if row.event is not None:
        return redirect(url_for("encounters.event", event_id=row.event.id))
    form = _form(plan, row)
    if not form.validate_on_submit():
        return render_template(
            "planner/schedule_session.html", plan=plan, row=row, form=form, term_label=term_label
        )
    with transaction():
        done = dao.schedule(
            plan.hub_id,
            row,
            form.first_day.data,
            form.starts.data,
            form.ends.data,
            form.venue.data,
            current_user.id,
        )
        send_invitations(done.place_ids)
    if done.event is None:
        flash("This session was given a day already", "important")
        return redirect(url_for("planner.plan_sessions", plan_id=plan.id))
    flash(_invited_words(done.pupils, done.busy), "success")
    return redirect(url_for("encounters.event", event_id=done.event.id))


def _invited_words(invited: int, busy: int) -> str:
    said = f"{invited} {'pupil' if invited == 1 else 'pupils'} invited"
    if busy:
        said += f"; {busy} not, as they have a place somewhere else then"
    return said
