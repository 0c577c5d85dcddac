"""The careers leader's encounter requests: post what the school needs, see the organisations' answers,
accept one (the request is booked and the others declined) or cancel the request."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.people import PATHWAYS, ROUTES
from web.auth.roles import owned_or_404, role_required
from web.careers import bp, encounter_request_emails  # noqa: F401 - the emails these pages send
from web.careers.encounter_request_forms import PLACES, EncounterRequestForm
from web.dao import encounter_requests as dao
from web.dao.base import transaction
from web.fields import ConfirmForm
from web.models import EncounterRequest, EncounterResponse


def _own_request(encounter_request_id: int) -> EncounterRequest:
    asked: EncounterRequest = owned_or_404(
        dao.get_request(encounter_request_id), school_id=current_user.school_id
    )
    return asked


@bp.route("/encounter-requests")
@role_required("careers_leader")
def encounter_requests() -> str:
    """The school's encounter requests, open first, with how many answers wait on each."""
    return render_template(
        "careers/encounter_requests.html", requests=dao.school_requests(current_user.school_id), **_labels()
    )


@bp.route("/encounter-requests/new", methods=["GET", "POST"])
@role_required("careers_leader")
def new_encounter_request() -> Response | str:
    """Post a request: the organisations whose offers fit it see it and can answer."""
    form = EncounterRequestForm()
    if form.validate_on_submit():
        with transaction():
            posted = dao.post_request(current_user.school_id, current_user.id, **form.fields_to_save())
        fitting = dao.fitting_count(posted.id, date.today())
        if fitting:
            fits = "1 offer fits" if fitting == 1 else f"{fitting} offers fit"
            flash(f"Request posted. {fits} it, and the organisations that made them can answer", "success")
        else:
            flash("Request posted. No offer fits it yet: organisations see it as soon as one does", "success")
        return redirect(url_for("careers.encounter_request", encounter_request_id=posted.id))
    return render_template("careers/encounter_request_form.html", form=form)


@bp.route("/encounter-requests/<int:encounter_request_id>")
@role_required("careers_leader")
def encounter_request(encounter_request_id: int) -> str:
    """One request, with the answers to it and what can be done with each."""
    asked = _own_request(encounter_request_id)
    return render_template(
        "careers/encounter_request.html",
        encounter_request=asked,
        responses=dao.responses_to(asked.id),
        fitting=dao.fitting_count(asked.id, date.today()) if asked.status == "open" else None,
        **_labels(),
    )


@bp.route(
    "/encounter-requests/<int:encounter_request_id>/answers/<int:response_id>/accept", methods=["GET", "POST"]
)
@role_required("careers_leader")
def accept_encounter_response(encounter_request_id: int, response_id: int) -> Response | str:
    """Ask, then accept an organisation's answer: the request is booked and the other answers declined."""
    asked = _own_request(encounter_request_id)
    response: EncounterResponse = owned_or_404(dao.get_response(response_id), request_id=asked.id)
    back = redirect(url_for("careers.encounter_request", encounter_request_id=asked.id))
    if asked.status != "open" or response.status != "offered":
        flash("This answer can no longer be accepted", "important")
        return back
    button = ConfirmForm()
    if button.validate_on_submit():
        try:
            with transaction():
                dao.accept(asked.id, response.id, current_user.school_id, current_user.id)
        except dao.RequestError as problem:
            flash(str(problem), "important")
            return back
        flash("Answer accepted. The request is booked and the organisations have been told", "success")
        return back
    answers = dao.responses_to(asked.id)
    offer, employer = next((o, e) for r, o, e in answers if r.id == response.id)
    return render_template(
        "careers/encounter_response_accept.html",
        encounter_request=asked,
        response=response,
        offer=offer,
        employer=employer,
        others=len({e.id for r, _, e in answers if r.status == "offered" and e.id != response.employer_id}),
        button=button,
        **_labels(),
    )


@bp.route("/encounter-requests/<int:encounter_request_id>/cancel", methods=["GET", "POST"])
@role_required("careers_leader")
def cancel_encounter_request(encounter_request_id: int) -> Response | str:
    """Ask, then cancel a request; the organisations that answered are told."""
    asked = _own_request(encounter_request_id)
    back = redirect(url_for("careers.encounter_request", encounter_request_id=asked.id))
    if asked.status == "cancelled":
        flash("This request is already cancelled", "important")
        return back
    button = ConfirmForm()
    if button.validate_on_submit():
        try:
            with transaction():
                dao.cancel(asked.id, current_user.school_id, current_user.id)
        except dao.RequestError as problem:
            flash(str(problem), "important")
            return back
        flash("Request cancelled", "success")
        return redirect(url_for("careers.encounter_requests"))
    return render_template(
        "careers/encounter_request_cancel.html", encounter_request=asked, button=button, **_labels()
    )


def _labels() -> dict[str, object]:
    return {"where": PLACES, "routes": ROUTES, "pathways": PATHWAYS}
