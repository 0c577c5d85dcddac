"""An organisation's encounter offers (talks, fairs, mock interviews, visits, mentoring, provider encounters):
its list, and creating, changing, offering and withdrawing one."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.people import PATHWAYS, ROUTES
from web.auth.roles import owned_or_404, role_required
from web.dao import encounter_offers as dao
from web.dao.base import audit, transaction
from web.employers import bp
from web.employers.encounter_offer_forms import EncounterOfferForm
from web.employers.views import cannot_publish, own_employer
from web.fields import ConfirmForm
from web.models import EncounterOffer
from web.models.encounters import LOCATIONS

# The list page says why a draft is not offered yet (cannot_publish).
SAVED_AS_DRAFT = "Encounter offer saved as a draft"
OFFERED = "Encounter offer saved. Your careers hub can now see it"


def _own_offer(offer_id: int) -> EncounterOffer:
    offer: EncounterOffer = owned_or_404(dao.get_offer(offer_id), employer_id=current_user.employer_id)
    return offer


def _form(offer: EncounterOffer | None = None) -> EncounterOfferForm:
    return EncounterOfferForm(provider=own_employer().kind != "employer", offer=offer)


@bp.route("/encounter-offers")
@role_required("employer")
def encounter_offers() -> str:
    """The organisation's encounter offers, with what can be done to each."""
    return render_template(
        "employers/encounter_offers.html",
        offers=dao.offers_for_employer(current_user.employer_id),
        cannot_publish=cannot_publish(own_employer(), date.today()),
        button=ConfirmForm(),
        editable=dao.EDITABLE_STATUSES,
        provider=own_employer().kind != "employer",
    )


@bp.route("/encounter-offers/new", methods=["GET", "POST"])
@role_required("employer")
def new_encounter_offer() -> Response | str:
    """Offer an encounter: offered to the hub at once if the organisation is approved with current
    evidence, else kept as a draft until it is."""
    form = _form()
    if form.validate_on_submit():
        today = date.today()
        reason = cannot_publish(own_employer(), today)
        with transaction():
            offer = dao.create_offer(current_user.employer_id, **form.fields_to_save())
            offered = reason is None and dao.publish_offer(offer.id, today)
            audit(current_user.id, "encounter_offer_created", "encounter_offer", offer.id, offered=offered)
        if offered:
            flash(OFFERED, "success")
        else:
            flash(SAVED_AS_DRAFT, "success")
        return redirect(url_for("employers.encounter_offers"))
    return render_template("employers/encounter_offer_form.html", form=form, offer=None)


@bp.route("/encounter-offers/<int:offer_id>/edit", methods=["GET", "POST"])
@role_required("employer")
def edit_encounter_offer(offer_id: int) -> Response | str:
    """Change a draft or offered encounter."""
    offer = _own_offer(offer_id)
    if offer.status not in dao.EDITABLE_STATUSES:
        return _withdrawn()
    form = _form(offer)
    if not form.is_submitted():
        form.fill_from(offer)
    if form.validate_on_submit():
        fields = form.fields_to_save()
        changed = sorted(name for name, value in fields.items() if getattr(offer, name) != value)
        with transaction():
            saved = dao.update_offer(offer.id, **fields)
            if saved:
                audit(current_user.id, "encounter_offer_updated", "encounter_offer", offer.id, fields=changed)
        if not saved:  # withdrawn while the form was open
            return _withdrawn()
        flash("Encounter offer updated", "success")
        return redirect(url_for("employers.encounter_offers"))
    return render_template("employers/encounter_offer_form.html", form=form, offer=offer)


def _withdrawn() -> Response:
    flash("This encounter offer is withdrawn, so it cannot be changed", "important")
    return redirect(url_for("employers.encounter_offers"))


@bp.route("/encounter-offers/<int:offer_id>/offer", methods=["POST"])
@role_required("employer")
def publish_encounter_offer(offer_id: int) -> Response:
    """Offer a draft to the hub, once the organisation is approved with current evidence."""
    offer = _own_offer(offer_id)
    today = date.today()
    reason = cannot_publish(own_employer(), today)
    if reason:
        flash(reason, "important")
    elif offer.status != "draft":
        flash(f"This encounter offer is {offer.status}, so it cannot be offered again", "important")
    else:
        with transaction():
            offered = dao.publish_offer(offer.id, today)
            if offered:
                audit(current_user.id, "encounter_offer_published", "encounter_offer", offer.id)
        if offered:
            flash(OFFERED, "success")
        else:
            flash("The encounter offer could not be offered", "important")
    return redirect(url_for("employers.encounter_offers"))


@bp.route("/encounter-offers/<int:offer_id>/withdraw", methods=["GET", "POST"])
@role_required("employer")
def withdraw_encounter_offer(offer_id: int) -> Response | str:
    """Ask, then withdraw an encounter offer: the hub no longer brokers it."""
    offer = _own_offer(offer_id)
    if offer.status not in dao.EDITABLE_STATUSES:
        flash("This encounter offer is already withdrawn", "important")
        return redirect(url_for("employers.encounter_offers"))
    button = ConfirmForm()
    if button.validate_on_submit():
        with transaction():
            if dao.withdraw_offer(offer.id):
                audit(current_user.id, "encounter_offer_withdrawn", "encounter_offer", offer.id)
        flash("Encounter offer withdrawn", "success")
        return redirect(url_for("employers.encounter_offers"))
    return render_template("employers/encounter_offer_withdraw.html", offer=offer, button=button)


@bp.context_processor
def _encounter_labels() -> dict[str, object]:
    return {"locations": LOCATIONS, "routes": ROUTES, "pathways": PATHWAYS}
