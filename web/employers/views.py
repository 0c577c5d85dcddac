"""Employer pages."""

from __future__ import annotations

from flask import Blueprint

from web.auth.roles import role_required

bp = Blueprint("employers", __name__, url_prefix="/employer")


@bp.route("/opportunities")
@role_required("employer")
def opportunities() -> str:
    """The employer's opportunities."""
    return "opportunities"
