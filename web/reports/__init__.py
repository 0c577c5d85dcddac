"""Reports on Gatsby Benchmarks 5 and 6 for hubs and schools, as pages, CSV downloads and a JSON API."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the report pages' blueprint and the API's to the app."""
    from web.reports.api import api
    from web.reports.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api)
