"""Plain words for codes on the student's pages: kinds, routes, pathways, places and why a match was made."""

from __future__ import annotations

from typing import Any

from matcher.people import KINDS, PATHWAYS, ROUTES
from web.postcodes import district

BENCHMARKS = {
    "5": "Encounter with employers (Benchmark 5)",
    "6": "Experience of workplaces (Benchmark 6)",
}

STATUSES = {
    "offered": ("Waiting for your answer", "blue"),
    "accepted": ("Accepted", "green"),
    "declined": ("Declined", "grey"),
    "expired": ("No longer available", "grey"),
    "consented": ("Parent or carer agreed", "green"),
    "consent_refused": ("Parent or carer did not agree", "red"),
    "confirmed": ("Confirmed by employer", "green"),
    "completed": ("Completed", "green"),
    "no_show": ("Did not attend", "red"),
}

# The engine's score parts (matcher/policy.py PARTS), said the way a student would.
REASONS = {
    "text": "Matches what you said you would like to do",
    "route": "In an area of work you chose",
    "pathway": "Fits the kind of course or training you are interested in",
    "technical": "A technical route (T Levels and apprenticeships)",
    "distance": "Close to home",
    "no_experience": "You have not had a workplace experience yet",
    "disadvantaged": "Priority for extra support",
    "send": "Priority for extra support with special needs",
}


def location(opportunity: Any) -> str:
    """'Remote', or the postcode district only: a listing never needs a full address."""
    return "Remote" if opportunity.remote else district(opportunity.postcode)


def reasons(explanation: Any) -> list[tuple[str, str]]:
    """The parts of a match's score as (label, value) pairs, largest first; nothing if there are none."""
    if not isinstance(explanation, dict):
        return []
    parts = explanation.get("parts", explanation)
    if not isinstance(parts, dict):
        return []
    numeric: list[tuple[float, str, str]] = []
    for name, value in parts.items():
        label = REASONS.get(str(name), str(name).replace("_", " ").capitalize())
        if isinstance(value, bool) or not isinstance(value, int | float):
            numeric.append((0.0, label, str(value)))
        elif value > 0:
            numeric.append((float(value), label, f"{value:.2f}"))
    return [(label, text) for _, label, text in sorted(numeric, key=lambda part: -part[0])]


def helpers() -> dict[str, Any]:
    """What the student templates use."""
    return {
        "kind_label": lambda kind: KINDS.get(kind, kind),
        "route_label": lambda route: ROUTES.get(route, route),
        "pathway_label": lambda pathway: PATHWAYS.get(pathway, pathway),
        "benchmark_label": lambda benchmark: BENCHMARKS.get(benchmark, benchmark),
        "status_label": lambda status: STATUSES.get(status, (status, "grey")),
        "location": location,
        "reasons": reasons,
        "long_date": lambda day: f"{day.day} {day:%B %Y}" if day else "",
    }
