from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("parents", __name__, url_prefix="/consent")


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    from web.parents import views  # noqa: F401 - their routes join bp

    app.register_blueprint(bp)
