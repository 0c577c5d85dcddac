"""The access log: every page that shows staff, an employer or a provider a pupil's personal data writes who,
which pupil, which page and when (never the data), in one insert after the page is drawn. Which pupils a
page showed is gathered as it runs (web/dao/access_log.py). A pupil looking at their own record is not
logged, nor are pages that failed."""

from __future__ import annotations

from functools import partial

from flask import Flask, Response, request
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from sqlalchemy import Engine, insert, text

from web.dao import access_log
from web.extensions import db
from web.models import AccessLog
from web.models.base import utcnow
from web.privacy import bp

LOGGED_ROLES = ("hub_admin", "careers_leader", "employer")


def _write(response: Response) -> Response:
    pupils = access_log.taken()
    # Only pages drawn count: a redirect shows nothing, a refusal or failure shows no pupil.
    if not pupils or response.status_code != 200 or request.endpoint is None:
        return response
    if not current_user.is_authenticated or current_user.role not in LOGGED_ROLES:
        return response
    now, page, user_id = utcnow(), request.endpoint[:80], current_user.id
    rows = [{"user_id": user_id, "student_id": sid, "page": page, "at": now} for sid in sorted(pupils)]
    # Written once the page has gone to the browser (the server closes the response), so nobody waits on
    # the log's commit; in its own connection, as the page's session may hold work it chose not to commit.
    response.call_on_close(partial(_insert, db.engine, rows))
    return response


def _insert(engine: Engine, rows: list[dict[str, object]]) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # A crash may lose the last moment's views, never corrupt them; the page does not wait on a flush.
            connection.execute(text("SET LOCAL synchronous_commit = off"))
        connection.execute(insert(AccessLog), rows)


@bp.record_once
def _hook(state: BlueprintSetupState) -> None:
    app: Flask = state.app
    app.after_request(_write)
