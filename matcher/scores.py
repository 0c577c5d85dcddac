"""Scores: a number for every candidate pair, made of named parts a careers leader can read."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.candidates import Candidates
from matcher.columns import bits, column, values
from matcher.people import ROUTES, Opportunity, Student
from matcher.policy import PARTS, Policy
from matcher.text import tfidf

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
Part = npt.NDArray[np.float32] | npt.NDArray[np.uint8]

# What each part means, for people reading an explanation.
PART_LABELS: dict[str, str] = {
    "choice": "The student chose it (more for a higher choice)",
    "text": "Interests match the description",
    "route": "In an occupational route the student chose",
    "pathway": "Fits the student's pathway (technical or academic)",
    "technical": "Technical opportunity (promoting technical routes)",
    "distance": "Near the student's home",
    "no_experience": "Student has had no workplace experience yet",
    "disadvantaged": "Student is disadvantaged (pupil premium or free school meals)",
    "send": "Student has special educational needs or disabilities",
}

_PAIRS_PER_BATCH = 1 << 19  # bounds the memory of the sparse row products
_THREADS = 2


@dataclass(frozen=True, eq=False)
class Scores:
    """Per candidate pair: each part's value in [0, 1], the policy's weights, and the weighted total."""

    # part name -> (E,) values before weighting, in PARTS order: float32 for text and distance, and 0 or 1
    # as uint8 for the yes-or-no parts, which saves a national round about 300 MB.
    parts: dict[str, Part]
    weights: dict[str, float]
    total: FloatArray  # (E,): sum over parts, in PARTS order, of weight * value

    def __len__(self) -> int:
        return int(self.total.shape[0])


def score(
    students: Sequence[Student], opportunities: Sequence[Opportunity], candidates: Candidates, policy: Policy
) -> Scores:
    """Score every candidate pair by the policy's weighted parts."""
    s = candidates.student.astype(np.int64)
    o = candidates.opportunity.astype(np.int64)
    n, m = len(students), len(opportunities)
    parts: dict[str, Part] = {"text": _text(students, opportunities, s, o)}

    # First of k choices scores 1, the last 1/k; an opportunity the student did not rank scores 0.
    chose = np.fromiter((len(st.ranked) for st in students), np.int64, n)[s]
    rank = candidates.rank.astype(np.int64)
    parts["choice"] = np.where(rank >= 0, (chose - rank) / np.maximum(chose, 1), 0.0).astype(np.float32)

    routes = values(opportunities, "route")
    route_bit = {route: i for i, route in enumerate(sorted({*ROUTES, *routes}))}
    if len(route_bit) > 63:
        raise ValueError("A round can have at most 63 distinct routes")
    wanted = bits(students, "routes", route_bit)
    offered = np.fromiter(map(route_bit.__getitem__, routes), np.int64, m)
    parts["route"] = (((wanted[s] >> offered[o]) & 1) == 1).astype(np.uint8)

    interest = np.fromiter(map(_PATHWAY.__getitem__, values(students, "pathway_interest")), np.int64, n)
    pathway = np.fromiter(map(_PATHWAY.__getitem__, values(opportunities, "pathway")), np.int64, m)
    # "both" on either side fits anything; otherwise the two must agree.
    parts["pathway"] = ((interest[s] & pathway[o]) != 0).astype(np.uint8)
    technical = (pathway == _PATHWAY["technical"]) | (
        np.array(values(opportunities, "kind"), dtype=object) == "t_level_placement"
    )
    open_to_technical = (interest & _PATHWAY["technical"]) != 0
    parts["technical"] = (technical[o] & open_to_technical[s]).astype(np.uint8)

    decay = np.exp(-candidates.distance_km.astype(np.float64) / policy.distance_decay_km)
    parts["distance"] = np.where(candidates.remote, 1.0, decay).astype(np.float32)

    parts["no_experience"] = (~column(students, "has_workplace_experience", bool))[s].astype(np.uint8)
    parts["disadvantaged"] = column(students, "disadvantaged", bool)[s].astype(np.uint8)
    parts["send"] = column(students, "send", bool)[s].astype(np.uint8)

    parts = {name: parts[name] for name in PARTS}
    weights = policy.weights
    total = np.zeros(len(s), dtype=np.float64)
    for name in PARTS:
        # Added in PARTS order, as explain() adds them, so an explanation sums to the total exactly.
        total += weights[name] * parts[name].astype(np.float64)
    return Scores(parts=parts, weights=weights, total=total)


_PATHWAY = {"technical": 1, "academic": 2, "both": 3}


def explain(scores: Scores, k: int) -> dict[str, float]:
    """The weighted parts of pair k, by part name, in PARTS order; they add up to scores.total[k] exactly."""
    return {name: scores.weights[name] * float(scores.parts[name][k]) for name in scores.parts}


def _text(
    students: Sequence[Student],
    opportunities: Sequence[Opportunity],
    s: npt.NDArray[np.int64],
    o: npt.NDArray[np.int64],
) -> Float32Array:
    """Cosine similarity of each pair's TF-IDF rows, fitted on all of the round's texts together."""
    texts = [" ".join((st.statement, *(ROUTES.get(r, r) for r in st.routes))) for st in students]
    texts += [" ".join((op.title, op.description, ROUTES.get(op.route, op.route))) for op in opportunities]
    rows = tfidf(texts)
    mine, theirs = rows[: len(students)], rows[len(students) :]
    out = np.zeros(len(s), dtype=np.float32)

    def batch(a: int) -> None:
        b = min(a + _PAIRS_PER_BATCH, len(s))
        # Rows are unit length, so the dot product of the two rows is their cosine.
        product = sp.csr_matrix(mine[s[a:b]]).multiply(theirs[o[a:b]])
        out[a:b] = np.asarray(product.sum(axis=1)).ravel()

    with ThreadPoolExecutor(_THREADS) as pool:
        list(pool.map(batch, range(0, len(s), _PAIRS_PER_BATCH)))
    # Rounding can lift a perfect match a hair above one.
    clipped: Float32Array = np.clip(out, 0.0, 1.0)
    return clipped
