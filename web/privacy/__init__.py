"""Privacy: the retention schedule and its nightly run, safeguarding holds and erasure, subject access
bundles, the access log, and the public privacy, accessibility and sub-processor pages."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("privacy", __name__)


def register(app: Flask) -> None:
    """Add the blueprint to the app, with the routes of each of the package's view modules."""
    from web.privacy import (  # noqa: F401 - their routes join bp
        access_log,
        pages,
        pupils,
        retention,
        sub_processors,
        subject_access,
    )

    app.register_blueprint(bp)
