"""Two draft rounds side by side: their settings and what each would do, as rows of a table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.careers.reasons import GROUP_LABELS
from web.models import MatchRound
from web.rounds.forms import MECHANISM_CHOICES, PRIORITIES

MECHANISMS = dict(MECHANISM_CHOICES)


def _percent(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, int | float) else "None"


def _rank(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else "None"


def _km(value: object) -> str:
    return f"{value:.1f} km" if isinstance(value, int | float) else "None"


def settings_rows(one: MatchRound, two: MatchRound) -> list[tuple[str, str, str]]:
    """(setting, first draft's, second draft's) for every setting a what-if can vary."""

    def described(match_round: MatchRound) -> dict[str, str]:
        policy = match_round.policy or {}
        reserves = policy.get("reserves") or {}
        cap = policy.get("max_per_school")
        travel = policy.get("max_travel_km")
        return {
            "Matching": MECHANISMS.get(match_round.mechanism, match_round.mechanism),
            "Fair share per school": "Yes" if policy.get("school_share") else "No",
            "Most from one school per placement": str(cap) if cap else "No limit",
            "Priority": PRIORITIES.get(policy.get("priority") or "standard", "Standard priority"),
            "Seats kept for disadvantaged students": _percent(reserves.get("disadvantaged", 0)),
            "Seats kept for students with SEND": _percent(reserves.get("send", 0)),
            "Travel limit": _km(travel) if travel else "Each student's own",
        }

    first, second = described(one), described(two)
    return [(name, first[name], second[name]) for name in first]


def _overall(metrics: Mapping[str, Any]) -> dict[str, Any]:
    return ((metrics.get("fairness") or {}).get("overall")) or {}


def outcome_rows(one: MatchRound, two: MatchRound) -> list[tuple[str, str, str]]:
    """(measure, first draft's, second draft's): placed, on a ranked choice, mean rank, coverage and mean rank
    by group, technical and academic shares, median travel."""
    rows: list[tuple[str, str, str]] = []
    metrics = (one.metrics or {}, two.metrics or {})

    def add(label: str, *values: str) -> None:
        rows.append((label, values[0], values[1]))

    add("Students in the round", *(str(m.get("students", "None")) for m in metrics))
    add("Students placed", *(str(m.get("assigned", "None")) for m in metrics))
    add("Placed on a choice they ranked", *(str(m.get("ranked_placed", "None")) for m in metrics))
    add("Coverage", *(_percent(_overall(m).get("coverage")) for m in metrics))
    add("Average position on their list (1 is best)", *(_rank(_overall(m).get("mean_rank")) for m in metrics))
    for name, label in GROUP_LABELS.items():
        stats = [((m.get("fairness") or {}).get("by_category") or {}).get(name) or {} for m in metrics]
        add(f"{label}: coverage", *(_percent(s.get("coverage")) for s in stats))
        add(f"{label}: average position", *(_rank(s.get("mean_rank")) for s in stats))
    for name, label in (("technical", "Technical"), ("academic", "Academic")):
        add(
            f"{label} share of places",
            *(_percent(((m.get("fairness") or {}).get("pathway_share") or {}).get(name)) for m in metrics),
        )
    add("Median travel distance", *(_km(m.get("median_km")) for m in metrics))
    return rows


def school_rows(one: MatchRound, two: MatchRound, names: Mapping[int, str]) -> list[tuple[str, ...]]:
    """(school, coverage and average position in each draft) for every school either draft covered."""
    by_school = [((r.metrics or {}).get("fairness") or {}).get("by_school") or {} for r in (one, two)]
    ids = sorted({int(key) for stats in by_school for key in stats}, key=lambda i: (names.get(i, ""), i))
    rows = []
    for school_id in ids:
        first, second = (stats.get(str(school_id)) or {} for stats in by_school)
        rows.append(
            (
                names.get(school_id, "Unknown school"),
                _percent(first.get("coverage")),
                _rank(first.get("mean_rank")),
                _percent(second.get("coverage")),
                _rank(second.get("mean_rank")),
            )
        )
    return rows
