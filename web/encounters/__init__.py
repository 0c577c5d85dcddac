"""Encounter events: the hub's events and their slots, the engine's allocation of pupils to them, careers
leaders' approval of their pupils' places, and the registers marked on the day."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("encounters", __name__)


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    from web.encounters import (  # noqa: F401 - their routes join bp
        employer_events,
        event_approvals,
        event_pages,
        feedback,
        pupil_events,
        registers,
    )

    app.register_blueprint(bp)
