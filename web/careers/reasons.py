"""Make a round's numbers readable: a proposal's reasons and the round's fairness summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matcher.scores import PART_LABELS

# A round names the distance part of an online place "online" (workers/matching_tasks.py): no travel counted.
LABELS = {**PART_LABELS, "online": "Online, so the student has no travel"}

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
