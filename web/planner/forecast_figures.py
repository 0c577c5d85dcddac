"""The forecast as the reports show figures: a table (needed, pledged, shortfall) by route, year group or
month for one measure, the chart beside it, and the biggest gaps in words. Whole numbers throughout: a
row's shortfall is its needed less its pledged, as shown, where that is more than nothing."""

from __future__ import annotations

import numpy as np

from matcher.people import ROUTES
from web.dao.forecast import NO_ROUTE, YEAR_GROUPS, Forecast
from web.planner.entitlements import HOURS, MEASURES
from web.planner.forecast_forms import BY
from web.planner.gaps import PLANNED
from web.reports.figures import Cell, Chart, Table

SERIES = ["Needed", "Pledged", "Shortfall"]
AXES = {"year_group": 0, "route": 1, "month": 2}  # of a measure's (year group, route, month)


def unit(measure: str) -> str:
    """What a measure is counted in here: hours for workplace hours, else places."""
    return "hours" if measure in HOURS else "places"


def route_label(route: str) -> str:
    return "Other routes, or none chosen" if route == NO_ROUTE else ROUTES.get(route, route)


def _labels(found: Forecast, by: str) -> list[str]:
    if by == "year_group":
        return [f"Year {year}" for year in YEAR_GROUPS]
    if by == "route":
        return [route_label(route) for route in found.routes]
    return [f"{month:%B %Y}" for month in found.months]


def _row(label: str, needed: float, pledged: float, kind: str = "label") -> list[Cell]:
    need, pledge = round(needed), round(pledged)
    return [Cell(label, kind), Cell(need), Cell(pledge), Cell(max(0, need - pledge))]


def table(found: Forecast, measure: str, by: str) -> Table:
    """One measure's needed, pledged and shortfall by route, year group or month, and their total. Routes
    with nothing needed or pledged are left out."""
    m = PLANNED.index(measure)
    others = tuple(axis for axis in range(3) if axis != AXES[by])
    needed, pledged = found.needed[m].sum(axis=others), found.pledged[m].sum(axis=others)
    words = unit(measure)
    result = Table(
        "forecast",
        f"{MEASURES[measure]} by {BY[by].lower()}",
        [BY[by], f"Needed ({words})", f"Pledged ({words})", f"Shortfall ({words})"],
    )
    for label, need, pledge in zip(_labels(found, by), needed, pledged, strict=True):
        if by == "route" and round(need) == 0 and round(pledge) == 0:
            continue
        result.rows.append(_row(label, need, pledge))
    result.rows.append(_row("Total", float(needed.sum()), float(pledged.sum())))
    return result


def chart(shown: Table, measure: str) -> Chart:
    """The bars beside the table: needed, pledged and shortfall for each of its rows but the total."""
    return Chart(
        shown.title,
        f"Bar chart of the {unit(measure)} needed, pledged and short for each "
        f"{shown.head[0].lower()}. The table beside it gives every figure.",
        SERIES,
        [(str(row[0].value), [float(cell.value or 0) for cell in row[1:]]) for row in shown.rows[:-1]],
        percent=False,
    )


def biggest(found: Forecast) -> list[str]:
    """For each measure, the year group and route with the largest shortfall over the months left, in
    words ("The biggest gap in hours in workplaces is Year 9 in construction and the built environment:
    1,240 more hours than pledged.")."""
    if not found.months:
        return []
    sentences = []
    for m, measure in enumerate(PLANNED):
        short = np.rint(found.needed[m].sum(axis=2)) - np.rint(found.pledged[m].sum(axis=2))
        name = MEASURES[measure].lower()
        y, r = np.unravel_index(int(np.argmax(short)), short.shape)
        most = int(short[y, r])
        if most <= 0:
            sentences.append(f"Offers pledge all the {name} that every year group needs in each route.")
            continue
        route = found.routes[r]
        where = "in other routes or none" if route == NO_ROUTE else f"in {route_label(route).lower()}"
        words = unit(measure) if most != 1 else unit(measure)[:-1]
        sentences.append(
            f"The biggest gap in {name} is Year {YEAR_GROUPS[y]} {where}: {most:,} more {words} than pledged."
        )
    return sentences
