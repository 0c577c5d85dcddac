"""Student-proposing deferred acceptance with reserves and per-school caps, in numpy rounds.

Every (student, placement) pair gets one int64 key that orders pairs by placement, then score (higher
first), then the seeded lottery: the placement, the score's rank and the lottery number packed into bits.
Sorting keys therefore groups applicants by placement in priority order, so each round's choice is one
sort plus group ranks, whatever the number of placements; and a key's placement and student are read back
from its bits. (An instance too big for 63 bits numbers the pairs in that order instead.)

Each round, every unheld student with options left proposes to their next choice at once; each placement
that received proposals keeps its choice from what it held plus the newcomers and rejects the rest. The
documented choice rule is substitutable, so a student once rejected never becomes acceptable again and the
result is the student-optimal stable matching whatever the order of proposals. A placement chooses from
all its candidates in one step, so a chain of displacements that loops back to it cannot overfill it.

School shares (Instance.school_share, a hub-wide round's seats owed to each school) do not apply in this
mechanism, as reserves do not apply in the optimal one: a student's priority at a placement is their
score, whatever their school has been given elsewhere. The fairness report still shows each school's
share beside its students placed.
"""

from __future__ import annotations

import numpy as np

from matcher.instance import NO_CAP, UNASSIGNED, BoolArray, FloatArray, Instance, Int32Array, IntArray


def lottery(n_students: int, seed: int) -> IntArray:
    """Each student's lottery number for the seed: between equal scores, the lower number has priority."""
    return np.random.default_rng(seed).permutation(n_students).astype(np.int64)


def solve_stable(instance: Instance, seed: int) -> Int32Array:
    """The student-optimal stable assignment (placement index per student, -1 for none)."""
    return _DeferredAcceptance(instance, seed).run()


KEY_BITS = 63  # bits of a packed key; tests lower it to exercise the numbered keys


def _score_rank(score: FloatArray) -> IntArray:
    """Each score's rank among the distinct scores, 0 for the highest."""
    if len(score) == 0:
        return np.zeros(0, dtype=np.int64)
    by_score = np.argsort(-score)
    descending = -score[by_score]
    step = np.empty(len(score), dtype=np.int64)
    step[0] = 0
    np.not_equal(descending[1:], descending[:-1], out=step[1:])
    rank = np.empty(len(score), dtype=np.int64)
    rank[by_score] = np.cumsum(step)
    return rank


def _group_starts(groups: IntArray) -> IntArray:
    """Index of the first element of each run in a sorted array."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])


def _group_ids(groups: IntArray) -> tuple[IntArray, IntArray]:
    """For a sorted array: the run number of each element, and each run's first index."""
    starts = _group_starts(groups)
    ids = np.zeros(len(groups), dtype=np.int64)
    ids[starts[1:]] = 1
    return np.cumsum(ids), starts


def _rank_among(mask: BoolArray, group: IntArray, starts: IntArray) -> IntArray:
    """Position of each element among the masked elements of its group (meaningful where mask holds)."""
    running = np.cumsum(mask)
    before: IntArray = running[starts] - mask[starts]
    return running - 1 - before[group]


class _DeferredAcceptance:
    def __init__(self, instance: Instance, seed: int) -> None:
        self.instance = instance
        n, m = instance.n_students, instance.n_placements
        degree = np.diff(instance.pref_ptr)
        edge_student = np.repeat(np.arange(n, dtype=np.int64), degree)
        self._make_keys(instance.pref_placement.astype(np.int64), edge_student, lottery(n, seed))
        # No placement can hold more than applied to it, so slots cost at most one per pair.
        applicants = np.bincount(instance.pref_placement, minlength=m)
        self.seats = np.minimum(instance.capacity, applicants)
        self.slot_ptr = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(self.seats, out=self.slot_ptr[1:])
        self.slots = np.zeros(int(self.slot_ptr[-1]), dtype=np.int64)  # held keys, best first
        self.held = np.zeros(m, dtype=np.int64)
        has_reserves = len(instance.reserve_ptr) == m + 1 and len(instance.reserve_category) > 0
        self.reserve_count = np.diff(instance.reserve_ptr) if has_reserves else np.zeros(m, dtype=np.int64)
        self.capped = instance.max_per_school != NO_CAP
        self.simple = not has_reserves and not self.capped.any()

    def _make_keys(self, placement: IntArray, edge_student: IntArray, draw: IntArray) -> None:
        rank = _score_rank(self.instance.pref_score)
        draw_bits = max(len(draw) - 1, 1).bit_length()
        self.draw_bits = draw_bits
        self.place_shift = int(rank.max(initial=0)).bit_length() + draw_bits
        if max(self.instance.n_placements - 1, 1).bit_length() + self.place_shift <= KEY_BITS:
            # Packing needs no sort at all: the key is computed per pair and decoded by shifts.
            self.key_of_edge = (placement << self.place_shift) | (rank << draw_bits) | draw[edge_student]
            self.student_of_draw = np.empty(len(draw), dtype=np.int64)
            self.student_of_draw[draw] = np.arange(len(draw), dtype=np.int64)
            return
        order = np.lexsort((draw[edge_student], rank, placement))
        self.place_shift = -1
        self.key_of_edge = np.empty(len(order), dtype=np.int64)
        self.key_of_edge[order] = np.arange(len(order), dtype=np.int64)
        self.key_student = edge_student[order]
        self.key_place = placement[order]

    def _place(self, keys: IntArray) -> IntArray:
        """The placement of each key."""
        return keys >> self.place_shift if self.place_shift >= 0 else self.key_place[keys]

    def _student(self, keys: IntArray) -> IntArray:
        """The student of each key."""
        if self.place_shift >= 0:
            draws: IntArray = keys & ((1 << self.draw_bits) - 1)
            return self.student_of_draw[draws]
        return self.key_student[keys]

    def run(self) -> Int32Array:
        instance = self.instance
        n = instance.n_students
        next_edge = instance.pref_ptr[:-1].copy()
        last_edge = instance.pref_ptr[1:]
        free = np.flatnonzero(next_edge < last_edge) if len(self.slots) else np.zeros(0, dtype=np.int64)
        while len(free):
            edges = next_edge[free]
            next_edge[free] += 1
            keys = self.key_of_edge[edges]
            keys, rejected_now = self._quick_reject(keys)
            rejected = np.concatenate([rejected_now, self._propose(keys)])
            students = self._student(rejected)
            free = students[next_edge[students] < last_edge[students]]
        assignment = np.full(n, UNASSIGNED, dtype=np.int32)
        held = self._gather(np.flatnonzero(self.held))
        assignment[self._student(held)] = self._place(held)
        return assignment

    def _quick_reject(self, keys: IntArray) -> tuple[IntArray, IntArray]:
        # A full placement without reserves takes no one below its worst held applicant: with only open
        # seats, better applicants are chosen regardless of worse ones. Rejecting those here keeps the
        # placement out of the round's sort.
        place = self._place(keys)
        full = self.held[place] >= self.seats[place]
        worst_slot = self.slot_ptr[place] + np.maximum(self.held[place] - 1, 0)
        worst = np.where(self.held[place] > 0, self.slots[np.minimum(worst_slot, len(self.slots) - 1)], -1)
        reject = full & (self.reserve_count[place] == 0) & (keys > worst)
        return keys[~reject], keys[reject]

    def _gather(self, places: IntArray) -> IntArray:
        """The keys held by the given placements."""
        counts = self.held[places]
        total = int(counts.sum())
        offsets = np.repeat(self.slot_ptr[places] - (np.cumsum(counts) - counts), counts)
        return self.slots[offsets + np.arange(total, dtype=np.int64)]

    def _propose(self, keys: IntArray) -> IntArray:
        """Let the placements proposed to choose from held plus new keys; return the rejected keys."""
        if len(keys) == 0:
            return keys
        # A mask over placements finds the distinct ones in O(m), cheaper than np.unique's hashing here.
        touched = np.zeros(self.instance.n_placements, dtype=bool)
        touched[self._place(keys)] = True
        places = np.flatnonzero(touched)
        candidates = np.concatenate([self._gather(places), keys])
        candidates.sort()
        place = self._place(candidates)
        group, starts = _group_ids(place)
        chosen = self._choose(candidates, place, group, starts)
        kept = candidates[chosen]
        kept_group = group[chosen]
        kept_starts = _group_starts(kept_group)
        kept_place = place[chosen]
        rank = np.arange(len(kept), dtype=np.int64) - np.repeat(
            kept_starts, np.diff(np.r_[kept_starts, len(kept)])
        )
        self.slots[self.slot_ptr[kept_place] + rank] = kept
        self.held[places] = 0
        self.held[kept_place[kept_starts]] = np.diff(np.r_[kept_starts, len(kept)])
        # The choice rule can never pick more than a placement's seats; this guards the promise that no
        # place is double-booked against any future change to _choose.
        if (self.held[places] > self.seats[places]).any():
            raise RuntimeError("deferred acceptance overfilled a placement")
        return candidates[~chosen]

    def _choose(self, candidates: IntArray, place: IntArray, group: IntArray, starts: IntArray) -> BoolArray:
        """The documented choice rule, for candidates sorted by placement then priority."""
        seats = self.seats[place]
        if self.simple:
            return np.arange(len(candidates), dtype=np.int64) - starts[group] < seats
        instance = self.instance
        student = self._student(candidates)
        chosen = np.zeros(len(candidates), dtype=bool)
        reserve_count = self.reserve_count[place]
        # Reserve seats, one level at a time: level j is each placement's j-th listed category.
        for level in range(int(reserve_count.max(initial=0))):
            at_level = reserve_count > level
            entry = instance.reserve_ptr[place[at_level]] + level
            eligible = np.zeros(len(candidates), dtype=bool)
            eligible[at_level] = instance.student_categories[
                student[at_level], instance.reserve_category[entry]
            ]
            eligible &= ~chosen
            reserved = np.zeros(len(candidates), dtype=np.int64)
            reserved[at_level] = instance.reserve_seats[entry]
            chosen |= eligible & (_rank_among(eligible, group, starts) < reserved)
        open_seats = seats - np.bincount(group[chosen], minlength=len(starts))[group]
        eligible = ~chosen
        school = instance.student_school[student].astype(np.int64)
        # A student with no school given is from no school, so no cap applies to them.
        limited = eligible & self.capped[place] & (school >= 0)
        if limited.any():
            # Per (placement, school), only the best max_per_school of the rest can take open seats; a
            # student skipped for the cap is exactly one with that many better schoolmates still unchosen.
            index = np.flatnonzero(limited)
            order = np.lexsort((candidates[index], school[index], place[index]))
            index = index[order]
            pair = place[index] * (len(instance.school_names) + 1) + school[index]
            pair_group, pair_starts = _group_ids(pair)
            rank = np.arange(len(index), dtype=np.int64) - pair_starts[pair_group]
            over = rank >= instance.max_per_school[place[index]]
            eligible[index[over]] = False
        chosen |= eligible & (_rank_among(eligible, group, starts) < open_seats)
        return chosen
