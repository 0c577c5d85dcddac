"""Each hub's sub-processors: the companies it uses to run the service (hosting, email), which its hub admin
lists and anyone can read, so a school's data protection officer can see where pupils' data goes before
saying yes (UK GDPR Article 28: a processor names the sub-processors it uses)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import SubmitField
from wtforms.validators import ValidationError

from web.auth.roles import owned_or_404, public, role_required
from web.dao import sub_processors as dao
from web.dao.base import audit, transaction
from web.extensions import db
from web.fields import ConfirmForm, Form, TextAreaField, TextField
from web.models import Hub, SubProcessor
from web.privacy import bp

FIELDS = ("name", "purpose", "location", "terms_url")
LINK_FORMAT = "Enter the link in the correct format, like https://www.example.com/data-processing-terms"


def _own(sub_processor_id: int) -> SubProcessor:
    """The sub-processor if it is the signed-in hub admin's hub's; 404 otherwise, so ids reveal nothing."""
    record: SubProcessor = owned_or_404(
        db.session.get(SubProcessor, sub_processor_id), hub_id=current_user.hub_id
    )
    return record


class SubProcessorForm(Form):
    """One sub-processor: who, what they do, where, and their terms."""

    name = TextField(
        "Company name",
        required="Enter the company's name",
        max_length=200,
        description="For example, the company that hosts the service or sends its email",
    )
    purpose = TextAreaField(
        "What they do with the data",
        called="What they do",
        required="Enter what they do with the data",
        max_length=1000,
        description="For example, stores the database and backups, or sends the service's emails",
    )
    location = TextField(
        "Where the data is processed",
        called="Where the data is processed",
        required="Enter where the data is processed",
        max_length=200,
        description="For example, United Kingdom, or the European Economic Area",
    )
    terms_url = TextField(
        "Link to their data processing terms",
        called="Link to their terms",
        required="Enter the link to their data processing terms",
        max_length=500,
        description="The page where they publish their data processing agreement or terms",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_terms_url(self, field: TextField) -> None:
        """A web address people can follow: http or https, with a host, no spaces."""
        try:
            parts = urlsplit(field.data)
        except ValueError:
            raise ValidationError(LINK_FORMAT) from None
        if parts.scheme not in ("https", "http") or not parts.hostname or " " in field.data:
            raise ValidationError(LINK_FORMAT)

    def fill_from(self, record: SubProcessor) -> None:
        """Show the saved answers."""
        for name in FIELDS:
            self[name].data = getattr(record, name)

    def values(self) -> dict[str, Any]:
        """The answers as SubProcessor columns."""
        return {name: self[name].data for name in FIELDS}


@bp.route("/privacy/sub-processors")
@public
def hubs() -> str:
    """Every hub, each linking to the companies it uses to run the service."""
    return render_template("privacy/sub_processors_hubs.html", hubs=dao.hubs_with_counts())


@bp.route("/privacy/hubs/<int:hub_id>/sub-processors")
@public
def published(hub_id: int) -> str:
    """A hub's sub-processors, as its hub admin listed them, for anyone to read."""
    hub = db.session.get(Hub, hub_id)
    if hub is None:
        abort(404)
    return render_template("privacy/sub_processors.html", hub=hub, sub_processors=dao.of_hub(hub.id))


@bp.route("/hub/sub-processors")
@role_required("hub_admin")
def manage() -> str:
    """The hub admin's list of their hub's sub-processors, to add, change or remove."""
    hub = db.session.get(Hub, current_user.hub_id)
    return render_template("privacy/sub_processor_manage.html", hub=hub, sub_processors=dao.of_hub(hub.id))


@bp.route("/hub/sub-processors/new", methods=["GET", "POST"])
@role_required("hub_admin")
def add() -> Response | str:
    """Add a sub-processor to the hub's public list."""
    form = SubProcessorForm()
    if form.validate_on_submit():
        with transaction():
            record = SubProcessor(hub_id=current_user.hub_id, created_by_id=current_user.id, **form.values())
            db.session.add(record)
            db.session.flush()
            audit(current_user.id, "sub_processor_added", "sub_processor", record.id, hub_id=record.hub_id)
        flash(f"{record.name} added to your list of sub-processors", "success")
        return redirect(url_for("privacy.manage"))
    return render_template("privacy/sub_processor_form.html", form=form, record=None)


@bp.route("/hub/sub-processors/<int:sub_processor_id>", methods=["GET", "POST"])
@role_required("hub_admin")
def change(sub_processor_id: int) -> Response | str:
    """Change one of the hub's sub-processors."""
    record = _own(sub_processor_id)
    form = SubProcessorForm()
    if not form.is_submitted():
        form.fill_from(record)
    if form.validate_on_submit():
        values = form.values()
        changed = [name for name in FIELDS if getattr(record, name) != values[name]]
        if changed:
            with transaction():
                for name in changed:
                    setattr(record, name, values[name])
                audit(current_user.id, "sub_processor_changed", "sub_processor", record.id, fields=changed)
        flash(f"{record.name} updated" if changed else "Nothing has changed", "success")
        return redirect(url_for("privacy.manage"))
    return render_template("privacy/sub_processor_form.html", form=form, record=record)


@bp.route("/hub/sub-processors/<int:sub_processor_id>/remove", methods=["GET", "POST"])
@role_required("hub_admin")
def remove(sub_processor_id: int) -> Response | str:
    """Take a sub-processor off the hub's list, after asking."""
    record = _own(sub_processor_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = record.name
        with transaction():
            audit(current_user.id, "sub_processor_removed", "sub_processor", record.id, hub_id=record.hub_id)
            db.session.delete(record)
        flash(f"{name} removed from your list of sub-processors", "success")
        return redirect(url_for("privacy.manage"))
    return render_template("privacy/sub_processor_remove.html", form=form, record=record)
