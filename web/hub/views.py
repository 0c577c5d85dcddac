"""Hub admin pages."""

from __future__ import annotations

from flask import Blueprint

from web.auth.roles import role_required

bp = Blueprint("hub", __name__, url_prefix="/hub")


@bp.route("/")
@role_required("hub_admin")
def overview() -> str:
    """The hub at a glance."""
    return "hub"
