"""Plain words for codes on the student's pages: kinds, routes, pathways, places and why a match was made."""

from __future__ import annotations

from typing import Any

from matcher.people import KINDS, PATHWAYS, ROUTES
from web.dates import long_date
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
    "withdrawn": ("You withdrew", "grey"),
    "employer_declined": ("Declined by the employer", "red"),
    "cancelled": ("Cancelled", "red"),
    "consent_expired": ("Consent not given in time", "red"),
}

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")

# Parts of the engine's score (matcher/policy.py PARTS) said the way a student would, when they counted.
# Disadvantage and SEND priorities are left out: a student's screen is not the place to name them.
PART_REASONS = {
    "route": "It is in an area of work you chose",
    "text": "It matches what you said you would like to do",
    "pathway": "It fits the kind of course or training you are interested in",
    "technical": "It is on a technical route, like T Levels and apprenticeships",
    "no_experience": "You have not had a workplace experience yet, so you were given priority",
}
# A text match this small is a word or two in common, not a reason a person would give.
TEXT_MATCH_AT_LEAST = 0.1


def location(opportunity: Any) -> str:
    """'Remote', or the postcode district only: a listing never needs a full address."""
    return "Remote" if opportunity.remote else district(opportunity.postcode)


def reasons(allocation: Any, opportunity: Any) -> list[str]:
    """Why the student was matched, in plain words and never score numbers: their own ranking, how far
    it is, and the parts of the score that counted."""
    explanation = allocation.explanation if isinstance(allocation.explanation, dict) else {}
    parts = explanation.get("parts", explanation)
    parts = parts if isinstance(parts, dict) else {}
    found = []
    if allocation.rank and 1 <= allocation.rank <= len(ORDINALS):
        found.append(f"You ranked it {ORDINALS[allocation.rank - 1]}")
    if opportunity.remote:
        found.append("It is online, so there is no travel")
    elif isinstance(explanation.get("distance_km"), int | float):
        km = round(explanation["distance_km"])
        found.append("Less than 1 km from home" if km < 1 else f"About {km} km from home")
    for name, reason in PART_REASONS.items():
        value = parts.get(name)
        if isinstance(value, int | float) and value > (TEXT_MATCH_AT_LEAST if name == "text" else 0):
            found.append(reason)
    return found


PATHWAY_FITS = {
    "technical": "Fits your interest in T Levels and apprenticeships",
    "academic": "Fits your interest in A levels and degrees",
}


def listing_reasons(row: Any, pathway_interest: str, from_school: bool = False) -> list[str]:
    """Why a place on the opportunities list suits the student, in plain words: the parts of the engine's
    score that counted for it (their areas of work, distance from home, or from school if their home
    postcode is not known, their pathway)."""
    found = []
    if row.in_route:
        label = ROUTES.get(row.route, row.route)
        found.append(f"Matches your interest in {label[:1].lower()}{label[1:]}")
    if row.remote:
        found.append("Online, so there is no travel")
    elif row.km is not None:
        km = round(row.km)
        where = "school" if from_school else "home"
        found.append(f"Less than 1 km from {where}" if km < 1 else f"About {km} km from {where}")
    if row.fits_pathway and pathway_interest in PATHWAY_FITS:
        found.append(PATHWAY_FITS[pathway_interest])
    return found


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
        "listing_reasons": listing_reasons,
        "long_date": lambda day: long_date(day) if day else "",
    }
