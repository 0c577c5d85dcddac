"""Read an allocation instance and write a result, in the JSON format of shared/allocation-instance.md.

Loading has a fast path and a slow one. The fast path turns the document into arrays with a few
comprehensions and whole-array checks, so a national instance costs about a json.load. Only when one of
those checks fails does the slow path walk the records in file order to name the first bad one: the fast
path does not need to know which record is wrong, only that one is.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from matcher.instance import NO_CAP, UNASSIGNED, Instance, Int32Array, IntArray, Result

INSTANCE_FORMAT = "allocation-instance/1"
RESULT_FORMAT = "allocation-result/1"
MAX_COUNT = 2**31 - 1  # most seats a capacity, cap or reserve may give: sums stay exact in int64


class InstanceError(ValueError):
    """A malformed instance; the message names the first offending record."""


def load_instance(source: str | Path | bytes) -> Instance:
    """Parse and validate an instance from a file path or the JSON bytes themselves."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    # A national document is millions of dicts and lists, none of them in a cycle; left on, the cyclic
    # collector walks them all again and again while the comprehensions below allocate (measured: it
    # more than doubled the conversion time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(data)
    finally:
        if collecting:
            gc.enable()


def _load(data: bytes) -> Instance:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise InstanceError(f"not valid JSON: {error}") from None
    try:
        instance = _convert(doc)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, _InvalidError):
        instance = None
    if instance is None:
        _diagnose(doc)
        raise InstanceError("malformed instance")  # _diagnose found nothing: a check here lacks a twin there
    return instance


class _InvalidError(Exception):
    """Raised by the fast path when a whole-array check fails; _diagnose then names the record."""


def _require(ok: bool) -> None:
    if not ok:
        raise _InvalidError


def _types(values: Sequence[object]) -> set[type]:
    return set(map(type, values))


def _convert(doc: Any) -> Instance:
    _require(type(doc) is dict and doc.get("format") == INSTANCE_FORMAT)
    students, placements, scores = doc["students"], doc["placements"], doc["scores"]
    _require(type(students) is list and type(placements) is list and type(scores) is dict)

    placement_ids = [p["id"] for p in placements]
    _require(_types(placement_ids) <= {str})
    placement_index = {pid: i for i, pid in enumerate(placement_ids)}
    _require(len(placement_index) == len(placement_ids))
    capacity = _whole_numbers([p["capacity"] for p in placements], minimum=0)
    caps = [p.get("max_per_school") for p in placements]
    max_per_school = np.full(len(placements), NO_CAP, dtype=np.int64)
    capped = [i for i, cap in enumerate(caps) if cap is not None]
    max_per_school[capped] = _whole_numbers([caps[i] for i in capped], minimum=1)

    student_ids = [s["id"] for s in students]
    _require(_types(student_ids) <= {str})
    _require(len(set(student_ids)) == len(student_ids))
    prefs = [s["preferences"] for s in students]
    _require(_types(prefs) <= {list})
    degree = np.fromiter(map(len, prefs), dtype=np.int64, count=len(prefs))
    n_pairs = int(degree.sum())
    # A KeyError here is an unknown placement; TypeError a preference that is not a string.
    pref_placement = np.fromiter(
        map(placement_index.__getitem__, chain.from_iterable(prefs)), dtype=np.int32, count=n_pairs
    )
    _require(not _has_repeats(degree, pref_placement, len(placement_ids)))
    # A student with an empty list needs no scores entry. Writers usually list scores in student order;
    # then the rows line up without looking 650,000 ids up in a dict, which costs more than the whole zip.
    listed = [(sid, row) for sid, row in zip(student_ids, prefs, strict=True) if row]
    if list(scores) == [sid for sid, _ in listed]:
        rows = list(scores.values())
    else:
        rows = [scores[sid] for sid, _ in listed]
    _require(_types(rows) <= {dict})
    flat_score = _scores_in_order(rows, [row for _, row in listed])
    _require(_types(flat_score) <= {float, int})
    pref_score = np.array(flat_score, dtype=np.float64)
    _require(bool(np.isfinite(pref_score).all()))

    schools = [s.get("school") for s in students]
    school_names = sorted({name for name in schools if name is not None})
    _require(all(type(name) is str for name in school_names))
    school_index = {name: i for i, name in enumerate(school_names)}
    student_school = np.array(
        [UNASSIGNED if name is None else school_index[name] for name in schools], dtype=np.int32
    )
    school_share = _school_share(doc.get("school_share"), school_names)

    categories = [s.get("categories") for s in students]
    reserves = [p.get("reserves") for p in placements]
    category_names = _category_names(categories, reserves)
    category_index = {name: i for i, name in enumerate(category_names)}
    student_categories = np.zeros((len(students), len(category_names)), dtype=bool)
    members = [(s, category_index[c]) for s, names in enumerate(categories) if names for c in names]
    if members:
        student_categories[tuple(np.array(members, dtype=np.int64).T)] = True

    reserve_ptr, reserve_category, reserve_seats = _reserves(reserves, category_index, capacity)

    pref_ptr = np.zeros(len(students) + 1, dtype=np.int64)
    np.cumsum(degree, out=pref_ptr[1:])
    return Instance(
        student_ids=student_ids,
        placement_ids=placement_ids,
        pref_ptr=pref_ptr,
        pref_placement=pref_placement,
        pref_score=pref_score,
        capacity=capacity,
        max_per_school=max_per_school,
        student_school=student_school,
        school_names=school_names,
        category_names=category_names,
        student_categories=student_categories,
        reserve_ptr=reserve_ptr,
        reserve_category=reserve_category,
        reserve_seats=reserve_seats,
        school_share=school_share,
    )


def _school_share(given: Any, school_names: list[str]) -> IntArray | None:
    """Seats owed to each school, by index of school_names; every school listed and no other."""
    if given is None:
        return None
    _require(type(given) is dict and set(given) == set(school_names))
    return _whole_numbers([given[name] for name in school_names], minimum=0)


def _scores_in_order(rows: list[dict[str, Any]], prefs: list[list[str]]) -> list[Any]:
    """Each student's scores in preference order (a KeyError if one is missing)."""
    # Writers usually list a student's scores in preference order: one sequential comparison of all keys
    # then replaces millions of scattered dict lookups.
    if list(chain.from_iterable(rows)) == list(chain.from_iterable(prefs)):
        return list(chain.from_iterable(map(dict.values, rows)))
    return [row[p] for row, listed in zip(rows, prefs, strict=True) for p in listed]


def _has_repeats(degree: IntArray, pref_placement: Int32Array, n_placements: int) -> bool:
    """Whether any student lists a placement twice (two equal (student, placement) keys once sorted)."""
    keys = np.repeat(np.arange(len(degree), dtype=np.int64), degree) * n_placements + pref_placement
    keys.sort()
    return bool((keys[1:] == keys[:-1]).any())


def _whole_numbers(values: list[Any], minimum: int) -> IntArray:
    # bool is an int subclass, so check the exact type: true is not a capacity.
    _require(_types(values) <= {int})
    array = np.array(values, dtype=np.int64)
    _require(bool((array >= minimum).all() and (array <= MAX_COUNT).all()))
    return array


def _category_names(categories: list[Any], reserves: list[Any]) -> list[str]:
    names: set[str] = set()
    for row in categories:
        if row is not None:
            _require(type(row) is list)
            _require(len(set(row)) == len(row))
            names.update(row)
    for row in reserves:
        if row is not None:
            _require(type(row) is dict)
            names.update(row)
    _require(all(type(name) is str for name in names))
    return sorted(names)


def _reserves(
    reserves: list[Any], category_index: Mapping[str, int], capacity: IntArray
) -> tuple[IntArray, Int32Array, IntArray]:
    counts = np.array([len(row) if row else 0 for row in reserves], dtype=np.int64)
    ptr = np.zeros(len(reserves) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    # dicts keep their JSON order, which is the order reserves are filled in.
    listed = [(category, seats) for row in reserves if row for category, seats in row.items()]
    category = np.array([category_index[c] for c, _ in listed], dtype=np.int32)
    seats = _whole_numbers([n for _, n in listed], minimum=0) if listed else np.zeros(0, dtype=np.int64)
    reserved = np.add.reduceat(seats, ptr[:-1][counts > 0]) if listed else seats
    _require(bool((reserved <= capacity[counts > 0]).all()))
    return ptr, category, seats


def _diagnose(doc: Any) -> None:
    """Raise InstanceError naming the first offending record, students first, in file order."""
    if type(doc) is not dict:
        raise InstanceError("an instance must be a JSON object")
    if doc.get("format") != INSTANCE_FORMAT:
        raise InstanceError(f'"format" must be "{INSTANCE_FORMAT}", not {_show(doc.get("format"))}')
    for key, kind in (("students", list), ("placements", list), ("scores", dict)):
        if type(doc.get(key)) is not kind:
            raise InstanceError(f'"{key}" must be a JSON {"array" if kind is list else "object"}')
    placements, scores = doc["placements"], doc["scores"]
    known = {p["id"] for p in placements if type(p) is dict and type(p.get("id")) is str}
    seen: set[str] = set()
    for number, student in enumerate(doc["students"]):
        _diagnose_student(number, student, known, scores, seen)
    seen = set()
    for number, placement in enumerate(placements):
        _diagnose_placement(number, placement, seen)
    _diagnose_school_share(doc.get("school_share"), doc["students"])


def _diagnose_student(
    number: int, student: Any, known: set[str], scores: dict[str, Any], seen: set[str]
) -> None:
    name = _record("student", number, student)
    sid = student["id"]
    if sid in seen:
        raise InstanceError(f"{name}: duplicate id")
    seen.add(sid)
    prefs = student.get("preferences")
    if type(prefs) is not list:
        raise InstanceError(f'{name}: "preferences" must be a list of placement ids')
    for index, pid in enumerate(prefs):
        if type(pid) is not str or pid not in known:
            raise InstanceError(f"{name}: preference {_show(pid)} is not a placement")
        if pid in prefs[:index]:
            raise InstanceError(f'{name}: preference "{pid}" is listed twice')
    row: Any = scores.get(sid)
    if prefs and type(row) is not dict:
        raise InstanceError(f'{name}: no scores (scores["{sid}"] must be an object)')
    for pid in prefs:
        if pid not in row:
            raise InstanceError(f'{name}: no score for preference "{pid}"')
        score = row[pid]
        if not _is_finite_number(score):
            raise InstanceError(f'{name}: score for "{pid}" must be a finite number, not {_show(score)}')
    categories = student.get("categories")
    if categories is not None and (
        type(categories) is not list
        or any(type(c) is not str for c in categories)
        or len(set(categories)) != len(categories)
    ):
        raise InstanceError(f'{name}: "categories" must be a list of distinct strings')
    school = student.get("school")
    if school is not None and type(school) is not str:
        raise InstanceError(f'{name}: "school" must be a string, not {_show(school)}')


def _diagnose_placement(number: int, placement: Any, seen: set[str]) -> None:
    name = _record("placement", number, placement)
    if placement["id"] in seen:
        raise InstanceError(f"{name}: duplicate id")
    seen.add(placement["id"])
    capacity = placement.get("capacity")
    if not _is_count(capacity, 0):
        raise InstanceError(
            f"{name}: capacity must be a whole number from 0 to {MAX_COUNT}, not {_show(capacity)}"
        )
    cap = placement.get("max_per_school")
    if cap is not None and not _is_count(cap, 1):
        raise InstanceError(
            f"{name}: max_per_school must be a whole number from 1 to {MAX_COUNT}, not {_show(cap)}"
        )
    reserves = placement.get("reserves")
    if reserves is None:
        return
    if type(reserves) is not dict:
        raise InstanceError(f'{name}: "reserves" must be an object of category -> seats')
    for category, seats in reserves.items():
        if not _is_count(seats, 0):
            wanted = f"a whole number from 0 to {MAX_COUNT}"
            raise InstanceError(f'{name}: reserve for "{category}" must be {wanted}, not {_show(seats)}')
    if sum(reserves.values()) > capacity:
        raise InstanceError(f"{name}: reserves ({sum(reserves.values())} seats) exceed capacity ({capacity})")


def _diagnose_school_share(given: Any, students: list[Any]) -> None:
    if given is None:
        return
    if type(given) is not dict:
        raise InstanceError('"school_share" must be an object of school -> seats')
    schools = {s.get("school") for s in students} - {None}
    for name, seats in given.items():
        if name not in schools:
            raise InstanceError(f'"school_share": "{name}" is no student\'s school')
        if not _is_count(seats, 0):
            wanted = f"a whole number from 0 to {MAX_COUNT}"
            raise InstanceError(f'"school_share" for "{name}" must be {wanted}, not {_show(seats)}')
    missing = sorted(schools - set(given))
    if missing:
        raise InstanceError(f'"school_share": no share for school "{missing[0]}"')


def _is_count(value: object, minimum: int) -> bool:
    return type(value) is int and minimum <= value <= MAX_COUNT


def _is_finite_number(value: object) -> bool:
    if type(value) is float:
        return bool(np.isfinite(value))
    # Python ints are exact but numpy float64 cannot hold every one.
    return type(value) is int and abs(value) < 2.0**1023


def _record(kind: str, number: int, record: Any) -> str:
    if type(record) is not dict:
        raise InstanceError(f"{kind} #{number + 1}: must be a JSON object")
    if type(record.get("id")) is not str:
        raise InstanceError(f'{kind} #{number + 1}: "id" must be a string, not {_show(record.get("id"))}')
    return f'{kind} "{record["id"]}"'


def _show(value: object) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 40 else text[:37] + "..."


def dump_result(instance: Instance, result: Result) -> bytes:
    """The result as allocation-result/1 JSON bytes."""
    assignment = np.asarray(result.assignment)
    placed = np.flatnonzero(assignment != UNASSIGNED)
    # Object arrays let numpy pick the ids out without a Python loop over students.
    student_ids = np.array(instance.student_ids, dtype=object)
    placement_ids = np.array(instance.placement_ids, dtype=object)
    doc = {
        "format": RESULT_FORMAT,
        "mechanism": result.mechanism,
        "seed": result.seed,
        "assignments": dict(
            zip(student_ids[placed].tolist(), placement_ids[assignment[placed]].tolist(), strict=True)
        ),
        "unassigned": student_ids[assignment == UNASSIGNED].tolist(),
        "objective": {"assigned": result.assigned, "total_score": result.total_score},
        "fairness": result.fairness,
        "seconds": result.seconds,
    }
    return orjson.dumps(doc)


def dump_instance(instance: Instance) -> bytes:
    """The instance as allocation-instance/1 JSON bytes (for what-if files and benchmarks)."""
    ptr = instance.pref_ptr.tolist()
    placement_ids = instance.placement_ids
    flat_ids = [placement_ids[p] for p in instance.pref_placement.tolist()]
    flat_scores = instance.pref_score.tolist()
    schools = instance.student_school.tolist()
    has_categories: list[bool] = []
    if instance.category_names:
        has_categories = [bool(x) for x in np.any(instance.student_categories, axis=1).tolist()]
    students: list[dict[str, Any]] = []
    scores: dict[str, dict[str, float]] = {}
    for s, sid in enumerate(instance.student_ids):
        prefs = flat_ids[ptr[s] : ptr[s + 1]]
        record: dict[str, Any] = {"id": sid, "preferences": prefs}
        if has_categories and has_categories[s]:
            record["categories"] = [
                instance.category_names[c] for c in np.flatnonzero(instance.student_categories[s])
            ]
        if schools[s] != UNASSIGNED:
            record["school"] = instance.school_names[schools[s]]
        students.append(record)
        if prefs:
            scores[sid] = dict(zip(prefs, flat_scores[ptr[s] : ptr[s + 1]], strict=True))
    placements: list[dict[str, Any]] = []
    reserve_ptr = (
        instance.reserve_ptr.tolist() if len(instance.reserve_ptr) > 1 else [0] * (len(placement_ids) + 1)
    )
    for p, pid in enumerate(placement_ids):
        placement: dict[str, Any] = {"id": pid, "capacity": int(instance.capacity[p])}
        lo, hi = reserve_ptr[p], reserve_ptr[p + 1]
        if hi > lo:
            placement["reserves"] = {
                instance.category_names[int(c)]: int(n)
                for c, n in zip(instance.reserve_category[lo:hi], instance.reserve_seats[lo:hi], strict=True)
            }
        if instance.max_per_school[p] != NO_CAP:
            placement["max_per_school"] = int(instance.max_per_school[p])
        placements.append(placement)
    doc: dict[str, Any] = {
        "format": INSTANCE_FORMAT,
        "students": students,
        "placements": placements,
        "scores": scores,
    }
    if instance.school_share is not None:
        doc["school_share"] = dict(zip(instance.school_names, instance.school_share.tolist(), strict=True))
    return orjson.dumps(doc)
