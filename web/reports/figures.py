"""The reports' figures: shares, averages and equity gaps worked out from the counts web/dao/reports.py
returns, as tables and charts that the pages, the CSV downloads and the API all use.

A share is a fraction (0 to 1) or None when nobody is counted under it; a gap is a group's value minus that
of other students (neither disadvantaged nor SEND), for shares and averages only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from web.dao.records import GUARANTEE_HOURS
from web.dao.reports import PROVIDER_BANDS, PROVIDER_TARGET, Counts

GROUPS = {
    "all": "All students",
    "disadvantaged": "Disadvantaged",
    "send": "SEND",
    "other": "Other students",
}
GAPS = {"disadvantaged": "Gap: disadvantaged minus other", "send": "Gap: SEND minus other"}
Number = int | float | Decimal | None
K = TypeVar("K", bound=Hashable)
SUPPRESSED = "[c]"  # in place of a figure held back to protect pupils (the GSS symbol for "confidential")


@dataclass(frozen=True)
class Cell:
    """A figure and how to show it: count, share (a fraction), average, hours, or a gap in one of those."""

    value: Number | str
    kind: str = "count"
    gap: bool = False
    href: str | None = None  # a label that links to more (a school's own report)
    suppressed: bool = False  # held back (shown as SUPPRESSED): a count too small to publish


@dataclass
class Table:
    """A report's figures: a heading row and rows of cells, the first cell of each naming the row."""

    slug: str
    title: str
    head: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    """Bars for a chart: one or more series (their names), each category with one value per series."""

    title: str
    description: str
    series: list[str]
    bars: list[tuple[str, list[float | None]]]  # None: no figure (nobody counted)
    percent: bool = True
    missing: str = "no figure (nobody counted)"  # what a bar with no figure says


@dataclass(frozen=True)
class Metric:
    """One measure: its key (API), label (tables and CSV), kind, and how to work it out from counts."""

    key: str
    label: str
    kind: str
    value: Callable[[Counts], Number]


def ratio(numerator: int | Decimal, denominator: int) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return float(numerator) / denominator if denominator else None


def summed(counts: Iterable[tuple[tuple[Any, ...], Counts]], part: Callable[[Any], K]) -> dict[K, Counts]:
    """The counts added up by a part of their keys (a hub has a key per school, year group and group, so
    adding them up once, first, saves adding each many times)."""
    found: dict[K, Counts] = {}
    for key, counted in counts:
        kept = part(key)
        found[kept] = found[kept] + counted if kept in found else counted
    return found


def by_group(counts: Iterable[tuple[tuple[Any, ...], Counts]]) -> dict[str, Counts]:
    """Counts for all students, disadvantaged, SEND and other students (a student can be in both of the
    first two groups; other students are in neither), from counts keyed by tuples ending (disadvantaged,
    SEND)."""
    groups = {group: Counts() for group in GROUPS}
    for (disadvantaged, send), found in summed(counts, lambda key: (key[-2], key[-1])).items():
        groups["all"] += found
        if disadvantaged:
            groups["disadvantaged"] += found
        if send:
            groups["send"] += found
        if not (disadvantaged or send):
            groups["other"] += found
    return groups


def _students() -> Metric:
    return Metric("students", "Students", "count", lambda c: c.students)


BENCHMARK_5 = [
    _students(),
    Metric("encounters", "Encounters this year", "count", lambda c: c.encounters),
    Metric(
        "encounters_per_student",
        "Encounters per student",
        "average",
        lambda c: ratio(c.encounters, c.students),
    ),
    Metric("with_encounter", "Students with at least one encounter", "count", lambda c: c.with_encounter),
    Metric(
        "with_encounter_share",
        "Share with at least one encounter",
        "share",
        lambda c: ratio(c.with_encounter, c.students),
    ),
]
HOURS = f"{GUARANTEE_HOURS:g}"
BENCHMARK_6 = [
    _students(),
    Metric("aged_16", "Students aged 16 or over", "count", lambda c: c.aged_16),
    Metric("by_16", "Of those, with a workplace experience before 16", "count", lambda c: c.by_16),
    Metric(
        "by_16_share", "Share with a workplace experience by 16", "share", lambda c: ratio(c.by_16, c.aged_16)
    ),
    Metric("aged_18", "Students aged 18 or over", "count", lambda c: c.aged_18),
    Metric("by_18", "Of those, with a further experience from 16 to 18", "count", lambda c: c.by_18),
    Metric(
        "by_18_share", "Share with a further experience by 18", "share", lambda c: ratio(c.by_18, c.aged_18)
    ),
    Metric("experiences", "Workplace experiences this year", "count", lambda c: c.experiences),
    Metric("meaningful", "Of those, meaningful", "count", lambda c: c.meaningful),
    Metric(
        "meaningful_share",
        "Share of this year's experiences that were meaningful",
        "share",
        lambda c: ratio(c.meaningful, c.experiences),
    ),
    Metric(
        "hours_per_student",
        "Hours of workplace experience per student, to date",
        "hours",
        lambda c: ratio(c.hours, c.students),
    ),
    Metric("reached_hours", f"Students with {HOURS} hours or more", "count", lambda c: c.reached_hours),
    Metric(
        "reached_hours_share",
        f"Share with {HOURS} hours or more",
        "share",
        lambda c: ratio(c.reached_hours, c.students),
    ),
]


def _band_words(band: tuple[int, int]) -> str:
    return f"Years {band[0]} to {band[1]}"


def _band_metrics(i: int, band: tuple[int, int]) -> list[Metric]:
    key = f"years_{band[0]}_{band[1]}"
    return [
        Metric(f"{key}_students", f"Students in {_band_words(band)}", "count", lambda c: c.band_students[i]),
        Metric(
            f"{key}_met",
            f"Of those, with {PROVIDER_TARGET} or more provider encounters in those years",
            "count",
            lambda c: c.band_met[i],
        ),
        Metric(
            f"{key}_share",
            f"Share in {_band_words(band)} with {PROVIDER_TARGET} or more",
            "share",
            lambda c: ratio(c.band_met[i], c.band_students[i]),
        ),
    ]


PROVIDERS = [metric for i, band in enumerate(PROVIDER_BANDS) for metric in _band_metrics(i, band)]
EQUITY_REPORTS = {
    "benchmark-5": ("Benchmark 5: encounters with employers", BENCHMARK_5),
    "benchmark-6": ("Benchmark 6: experiences of workplaces", BENCHMARK_6),
    "providers": ("Encounters with technical education providers", PROVIDERS),
}


def group_values(metrics: list[Metric], groups: dict[str, Counts]) -> dict[str, dict[str, Number]]:
    """Each group's value of each metric, and each gap (shares, averages and hours only)."""
    values: dict[str, dict[str, Number]] = {
        group: {metric.key: metric.value(counts) for metric in metrics} for group, counts in groups.items()
    }
    for group in GAPS:
        values[f"{group}_gap"] = {
            metric.key: _difference(values[group][metric.key], values["other"][metric.key])
            for metric in metrics
            if metric.kind != "count"
        }
    return values


def _difference(value: Number, other: Number) -> float | None:
    return None if value is None or other is None else float(value) - float(other)


def equity_table(slug: str, groups: dict[str, Counts]) -> Table:
    """One equity report (benchmark-5, benchmark-6, providers) as a table: a row per metric, a column per
    group and per gap."""
    title, metrics = EQUITY_REPORTS[slug]
    values = group_values(metrics, groups)
    table = Table(slug, title, ["Measure", *GROUPS.values(), *GAPS.values()])
    for metric in metrics:
        row = [Cell(metric.label, "label")]
        row += [Cell(values[group][metric.key], metric.kind) for group in GROUPS]
        row += [
            Cell(values[f"{group}_gap"].get(metric.key), metric.kind, gap=True)
            if metric.kind != "count"
            else Cell(None, "count")
            for group in GAPS
        ]
        table.rows.append(row)
    return table


# Each equity chart's headline shares, with the short names its bars are labelled with.
CHART_SERIES = {
    "benchmark-5": {"with_encounter_share": "At least one encounter"},
    "benchmark-6": {"by_16_share": "Experience by 16", "by_18_share": "Further experience by 18"},
    "providers": {f"years_{low}_{high}_share": f"Years {low} to {high}" for low, high in PROVIDER_BANDS},
}


def equity_chart(slug: str, groups: dict[str, Counts]) -> Chart:
    """The chart beside an equity report: its headline shares for each group of students."""
    metrics = {metric.key: metric for metric in EQUITY_REPORTS[slug][1]}
    series = CHART_SERIES[slug]
    bars = [
        (label, [percent(metrics[key].value(groups[group])) for key in series])
        for group, label in GROUPS.items()
    ]
    return Chart(
        EQUITY_REPORTS[slug][0],
        f"Bar chart of the {' and '.join(metrics[key].label.lower() for key in series)}, for all, "
        "disadvantaged, SEND and other students. The table beside it gives every figure.",
        list(series.values()),
        bars,
    )


def percent(value: Number) -> float | None:
    """A fraction as a percentage to one decimal place (None stays None)."""
    return round(float(value) * 100, 1) if value is not None else None
