"""Candidates: the (student, opportunity) pairs that pass the hard rules, nearest first.

The rules: the opportunity is of a kind the round covers, has seats and has not started by today; the
student's year group is one it takes; the student is at least its minimum age on its first day; it does not
overlap a placement the student has already accepted; and it is remote or within the student's travel limit.
Each student keeps the opportunities they ranked themselves that pass, plus, beyond those, the policy's
list_length nearest in-person ones and remote_length remote ones. A student without a located postcode gets
remote ones only.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import chain

import numpy as np
import numpy.typing as npt
from sklearn.neighbors import KDTree

from matcher.columns import bits, column, values
from matcher.people import Opportunity, Student
from matcher.policy import Policy
from matcher.postcodes import PostcodeIndex
from matcher.segments import group_order, order_within

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

_THREADS = 2  # KDTree queries release the GIL; this machine class has two cores
_CHUNK = 1 << 21  # (students x neighbours) per query batch, to bound memory
_FIRST = np.float32(1 << 23)  # subtracted from a rank so it sorts before any distance (float32-exact)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Pairs grouped by student: student s's pairs are ptr[s]:ptr[s+1], own ranking first, then nearest."""

    ptr: IntArray  # (n + 1,)
    student: Int32Array  # (E,)
    opportunity: Int32Array  # (E,)
    distance_km: Float32Array  # (E,), 0 for a remote opportunity
    remote: BoolArray  # (E,)
    rank: Int32Array  # (E,), position in the student's own ranking, -1 if they did not rank it
    # Students whose postcode is given but unknown or unlocatable (they got remote options only), and
    # in-person opportunities without a located postcode (nobody got them): for the round's report.
    unlocated_students: Int32Array
    unlocated_opportunities: Int32Array

    def __len__(self) -> int:
        return int(self.opportunity.shape[0])


@dataclass(frozen=True, eq=False)
class _Students:
    year: IntArray
    born_year: IntArray
    born_md: IntArray  # month * 100 + day
    xy: FloatArray  # (n, 2) metres, NaN where not located
    reach: FloatArray  # metres; -1 where not located, so nothing in person is in reach
    route: IntArray  # first chosen route's index in the round's route list, -1 if none
    busy_ptr: IntArray
    busy_start: IntArray  # proleptic ordinals
    busy_end: IntArray


@dataclass(frozen=True, eq=False)
class _Opportunities:
    year_mask: IntArray  # bit y set when year group y may take part
    min_age: IntArray
    start: IntArray  # ordinal
    end: IntArray
    start_year: IntArray
    start_md: IntArray
    open: BoolArray  # kind in the round, seats, not started
    remote: BoolArray
    xy: FloatArray
    located: BoolArray
    route: IntArray


def candidates(
    students: Sequence[Student],
    opportunities: Sequence[Opportunity],
    policy: Policy,
    postcodes: PostcodeIndex,
    today: date,
) -> Candidates:
    """Find every student's eligible opportunities: their own ranked ones, the nearest, and some remote."""
    routes = {route: i for i, route in enumerate(sorted({o.route for o in opportunities}))}
    st, unlocated_students = _student_columns(students, postcodes, routes)
    op = _opportunity_columns(opportunities, postcodes, routes, policy, today)
    unlocated_opportunities = np.flatnonzero(~op.remote & ~op.located).astype(np.int32)
    own = _ranked(students, opportunities, st, op)
    # The lists' lengths count options beyond the student's own ranking, which the searches may find again.
    own_remote = op.remote[own[1]]
    # Places a student refused before are dropped below: look that many further, so their list is as long.
    refused = _refused(students, opportunities)
    again = np.bincount(refused // max(len(opportunities), 1), minlength=len(students))
    in_person = policy.list_length + again + np.bincount(own[0][~own_remote], minlength=len(students))
    remote = policy.remote_length + again + np.bincount(own[0][own_remote], minlength=len(students))
    others = [*_nearest(st, op, in_person), _remote(st, op, remote)]
    s, o, km, rank = (np.concatenate([own[i], *(p[i] for p in others)]) for i in range(4))
    del others
    # A ranked opportunity may also be among the nearest: keep it once, as ranked.
    keep = np.ones(len(s), dtype=bool)
    keep[len(own[0]) :] = ~_ranked_already(own, s[len(own[0]) :], o[len(own[0]) :], len(students))
    s, o, km, rank = s[keep], o[keep], km[keep], rank[keep]
    if len(refused):
        keep = ~np.isin(s.astype(np.int64) * len(opportunities) + o, refused)
        s, o, km, rank = s[keep], o[keep], km[keep], rank[keep]
    del keep
    order, ptr = group_order(s, len(students))
    # Within a student: own ranking first, in its order, then nearest first.
    key = np.where(rank >= 0, rank.astype(np.float32) - _FIRST, km)[order]
    order = order[order_within(ptr, key)]
    del key
    s, o, km, rank = s[order], o[order], km[order], rank[order]
    return Candidates(
        ptr=ptr,
        student=s,
        opportunity=o,
        distance_km=km,
        remote=op.remote[o],
        rank=rank,
        unlocated_students=unlocated_students,
        unlocated_opportunities=unlocated_opportunities,
    )


def _student_columns(
    students: Sequence[Student], postcodes: PostcodeIndex, routes: dict[str, int]
) -> tuple[_Students, Int32Array]:
    year = column(students, "year_group", np.int64)
    if len(year) and (year.min() < 0 or year.max() > 62):
        raise ValueError("Year groups must be between 0 and 62")
    born_year = column(students, "date_of_birth.year", np.int64)
    born_md = column(students, "date_of_birth.month", np.int64) * 100 + column(
        students, "date_of_birth.day", np.int64
    )
    homes = values(students, "postcode")
    xy, located = postcodes.locate(homes)
    given = np.array(homes, dtype=object) != None  # noqa: E711 (elementwise, not identity)
    reach = column(students, "max_travel_km", np.float64) * 1000.0
    reach[~located] = -1.0
    route = np.fromiter(
        (routes.get(s.routes[0], -1) if s.routes else -1 for s in students), np.int64, len(students)
    )
    counts = np.fromiter(map(len, values(students, "busy")), np.int64, len(students))
    busy_ptr = np.zeros(len(students) + 1, dtype=np.int64)
    np.cumsum(counts, out=busy_ptr[1:])
    spans = [span for s in students for span in s.busy]
    busy_start = np.fromiter((a.toordinal() for a, _ in spans), np.int64, len(spans))
    busy_end = np.fromiter((b.toordinal() for _, b in spans), np.int64, len(spans))
    columns = _Students(year, born_year, born_md, xy, reach, route, busy_ptr, busy_start, busy_end)
    return columns, np.flatnonzero(given & ~located).astype(np.int32)


def _opportunity_columns(
    opportunities: Sequence[Opportunity],
    postcodes: PostcodeIndex,
    routes: dict[str, int],
    policy: Policy,
    today: date,
) -> _Opportunities:
    m = len(opportunities)
    years = np.fromiter(chain.from_iterable(values(opportunities, "year_groups")), np.int64)
    if len(years) and (years.min() < 0 or years.max() > 62):
        bad = next(o for o in opportunities if any(not 0 <= y <= 62 for y in o.year_groups))
        raise ValueError(f'Opportunity "{bad.id}" has a year group outside 0 to 62')
    year_mask = bits(opportunities, "year_groups", {y: y for y in range(63)})
    start = np.fromiter(map(date.toordinal, values(opportunities, "start")), np.int64, m)
    open_ = (column(opportunities, "capacity", np.int64) > 0) & (start >= today.toordinal())
    if policy.kinds is not None:
        open_ &= np.isin(np.array(values(opportunities, "kind"), dtype=object), list(policy.kinds))
    remote = column(opportunities, "remote", bool)
    xy, located = postcodes.locate([None if o.remote else o.postcode for o in opportunities])
    return _Opportunities(
        year_mask=year_mask,
        min_age=column(opportunities, "min_age", np.int64),
        start=start,
        end=np.fromiter(map(date.toordinal, values(opportunities, "end")), np.int64, m),
        start_year=column(opportunities, "start.year", np.int64),
        start_md=column(opportunities, "start.month", np.int64) * 100
        + column(opportunities, "start.day", np.int64),
        open=open_,
        remote=remote,
        xy=xy,
        located=located,
        route=np.fromiter(map(routes.__getitem__, values(opportunities, "route")), np.int64, m),
    )


def _passes(st: _Students, op: _Opportunities, s: IntArray, o: IntArray) -> BoolArray:
    """The rules that depend on both sides, except distance: year group, age on the first day, no clash."""
    ok: BoolArray = ((op.year_mask[o] >> st.year[s]) & 1).astype(bool)
    age = op.start_year[o] - st.born_year[s] - (op.start_md[o] < st.born_md[s])
    ok &= age >= op.min_age[o]
    busy = st.busy_ptr[s + 1] - st.busy_ptr[s]
    for j in range(int(busy.max()) if len(busy) else 0):
        has = np.flatnonzero(busy > j)
        b = st.busy_ptr[s[has]] + j
        clash = (st.busy_start[b] <= op.end[o[has]]) & (op.start[o[has]] <= st.busy_end[b])
        ok[has[clash]] = False
    return ok


_Pairs = tuple[Int32Array, Int32Array, Float32Array, Int32Array]  # student, opportunity, km, rank


def _ranked_already(own: _Pairs, s: Int32Array, o: Int32Array, n: int) -> BoolArray:
    """Whether each pair (s, o) is one of the student's own ranked pairs."""
    if len(own[0]) == 0:
        return np.zeros(len(s), dtype=bool)
    order, ptr = group_order(own[0], n)
    width = int(np.diff(ptr).max())
    table = np.full((n, width), -1, dtype=np.int32)  # each student's ranked opportunities, a row each
    table[own[0][order], np.arange(len(order)) - ptr[own[0][order]]] = own[1][order]
    found: BoolArray = (table[s] == o[:, None]).any(axis=1)
    return found


def _empty() -> _Pairs:
    nothing = np.zeros(0, dtype=np.int32)
    return nothing, nothing, np.zeros(0, dtype=np.float32), nothing


def _ranked(
    students: Sequence[Student], opportunities: Sequence[Opportunity], st: _Students, op: _Opportunities
) -> _Pairs:
    """Each student's own ranked opportunities that pass every rule, with their rank."""
    index = {o.id: j for j, o in enumerate(opportunities)}
    counts = np.fromiter(map(len, values(students, "ranked")), np.int64, len(students))
    # A ranked opportunity that has since closed is not in the round: -1, and simply not offered.
    listed = np.fromiter(
        (index.get(oid, -1) for student in students for oid in student.ranked), np.int64, int(counts.sum())
    )
    s = np.repeat(np.arange(len(students), dtype=np.int64), counts)
    rank = np.arange(len(listed)) - np.repeat(np.cumsum(counts) - counts, counts)
    known = listed >= 0
    s, o, rank = s[known], listed[known], rank[known]
    d = np.sqrt(((st.xy[s] - op.xy[o]) ** 2).sum(axis=1))
    d[op.remote[o]] = 0.0
    # NaN distances (either side unlocated) compare False, so they fail unless the opportunity is remote.
    ok = op.open[o] & (op.remote[o] | (d <= st.reach[s])) & _passes(st, op, s, o)
    return _compact(s[ok], o[ok], d[ok], rank[ok])


def _refused(students: Sequence[Student], opportunities: Sequence[Opportunity]) -> IntArray:
    """The pairs no student may be offered again, each as student * len(opportunities) + opportunity."""
    index = {o.id: j for j, o in enumerate(opportunities)}
    m = len(opportunities)
    pairs = [i * m + index[o] for i, student in enumerate(students) for o in student.refused if o in index]
    return np.array(pairs, dtype=np.int64)


def _compact(s: IntArray, o: IntArray, metres: FloatArray, rank: IntArray) -> _Pairs:
    """Pairs as they are kept: 14 bytes each, as a national round has about 15 million."""
    return s.astype(np.int32), o.astype(np.int32), (metres / 1000.0).astype(np.float32), rank.astype(np.int32)


def _nearest(st: _Students, op: _Opportunities, limit: IntArray) -> list[_Pairs]:
    """Up to limit[s] nearest in-person opportunities per student s that pass the rules, one tree per year."""
    found: list[_Pairs] = []
    in_person = op.open & ~op.remote & op.located
    for year in np.unique(st.year):
        places = np.flatnonzero(in_person & (((op.year_mask >> year) & 1) == 1))
        people = np.flatnonzero((st.year == year) & (st.reach >= 0) & (limit > 0))
        if len(places) == 0 or len(people) == 0:
            continue
        tree = KDTree(op.xy[places])
        # Neighbouring queries share tree nodes: taking students in map order keeps them in cache.
        people = people[np.lexsort((st.xy[people, 1], st.xy[people, 0] // 5000))]
        found.extend(_search(tree, places, people, st, op, limit))
    return found


def _search(
    tree: KDTree, places: IntArray, people: IntArray, st: _Students, op: _Opportunities, limit: IntArray
) -> list[_Pairs]:
    """Query the tree for ever more neighbours until each student has `limit` or has run out of reach."""
    found: list[_Pairs] = []
    have = np.zeros(len(people), dtype=np.int64)  # passing pairs found so far, per student
    seen = 0  # neighbours already examined
    k = min(int(limit[people].mean() * 1.5) + 4, len(places))
    with ThreadPoolExecutor(_THREADS) as pool:
        while len(people):
            size = max(1, _CHUNK // k)
            futures = [
                pool.submit(
                    _probe, tree, places, people[a : a + size], have[a : a + size], st, op, limit, seen, k
                )
                for a in range(0, len(people), size)
            ]
            probes = [future.result() for future in futures]
            found.extend(pairs for pairs, _, _ in probes)
            if k >= len(places):
                break
            have = np.concatenate([count for _, count, _ in probes])
            more = np.concatenate([short for _, _, short in probes])
            people, have = people[more], have[more]
            seen, k = k, min(k * 4, len(places))
    return found


def _probe(
    tree: KDTree,
    places: IntArray,
    people: IntArray,
    have: IntArray,
    st: _Students,
    op: _Opportunities,
    limit: IntArray,
    seen: int,
    k: int,
) -> tuple[_Pairs, IntArray, BoolArray]:
    """Neighbours seen..k of some students: the passing pairs, each student's count, who needs more."""
    dist, nb = tree.query(st.xy[people], k=k)
    dist, nb = dist[:, seen:], nb[:, seen:]
    reach = st.reach[people]
    ok = dist <= reach[:, None]
    rows, cols = np.nonzero(ok)
    s, o = people[rows], places[nb[rows, cols]]
    ok[rows, cols] = _passes(st, op, s, o)
    # Neighbours come nearest first, so a student's first passing ones are the nearest.
    wanted = limit[people]
    ok &= (np.cumsum(ok, axis=1) + have[:, None]) <= wanted[:, None]
    rows, cols = np.nonzero(ok)
    pairs = _compact(people[rows], places[nb[rows, cols]], dist[rows, cols], np.full(len(rows), -1))
    count = have + ok.sum(axis=1)
    # Still short, and the farthest neighbour looked at was in reach: more may lie beyond it.
    short = (count < wanted) & (dist[:, -1] <= reach) if dist.shape[1] else np.zeros(len(people), bool)
    return pairs, count, short


def _remote(st: _Students, op: _Opportunities, limit: IntArray) -> _Pairs:
    """Up to limit[s] remote opportunities per student that pass the rules, in the student's first route
    first; every student starts at a different point of the list so remote seats are spread, not raced."""
    pool = np.flatnonzero(op.open & op.remote)
    n = len(st.year)
    if len(pool) == 0 or n == 0 or limit.max() == 0:
        return _empty()
    # A fixed shuffle, so the same round gives the same candidates.
    pool = pool[np.random.default_rng(0).permutation(len(pool))]
    by_route = pool[np.argsort(op.route[pool], kind="stable")]
    route_start = np.searchsorted(op.route[by_route], np.arange(op.route.max() + 2))
    found: list[_Pairs] = []
    step = max(1, (_CHUNK // 2) // (4 * int(limit.max())))
    for a in range(0, n, step):
        people = np.arange(a, min(a + step, n), dtype=np.int64)
        offset = (people * 2654435761) % (1 << 32)  # Knuth's multiplicative hash: a spread, fixed start
        # Probes in the student's own route, then in the whole list.
        wanted = st.route[people]
        lo = np.where(wanted >= 0, route_start[np.maximum(wanted, 0)], 0)
        size = np.where(wanted >= 0, route_start[np.maximum(wanted, 0) + 1] - lo, 0)
        probes = 2 * limit[people]
        take = np.minimum(size, probes)
        s1 = np.repeat(people, take)
        j1 = np.arange(len(s1)) - np.repeat(np.cumsum(take) - take, take)
        o1 = by_route[
            np.repeat(lo, take) + (np.repeat(offset, take) + j1) % np.repeat(np.maximum(size, 1), take)
        ]
        general = np.minimum(len(pool), probes)
        s2 = np.repeat(people, general)
        j2 = np.arange(len(s2)) - np.repeat(np.cumsum(general) - general, general)
        o2 = pool[(np.repeat(offset, general) + j2) % len(pool)]
        if len(s1):
            # The whole list's probes may meet the route's again: drop those.
            table = np.full((len(people), int(take.max())), -1, dtype=np.int64)
            table[s1 - a, j1] = o1
            again = (table[s2 - a] == o2[:, None]).any(axis=1)
            s2, o2 = s2[~again], o2[~again]
        s = np.concatenate([s1, s2])
        o = np.concatenate([o1, o2])
        order = np.argsort(s, kind="stable")  # group by student, probe order kept
        s, o = s[order], o[order]
        ok = _passes(st, op, s, o)
        s, o = s[ok], o[ok]
        starts = np.searchsorted(s, s, side="left")
        keep = (np.arange(len(s)) - starts) < limit[s]
        found.append(_compact(s[keep], o[keep], np.zeros(int(keep.sum())), np.full(int(keep.sum()), -1)))
    return (
        np.concatenate([f[0] for f in found]),
        np.concatenate([f[1] for f in found]),
        np.concatenate([f[2] for f in found]),
        np.concatenate([f[3] for f in found]),
    )
