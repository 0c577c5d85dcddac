"""Careers leader pages."""

from __future__ import annotations

from flask import Blueprint

from web.auth.roles import role_required

bp = Blueprint("careers", __name__, url_prefix="/school")


@bp.route("/students")
@role_required("careers_leader")
def students() -> str:
    """The school's students."""
    return "students"


@bp.route("/rounds")
@role_required("careers_leader")
def rounds() -> str:
    """The school's matching rounds."""
    return "rounds"
