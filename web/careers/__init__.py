from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("careers", __name__, url_prefix="/school")


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    import web.careers.views  # noqa: F401 - first, as its routes were registered first
    from web.careers import (  # noqa: F401 - their routes join bp
        check_ins,
        comparisons,
        decisions,
        encounters,
        imports,
        own_placements,
        placements,
        roll_over,
        transfers,
    )

    app.register_blueprint(bp)
