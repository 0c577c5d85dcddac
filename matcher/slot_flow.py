"""The network behind matcher.slots: pupils to the time slots of encounter events, as one min-cost flow.

Pupils alike (the same school, tier and max_slots, listing the same slots with the same scores in the same
order: pupil_kinds) cannot be told apart by the network, so they share one node, a kind of c pupils, and
each arc carries one unit per pupil of the kind (a hub's 35,000 pupils are about 1,100 kinds, and the
network about thirty times smaller). Nodes: slots (supplying their places), a node per clash group of a kind
that lists two or more slots of the group, kinds, a node per school (only with shares), and one sink. Arcs:

    slot -> group (or straight to the kind for a group of one)    capacity c, cost: the pair's score
    group -> kind                                                 capacity c: one slot per group each
    kind -> school (or sink), one arc per depth d = 1..k_p        capacity c, cost M * class(d, tier)
    school -> sink: within its share at no cost, the rest at P     (as matcher.optimal does for shares)

with k_p = min(max_slots[p], p's clash groups). A kind's places are dealt to its pupils in a seeded order,
a group at a time, going on round the pupils from where the last group stopped: a group brings at most c
places, so no pupil gets two of one group, and the pupils' counts differ by one at most. That is the
cheapest use of the depth arcs (the d-th arc is dearer than the (d-1)-th, so a flow fills it only when
every pupil of the kind has d - 1 places), so the dealt places cost what the flow did; and any allocation
of single pupils maps to a flow of the kinds at no greater cost. The optimum below is therefore the
optimum of the network of single pupils, with the same M and P.

`solve_max_flow_with_min_cost` fills the most places first; the costs then settle, exactly and in this
order:

1. Classes. A pupil's d-th place in tier t is in class (d, t), ranked depth first, then tier (so every
   first place before any second, and within a depth, tier 0 before 1 before 2 before 3). The classes
   that occur get consecutive ranks w = 0, 1, 2, ... The vector of units a flow sends through each class
   lies in a polymatroid (a flow from many sources to several sink classes), so for costs increasing in
   the rank the cheapest vector is the greedy one: the most units in class 0, then the most in class 1
   given that, and so on, and it is the only cheapest vector. Greedy vectors of a polymatroid are bases,
   so this order never costs a seat: serving breadth and tier first still fills the most places, and
   "places first" and "breadth first" do not conflict. A flow reaching the greedy vector uses each pupil's
   depth arcs in order (moving a unit from depth d' to an unused d < d' would be cheaper), so the count in
   class (d, t) is the number of tier-t pupils holding at least d slots.
2. Places within school shares (soft: a share never caps), then 3. the total score (SCALE steps).

Why M and P are exact, and small. Let x* be the lexicographic optimum and x any flow of the same (maximum)
value. x - x* splits into simple cycles of x*'s residual network (with a super source feeding the slots),
each of which alone keeps x* feasible, so each is lexicographically non-negative in (class, past share,
score). A simple cycle visits the sink once at most, so it moves at most one unit past or within a share,
and it undoes at most F slot arcs that carry flow (F the most places that can be filled), so it lowers the
score cost by at most C * F (C the largest pair cost). With P = C * F + 1 and M = P + C * F + 1 every cycle
that worsens the classes costs more than it can save below them, and likewise for shares over score; so
the optimum of the weighted costs is x*. The largest cost is M * (classes - 1): at the hub season of
bench/events.py with shares (C = 1000, F = 67,096, 16 classes) M = 134,526,002 and the largest cost
2.0 * 10^9, which scaled by the solver's nodes (212,000 there with a node per pupil, far fewer by kinds)
stays about 2,700 times inside int64 (checked by cost_fits; a wider instance is refused, not solved
wrongly).

Clash groups, conservatively: a pupil's listed slots are grouped into runs chained by overlap (connected
components of the interval graph, slots touching end to start do not overlap), and the runs holding slots
of one event marked one-each are merged. At most one slot per group: never two at once, and exactly one
per period where a fair's periods are aligned. Where slots are not aligned the rule can refuse a pair that
would not clash: of 9:00-10:00, 9:30-10:30 and 10:00-11:00 a pupil gets one, though the first and last
do not overlap.

Ties: the seed permutes the kind nodes (in blocks, for memory locality: _pupil_nodes) and the order of
the arcs, as in matcher.optimal, and orders each kind's pupils for the deal.

Separate networks (sharing no slot, pupil or school; only the sink) are separate problems with the same
optimum, so from SPLIT_FROM arcs they are packed in two and solved at once (matcher.optimal.solve_apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from matcher.instance import BoolArray, FloatArray, Int32Array, IntArray
from matcher.optimal import cost_fits, integer_costs, solve_apart

Int8Array = npt.NDArray[np.int8]
TIERS = 4  # 0 no encounter and priority, 1 no encounter, 2 priority, 3 the rest
# Arcs from which the separate networks are solved at once in two processes: the class costs make this
# flow slow (about 10 s a million arcs), so a child process pays for itself far below optimal's threshold.
SPLIT_FROM = 250_000


def entry_pupil(pref_ptr: IntArray) -> Int32Array:
    """The pupil of each entry of the CSR lists."""
    return np.repeat(np.arange(pref_ptr.size - 1, dtype=np.int32), np.diff(pref_ptr))


def clash_groups(
    pupil: Int32Array,
    slot: Int32Array,
    start: IntArray,
    end: IntArray,
    event: Int32Array,
    one_each: BoolArray,
) -> IntArray:
    """Clash group of each entry (numbered 0.. over all pupils): overlap runs merged by one-each events."""
    size = slot.size
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    begin, finish = start[slot].astype(np.int64), end[slot].astype(np.int64)
    base = int(begin.min())
    span = int(finish.max()) - base + 1
    if span * (int(pupil.max()) + 1) >= 2**62:
        raise ValueError("slot times span too wide; give them in minutes from a nearer origin")
    # Each pupil's times shifted into a band of their own, so one sort and one running maximum serve all.
    shift = pupil.astype(np.int64) * span - base
    lo, hi = begin + shift, finish + shift
    order = np.argsort(lo, kind="stable")
    reach = np.maximum.accumulate(hi[order])
    new = np.ones(size, dtype=bool)
    new[1:] = lo[order][1:] >= reach[:-1]
    run = np.empty(size, dtype=np.int64)
    run[order] = np.cumsum(new) - 1
    once = one_each[event[slot]]
    if not once.any():
        return run
    runs = int(run.max()) + 1
    key = pupil[once].astype(np.int64) * max(one_each.size, 1) + event[slot[once]]
    _, key_node = np.unique(key, return_inverse=True)
    nodes = runs + int(key_node.max()) + 1
    links = sp.coo_matrix(
        (np.ones(int(once.sum()), dtype=np.int8), (run[once], runs + key_node)), shape=(nodes, nodes)
    ).tocsr()
    # Every key node hangs off a run, so the runs' labels are 0..components-1 with none missing.
    _, label = connected_components(links, directed=False)
    merged: IntArray = label[run].astype(np.int64)
    return merged


@dataclass(frozen=True)
class Flow:
    """What the solve gave: each entry given or not, and the weights used."""

    given: BoolArray  # (E,)
    weights: dict[str, int]
    seconds: dict[str, float]  # build (kinds, groups and network), solve


def pupil_kinds(
    pref_ptr: IntArray,
    pref_slot: Int32Array,
    pref_score: FloatArray,
    max_slots: IntArray,
    tier: Int8Array,
    pupil_school: Int32Array,
) -> tuple[IntArray, IntArray]:
    """Each pupil's kind (numbered 0.. in order of its first pupil) and the first pupil of each kind.

    Pupils of one kind have the same school, tier and max_slots and list the same slots with the same scores
    in the same order, so the network cannot tell them apart.
    """
    slots = pref_slot.astype(np.int32).tobytes()
    scores = pref_score.astype(np.float64).tobytes()
    ptr = pref_ptr.tolist()
    seen: dict[tuple[int, int, int, bytes, bytes], int] = {}
    kind: list[int] = []
    first: list[int] = []
    about = zip(pupil_school.tolist(), tier.tolist(), max_slots.tolist(), strict=True)
    for p, (school, t, most) in enumerate(about):
        lo, hi = ptr[p], ptr[p + 1]
        key = (school, t, most, slots[4 * lo : 4 * hi], scores[8 * lo : 8 * hi])
        k = seen.setdefault(key, len(seen))
        if k == len(first):
            first.append(p)
        kind.append(k)
    return np.array(kind, dtype=np.int64), np.array(first, dtype=np.int64)


def solve_slots(
    pref_ptr: IntArray,
    pref_slot: Int32Array,
    pref_score: FloatArray,
    capacity: IntArray,
    slot_start: IntArray,
    slot_end: IntArray,
    slot_event: Int32Array,
    event_one_each: BoolArray,
    max_slots: IntArray,
    tier: Int8Array,
    pupil_school: Int32Array,
    school_share: IntArray | None,
    seed: int,
) -> Flow:
    """Which entries get a place: most places, then classes, then shares, then score (see the module)."""
    started = perf_counter()
    m = capacity.size
    given = np.zeros(pref_slot.size, dtype=bool)
    kind, first = pupil_kinds(pref_ptr, pref_slot, pref_score, max_slots, tier, pupil_school)
    n = first.size  # kinds: the network's pupil nodes
    count = np.bincount(kind, minlength=n).astype(np.int64)
    # The kinds' lists: their first pupils' entries (`entry` indexes pref_*), in kind order.
    length = pref_ptr[first + 1] - pref_ptr[first]
    ptr = np.concatenate([[0], np.cumsum(length)]).astype(np.int64)
    entry = np.arange(int(ptr[-1]), dtype=np.int64) + np.repeat(pref_ptr[first] - ptr[:-1], length)
    most_of, tier_of, school_of = max_slots[first], tier[first], pupil_school[first]
    kind_slot = pref_slot[entry]
    group = clash_groups(entry_pupil(ptr), kind_slot, slot_start, slot_end, slot_event, event_one_each)
    useful = np.flatnonzero((capacity[kind_slot] > 0) & (most_of[entry_pupil(ptr)] > 0))
    if useful.size == 0:
        return Flow(given, {"M": 0, "P": 0, "classes": 0}, {"build": perf_counter() - started, "solve": 0.0})
    pup, slot = entry_pupil(ptr)[useful], kind_slot[useful]
    cost = integer_costs(pref_score[entry[useful]])
    # Groups renumbered 0.. over those with a useful entry (bincount, not a sort: ids are already dense).
    present = np.bincount(group[useful]) > 0
    g_of = (np.cumsum(present) - 1)[group[useful]]
    groups = np.flatnonzero(present)
    g_size = np.bincount(g_of)
    g_pupil = np.zeros(groups.size, dtype=np.int32)
    g_pupil[g_of] = pup
    k = np.minimum(most_of, np.bincount(g_pupil, minlength=n)).astype(np.int64)
    offering = np.flatnonzero(np.bincount(slot, minlength=m) > 0)
    most = min(int(capacity[offering].sum()), int((k * count).sum()))  # F: the most places that can be filled
    largest = int(cost.max())

    # Depth arcs: a kind's d-th places, d = 0..k-1, ranked by (depth, tier) among the classes that occur.
    arc_pupil = np.repeat(np.arange(n, dtype=np.int32), k)
    depth = np.arange(arc_pupil.size, dtype=np.int64) - np.repeat(np.cumsum(k) - k, k)
    _, rank = np.unique(depth * TIERS + tier_of[arc_pupil], return_inverse=True)
    classes = int(rank.max()) + 1

    rng = np.random.default_rng(seed)
    big = np.flatnonzero(g_size >= 2)
    pupil_node, g_node = _pupil_nodes(rng, pup, slot_event[slot], g_pupil, big, m, n)
    school_base = m + n + big.size
    shared = school_share is not None
    n_schools = len(school_share) if school_share is not None else 0
    sink = school_base + n_schools
    depth_head = np.full(arc_pupil.size, sink, dtype=np.int64)
    share_tail, share_cap, share_pen = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool)
    penalty = 0
    if school_share is not None:
        school = school_of[arc_pupil]
        schooled = school >= 0
        depth_head[schooled] = school_base + school[schooled]
        demand = np.bincount(school[schooled], count[arc_pupil][schooled], n_schools).astype(np.int64)
        within = np.minimum(school_share, demand)
        kept, over = np.flatnonzero(within > 0), np.flatnonzero(demand > within)
        share_tail = school_base + np.concatenate([kept, over])
        share_cap = np.concatenate([within[kept], demand[over] - within[over]])
        share_pen = np.concatenate([np.zeros(kept.size, bool), np.ones(over.size, bool)])
        penalty = largest * most + 1 if over.size else 0
    step = penalty + largest * most + 1  # M
    n_nodes = sink + 1
    top = max(step * (classes - 1), penalty, largest)
    if not cost_fits(top, n_nodes):
        raise ValueError(
            f"{most} places in {classes} classes with score costs up to {largest} are too many to weigh "
            "exactly in int64; coarsen the scores"
        )

    slot_head = np.where(g_size[g_of] >= 2, g_node[g_of], pupil_node[pup])
    tails = np.concatenate([slot, g_node[big], pupil_node[arc_pupil], share_tail])
    heads = np.concatenate([slot_head, pupil_node[g_pupil[big]], depth_head, np.full(share_tail.size, sink)])
    # Each arc carries one unit per pupil of its kind: each pupil a slot once, once per group and depth.
    caps = np.concatenate([count[pup], count[g_pupil[big]], count[arc_pupil], share_cap])
    costs = np.concatenate(
        [cost, np.zeros(big.size, np.int64), step * rank.astype(np.int64), np.where(share_pen, penalty, 0)]
    )
    order = rng.permutation(tails.size)
    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[offering] = capacity[offering]
    supply[sink] = -int((k * count).sum())
    built = perf_counter()
    flow = np.empty(tails.size, dtype=np.int64)
    flow[order] = solve_apart(
        tails[order].astype(np.int32),
        heads[order].astype(np.int32),
        caps[order],
        costs[order].astype(np.int64),
        supply,
        sink,
        SPLIT_FROM,
    )
    units = flow[: useful.size]
    # Each kind's places dealt to its pupils in a seeded order, a group at a time, round the kind from
    # where the last group stopped: a group brings at most one place per pupil, so no pupil gets two of
    # it, and the pupils' counts differ by one at most, as the depth arcs' classes counted them.
    by_group = np.lexsort((g_of, pup))
    units, dealt = units[by_group], useful[by_group]
    unit = np.repeat(dealt, units)
    unit_kind = entry_pupil(ptr)[unit]
    kind_units = np.bincount(pup[by_group], units, n).astype(np.int64)
    turn = np.arange(unit.size, dtype=np.int64) - np.repeat(np.cumsum(kind_units) - kind_units, kind_units)
    members = np.lexsort((rng.permutation(kind.size), kind))  # each kind's pupils, in a seeded order
    member = members[np.cumsum(count)[unit_kind] - count[unit_kind] + turn % count[unit_kind]]
    given[pref_ptr[member] + unit - ptr[unit_kind]] = True
    weights = {"M": step, "P": penalty, "classes": classes, "shared": int(shared)}
    return Flow(given, weights, {"build": built - started, "solve": perf_counter() - built})


def _pupil_nodes(
    rng: np.random.Generator,
    pup: Int32Array,
    event: Int32Array,
    g_pupil: Int32Array,
    big: IntArray,
    m: int,
    n: int,
) -> tuple[IntArray, IntArray]:
    """Node of each pupil (a kind, in solve_slots) and of each clash group (-1 for a group of one),
    numbered after the slots.

    The seed orders the pupils, but in blocks: pupils whose first listed slot is of the same event come
    together (events in a seeded order, pupils within in a seeded order) and each pupil's group nodes
    follow it. Pupils of one school list the same events, so the solver then reads nearby memory: about
    a fifth less time at hub scale than a plain permutation, and over seeds no block is favoured.
    """
    first = np.ones(pup.size, dtype=bool)
    first[1:] = pup[1:] != pup[:-1]  # the useful entries are in pupil order
    block = np.zeros(n, dtype=np.int64)
    if pup.size:
        block[pup[first]] = rng.permutation(int(event.max()) + 1)[event[first]]
    order = np.lexsort((rng.permutation(n), block))
    groups_of = np.bincount(g_pupil[big], minlength=n)
    size = 1 + groups_of[order]
    start = np.empty(n, dtype=np.int64)
    start[order] = m + np.cumsum(size) - size
    g_node = np.full(g_pupil.size, -1, dtype=np.int64)
    by_pupil = np.argsort(g_pupil[big], kind="stable")
    rank = np.arange(big.size) - np.repeat(np.cumsum(groups_of) - groups_of, groups_of)
    g_node[big[by_pupil]] = start[g_pupil[big[by_pupil]]] + 1 + rank
    return start, g_node
