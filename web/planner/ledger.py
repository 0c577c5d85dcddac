"""Every pupil's ledger: the careers leader's page of a year group (of a group within it), each pupil's
standing on each entitlement; the counts of each status above it."""

from __future__ import annotations

from collections import Counter

from flask import abort, render_template, request
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect

from web.auth.roles import role_required
from web.dao import entitlements, ledger
from web.dao import rounds as rounds_dao
from web.dates import london_today
from web.fields import ChoiceField, Form
from web.planner import bp
from web.planner.entitlements import FIRST_YEAR, HOURS, LAST_YEAR, STATUS_WORDS, STATUSES

YEARS = {str(year): f"Year {year}" for year in range(FIRST_YEAR, LAST_YEAR + 1)}
GROUPS = {
    "": "All pupils",
    "disadvantaged": "Disadvantaged",
    "send": "SEND",
    "no_experience": "No workplace experience yet",
}
STATUS_COLOURS = {"done": "green", "on_track": "blue", "at_risk": "orange", "missed": "red"}


class LedgerFilterForm(Form):
    """Which year group, and which of its pupils (sent by GET, so a filtered page can be kept)."""

    class Meta(Form.Meta):
        csrf = False  # changes nothing

    year = ChoiceField("Year group", YEARS, "Select a year group", widget=GovSelect())
    group = ChoiceField("Group", GROUPS, "Select a group", widget=GovSelect())


@bp.route("/ledger")
@role_required("careers_leader")
def year_ledger() -> str:
    """A year group's ledgers: each pupil's standing on each entitlement this year, with the counts."""
    school = rounds_dao.get_school(int(current_user.school_id))
    if school is None:
        abort(404)
    form = LedgerFilterForm(request.args)
    year = int(form.year.data) if form.year.data in YEARS else 9
    group = form.group.data if form.group.data in GROUPS else ""
    form.year.data, form.group.data = str(year), group
    today = london_today()
    targets = [t for t in entitlements.targets_of(school.hub_id) if t.applies(year)]
    pupils = ledger.year_group_ledgers(school.id, year, group, targets, today)
    counts = {target.key: Counter() for target in targets}
    for pupil in pupils:
        for standing in pupil.standings:
            counts[standing.target.key][standing.status] += 1
    return render_template(
        "planner/ledger.html",
        school=school,
        form=form,
        year=year,
        group_label=GROUPS[group],
        targets=targets,
        pupils=pupils,
        counts=counts,
        statuses=STATUSES,
        status_words=STATUS_WORDS,
        colours=STATUS_COLOURS,
        hours=HOURS,
    )
