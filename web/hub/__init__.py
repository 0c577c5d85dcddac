from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("hub", __name__, url_prefix="/hub")


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    import web.hub.views  # noqa: F401 - first, as its routes were registered first
    from web.hub import employers, encounter_offers, encounter_requests, rounds, schools  # noqa: F401 - their routes join bp

    app.register_blueprint(bp)
