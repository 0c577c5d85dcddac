"""The service navigation each role sees."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_login import current_user

ROLE_LABELS = {
    "hub_admin": "Hub admin",
    "careers_leader": "Careers leader",
    "employer": "Employer",
    "student": "Student",
}

NAVIGATION = {
    "hub_admin": [
        ("Overview", "hub.overview"),
        ("Schools", "hub.schools"),
        ("Employers", "hub.employers"),
        ("Encounter offers", "hub.encounter_offers"),
        ("Encounter requests", "hub.encounter_requests"),
        ("Events", "encounters.events"),
        ("Matching rounds", "hub.rounds"),
        ("Entitlements", "planner.targets"),
        ("Forecast", "planner.forecast"),
        ("Term plans", "planner.plans"),
        ("Employer asks", "planner.asks"),
        ("Reports", "reports.hub"),
        ("Data protection", "privacy.hub_schedule"),
        ("Team", "accounts.team"),
    ],
    "careers_leader": [
        ("Students", "careers.students"),
        ("Matching rounds", "careers.rounds"),
        ("Placements", "careers.placements"),
        ("Found by students", "careers.own_placements"),
        ("Encounters", "careers.encounters"),
        ("Encounter requests", "careers.encounter_requests"),
        ("Event places", "encounters.school_events"),
        ("Provider access", "careers.provider_access"),
        ("Entitlements", "planner.year_ledger"),
        ("Term plan", "planner.school_plan"),
        ("Parents", "careers.parent_links"),
        ("Reports", "reports.school"),
        ("Team", "accounts.team"),
    ],
    "employer": [
        ("Opportunities", "employers.opportunities"),
        ("Encounter offers", "employers.encounter_offers"),
        ("Asks from the hub", "employers.asks"),
        ("Requests from schools", "employers.encounter_requests"),
        ("Events", "encounters.employer_events"),
        ("Your organisation", "employers.organisation"),
        ("Team", "accounts.team"),
    ],
    "student": [
        ("Home", "students.home"),
        ("Your interests", "students.interests"),
        ("Opportunities", "students.opportunities"),
        ("Your choices", "students.choices"),
        ("Your offers", "students.offers"),
        ("Your events", "encounters.pupil_events"),
        ("My record", "students.record"),
        ("Placements you found", "students.own_placements"),
    ],
}


def register(app: Flask) -> None:
    """Make role_navigation() and role_label() available to templates."""

    def role_navigation() -> list[dict[str, object]]:
        if not current_user.is_authenticated:
            return []
        return [
            {"text": text, "href": url_for(endpoint), "active": request.endpoint == endpoint}
            for text, endpoint in NAVIGATION[current_user.role]
        ]

    app.add_template_global(role_navigation)
    app.add_template_global(ROLE_LABELS.get, name="role_label")
