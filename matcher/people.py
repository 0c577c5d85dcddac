"""The people and places a matching round reads: students and employers' opportunities.

The web app turns its database rows into these plain frozen records; the engine never sees a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Pathway = Literal["technical", "academic", "both"]
Kind = Literal["work_experience", "job_shadowing", "mentoring", "insight_day", "t_level_placement"]

# The 15 occupational routes shared by T Levels and apprenticeships (Institute for Apprenticeships and
# Technical Education), slug -> label.
ROUTES: dict[str, str] = {
    "agriculture-environmental-and-animal-care": "Agriculture, environmental and animal care",
    "business-and-administration": "Business and administration",
    "care-services": "Care services",
    "catering-and-hospitality": "Catering and hospitality",
    "construction-and-the-built-environment": "Construction and the built environment",
    "creative-and-design": "Creative and design",
    "digital": "Digital",
    "education-and-early-years": "Education and early years",
    "engineering-and-manufacturing": "Engineering and manufacturing",
    "hair-and-beauty": "Hair and beauty",
    "health-and-science": "Health and science",
    "legal-finance-and-accounting": "Legal, finance and accounting",
    "protective-services": "Protective services",
    "sales-marketing-and-procurement": "Sales, marketing and procurement",
    "transport-and-logistics": "Transport and logistics",
}

KINDS: dict[str, str] = {
    "work_experience": "Work experience",
    "job_shadowing": "Job shadowing",
    "mentoring": "Mentoring",
    "insight_day": "Insight day",
    "t_level_placement": "T Level industry placement",
}

PATHWAYS: dict[str, str] = {
    "technical": "Technical (T Levels, apprenticeships)",
    "academic": "Academic (A levels, degrees)",
    "both": "Both",
}


@dataclass(frozen=True, slots=True)
class Student:
    """A student as the matching round sees them; home postcode is for distance only."""

    id: str
    school: str
    year_group: int
    date_of_birth: date
    postcode: str | None
    max_travel_km: float
    routes: tuple[str, ...] = ()
    statement: str = ""
    pathway_interest: Pathway = "both"
    disadvantaged: bool = False
    send: bool = False
    has_workplace_experience: bool = False
    # Date ranges (first day, last day, inclusive) of placements the student has already accepted.
    busy: tuple[tuple[date, date], ...] = ()
    # Opportunity ids the student ranked, most wanted first.
    ranked: tuple[str, ...] = ()
    # Opportunity ids never to offer the student again: they turned them down or gave them up before.
    refused: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A published opportunity: seats at one employer, on given dates, for given year groups."""

    id: str
    kind: Kind
    title: str
    description: str
    route: str
    pathway: Pathway
    postcode: str | None
    remote: bool
    capacity: int
    start: date
    end: date  # last day, inclusive
    year_groups: tuple[int, ...]
    min_age: int = 0
    max_per_school: int | None = None
