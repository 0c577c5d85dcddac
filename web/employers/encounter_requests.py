"""Requests from schools that fit an organisation's offers: answering "We can do this" with one of them,
withdrawing an answer while the request is open, and confirming or declining the ones the hub asks it to
take. Organisations see the school's name and what it asked for, never anything about its pupils but how
many."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.people import PATHWAYS, ROUTES
from web.auth.roles import owned_or_404, role_required
from web.careers import encounter_request_emails  # noqa: F401 - registers the emails these pages send
from web.careers.encounter_request_forms import PLACES
from web.dao import encounter_matches as matches
from web.dao import encounter_requests as dao
from web.dao.base import transaction
from web.employers import bp
from web.employers.encounter_answer_forms import AnswerForm
from web.fields import ConfirmForm
from web.models import EncounterResponse


def _labels() -> dict[str, object]:
    return {"where": PLACES, "routes": ROUTES, "pathways": PATHWAYS}


@bp.route("/encounter-requests")
@role_required("employer")
def encounter_requests() -> str:
    """The open requests that fit the organisation's offers, and its answers so far."""
    employer_id = current_user.employer_id
    answers = dao.answers_of(employer_id)
    waiting = {asked.id: response for response, asked, _, _ in answers if response.status == "offered"}
    return render_template(
        "employers/encounter_requests.html",
        fitting=dao.requests_for(employer_id, date.today()),
        answers=answers,
        waiting=waiting,
        hub_asks=matches.asked_of(employer_id),
        **_labels(),
    )


@bp.route("/encounter-requests/<int:encounter_request_id>/answer", methods=["GET", "POST"])
@role_required("employer")
def answer_encounter_request(encounter_request_id: int) -> Response | str:
    """Answer "We can do this" with one of the organisation's offers that fits the request."""
    employer_id = current_user.employer_id
    today = date.today()
    fitting = dao.fitting_offers(encounter_request_id, employer_id, today)
    if not fitting:
        abort(404)  # not theirs to see: another hub's, not open, or none of their offers fits it
    asked = dao.get_request(encounter_request_id)
    given = {
        response.offer_id
        for response, offer, _ in dao.responses_to(encounter_request_id)
        if response.employer_id == employer_id and response.status != "withdrawn"
    }
    offers = [offer for offer in fitting if offer.id not in given]
    if not offers:
        flash("You have answered this request with every offer of yours that fits it", "important")
        return redirect(url_for("employers.encounter_requests"))
    form = AnswerForm(offers=offers)
    if form.validate_on_submit():
        try:
            with transaction():
                dao.answer(
                    encounter_request_id,
                    int(form.offer.data),
                    employer_id,
                    current_user.id,
                    form.message.data or "",
                    today,
                )
        except dao.RequestError as problem:
            flash(str(problem), "important")
            return redirect(url_for("employers.encounter_requests"))
        flash("Answer sent. We will email you when the school decides", "success")
        return redirect(url_for("employers.encounter_requests"))
    school = dao.school_name(asked.school_id)
    return render_template(
        "employers/encounter_request_answer.html",
        form=form,
        encounter_request=asked,
        school=school,
        **_labels(),
    )


@bp.route("/encounter-answers/<int:response_id>/withdraw", methods=["GET", "POST"])
@role_required("employer")
def withdraw_encounter_answer(response_id: int) -> Response | str:
    """Ask, then withdraw the organisation's answer while the request is open."""
    response: EncounterResponse = owned_or_404(
        dao.get_response(response_id), employer_id=current_user.employer_id
    )
    asked = dao.get_request(response.request_id)
    if response.status != "offered" or asked is None or asked.status != "open":
        flash("This answer can no longer be withdrawn", "important")
        return redirect(url_for("employers.encounter_requests"))
    button = ConfirmForm()
    if button.validate_on_submit():
        with transaction():
            withdrawn = dao.withdraw_answer(response.id, current_user.employer_id, current_user.id)
        flash(
            "Answer withdrawn" if withdrawn else "This answer can no longer be withdrawn",
            "success" if withdrawn else "important",
        )
        return redirect(url_for("employers.encounter_requests"))
    return render_template(
        "employers/encounter_answer_withdraw.html",
        encounter_request=asked,
        school=dao.school_name(asked.school_id),
        button=button,
    )


@bp.route("/encounter-matches/<int:match_id>/<any(confirm, decline):decision>", methods=["POST"])
@role_required("employer")
def decide_encounter_match(match_id: int, decision: str) -> Response:
    """Confirm the hub's proposal (the offer answers the school's request) or decline it."""
    match = owned_or_404(matches.get_match(match_id), employer_id=current_user.employer_id)
    if match.status in ("proposed", "rejected"):
        abort(404)  # the hub has not asked them
    try:
        with transaction():
            if decision == "confirm":
                done = matches.confirm(match_id, current_user.employer_id, current_user.id, date.today())
            else:
                done = matches.decline(match_id, current_user.employer_id, current_user.id)
    except dao.RequestError as problem:
        flash(str(problem), "important")
        return redirect(url_for("employers.encounter_requests"))
    if not done:
        flash("You have already answered the hub about this request", "important")
    elif decision == "confirm":
        flash("Confirmed: your answer is with the school. We will email you when it decides", "success")
    else:
        flash("Declined: the hub will look for another organisation", "success")
    return redirect(url_for("employers.encounter_requests"))
