"""The encounter reports' figures, from the counts web/dao/reports.py returns: pupils with and without an
encounter this year by year group and group, provider encounters against each year group's 28 February
deadline, and the technical and academic share of encounters; as tables and charts for the pages and CSV
downloads, and as values for the API.

In a hub's own report (not a school's), a row of the year-group table with any count (pupils, with an
encounter, or without) from 1 to 4 (under SUPPRESS_UNDER) is held back whole, as is a gap worked out from one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from matcher.people import PATHWAYS
from web.dao.reports import NOT_KNOWN, PROVIDER_BANDS, PROVIDER_TARGET, Counts, provider_deadline
from web.reports.figures import GAPS, GROUPS, Cell, Chart, Table, by_group, percent, ratio

SUPPRESS_UNDER = 5
GROUP_WORDS = {**GROUPS, "all": "All pupils", "other": "Other pupils"}
PATHWAY_WORDS = {**PATHWAYS, NOT_KNOWN: "Not known"}
YearKey = tuple[int, bool, bool]  # (year group, disadvantaged, SEND): the reports' counts, schools added up


def _year_words(year_group: int | None) -> str:
    return "All year groups" if year_group is None else f"Year {year_group}"


@dataclass(frozen=True)
class GroupRow:
    """Pupils of one group in one year group (None: all of them) and how many had an encounter this year;
    the gap is a group's share minus other pupils' (disadvantaged and SEND only)."""

    year_group: int | None
    group: str
    pupils: int
    with_encounter: int
    suppressed: bool = False
    gap: float | None = None
    gap_suppressed: bool = False

    @property
    def without(self) -> int:
        return self.pupils - self.with_encounter

    @property
    def share(self) -> float | None:
        return ratio(self.with_encounter, self.pupils)


def _small(*counts: int) -> bool:
    return any(0 < n < SUPPRESS_UNDER for n in counts)


def group_rows(counts: Mapping[YearKey, Counts], suppress: bool) -> list[GroupRow]:
    """A row per group for each year group with pupils, then, if there are two or more, for all year groups
    together."""
    years: dict[int | None, list[tuple[YearKey, Counts]]] = {None: list(counts.items())}
    for key, found in counts.items():
        years.setdefault(key[0], []).append((key, found))
    rows = []
    shown = sorted(year for year in years if year is not None)
    for year_group in shown + ([None] if len(shown) > 1 else []):  # one year group is its own total
        groups = by_group(years[year_group])
        made = {
            group: GroupRow(
                year_group,
                group,
                found.students,
                found.with_encounter,
                suppressed=suppress
                and _small(found.students, found.with_encounter, found.students - found.with_encounter),
            )
            for group, found in groups.items()
        }
        other = made["other"]
        for group in GAPS:
            row = made[group]
            if row.share is not None and other.share is not None:
                held = row.suppressed or other.suppressed
                made[group] = _with_gap(row, None if held else row.share - other.share, held)
        rows += made.values()
    return rows


def _with_gap(row: GroupRow, gap: float | None, held: bool) -> GroupRow:
    return GroupRow(row.year_group, row.group, row.pupils, row.with_encounter, row.suppressed, gap, held)


def group_table(rows: list[GroupRow]) -> Table:
    """Pupils, with an encounter, without, the share with one and the gap, by year group and group."""
    table = Table(
        "encounters-by-year",
        "Encounters this year by year group",
        [
            "Year group",
            "Group",
            "Pupils",
            "With at least one encounter",
            "With none",
            "Share with at least one",
            "Gap in the share: group minus other pupils",
        ],
    )
    for row in rows:
        held = row.suppressed
        gap = (
            Cell(row.gap, "share", gap=True, suppressed=held or row.gap_suppressed)
            if row.group in GAPS
            else Cell(None, "count")
        )
        table.rows.append(
            [
                Cell(_year_words(row.year_group), "label"),
                Cell(GROUP_WORDS[row.group], "text"),
                Cell(None if held else row.pupils, suppressed=held),
                Cell(None if held else row.with_encounter, suppressed=held),
                Cell(None if held else row.without, suppressed=held),
                Cell(None if held else row.share, "share", suppressed=held),
                gap,
            ]
        )
    return table


def group_chart(rows: list[GroupRow], suppress: bool) -> Chart:
    """The share with an encounter this year of disadvantaged, SEND and other pupils, by year group."""
    series = {group: GROUP_WORDS[group] for group in ("disadvantaged", "send", "other")}
    shares: dict[int | None, dict[str, float | None]] = {}
    for row in rows:
        shares.setdefault(row.year_group, {})[row.group] = None if row.suppressed else percent(row.share)
    return Chart(
        "Share with an encounter this year, by year group",
        "Bar chart of the share of disadvantaged, SEND and other pupils in each year group with at least one "
        "encounter this year. The table beside it gives every figure.",
        list(series.values()),
        [(_year_words(year), [found.get(group) for group in series]) for year, found in shares.items()],
        missing="no figure (nobody counted, or too few to show)"
        if suppress
        else "no figure (nobody counted)",
    )


def group_values(rows: list[GroupRow]) -> list[dict[str, Any]]:
    """The year-group table for the API: a held-back figure is null, with `suppressed` true."""
    values = []
    for row in rows:
        held = row.suppressed
        values.append(
            {
                "year_group": row.year_group,
                "group": row.group,
                "pupils": None if held else row.pupils,
                "with_encounter": None if held else row.with_encounter,
                "without_encounter": None if held else row.without,
                "with_encounter_share": None if held else _round(row.share),
                "gap": None if row.gap_suppressed else _round(row.gap),
                "suppressed": held or row.gap_suppressed,
            }
        )
    return values


@dataclass(frozen=True)
class DeadlineRow:
    """A year group's provider encounters against its deadline (year_group None: a pair of years together,
    with no one deadline): pupils, and those with PROVIDER_TARGET or more, counted to the deadline if it has
    passed, or so far."""

    band: tuple[int, int]
    year_group: int | None
    deadline: date | None
    passed: bool | None
    pupils: int
    met: int

    @property
    def short(self) -> int:
        return self.pupils - self.met

    @property
    def share(self) -> float | None:
        return ratio(self.met, self.pupils)


def deadline_rows(
    counts: Mapping[YearKey, Counts], year: int, as_of: date, only: int | None
) -> list[DeadlineRow]:
    """Each year group of Years 8 to 13 (or only that one) with its deadline, and each pair of years with
    both its year groups shown."""
    per_year: dict[int, list[int]] = {}
    for (year_group, _, _), found in counts.items():
        totals = per_year.setdefault(year_group, [0, 0])
        totals[0] += found.students
        totals[1] += found.providers_in_time
    rows = []
    for band in PROVIDER_BANDS:
        years = [year_group for year_group in range(band[0], band[1] + 1) if only in (None, year_group)]
        for year_group in years:
            deadline = provider_deadline(year_group, year)
            pupils, met = per_year.get(year_group, [0, 0])
            passed = deadline is not None and deadline < as_of
            rows.append(DeadlineRow(band, year_group, deadline, passed, pupils, met))
        if len(years) > 1:
            shown = rows[-len(years) :]
            rows.append(
                DeadlineRow(band, None, None, None, sum(r.pupils for r in shown), sum(r.met for r in shown))
            )
    return rows


def _band_words(band: tuple[int, int]) -> str:
    return f"Years {band[0]} and {band[1]} together"


def deadline_table(rows: list[DeadlineRow]) -> Table:
    """Each year group's deadline, pupils, those with two or more provider encounters and those short."""
    table = Table(
        "provider-deadlines",
        "Provider encounters against the 28 February deadlines",
        [
            "Year group",
            "Deadline",
            "Deadline passed",
            "Pupils",
            f"With {PROVIDER_TARGET} or more",
            f"Short of {PROVIDER_TARGET}",
            f"Share with {PROVIDER_TARGET} or more",
        ],
    )
    for row in rows:
        table.rows.append(
            [
                Cell(
                    _band_words(row.band) if row.year_group is None else _year_words(row.year_group), "label"
                ),
                Cell(row.deadline.strftime("%-d %B %Y") if row.deadline else "", "text"),
                Cell("" if row.passed is None else "Yes" if row.passed else "No", "text"),
                Cell(row.pupils),
                Cell(row.met),
                Cell(row.short),
                Cell(row.share, "share"),
            ]
        )
    return table


def deadline_chart(rows: list[DeadlineRow]) -> Chart:
    """Each year group's share with two or more provider encounters."""
    return Chart(
        "Provider encounters against the 28 February deadlines",
        f"Bar chart of the share of each year group from Year 8 to Year 13 with {PROVIDER_TARGET} or more "
        "provider encounters in their pair of years. The table beside it gives every figure.",
        [f"{PROVIDER_TARGET} or more"],
        [(_year_words(row.year_group), [percent(row.share)]) for row in rows if row.year_group is not None],
    )


def deadline_values(rows: list[DeadlineRow]) -> list[dict[str, Any]]:
    """The deadlines table for the API."""
    return [
        {
            "years": f"years_{row.band[0]}_{row.band[1]}",
            "year_group": row.year_group,
            "deadline": row.deadline.isoformat() if row.deadline else None,
            "deadline_passed": row.passed,
            "pupils": row.pupils,
            "two_or_more": row.met,
            "short_of_two": row.short,
            "two_or_more_share": _round(row.share),
        }
        for row in rows
    ]


BENCHMARK_COLUMNS = {"5": "encounters", "6": "experiences"}


def pathway_values(found: Mapping[tuple[str, str], int]) -> dict[str, dict[str, Any]]:
    """Each pathway's records this year, Benchmark 5 (encounters) and 6 (experiences), and its share."""
    totals = {benchmark: 0 for benchmark in BENCHMARK_COLUMNS}
    for (benchmark, _), n in found.items():
        totals[benchmark] = totals.get(benchmark, 0) + n
    values: dict[str, dict[str, Any]] = {}
    for pathway in PATHWAY_WORDS:
        values[pathway] = {}
        for benchmark, name in BENCHMARK_COLUMNS.items():
            n = found.get((benchmark, pathway), 0)
            values[pathway][name] = n
            values[pathway][f"{name}_share"] = _round(ratio(n, totals[benchmark]))
    return values


def pathway_table(found: Mapping[tuple[str, str], int]) -> Table:
    """Encounters and workplace experiences this year by pathway, each with its share."""
    table = Table(
        "encounter-pathways",
        "Technical and academic share of encounters",
        [
            "Pathway",
            "Encounters (Benchmark 5)",
            "Share of encounters",
            "Workplace experiences (Benchmark 6)",
            "Share of workplace experiences",
        ],
    )
    values = pathway_values(found)
    for pathway, label in PATHWAY_WORDS.items():
        of = values[pathway]
        table.rows.append(
            [
                Cell(label, "label"),
                Cell(of["encounters"]),
                Cell(of["encounters_share"], "share"),
                Cell(of["experiences"]),
                Cell(of["experiences_share"], "share"),
            ]
        )
    table.rows.append(
        [
            Cell("All pathways", "label"),
            Cell(sum(of["encounters"] for of in values.values())),
            Cell(None, "share"),
            Cell(sum(of["experiences"] for of in values.values())),
            Cell(None, "share"),
        ]
    )
    return table


def pathway_chart(found: Mapping[tuple[str, str], int]) -> Chart:
    """The share of encounters and of workplace experiences on each pathway."""
    values = pathway_values(found)
    return Chart(
        "Technical and academic share of encounters",
        "Bar chart of the share of this year's encounters and of workplace experiences that were technical, "
        "academic, both or not known. The table beside it gives every figure.",
        ["Encounters", "Workplace experiences"],
        [
            (
                label,
                [percent(values[pathway]["encounters_share"]), percent(values[pathway]["experiences_share"])],
            )
            for pathway, label in PATHWAY_WORDS.items()
        ],
    )


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None
