"""A matching round's policy: how scores are weighed, how long lists are, which seats are kept for whom."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Categories a student can belong to, in the order the Instance lists them.
CATEGORIES: tuple[str, ...] = ("disadvantaged", "send", "no_experience")


def _no_reserves() -> Mapping[str, float]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Policy:
    """Weights, list length, reserves and caps for one matching round; the defaults suit a careers hub.

    Score weights (each part is in [0, 1] before weighting, so a weight is the most that part can add):
    - choice: the student ranked this opportunity themselves: 1 for a first choice, falling evenly to
      1/k for the last of k choices. The heaviest part by default, because what a student asked for
      should outweigh what we infer; it is how rankings reach the optimal mechanism.
    - text: TF-IDF similarity of the student's statement and routes with the opportunity's words.
    - route: the opportunity's route is one the student chose.
    - pathway: the opportunity's pathway fits the student's (technical, academic, or both).
    - technical: an extra lift for technical opportunities to students open to them, because technical
      routes are promoted less than academic ones and the hub wants that redressed.
    - distance: exp(-km / distance_decay_km); remote opportunities score in full.
    - no_experience, disadvantaged, send: priority for students who have had no workplace experience yet,
      who are disadvantaged (pupil premium / free school meals), or who have special educational needs.
      They are the same for all of one student's options, so they move students up placements' orders
      (and the optimal mechanism's total), not placements within a student's list.

    List length (list_length=15 in-person and remote_length=4 remote besides the student's own ranking,
    about 15 options per student in the Instance): measured on the national synthetic round (650,000
    students x 325,000 opportunities, bench.pipeline, optimal mechanism), longer lists barely place
    more students but cost solver time:

        list_length/remote_length   pairs in Instance   students placed   mean score of the placed
        20/5 (until 2026-11-23)         13,188,157          493,549              3.011
        16/5                            10,685,240          493,308              2.984
        15/4                            10,049,462          493,251              2.970
        12/4                             8,152,046          492,757              2.937

    15/4 places 298 fewer students than 20/5 (0.06%) at a 1.4% lower mean score, and brings a national
    round (pipeline plus optimal) well under a minute on two cores (52 s against 61 s, peak 2.9 GB against
    3.5 GB); 12/4 would save a few seconds more but lose more (792 students, 2.5%). A round can set
    longer lists where time allows.

    School shares (school_share=True, for hub-wide rounds of many schools): each school is owed a share
    of the round's seats in proportion to its students, S * n_k / n with S = min(seats, students), rounded
    by largest remainder (matcher/shares.py). The optimal mechanism then places as many students as
    without shares and, among those allocations, as many as it can within their school's share before it
    looks at scores. A share is never a cap: a seat no other school can use still goes to a school past
    its share. The stable mechanism does not apply shares (as the optimal one does not apply reserves).
    """

    choice: float = 2.0
    text: float = 1.0
    route: float = 1.0
    pathway: float = 0.5
    technical: float = 0.25
    distance: float = 0.5
    no_experience: float = 0.5
    disadvantaged: float = 0.5
    send: float = 0.25
    distance_decay_km: float = 10.0
    # Options per student besides those they ranked themselves: the list_length best by score among the
    # list_length nearest in-person opportunities and remote_length remote ones that pass the rules.
    list_length: int = 15
    remote_length: int = 4
    # category -> seats kept for it in every placement: a share of capacity if below 1 (rounded half up),
    # else a whole number of seats. Listed order is the order the stable mechanism fills them.
    reserves: Mapping[str, float] = field(default_factory=_no_reserves)
    # At most this many students from one school per placement, unless the opportunity says otherwise.
    max_per_school: int | None = None
    # Each school's share of the round's seats, honoured softly by the optimal mechanism (see above).
    school_share: bool = False
    # Opportunity kinds in this round; None means every kind.
    kinds: frozenset[str] | None = None

    def __post_init__(self) -> None:
        for name in PARTS:
            # Bounded so ranks can be set apart from scores when lists are sorted (see pipeline.py).
            if not 0 <= getattr(self, name) <= 1000:
                raise ValueError(f"Policy weight {name} must be between 0 and 1000")
        if self.distance_decay_km <= 0:
            raise ValueError("Policy distance_decay_km must be positive")
        if self.list_length < 0 or self.remote_length < 0:
            raise ValueError("Policy list lengths must not be negative")
        for category, amount in self.reserves.items():
            if category not in CATEGORIES:
                raise ValueError(f"Unknown reserve category {category!r}; use one of {', '.join(CATEGORIES)}")
            if amount < 0 or (amount >= 1 and amount != int(amount)):
                raise ValueError(f"Reserve for {category} must be a share below 1 or whole seats")
        # A plain dict passed in would stay mutable behind a frozen policy.
        object.__setattr__(self, "reserves", MappingProxyType(dict(self.reserves)))

    @property
    def weights(self) -> dict[str, float]:
        """Weight of each score part, by part name."""
        return {name: float(getattr(self, name)) for name in PARTS}


# Score parts in the order explanations list them.
PARTS: tuple[str, ...] = (
    "choice",
    "text",
    "route",
    "pathway",
    "technical",
    "distance",
    "no_experience",
    "disadvantaged",
    "send",
)
