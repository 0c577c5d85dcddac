"""An independent plain-Python reading of the documented choice rule and of stability, to check stable.py.

Written from shared/allocation-instance.md alone, over the JSON document, sharing no code with the engine
except the seeded lottery that the format says breaks ties.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

Matching = dict[str, str | None]  # student id -> placement id or None


class Rules:
    """The document's choice rule, with priority = score, then lottery (lower number first)."""

    def __init__(self, document: dict[str, Any], lottery: dict[str, int]) -> None:
        self.students = {s["id"]: s for s in document["students"]}
        self.placements = {p["id"]: p for p in document["placements"]}
        self.scores = document["scores"]
        self.lottery = lottery

    def priority(self, placement: str, student: str) -> tuple[float, int]:
        return (-self.scores[student][placement], self.lottery[student])

    def choose(self, placement: str, applicants: set[str]) -> set[str]:
        """Which applicants the placement keeps: reserves in listed order, then open seats under the cap."""
        record = self.placements[placement]
        ranked = sorted(applicants, key=lambda s: self.priority(placement, s))
        chosen: list[str] = []
        for category, seats in (record.get("reserves") or {}).items():
            members = [
                s for s in ranked if s not in chosen and category in self.students[s].get("categories", [])
            ]
            chosen += members[:seats]
        open_seats = record["capacity"] - len(chosen)
        cap = record.get("max_per_school")
        from_school: Counter[str] = Counter()
        for s in ranked:
            if open_seats == 0:
                break
            school = self.students[s].get("school")
            if s in chosen or (cap is not None and school is not None and from_school[school] >= cap):
                continue
            chosen.append(s)
            from_school[school or ""] += 1
            open_seats -= 1
        return set(chosen)

    def blocking_pairs(self, matching: Matching) -> list[tuple[str, str]]:
        """Pairs (student, placement) blocking the matching; a placement rejecting one it holds blocks too."""
        holders: dict[str, set[str]] = {p: set() for p in self.placements}
        for s, p in matching.items():
            if p is not None:
                holders[p].add(s)
        blocks = [("-", p) for p, held in holders.items() if self.choose(p, held) != held]
        for s, record in self.students.items():
            for p in record["preferences"]:
                if p == matching[s]:
                    break
                if s in self.choose(p, holders[p] | {s}):
                    blocks.append((s, p))
        return blocks

    def all_matchings(self) -> Iterator[Matching]:
        """Every way of giving each student one of their listed placements or nothing."""
        options = [[None, *self.students[s]["preferences"]] for s in self.students]
        for combo in itertools.product(*options):
            yield dict(zip(self.students, combo, strict=True))

    def student_optimal(self) -> Matching | None:
        """By brute force, the stable matching each student likes at least as well as any other stable one."""
        stable = [m for m in self.all_matchings() if not self.blocking_pairs(m)]
        best: Matching = {}
        for s, record in self.students.items():
            rank = {p: i for i, p in enumerate(record["preferences"])}
            best[s] = min(
                (m[s] for m in stable), key=lambda p: len(rank) if p is None else rank[p], default=None
            )
        return best if best in stable else None
