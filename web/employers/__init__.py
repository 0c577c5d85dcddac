from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("employers", __name__, url_prefix="/employer")


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    import web.employers.views  # noqa: F401 - first, as its routes were registered first
    from web.employers import (  # noqa: F401 - their routes join bp
        asks,
        encounter_offers,
        encounter_requests,
        hosting,
        organisation,
        provider_requests,
        registration,
    )

    app.register_blueprint(bp)
