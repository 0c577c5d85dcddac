"""The hub admin's keys to the hub's reports API: make one (its secret is shown once), see when each was
last used, and revoke one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import reports as dao
from web.dao.base import transaction
from web.fields import ConfirmForm
from web.reports import bp
from web.reports.forms import ApiKeyForm


@bp.route("/hub/reports/api-keys", methods=["GET", "POST"])
@role_required("hub_admin")
def api_keys() -> str:
    """The hub's API keys, and making a new one."""
    hub_id = int(current_user.hub_id)
    form = ApiKeyForm()
    secret = None
    if form.validate_on_submit():
        with transaction():
            _, secret = dao.create_api_key(hub_id, form.name.data, current_user.id)
        # Shown on this response only: the database keeps its hash, and a redirect would need to carry it.
        form = ApiKeyForm(formdata=None)
    return render_template(
        "reports/api_keys.html",
        form=form,
        secret=secret,
        keys=dao.api_keys(hub_id),
        button=ConfirmForm(formdata=None),
        hub_id=hub_id,
    )


@bp.route("/hub/reports/api-keys/<int:key_id>/revoke", methods=["POST"])
@role_required("hub_admin")
def revoke_api_key(key_id: int) -> Response:
    """Stop one of the hub's API keys working, at once."""
    hub_id = int(current_user.hub_id)
    key = dao.api_key_of_hub(key_id, hub_id)
    if key is None:
        abort(404)
    name = key.name
    with transaction():
        revoked = dao.revoke_api_key(key_id, hub_id, current_user.id)
    flash(f"The key '{name}' is revoked" if revoked else f"The key '{name}' was already revoked", "success")
    return redirect(url_for("reports.api_keys"))
