"""Reports on Benchmarks 5 and 6: the blueprint, and what the hub's and schools' report pages share.

Hub admins see their hub (every school and the hub total) and each of its schools; careers leaders see
only their own school. The API (web/reports/api.py) gives a hub's figures to its own dashboards.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from web.cache import cached
from web.dao.reports import Scope
from web.dates import london_today
from web.reports import bp, csv
from web.reports.figures import SUPPRESSED, Cell
from web.reports.forms import FilterForm, academic_year_words
from web.reports.report import REPORTS, Figures

SLUGS = tuple(REPORTS)


def report_rule(*slugs: str) -> str:
    """A CSV route's last part: one of these reports, so anything else is a 404."""
    return "<any(" + ", ".join(f'"{slug}"' for slug in slugs) + "):report>.csv"


REPORT_RULE = report_rule(*SLUGS)
MINUS = "\u2212"


def cell_text(cell: Cell) -> str:
    """A figure as the page shows it: 45.5%, 1.25, 12.5 hours, 1,234; a gap as +5.0 points."""
    value = cell.value
    if cell.suppressed:
        return SUPPRESSED
    if cell.kind in ("label", "text"):
        return str(value)
    if value is None:
        return "" if cell.kind == "count" else "\u2013"  # a count's gap is not worked out
    number = float(value)
    sign = ("+" if number > 0 else MINUS if number < 0 else "") if cell.gap else ""
    if cell.kind == "share":
        return f"{sign}{abs(number) * 100:.1f} points" if cell.gap else f"{number * 100:.1f}%"
    if cell.kind == "average":
        return f"{sign}{abs(number):.2f}"
    if cell.kind == "hours":
        return f"{sign}{abs(number):.1f}"
    return f"{int(number):,}"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"cell_text": cell_text, "report_titles": REPORTS}


def filter_form() -> FilterForm:
    """The filter as asked for in the query string (each missing answer its default)."""
    form = FilterForm(request.args, london_today())
    form.validate()
    return form


def scope_of(form: FilterForm, hub_id: int, school_id: int | None = None) -> Scope:
    """The reports' scope for a hub or one of its schools, as the filter chose."""
    return Scope(
        hub_id=hub_id,
        year=form.chosen_year,
        today=london_today(),
        school_id=school_id,
        year_group=form.chosen_year_group,
    )


def filter_args(form: FilterForm, with_name: bool = False) -> dict[str, Any]:
    """The query string that asks for the same figures again (for links and downloads)."""
    args: dict[str, Any] = {"year": form.chosen_year}
    if form.chosen_year_group is not None:
        args["year_group"] = form.chosen_year_group
    if with_name and form.chosen_name:
        args["name"] = form.chosen_name
    return args


def scope_words(scope: Scope) -> str:
    """The academic year and year group a report covers, in words."""
    group = f"Year {scope.year_group}" if scope.year_group else "all year groups"
    return f"{academic_year_words(scope.year)}, {group}"


def report_page(
    title: str, form: FilterForm, key: Hashable, draw: Callable[[], str], back: str | None = None
) -> str:
    """A report page around its content, which draw() renders (draw_report). The content is the same for
    everyone who may see it (nothing in it posts), so it is kept as long as its figures: one that asks
    for figures in a way the filter refused is drawn every time."""
    content = draw() if form.errors else cached(("page", key), draw)
    return render_template("reports/page.html", title=title, form=form, content=Markup(content), back=back)


def draw_report(template: str, form: FilterForm, scope: Scope, csv_endpoint: str, **context: Any) -> str:
    """A report page's content: every chart and table for the scope, each with its CSV download."""
    csv_values = {**context.pop("csv_values", {}), **filter_args(form)}
    context.setdefault("figures", Figures(scope))
    return render_template(
        template,
        form=form,
        scope=scope,
        scope_words=scope_words(scope),
        slugs=SLUGS,
        csv_urls={slug: url_for(csv_endpoint, report=slug, **csv_values) for slug in SLUGS},
        **context,
    )


def csv_name(scope: Scope, report: str, who: str) -> str:
    """A CSV file's name: the report, academic year, year group and who it covers."""
    group = f"-year-{scope.year_group}" if scope.year_group else ""
    return f"{report}-{scope.year}-to-{scope.year + 1}{group}-{who}.csv"


def csv_download(scope: Scope, report: str, who: str) -> Response:
    """One report as a CSV file."""
    return csv.download(Figures(scope).table(report), csv_name(scope, report, who))
