"""The events' reports. Quality: how pupils rated the encounters they went to, by format, by the
organisation that ran them and by route (how many answered, the share who learned something about jobs or
routes, the share who want to find out more, the average rating out of 5); a row with answers from 1 to 4
pupils (under SUPPRESS_UNDER) is held back in every report, a school's too, as a handful of answers about
one stand would show whose they were. No-shows: of the pupils the registers marked, how many came and how
many did not, by format; in a hub's report a row with a count from 1 to 4 is held back, as elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from matcher.people import ROUTES
from web.dao.event_feedback import Answers
from web.dao.event_reports import QualityKey
from web.models.encounters import ALL_FORMATS
from web.reports.encounter_figures import SUPPRESS_UNDER
from web.reports.figures import Cell, Chart, Table, percent, ratio

EVERY_ROUTE = "Every route"  # an event for all routes, such as a careers fair
COLUMNS = [
    "By",
    "Format, organisation or route",
    "Pupils who answered",
    "Learned something about jobs or routes",
    "Want to find out more",
    "Average rating out of 5",
]


def _by(counts: Mapping[QualityKey, Answers], part: Callable[[QualityKey], str]) -> dict[str, Answers]:
    found: dict[str, Answers] = {}
    for key, answers in counts.items():
        found[part(key)] = found.get(part(key), Answers()) + answers
    return dict(sorted(found.items()))


def _parts(counts: Mapping[QualityKey, Answers], names: Mapping[int, str]) -> dict[str, dict[str, Answers]]:
    return {
        "All": {"All encounters": sum(counts.values(), Answers())},
        "Format": _by(counts, lambda key: ALL_FORMATS.get(key[0], key[0])),
        "Organisation": _by(counts, lambda key: names.get(key[1], "") if key[1] else "The hub"),
        "Route": _by(counts, lambda key: ROUTES.get(key[2], key[2]) if key[2] else EVERY_ROUTE),
    }


def quality_table(counts: Mapping[QualityKey, Answers], names: Mapping[int, str]) -> Table:
    """A row for every encounter together, then one per format, per organisation and per route, each with
    its pupils' answers."""
    table = Table("encounter-quality", "Quality of encounters: what pupils said", COLUMNS)
    for by, rows in _parts(counts, names).items():
        for label, said in rows.items():
            held = 0 < said.answered < SUPPRESS_UNDER
            table.rows.append(
                [
                    Cell(by, "label"),
                    Cell(label, "text"),
                    Cell(said.answered, "count", suppressed=held),
                    Cell(ratio(said.learned, said.answered), "share", suppressed=held),
                    Cell(ratio(said.wants_more, said.answered), "share", suppressed=held),
                    Cell(ratio(said.rating_total, said.answered), "average", suppressed=held),
                ]
            )
    return table


def quality_chart(counts: Mapping[QualityKey, Answers]) -> Chart:
    """The share of pupils who learned something and who want more, by format."""
    by_format = _by(counts, lambda key: ALL_FORMATS.get(key[0], key[0]))

    def shown(part: int, said: Answers) -> float | None:
        return None if said.answered < SUPPRESS_UNDER else percent(ratio(part, said.answered))

    return Chart(
        "What pupils said, by format",
        "Bar chart of the share of pupils who learned something about jobs or routes, and who want to find "
        "out more, after each format of encounter. The table beside it gives every figure.",
        ["Learned something", "Want to find out more"],
        [
            (label, [shown(said.learned, said), shown(said.wants_more, said)])
            for label, said in by_format.items()
        ],
        missing="no figure (too few answers to show)",
    )


def no_show_table(counts: Mapping[str, tuple[int, int]], suppress: bool) -> Table:
    """A row for every format together, then one per format: pupils marked on registers, came, did not
    come, and the share who did not."""
    table = Table(
        "no-shows",
        "Pupils who did not come, by format",
        ["Format", "Marked on a register", "Came", "Did not come", "Share who did not come"],
    )
    for label, (came, absent) in _formats(counts).items():
        held = suppress and any(0 < n < SUPPRESS_UNDER for n in (came, absent))
        table.rows.append(
            [
                Cell(label, "label"),
                Cell(came + absent, "count", suppressed=held),
                Cell(came, "count", suppressed=held),
                Cell(absent, "count", suppressed=held),
                Cell(ratio(absent, came + absent), "share", suppressed=held),
            ]
        )
    return table


def no_show_chart(counts: Mapping[str, tuple[int, int]], suppress: bool) -> Chart:
    """The share who did not come, by format."""
    bars = []
    for label, (came, absent) in _formats(counts).items():
        held = suppress and any(0 < n < SUPPRESS_UNDER for n in (came, absent))
        bars.append((label, [None if held else percent(ratio(absent, came + absent))]))
    return Chart(
        "Share who did not come, by format",
        "Bar chart of the share of pupils marked on a register who did not come, for each format of event. "
        "The table beside it gives every figure.",
        ["Did not come"],
        bars,
        missing="no figure (nobody marked, or too few to show)" if suppress else "no figure (nobody marked)",
    )


def _formats(counts: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Every format together, then each format."""
    together = (sum(came for came, _ in counts.values()), sum(absent for _, absent in counts.values()))
    each = sorted((ALL_FORMATS.get(kind, kind), found) for kind, found in counts.items())
    return {"All formats": together, **dict(each)}


QUALITY_KEYS = ("by", "label", "answered", "learned_share", "wants_more_share", "average_rating")
NO_SHOW_KEYS = ("format", "marked", "came", "absent", "absent_share")


def table_values(table: Table, keys: tuple[str, ...]) -> list[dict[str, object]]:
    """The table's rows for the API, each cell under its key; a held-back figure is null."""
    return [
        {
            key: None
            if cell.suppressed
            else round(cell.value, 4)
            if isinstance(cell.value, float)
            else cell.value
            for key, cell in zip(keys, row, strict=True)
        }
        for row in table.rows
    ]
