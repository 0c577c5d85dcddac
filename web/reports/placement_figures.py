"""The placement reports' figures: technical against academic places, what became of the places offered,
and employers engaged by route."""

from __future__ import annotations

from collections.abc import Iterable

from matcher.people import PATHWAYS, ROUTES
from web.dao.reports import Engagement, Placements, RouteRow
from web.reports.figures import Cell, Chart, Table, ratio


def total_placements(found: Iterable[Placements]) -> Placements:
    """The sum of several schools' or pathways' placements."""
    total = Placements()
    for placements in found:
        for status, n in placements.by_status.items():
            total.add(status, n)
    return total


def by_pathway(found: dict[tuple[int, str], Placements]) -> dict[str, Placements]:
    """Placements for each pathway (technical, academic, both), every school together."""
    return {
        pathway: total_placements(p for (_, of), p in found.items() if of == pathway) for pathway in PATHWAYS
    }


def pathway_table(pathways: dict[str, Placements]) -> Table:
    """Places offered and filled, technical against academic, with each pathway's share."""
    total = total_placements(pathways.values())
    table = Table(
        "pathways",
        "Technical and academic places",
        ["Pathway", "Places offered", "Share of places offered", "Places filled", "Share of places filled"],
    )
    for pathway, label in PATHWAYS.items():
        found = pathways[pathway]
        table.rows.append(
            [
                Cell(label, "label"),
                Cell(found.offered),
                Cell(ratio(found.offered, total.offered), "share"),
                Cell(found.filled),
                Cell(ratio(found.filled, total.filled), "share"),
            ]
        )
    table.rows.append(
        [
            Cell("All pathways", "label"),
            Cell(total.offered),
            Cell(None, "share"),
            Cell(total.filled),
            Cell(None, "share"),
        ]
    )
    return table


def pathway_chart(pathways: dict[str, Placements]) -> Chart:
    """Places offered and filled on each pathway."""
    return Chart(
        "Technical and academic places",
        "Bar chart of places offered and places filled on technical, academic and both pathways. "
        "The table beside it gives every figure.",
        ["Places offered", "Places filled"],
        [(PATHWAYS[p], [float(found.offered), float(found.filled)]) for p, found in pathways.items()],
        percent=False,
    )


OUTCOME_LABELS = {
    "offered": "Places offered",
    "filled": "Places filled",
    "completed": "Completed",
    "declined": "Declined by the student",
    "expired": "Offer ran out unanswered",
    "no_show": "Did not attend (no-show)",
}


def outcome_values(total: Placements) -> dict[str, int]:
    """Places offered, filled, and the count in each outcome."""
    values = {"offered": total.offered, "filled": total.filled}
    values.update(
        {status: total.by_status.get(status, 0) for status in OUTCOME_LABELS if status not in values}
    )
    return values


def outcome_table(total: Placements) -> Table:
    """Places offered, filled, completed, declined, unanswered and no-shows."""
    table = Table("outcomes", "Places offered and what became of them", ["Outcome", "Places"])
    for key, n in outcome_values(total).items():
        table.rows.append([Cell(OUTCOME_LABELS[key], "label"), Cell(n)])
    return table


def outcome_chart(total: Placements) -> Chart:
    """The outcomes as bars."""
    return Chart(
        "Places offered and what became of them",
        "Bar chart of places offered, filled, completed, declined, unanswered and not attended. "
        "The table beside it gives every figure.",
        ["Places"],
        [(OUTCOME_LABELS[key], [float(n)]) for key, n in outcome_values(total).items()],
        percent=False,
    )


def route_table(engagement: Engagement) -> Table:
    """Employers engaged by route, with the places they offered and filled; a total row counts each
    employer once."""
    table = Table(
        "routes",
        "Employers engaged by route",
        ["Route", "Employers offering places", "Employers hosting", "Places offered", "Places filled"],
    )
    rows = engagement.routes
    for row in rows:
        table.rows.append(
            [
                Cell(ROUTES.get(row.route, row.route), "label"),
                Cell(row.employers_offering),
                Cell(row.employers_hosting),
                Cell(row.offered),
                Cell(row.filled),
            ]
        )
    table.rows.append(
        [
            Cell("All routes", "label"),
            Cell(engagement.offering),
            Cell(engagement.hosting),
            Cell(sum(row.offered for row in rows)),
            Cell(sum(row.filled for row in rows)),
        ]
    )
    return table


def route_chart(rows: list[RouteRow]) -> Chart:
    """Employers offering places and hosting, for each route with any."""
    return Chart(
        "Employers engaged by route",
        "Bar chart of employers offering places and employers hosting students, for each route. "
        "The table beside it gives every figure.",
        ["Employers offering places", "Employers hosting"],
        [
            (ROUTES.get(row.route, row.route), [float(row.employers_offering), float(row.employers_hosting)])
            for row in rows
        ],
        percent=False,
    )
