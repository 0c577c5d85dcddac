"""The year planner: a hub's entitlement targets, every pupil's ledger across Years 7 to 13, and (to come)
term plans, employer asks and the forecast."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("planner", __name__, url_prefix="/planner")


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    from web.planner import (  # noqa: F401 - their routes join bp
        asks,
        forecast,
        ledger,
        plan_events,
        plans,
        school_plan,
        targets,
    )

    app.register_blueprint(bp)
