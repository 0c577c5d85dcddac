from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    from web.auth import views  # noqa: F401 - their routes join bp

    app.register_blueprint(bp)
