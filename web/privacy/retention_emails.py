"""The email the nightly retention run sends a hub admin a week before it removes anything."""

from __future__ import annotations

from typing import Any

from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.models import RetentionRun
from web.privacy.schedule import DEFAULTS


@email("retention_notice")
def retention_notice(run_id: int) -> dict[str, Any] | None:
    """To a hub admin: what the schedule will remove or anonymise on a day, by record type."""
    run = db.session.get(RetentionRun, run_id)
    if run is None:
        return None
    lines = [
        (DEFAULTS[record_type], count)
        for record_type, count in run.counts.items()
        if count and record_type in DEFAULTS
    ]
    return {"on": long_date(run.on_date), "lines": lines, "link": link("privacy.hub_schedule")}
