"""Where a larger demo hub's other schools, employers and pupils are: real postcodes of Greater Manchester.

A pool of located postcodes is drawn reproducibly from each of the conurbation's ten local authorities
(matcher.postcodes); a school sits at one of them, and its pupils live at postcodes near it, as a secondary
school's do. The names are invented from real place names (web.demo.data).
"""

from __future__ import annotations

import random

import numpy as np

from matcher.postcodes import PostcodeIndex
from web.demo.data import EMPLOYER_STEMS, GREATER_MANCHESTER, SCHOOL_SUFFIXES

# Postcodes drawn from each local authority (the smallest, Oldham, has about 8,000 located ones).
POOL_PER_AUTHORITY = 6000
# A school's pupils live among the nearest this many postcodes of the pool: about two kilometres around it.
CATCHMENT = 1500
# What an employer is called when its place and trade are already taken.
EMPLOYER_SUFFIXES = ("Group", "Partnership", "Services", "and Co", "Ltd")


class Conurbation:
    """Greater Manchester as a pool of real postcodes, each with its local authority's place names."""

    def __init__(self, postcodes: PostcodeIndex, seed: int) -> None:
        self.codes: list[str] = []
        self.places: list[tuple[str, ...]] = []
        for k, (authority, places) in enumerate(GREATER_MANCHESTER.items()):
            drawn = postcodes.in_district(authority, POOL_PER_AUTHORITY, seed=seed + k)
            self.codes += drawn
            self.places += [places] * len(drawn)
        self.xy = postcodes.locate(self.codes)[0]
        self._postcodes = postcodes

    def school(self, taken: set[str], rng: random.Random) -> tuple[str, str]:
        """A new school's name (not in taken) and postcode, somewhere in the conurbation."""
        row = rng.randrange(len(self.codes))
        name = self._name(self.places[row], SCHOOL_SUFFIXES, ("",), taken, rng)
        return name, self.codes[row]

    def employer(self, route: str, taken: set[str], rng: random.Random) -> tuple[str, str]:
        """A new employer's name in its trade (not in taken) and postcode, somewhere in the conurbation."""
        row = rng.randrange(len(self.codes))
        name = self._name(self.places[row], EMPLOYER_STEMS[route], ("", *EMPLOYER_SUFFIXES), taken, rng)
        return name, self.codes[row]

    def homes_near(self, postcode: str, n: int, rng: random.Random) -> list[str]:
        """n home postcodes (distinct while the catchment lasts) among the nearest to this one."""
        squared = ((self.xy - self._postcodes.locate([postcode])[0][0]) ** 2).sum(axis=1)
        size = min(len(self.codes), max(CATCHMENT, n))
        nearest = np.argpartition(squared, size - 1)[:size]
        rows = sorted(int(row) for row in nearest)
        picked = rng.sample(rows, n) if n <= len(rows) else rng.choices(rows, k=n)
        return [self.codes[row] for row in picked]

    @staticmethod
    def _name(
        places: tuple[str, ...],
        middles: tuple[str, ...],
        suffixes: tuple[str, ...],
        taken: set[str],
        rng: random.Random,
    ) -> str:
        place = rng.choice(places)
        for suffix in suffixes:
            for middle in rng.sample(middles, len(middles)):
                name = " ".join(part for part in (place, middle, suffix) if part)
                if name not in taken:
                    taken.add(name)
                    return name
        # Every combination of this place is taken: number them, as a chain's branches are.
        number = 2
        while f"{place} {middles[0]} {number}" in taken:
            number += 1
        taken.add(f"{place} {middles[0]} {number}")
        return f"{place} {middles[0]} {number}"
