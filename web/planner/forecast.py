"""The hub's forecast: places its pupils still need this school year against places its offers pledge, by
route, year group or month, with the biggest gaps named; the table as a CSV download."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.dao import forecast as dao
from web.dates import london_today
from web.planner import bp
from web.planner import forecast_figures as figures
from web.planner.forecast_forms import ForecastForm
from web.reports import csv
from web.reports.views import cell_text


def _filter() -> ForecastForm:
    form = ForecastForm(request.args)
    form.validate()
    return form


@bp.route("/forecast")
@role_required("hub_admin")
def forecast() -> str:
    """Needed, pledged and shortfall for the rest of the school year, as a chart and its table."""
    form = _filter()
    found = dao.forecast_of(current_user.hub_id, london_today())
    measure, by = form.chosen_measure, form.chosen_by
    table = figures.table(found, measure, by)
    return render_template(
        "planner/forecast.html",
        form=form,
        found=found,
        table=table,
        chart=figures.chart(table, measure),
        biggest=figures.biggest(found),
        unit=figures.unit(measure),
        csv_url=url_for("planner.forecast_csv", measure=measure, by=by),
        cell_text=cell_text,
    )


@bp.route("/forecast.csv")
@role_required("hub_admin")
def forecast_csv() -> Response:
    """The forecast's table, as the page shows it for the same filter, as a CSV file."""
    form = _filter()
    today = london_today()
    measure, by = form.chosen_measure, form.chosen_by
    table = figures.table(dao.forecast_of(current_user.hub_id, today), measure, by)
    name = f"forecast-{measure.replace('_', '-')}-by-{by.replace('_', '-')}-{today:%Y-%m-%d}.csv"
    return csv.download(table, name)
