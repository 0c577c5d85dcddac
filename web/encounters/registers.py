"""The register of an event, marked on the day on a phone: one tap a pupil, or a list of those who came.

A hub admin marks any slot of the hub's events, a careers leader their own pupils, an employer the slots it
runs (seeing pupils' names only). Marking opens on the event's day; before it, the register is read-only.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.careers.import_csv import CellError
from web.dao import registers as dao
from web.dao.base import transaction
from web.dates import clock_time, london_today, long_date
from web.encounters import bp
from web.encounters.register_forms import MarkForm, SearchForm, UploadForm, match, read_list
from web.models import EncounterEvent

MARKERS = ("hub_admin", "careers_leader", "employer")
NO_PUPILS = "The selected file has no pupils in it"
PROBLEMS_SHOWN = 25  # a list of 5,000 bad rows would bury the first one: show these, and how many more


def _scope() -> dao.Scope:
    return dao.Scope.of(
        current_user.role, current_user.hub_id, current_user.school_id, current_user.employer_id
    )


def _event_or_404(scope: dao.Scope, event_id: int) -> EncounterEvent:
    event = dao.event_for(scope, event_id)
    if event is None:
        abort(404)
    return event


def _closed_note(event: EncounterEvent) -> str | None:
    """Why the register cannot be marked today, or None if it can."""
    if dao.can_mark(event, london_today()):
        return None
    if event.status == "cancelled":
        return "This event was cancelled, so its register cannot be marked"
    if event.status not in dao.MARKABLE_EVENTS:
        return "You can mark the register once the event's places have been allocated"
    return f"You can mark the register from {long_date(event.held_on)}"


@bp.route("/events/<int:event_id>/register")
@role_required(*MARKERS)
def event_register(event_id: int) -> str:
    """The event's register as this user may see it, slot by slot, with a search by name."""
    scope = _scope()
    event = _event_or_404(scope, event_id)
    search = SearchForm(request.args)
    q = search.q.data if search.validate() else ""
    slots = dao.register(scope, event.id, q)
    return render_template(
        "encounters/register.html",
        event=event,
        slots=slots,
        q=q,
        form=search,
        closed=_closed_note(event),
        details=scope.sees_pupils_details,
        marked=sum(row.status == "attended" for slot in slots for row in slot.rows),
        pupils=sum(len(slot.rows) for slot in slots),
        long_date=long_date,
        clock_time=clock_time,
    )


@bp.route("/events/<int:event_id>/register/<int:place_id>", methods=["POST"])
@role_required(*MARKERS)
def mark_place(event_id: int, place_id: int) -> Response:
    """Mark one pupil present or absent, then go back to their row of the register (and its search)."""
    scope = _scope()
    event = _event_or_404(scope, event_id)
    if dao.place_on_register(scope, event.id, place_id) is None:
        abort(404)
    form = MarkForm()
    valid = form.validate_on_submit()
    q = form.q.data if not form.q.errors else ""
    back = redirect(
        url_for("encounters.event_register", event_id=event.id, q=q or None, _anchor=f"place-{place_id}")
    )
    closed = _closed_note(event)
    if closed:
        flash(closed, "important")
        return back
    if not valid:
        flash(next(iter(form.errors.values()))[0] if form.errors else "Select present or absent", "important")
        return back
    with transaction():
        dao.mark(place_id, form.attended.data == "yes", current_user.id)
    return back


@bp.route("/events/<int:event_id>/register/upload", methods=["GET", "POST"])
@role_required(*MARKERS)
def upload_register(event_id: int) -> Response | str:
    """Upload a CSV of the pupils who came: each is marked present, the rest are left as they were, and a
    list with any bad row saves nothing."""
    scope = _scope()
    event = _event_or_404(scope, event_id)
    closed = _closed_note(event)
    form = UploadForm()
    if request.method == "POST" and closed is not None:
        flash(closed, "important")
        return redirect(url_for("encounters.event_register", event_id=event.id))
    if form.validate_on_submit():
        pupils = dao.pupils_on_register(scope, event.id)
        place_ids, problems = _read_list(form, pupils)
        if problems:
            more = len(problems) - PROBLEMS_SHOWN
            form.file.errors = problems[:PROBLEMS_SHOWN] + (
                [f"And {more} more {'row has a problem' if more == 1 else 'rows have problems'}"]
                if more > 0
                else []
            )
        else:
            with transaction():
                dao.mark_present(event.id, place_ids, current_user.id)
            # Told in pupils, not places: a pupil may have a place in several of the event's slots.
            status = {pupil.place_id: pupil for pupil in pupils}
            named = {status[place_id].student_id for place_id in place_ids}
            marked = {status[p].student_id for p in place_ids if status[p].status != "attended"}
            flash(_marked_message(len(marked), len(named - marked)), "success")
            return redirect(url_for("encounters.event_register", event_id=event.id))
    return render_template(
        "encounters/register_upload.html", event=event, form=form, closed=closed, long_date=long_date
    )


def _read_list(form: UploadForm, pupils: list[dao.Pupil]) -> tuple[list[int], list[str]]:
    """The places the uploaded list names, and every problem with it (by row); any problem saves nothing."""
    try:
        entries, found = read_list(form.read_upload())
    except CellError as problem:
        return [], [str(problem)]
    place_ids, unmatched = match(entries, pupils)
    if not entries and not found:
        return [], [NO_PUPILS]
    return place_ids, [message for _, message in sorted(found + unmatched)]


def _marked_message(marked: int, already: int) -> str:
    said = f"{marked} {'pupil' if marked == 1 else 'pupils'} marked present"
    if already:
        said += f". {already} {'was' if already == 1 else 'were'} already marked present"
    return said
