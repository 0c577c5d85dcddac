"""Student pages."""

from __future__ import annotations

from flask import Blueprint

from web.auth.roles import role_required

bp = Blueprint("students", __name__, url_prefix="/me")


@bp.route("/")
@role_required("student")
def home() -> str:
    """The student's start page."""
    return "home"


@bp.route("/interests")
@role_required("student")
def interests() -> str:
    """The student's interests."""
    return "interests"


@bp.route("/opportunities")
@role_required("student")
def opportunities() -> str:
    """Published opportunities to rank."""
    return "opportunities"


@bp.route("/offers")
@role_required("student")
def offers() -> str:
    """The student's offers."""
    return "offers"
