"""Make a round's numbers readable: a proposal's reasons in plain words and its score's parts, and the
round's fairness summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matcher.people import ROUTES
from matcher.scores import PART_LABELS
from web.students.display import ORDINALS, TEXT_MATCH_AT_LEAST

# A round names the distance part for what it counted (workers/matching_tasks.py): no travel for an online
# place, and nearness to school for a student whose home postcode is not known.
LABELS = {
    **PART_LABELS,
    "online": "Online, so the student has no travel",
    "from_school": "Near the student's school (their home postcode is not known)",
}

GROUP_LABELS = {
    "disadvantaged": "Disadvantaged",
    "send": "Special educational needs",
    "no_experience": "No workplace experience yet",
}


def reasons(explanation: Mapping[str, Any] | None) -> list[tuple[str, float]]:
    """The parts of a proposal's score that count, biggest first, as (reason, points)."""
    parts = (explanation or {}).get("parts", explanation or {})
    found = [
        (LABELS.get(name, name.replace("_", " ").capitalize()), float(value))
        for name, value in parts.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0.005
    ]
    return sorted(found, key=lambda item: -item[1])


# The other parts of the score, said the way a careers leader would, when they counted.
PLAIN_PARTS = {
    "text": "What they wrote about their interests matches the description",
    "pathway": "Fits the pathway they are interested in (technical or academic)",
    "technical": "A technical placement, which this round gives priority to",
    "no_experience": "Has had no workplace experience yet",
    "disadvantaged": "Priority for pupil premium or free school meals",
    "send": "Priority for special educational needs or disabilities",
}


def plain_reasons(row: Any) -> list[str]:
    """Why a round proposed a placement (a hub_rounds proposals row), in plain words and without numbers:
    the student's own ranking, the area of work they chose, how far it is, then the rest of the score."""
    explanation = row.explanation if isinstance(row.explanation, dict) else {}
    parts = explanation.get("parts", explanation)
    parts = parts if isinstance(parts, dict) else {}

    def counted(name: str, at_least: float = 0.005) -> bool:
        value = parts.get(name)
        return isinstance(value, int | float) and not isinstance(value, bool) and value > at_least

    found = []
    if row.rank:
        found.append(
            f"Their {ORDINALS[row.rank - 1]} choice"
            if row.rank <= len(ORDINALS)
            else f"Number {row.rank} on their list"
        )
    if counted("route"):
        label = ROUTES.get(row.route, row.route)
        found.append(f"Matches their interest in {label[:1].lower()}{label[1:]}")
    if row.remote:
        found.append("Online, so there is no travel")
    elif isinstance(explanation.get("distance_km"), int | float):
        km = round(explanation["distance_km"])
        where = "school" if "from_school" in parts else "home"  # measured from school: home not known
        found.append(f"Less than 1 km from {where}" if km < 1 else f"About {km} km from {where}")
    for name, words in PLAIN_PARTS.items():
        if counted(name, TEXT_MATCH_AT_LEAST if name == "text" else 0.005):
            found.append(words)
    return found


def _percent(share: object) -> str:
    return f"{share:.0%}" if isinstance(share, int | float) else "None"


def _rank(mean: object) -> str:
    return f"{mean:.1f}" if isinstance(mean, int | float) else "None"


def _row(label: str, stats: Mapping[str, Any]) -> dict[str, str]:
    return {
        "group": label,
        "placed": f"{stats.get('assigned', 0)} of {stats.get('students', 0)}",
        "coverage": _percent(stats.get("coverage")),
        "mean_rank": _rank(stats.get("mean_rank")),
    }


def fairness_summary(metrics: Mapping[str, Any], any_kind: bool = False) -> dict[str, Any]:
    """Coverage overall and by group, mean rank received, and the share of technical and academic places."""
    fairness = metrics.get("fairness") or {}
    groups = [_row("Everyone", fairness.get("overall") or {})]
    for name, stats in (fairness.get("by_category") or {}).items():
        groups.append(_row(GROUP_LABELS.get(name, name), stats or {}))
    shares = fairness.get("pathway_share") or {}
    return {
        "groups": groups,
        "pathways": [(label, _percent(shares[name])) for name, label in _PATHWAYS if name in shares],
        "assigned": metrics.get("assigned"),
        "students": metrics.get("students"),
        "ranked_placed": metrics.get("ranked_placed"),
        "skipped": skipped(metrics.get("skipped")),
        "left_out": left_out(metrics.get("left_out") or {}, any_kind),
        "lapsed": lapsed((metrics.get("left_out") or {}).get("lapsed")),
    }


def skipped(count: object) -> str:
    """Why proposals the round worked out are missing, as a sentence; empty if none are."""
    if not isinstance(count, int) or count < 1:
        return ""
    who = "1 student it placed was" if count == 1 else f"{count} students it placed were"
    return (
        f"{who} given a proposal or placement by another round that finished first, so this round's "
        "proposals leave them out and the figures above count them."
    )


def lapsed(count: object) -> str:
    """Why some published opportunities were not in the round, as a sentence; empty if none were."""
    if not isinstance(count, int) or count < 1:
        return ""
    places = "1 opportunity was" if count == 1 else f"{count} opportunities were"
    return (
        f"{places} left out because the employer's safeguarding evidence, such as their insurance, "
        "is out of date. The careers hub can see which."
    )


def left_out(counts: Mapping[str, Any], any_kind: bool = False) -> str:
    """Why some of the school's students were not in the round, as a sentence; empty if none were."""
    holding, waiting = int(counts.get("holding") or 0), int(counts.get("waiting") or 0)
    total = holding + waiting
    if not total:
        return ""
    kind = "" if any_kind else " of this kind"
    were = f"{total} {'student was' if total == 1 else 'students were'} left out of this round"
    hold = f"a placement{kind}"
    wait = f"a proposal or offer{kind} waiting for a decision"
    if holding and waiting:
        return (
            f"{were}: {holding} already {'holds' if holding == 1 else 'hold'} {hold} and {waiting} "
            f"{'has' if waiting == 1 else 'have'} {wait}."
        )
    if holding:
        return f"{were} because they already hold {hold}."
    return f"{were} because they have {wait}."


_PATHWAYS = (("technical", "Technical"), ("academic", "Academic"), ("both", "Technical or academic"))
