"""The hub admin's events: make one for some of the hub's schools, add its slots, open it, and allocate the
pupils of every open event to their slots in a worker; careers leaders then approve their pupils' places."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import owned_or_404, role_required
from web.dao import events as dao
from web.dao.base import transaction
from web.encounters import bp
from web.encounters.event_forms import EventForm, SlotForm
from web.fields import ConfirmForm
from web.models import EncounterEvent, EventAllocation
from workers.encounter_tasks import enqueue_allocation


def _own_event(event_id: int) -> EncounterEvent:
    event: EncounterEvent = owned_or_404(dao.get_event(event_id), hub_id=current_user.hub_id)
    return event


@bp.route("/hub/events")
@role_required("hub_admin")
def events() -> str:
    """The hub's events, soonest first, and its latest allocation."""
    return render_template(
        "encounters/events.html",
        events=dao.events_of_hub(current_user.hub_id),
        allocation=dao.latest_allocation(current_user.hub_id),
        form=ConfirmForm(),
    )


@bp.route("/hub/events/new", methods=["GET", "POST"])
@role_required("hub_admin")
def new_event() -> Response | str:
    """Make a draft event; its slots come next."""
    form = EventForm(dao.school_names(current_user.hub_id))
    if form.validate_on_submit():
        with transaction():
            event = dao.create_event(
                current_user.hub_id, current_user.id, form.fields_to_save(), form.schools.data
            )
        flash("Event saved. Add its slots, then open it for allocation", "success")
        return redirect(url_for("encounters.event", event_id=event.id))
    return render_template("encounters/event_form.html", form=form)


@bp.route("/hub/events/<int:event_id>")
@role_required("hub_admin")
def event(event_id: int) -> str:
    """One event: its schools, its slots with their seats and invitations, and what can be done next."""
    return _event_page(_own_event(event_id), SlotForm(dao.approved_employers(current_user.hub_id)))


def _event_page(event: EncounterEvent, form: SlotForm) -> str:
    return render_template(
        "encounters/event.html",
        event=event,
        schools=dao.schools_of(event.id),
        slots=dao.slots_of(event.id),
        held=dao.holding_counts(event.id),
        form=form,
        confirm=ConfirmForm(),
    )


@bp.route("/hub/events/<int:event_id>/slots", methods=["POST"])
@role_required("hub_admin")
def add_slots(event_id: int) -> Response | str:
    """Add a slot, or several back to back, to a draft or open event."""
    found = _own_event(event_id)
    form = SlotForm(dao.approved_employers(current_user.hub_id))
    if found.status not in ("draft", "open"):
        flash("Slots can only be added before the event is allocated", "important")
        return redirect(url_for("encounters.event", event_id=found.id))
    if not form.validate_on_submit():
        return _event_page(found, form)
    with transaction():
        added = [dao.add_slot(found, fields) for fields in form.slots(found.held_on)]
    flash(f"{len(added)} slot{'' if len(added) == 1 else 's'} added", "success")
    return redirect(url_for("encounters.event", event_id=found.id))


@bp.route("/hub/events/<int:event_id>/slots/<int:slot_id>/remove", methods=["POST"])
@role_required("hub_admin")
def remove_slot(event_id: int, slot_id: int) -> Response:
    """Remove a slot nobody has a place in or waits for."""
    found = _own_event(event_id)
    if ConfirmForm().validate_on_submit():
        with transaction():
            removed = dao.remove_slot(found, slot_id)
        flash(
            "Slot removed" if removed else "That slot has pupils in it, or is not this event's",
            "success" if removed else "important",
        )
    return redirect(url_for("encounters.event", event_id=found.id))


@bp.route("/hub/events/<int:event_id>/open", methods=["POST"])
@role_required("hub_admin")
def open_event(event_id: int) -> Response:
    """Open a draft event: the next allocation includes it."""
    found = _own_event(event_id)
    if ConfirmForm().validate_on_submit():
        with transaction():
            problem = dao.open_event(found, current_user.id)
        flash(
            problem or "Event opened: the next allocation includes it", "important" if problem else "success"
        )
    return redirect(url_for("encounters.event", event_id=found.id))


@bp.route("/hub/events/allocate", methods=["POST"])
@role_required("hub_admin")
def allocate() -> Response:
    """Allocate the pupils of every open event to their slots, in a worker."""
    if ConfirmForm().validate_on_submit():
        with transaction():
            allocation = dao.start_allocation(current_user.hub_id, current_user.id)
        if allocation is None:
            flash("An allocation is already running. Wait for it to finish", "important")
        elif not enqueue_allocation(allocation.id):
            flash("The allocation is queued and will start when a worker is free", "important")
        if allocation is not None:
            return redirect(url_for("encounters.allocation", allocation_id=allocation.id))
    return redirect(url_for("encounters.events"))


@bp.route("/hub/events/allocations/<int:allocation_id>")
@role_required("hub_admin")
def allocation(allocation_id: int) -> str:
    """An allocation's progress, then its figures: pupils served, first those with no encounter yet."""
    found: EventAllocation = owned_or_404(dao.get_allocation(allocation_id), hub_id=current_user.hub_id)
    return render_template("encounters/allocation.html", allocation=found)
