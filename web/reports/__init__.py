"""Reports on Gatsby Benchmarks 5 and 6 for hubs and schools, as pages, CSV downloads and a JSON API."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__)


def register(app: Flask) -> None:
    """Add the report pages' blueprint, with the routes of each of its view modules, and the API's."""
    import web.reports.views  # noqa: F401 - first, as its routes were registered first
    from web.reports import api_keys, hub_views, school_views  # noqa: F401 - their routes join bp
    from web.reports.api import api

    app.register_blueprint(bp)
    app.register_blueprint(api)
