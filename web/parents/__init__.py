from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("parents", __name__, url_prefix="/consent")
# A parent's or carer's view of their child's entitlements: its own address, so consent links keep theirs.
family_bp = Blueprint("family", __name__, url_prefix="/family")


def register(app: Flask) -> None:
    """Add the blueprints to the app, with the routes of each of the package's view modules."""
    from web.parents import family, views  # noqa: F401 - their routes join bp and family_bp

    app.register_blueprint(bp)
    app.register_blueprint(family_bp)
