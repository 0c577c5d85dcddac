from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("students", __name__, url_prefix="/me")


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    import web.students.views  # noqa: F401 - first, as its routes were registered first
    from web.students import (  # noqa: F401 - their routes join bp
        calendar,
        choices,
        offers,
        own_placements,
        record,
    )

    app.register_blueprint(bp)
