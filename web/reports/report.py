"""Every report for one scope (a hub or a school), and the hub's table of its schools."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from web.cache import cached
from web.dao import event_reports
from web.dao import reports as dao
from web.dao.event_feedback import Answers
from web.dao.reports import Counts, Key, Placements, Scope
from web.reports import encounter_figures as encounters
from web.reports.figures import (
    EQUITY_REPORTS,
    Cell,
    Chart,
    Table,
    by_group,
    equity_chart,
    equity_table,
    percent,
    ratio,
    summed,
)
from web.reports.placement_figures import (
    by_pathway,
    outcome_chart,
    outcome_table,
    pathway_chart,
    pathway_table,
    route_chart,
    route_table,
    total_placements,
)
from web.reports.quality_figures import no_show_chart, no_show_table, quality_chart, quality_table

SCHOOL_COLUMNS = [
    "School",
    "URN",
    "Students",
    "Encounters per student",
    "Share with an encounter this year",
    "Share with an experience by 16",
    "Share with a further experience by 18",
    "Share of experiences meaningful",
    "Hours of experience per student",
    "Share meeting provider encounters (Years 8 to 13)",
    "Places offered",
    "Places filled",
]


def school_values(counts: Counts, placements: Placements) -> dict[str, Any]:
    """One school's headline figures (as in the hub's schools table and the API)."""
    return {
        "students": counts.students,
        "encounters_per_student": ratio(counts.encounters, counts.students),
        "with_encounter_share": ratio(counts.with_encounter, counts.students),
        "by_16_share": ratio(counts.by_16, counts.aged_16),
        "by_18_share": ratio(counts.by_18, counts.aged_18),
        "meaningful_share": ratio(counts.meaningful, counts.experiences),
        "hours_per_student": ratio(counts.hours, counts.students),
        "providers_share": ratio(sum(counts.band_met), sum(counts.band_students)),
        "places_offered": placements.offered,
        "places_filled": placements.filled,
    }


SCHOOL_KINDS = ["count", "average", "share", "share", "share", "share", "hours", "share", "count", "count"]


def schools_table(rows: list[tuple[Any, Counts, Placements]], caption: str) -> Table:
    """The hub's schools, one row each, with their headline figures."""
    table = Table("schools", caption, SCHOOL_COLUMNS)
    for school, counts, placements in rows:
        values = school_values(counts, placements)
        table.rows.append(
            [Cell(school.name, "label"), Cell(school.urn, "text")]
            + [Cell(value, kind) for value, kind in zip(values.values(), SCHOOL_KINDS, strict=True)]
        )
    return table


def schools_chart(rows: list[tuple[Any, Counts, Placements]]) -> Chart:
    """Each listed school's share of students with an encounter this year."""
    return Chart(
        "Share with an encounter this year, by school",
        "Bar chart of the share of each listed school's students with at least one encounter with an employer"
        " this year. The table below it gives every figure.",
        ["Share with an encounter this year"],
        [
            (school.name, [percent(ratio(counts.with_encounter, counts.students))])
            for school, counts, _ in rows
        ],
    )


class Figures:
    """Every report for one scope; each query runs only when a report needs it, and once."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @cached_property
    def counts(self) -> dict[Key, Counts]:
        return cached(("counts", self.scope), lambda: dao.benchmark_counts(self.scope))

    @cached_property
    def by_year(self) -> dict[encounters.YearKey, Counts]:
        """The counts by (year group, disadvantaged, SEND): every school's added up."""
        return summed(self.counts.items(), lambda key: key[1:])

    @cached_property
    def groups(self) -> dict[str, Counts]:
        return by_group(self.by_year.items())

    @cached_property
    def placements(self) -> dict[tuple[int, str], Placements]:
        return cached(("placements", self.scope), lambda: dao.placement_counts(self.scope))

    @cached_property
    def pathways(self) -> dict[str, Placements]:
        return by_pathway(self.placements)

    @cached_property
    def engagement(self) -> dao.Engagement:
        return cached(("engagement", self.scope), lambda: dao.engagement(self.scope))

    @cached_property
    def record_pathways(self) -> dict[tuple[str, str], int]:
        return cached(("record-pathways", self.scope), lambda: dao.record_pathway_counts(self.scope))

    @cached_property
    def quality(self) -> tuple[dict[event_reports.QualityKey, Answers], dict[int, str]]:
        return cached(("quality", self.scope), lambda: event_reports.quality_counts(self.scope))

    @cached_property
    def no_shows(self) -> dict[str, tuple[int, int]]:
        return cached(("no-shows", self.scope), lambda: event_reports.no_show_counts(self.scope))

    @property
    def suppressed(self) -> bool:
        """Whether small counts are held back: in a hub's own figures, not a school's."""
        return self.scope.school_id is None

    @cached_property
    def group_rows(self) -> list[encounters.GroupRow]:
        return encounters.group_rows(self.by_year, self.suppressed)

    @cached_property
    def deadline_rows(self) -> list[encounters.DeadlineRow]:
        scope = self.scope
        return encounters.deadline_rows(self.by_year, scope.year, scope.as_of, scope.year_group)

    def table(self, slug: str) -> Table:
        """The report with this slug as a table."""
        if slug == "encounters-by-year":
            return encounters.group_table(self.group_rows)
        if slug == "provider-deadlines":
            return encounters.deadline_table(self.deadline_rows)
        if slug == "encounter-pathways":
            return encounters.pathway_table(self.record_pathways)
        if slug == "encounter-quality":
            return quality_table(*self.quality)
        if slug == "no-shows":
            return no_show_table(self.no_shows, self.suppressed)
        if slug in EQUITY_REPORTS:
            return equity_table(slug, self.groups)
        if slug == "pathways":
            return pathway_table(self.pathways)
        if slug == "outcomes":
            return outcome_table(total_placements(self.pathways.values()))
        return route_table(self.engagement)

    def chart(self, slug: str) -> Chart:
        """The chart of the report with this slug."""
        if slug == "encounters-by-year":
            return encounters.group_chart(self.group_rows, self.suppressed)
        if slug == "provider-deadlines":
            return encounters.deadline_chart(self.deadline_rows)
        if slug == "encounter-pathways":
            return encounters.pathway_chart(self.record_pathways)
        if slug == "encounter-quality":
            return quality_chart(self.quality[0])
        if slug == "no-shows":
            return no_show_chart(self.no_shows, self.suppressed)
        if slug in EQUITY_REPORTS:
            return equity_chart(slug, self.groups)
        if slug == "pathways":
            return pathway_chart(self.pathways)
        if slug == "outcomes":
            return outcome_chart(total_placements(self.pathways.values()))
        return route_chart(self.engagement.routes)

    def school_rows(self, schools: Iterable[Any]) -> list[tuple[Any, Counts, Placements]]:
        """Each school's counts and placements, from the hub's figures (no query per school)."""
        schools = list(schools)
        listed = {school.id for school in schools}
        counts = summed(
            ((key, found) for key, found in self.counts.items() if key[0] in listed), lambda key: key[0]
        )
        placements: dict[int, list[Placements]] = {}
        for (school_id, _), found in self.placements.items():
            placements.setdefault(school_id, []).append(found)
        return [
            (school, counts.get(school.id, Counts()), total_placements(placements.get(school.id, [])))
            for school in schools
        ]


REPORTS = {
    **{slug: title for slug, (title, _) in EQUITY_REPORTS.items()},
    "encounters-by-year": "Encounters this year by year group",
    "provider-deadlines": "Provider encounters against the 28 February deadlines",
    "encounter-pathways": "Technical and academic share of encounters",
    "encounter-quality": "Quality of encounters: what pupils said",
    "no-shows": "Pupils who did not come, by format",
    "pathways": "Technical and academic places",
    "outcomes": "Places offered and what became of them",
    "routes": "Employers engaged by route",
}
