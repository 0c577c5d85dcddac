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
        encounter_gaps,
        encounter_requests,
        encounters,
        imports,
        own_placements,
        parent_links,
        placements,
        provider_access,
        provider_requests,
        roll_over,
        transfers,
    )

    app.register_blueprint(bp)
    app.register_blueprint(provider_access.schools)  # the policy's public page
