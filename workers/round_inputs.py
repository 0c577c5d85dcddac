"""A round's database rows as the engine's plain records, and its policy as JSON and back."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from matcher.people import Opportunity, Student
from matcher.policy import Policy
from web.dao import rounds as dao
from web.models import MatchRound

_POLICY_FIELDS = tuple(f.name for f in fields(Policy) if f.name != "kinds")


def policy_as_dict(policy: Policy) -> dict[str, Any]:
    """A policy as JSON-ready values (the round's kind is kept on the round, not here)."""
    values = {name: getattr(policy, name) for name in _POLICY_FIELDS}
    values["reserves"] = dict(policy.reserves)
    return values


def default_policy() -> dict[str, Any]:
    """The engine's default policy, as stored on a new round."""
    return policy_as_dict(Policy())


def policy_for(match_round: MatchRound) -> Policy:
    """The round's policy, limited to the round's kind of opportunity if it has one."""
    stored = {name: value for name, value in (match_round.policy or {}).items() if name in _POLICY_FIELDS}
    kinds = frozenset({match_round.kind}) if match_round.kind else None
    return Policy(**stored, kinds=kinds)


@dataclass(frozen=True)
class RoundInputs:
    """The engine's records for one round, in the order the engine numbers them."""

    students: list[Student]
    opportunities: list[Opportunity]
    policy: Policy
    # (student id, opportunity id) -> the rank the student gave it
    ranks: dict[tuple[int, int], int]
    # Students of the round's scope left out, by why: "holding" a placement of its kind, "waiting" on one;
    # and "lapsed": published opportunities left out because their employer's evidence is not current.
    left_out: dict[str, Any]  # and "by_school": school id (a string, as JSON has it) -> those two counts
    # Database ids of the students measured from their school's postcode, their home one not being known.
    from_school: frozenset[int] = frozenset()

    def student_id(self, index: int) -> int:
        """Database id of the engine's student number `index`."""
        return int(self.students[index].id)

    def opportunity_id(self, index: int) -> int:
        """Database id of the engine's opportunity number `index`."""
        return int(self.opportunities[index].id)

    def pathways(self) -> list[str]:
        """Each opportunity's pathway, for the fairness report's technical and academic shares."""
        return [opportunity.pathway for opportunity in self.opportunities]


def load_round_inputs(match_round: MatchRound, policy: Policy, today: date) -> RoundInputs:
    """Read the round's students and opportunities and turn them into the engine's records.

    Each read is one query over the round's scope returning plain rows of the columns needed, so a
    hub-wide round of 35,000 students and 12,000 places reads in well under a second."""
    scope = dao.round_students(match_round, today)
    ranked = dao.rankings(match_round)
    experienced = dao.experienced_students(match_round)
    busy = dao.busy_dates(match_round)
    refused = dao.refused_places(match_round)
    places, lapsed = dao.round_opportunities(match_round, today)
    limit = dao.round_scope(match_round).max_travel_km
    students = []
    measured_from_school: set[int] = set()
    # Unpacked in the order of dao.STUDENT_COLUMNS: a row's fields by name cost more than the rest of the
    # record, 35,000 times over.
    for (
        student_id,
        school_id,
        year_group,
        date_of_birth,
        postcode,
        max_travel_km,
        routes,
        statement,
        pathway_interest,
        disadvantaged,
        send,
        available_from,
        available_until,
        from_school,
    ) in scope.students:
        if from_school:
            measured_from_school.add(student_id)
        students.append(
            Student(
                id=str(student_id),
                school=str(school_id),
                year_group=year_group,
                date_of_birth=date_of_birth,
                postcode=postcode or None,
                max_travel_km=float(max_travel_km if limit is None else min(max_travel_km, limit)),
                routes=tuple(map(str, routes or ())),
                statement=statement or "",
                pathway_interest=pathway_interest,
                disadvantaged=disadvantaged,
                send=send,
                has_workplace_experience=student_id in experienced,
                busy=tuple(busy.get(student_id, ())) + _unavailable(available_from, available_until),
                ranked=tuple(str(opportunity_id) for opportunity_id, _ in ranked.get(student_id, ())),
                refused=tuple(map(str, refused.get(student_id, ()))),
            )
        )
    opportunities = [
        Opportunity(
            id=str(place.id),
            kind=place.kind,
            title=place.title,
            description=place.description,
            route=place.route,
            pathway=place.pathway,
            postcode=None if place.remote else place.postcode,
            remote=place.remote,
            capacity=max(0, place.capacity - place.places_taken - place.held),
            start=place.start_date,
            end=place.end_date,
            year_groups=tuple(int(year) for year in place.year_groups or ()),
            min_age=place.min_age,
            max_per_school=place.max_per_school,
        )
        for place in places
    ]
    ranks = {
        (student_id, opportunity_id): rank
        for student_id, pairs in ranked.items()
        for opportunity_id, rank in pairs
    }
    return RoundInputs(
        students,
        opportunities,
        policy,
        ranks,
        {
            "holding": scope.holding,
            "waiting": scope.waiting,
            "lapsed": lapsed,
            "by_school": {str(school_id): counts for school_id, counts in scope.by_school.items()},
        },
        frozenset(measured_from_school),
    )


def _unavailable(available_from: date | None, available_until: date | None) -> tuple[tuple[date, date], ...]:
    # The engine keeps students off placements that clash with busy dates; days outside the student's
    # availability are busy in just that sense.
    spans: list[tuple[date, date]] = []
    if available_from is not None and available_from > date.min:
        spans.append((date.min, available_from - timedelta(days=1)))
    if available_until is not None and available_until < date.max:
        spans.append((available_until + timedelta(days=1), date.max))
    return tuple(spans)
