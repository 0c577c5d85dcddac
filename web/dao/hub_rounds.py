"""Hub-wide rounds: who may see them, each school's progress on its share, proposals a page at a time, and
the hub admin's release of the approved proposals as offers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update

from web.dao import access_log
from web.dao.base import audit
from web.dao.reach import Reached, tell_of_offers
from web.extensions import db
from web.models import Allocation, Employer, MatchRound, Opportunity, School, Student
from web.models.base import utcnow

PER_PAGE = 50
SCHOOLS_PER_PAGE = 25
# How a school's proposals stand, for the hub admin: each allocation status falls in one of these.
STANDING = {"proposed": "undecided", "approved": "approved", "rejected": "rejected"}  # else "released"
STANDINGS = ("undecided", "approved", "rejected", "released")


def hub_rounds(hub_id: int) -> list[MatchRound]:
    """The hub's hub-wide rounds (drafts too), newest first."""
    return list(
        db.session.scalars(
            select(MatchRound)
            .where(MatchRound.hub_id == hub_id, MatchRound.school_id.is_(None))
            .order_by(MatchRound.created_at.desc(), MatchRound.id.desc())
        )
    )


def rounds_for_school(school: School) -> list[MatchRound]:
    """A careers leader's rounds: the school's own (drafts too) and its hub's hub-wide ones that are not
    drafts, newest first."""
    return list(
        db.session.scalars(
            select(MatchRound)
            .where(
                or_(
                    MatchRound.school_id == school.id,
                    (MatchRound.school_id.is_(None))
                    & (MatchRound.hub_id == school.hub_id)
                    & MatchRound.draft.is_(False),
                )
            )
            .order_by(MatchRound.created_at.desc(), MatchRound.id.desc())
        )
    )


def school_sees(match_round: MatchRound | None, school: School) -> bool:
    """Whether this school's careers leaders may see the round: theirs, or their hub's hub-wide one once it
    is no longer a draft (the hub admin's drafts are the hub's own)."""
    if match_round is None:
        return False
    if match_round.school_id is not None:
        return bool(match_round.school_id == school.id)
    return bool(match_round.hub_id == school.hub_id and not match_round.draft)


def lock_round(round_id: int) -> bool:
    """Take the round's row for this transaction (a write, so SQLite's lock too) and say whether approving
    its proposals still waits for the release, as read after any release that got there first."""
    db.session.execute(
        update(MatchRound)
        .where(MatchRound.id == round_id)
        .values(released_at=MatchRound.released_at)
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(
        select(MatchRound.school_id, MatchRound.released_at).where(MatchRound.id == round_id)
    ).one()
    return row.school_id is None and row.released_at is None


def holds_offers(match_round: MatchRound) -> bool:
    """Whether approving one of the round's proposals waits for the hub admin's release (a hub-wide round
    not yet released) rather than offering it to the student at once."""
    return match_round.school_id is None and match_round.released_at is None


@dataclass(frozen=True)
class SchoolProgress:
    """One school's share of a hub-wide round and how far its careers leaders have decided it."""

    school: School
    students: int  # the school's students in the round
    share: int | None  # its fair share of places, if the round gave one
    counts: dict[str, int]  # standing -> allocations
    # Its students the round left out: "holding" a placement of its kind, "waiting" on a proposal or offer.
    left_out: dict[str, int]

    @property
    def decided(self) -> bool:
        """Nothing is left for the school to decide."""
        return not self.counts.get("undecided")

    @property
    def status(self) -> str:
        """ "not_in_round" for a school the round had no students of, else "decided" or "deciding"."""
        if not self.students and not self.counts:
            return "not_in_round"
        return "decided" if self.decided else "deciding"


def school_progress(match_round: MatchRound) -> list[SchoolProgress]:
    """Every school of the round's hub by name, with its students and share in the round and its
    proposals by standing (two queries, whatever the number of schools)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = db.session.execute(
        select(Student.school_id, Allocation.status, func.count())
        .join(Student, Allocation.student_id == Student.id)
        .where(Allocation.round_id == match_round.id)
        .group_by(Student.school_id, Allocation.status)
    )
    for school_id, status, n in rows:
        standing = STANDING.get(status, "released")
        counts[school_id][standing] = counts[school_id].get(standing, 0) + n
    by_school = ((match_round.metrics or {}).get("fairness") or {}).get("by_school") or {}
    left_out = ((match_round.metrics or {}).get("left_out") or {}).get("by_school") or {}
    schools = db.session.scalars(
        select(School).where(School.hub_id == match_round.hub_id).order_by(School.name, School.id)
    )
    progress = []
    for school in schools:
        stats = by_school.get(str(school.id)) or {}
        share = None if stats.get("share") is None else int(stats["share"])
        students = int(stats.get("students") or 0)
        left = left_out.get(str(school.id)) or {}
        progress.append(SchoolProgress(school, students, share, counts[school.id], left))
    return progress


def school_names(hub_id: int) -> dict[int, str]:
    """school id -> name, for every school of the hub."""
    return dict(db.session.execute(select(School.id, School.name).where(School.hub_id == hub_id)).all())  # type: ignore[arg-type]


def totals(progress: list[SchoolProgress]) -> dict[str, int]:
    """Allocations by standing over every school."""
    return {standing: sum(row.counts.get(standing, 0) for row in progress) for standing in STANDINGS}


@dataclass(frozen=True)
class Page:
    """One page of rows and how many there are in all."""

    rows: list[Any]
    total: int
    page: int
    per_page: int
    proposed: int = 0  # of the rows on every page, how many are still proposed (where it is counted)

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))


def page_of(rows: list[Any], page: int, per_page: int) -> Page:
    """A page of a list already in memory (the hub's schools: at most a few hundred)."""
    page = min(max(1, page), max(1, -(-len(rows) // per_page)))
    return Page(rows[(page - 1) * per_page : page * per_page], len(rows), page, per_page)


# A proposal as the round pages list it: only the columns they show, read without building ORM objects
# (a page is drawn at every visit; a whole Student, Opportunity and Employer each is most of the cost).
_KNOWN_AS = func.coalesce(func.nullif(Student.preferred_name, ""), Student.first_name)
_PROPOSAL_COLUMNS = (
    Allocation.id,
    Allocation.status,
    Allocation.score,
    Allocation.rank,
    Allocation.explanation,
    # None on a rejected proposal means nobody rejected it: it was released at its round's decide-by date.
    Allocation.decided_by_id,
    Student.id.label("student_id"),
    _KNOWN_AS.label("known_as"),
    Student.last_name,
    Opportunity.title,
    Opportunity.route,
    Opportunity.remote,
    Employer.name.label("employer"),
    School.id.label("school_id"),
    School.name.label("school"),
)
# How a page of proposals can be ordered: by school and student (the default), by placement, best match first.
SORTS = ("student", "place", "score")
_STUDENT_ORDER = (School.name, Student.last_name, _KNOWN_AS)
_ORDERS = {
    "student": _STUDENT_ORDER,
    "place": (Opportunity.title, Employer.name, *_STUDENT_ORDER),
    "score": (Allocation.score.desc(), *_STUDENT_ORDER),
}


def _like(column: Any, words: str) -> Any:
    # Lower case on both sides: SQLite's LIKE ignores case only for ASCII, PostgreSQL's never does.
    return func.lower(column).contains(words.lower(), autoescape=True)


def proposals_page(
    round_id: int,
    *,
    school_id: int | None = None,
    standing: str | None = None,
    route: str | None = None,
    kind: str | None = None,
    opportunity_id: int | None = None,
    student: str = "",
    sort: str = "student",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """A page of the round's allocations (rows of _PROPOSAL_COLUMNS) in a SORTS order (by school then student
    name unless told), filtered by school, standing, the opportunity's route or kind, the opportunity, and
    words of the student's name; counted and paged in the database. Its `proposed` is how many of all the
    filtered rows, not only this page's, are still proposed."""
    query = (
        select(*_PROPOSAL_COLUMNS)
        .join(Student, Allocation.student_id == Student.id)
        .join(School, Student.school_id == School.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.round_id == round_id)
    )
    counted = select(func.count(), func.count().filter(Allocation.status == "proposed")).where(
        Allocation.round_id == round_id
    )
    if school_id is not None or student:
        counted = counted.join(Student, Allocation.student_id == Student.id)
    if school_id is not None:
        chosen = Student.school_id == school_id
        query, counted = query.where(chosen), counted.where(chosen)
    if student:
        # "Amy Adams" finds the name as the page shows it; "Amelia" finds her legal first name too.
        named = or_(_like(_KNOWN_AS + " " + Student.last_name, student), _like(Student.first_name, student))
        query, counted = query.where(named), counted.where(named)
    if opportunity_id is not None:
        chosen = Allocation.opportunity_id == opportunity_id
        query, counted = query.where(chosen), counted.where(chosen)
    if standing in ("undecided", "approved", "rejected"):
        chosen = Allocation.status == {v: k for k, v in STANDING.items()}[standing]
        query, counted = query.where(chosen), counted.where(chosen)
    elif standing == "released":
        chosen = Allocation.status.not_in(tuple(STANDING))
        query, counted = query.where(chosen), counted.where(chosen)
    if route or kind:
        counted = counted.join(Opportunity, Allocation.opportunity_id == Opportunity.id)
    if route:
        query, counted = query.where(Opportunity.route == route), counted.where(Opportunity.route == route)
    if kind:
        query, counted = query.where(Opportunity.kind == kind), counted.where(Opportunity.kind == kind)
    total, proposed = db.session.execute(counted).one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        query.order_by(*_ORDERS.get(sort, _STUDENT_ORDER), Allocation.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    found = list(rows)
    access_log.seen(row.student_id for row in found)
    return Page(found, total, page, per_page, proposed)


def proposal(allocation_id: int) -> Any:
    """One allocation as the round pages list it (a row of _PROPOSAL_COLUMNS), with the placement's dates
    and postcode for the question before it is decided; None if there is none."""
    row = db.session.execute(
        select(*_PROPOSAL_COLUMNS, Opportunity.start_date, Opportunity.end_date, Opportunity.postcode)
        .join(Student, Allocation.student_id == Student.id)
        .join(School, Student.school_id == School.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.id == allocation_id)
    ).first()
    if row is not None:
        access_log.seen([row.student_id])
    return row


def share_opportunities(round_id: int, school_id: int) -> list[tuple[int, str, str]]:
    """(id, title, employer) of each opportunity the round proposed to this school's students, by title: the
    choices of the proposals' filter."""
    rows = db.session.execute(
        select(Opportunity.id, Opportunity.title, Employer.name)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Opportunity.id.in_(
                select(Allocation.opportunity_id)
                .join(Student, Allocation.student_id == Student.id)
                .where(Allocation.round_id == round_id, Student.school_id == school_id)
            )
        )
        .order_by(Opportunity.title, Employer.name, Opportunity.id)
    )
    return [(row_id, title, employer) for row_id, title, employer in rows]


def share_decisions(round_id: int, school_id: int) -> tuple[tuple[int, str], ...]:
    """(allocation id, status) of each of the round's allocations for this school's students, by id: what
    every decision on the school's share changes, read without reading the proposals themselves."""
    rows = db.session.execute(
        select(Allocation.id, Allocation.status)
        .join(Student, Allocation.student_id == Student.id)
        .where(Allocation.round_id == round_id, Student.school_id == school_id)
        .order_by(Allocation.id)
    )
    return tuple((allocation_id, status) for allocation_id, status in rows)


def release_blocker(match_round: MatchRound, progress: list[SchoolProgress], today: date) -> str:
    """Why the hub admin cannot release the round's offers yet, or "" if they can."""
    if match_round.status != "succeeded" or match_round.draft:
        return "Only a finished round that is not a draft can be released"
    if match_round.released_at is not None:
        return "The offers of this round have already been released"
    waiting = [row for row in progress if not row.decided]
    if waiting and (match_round.decide_by is None or today <= match_round.decide_by):
        schools = "1 school has" if len(waiting) == 1 else f"{len(waiting)} schools have"
        return (
            f"{schools} not decided yet. You can release the offers once every school has decided, or after "
            "the decide-by date"
        )
    if not totals(progress)["approved"]:
        return "No school has approved any proposals yet"
    return ""


def release(round_id: int, user_id: int, respond_by: date, today: date) -> tuple[Reached, int] | None:
    """Offer every approved proposal of the round to its student, to answer by `respond_by` (or the day
    before the placement starts, if sooner), tell them (web.dao.reach), and mark the round released; (how
    the students were reached, how many held back) where held back are placements that have closed or
    start too soon for an answer. None if another release got there first."""
    # The round's row is written first: an approval at the same moment waits for it (lock_round) and then
    # offers at once, rather than leaving an approval this release never saw.
    marked = db.session.execute(
        update(MatchRound)
        .where(MatchRound.id == round_id, MatchRound.released_at.is_(None))
        .values(released_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not marked.rowcount:  # type: ignore[attr-defined]
        return None
    rows = db.session.execute(
        select(Allocation.id, Opportunity.start_date, Opportunity.status)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(Allocation.round_id == round_id, Allocation.status == "approved")
        .order_by(Allocation.id)
    ).all()
    offered: list[tuple[int, date]] = []
    for allocation_id, start_date, status in rows:
        last_day = min(respond_by, start_date - timedelta(days=1))
        if status == "published" and last_day >= today:
            offered.append((allocation_id, last_day))
    if offered:
        table = Allocation.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("allocation_id"), table.c.status == "approved")
            .values(status="offered", offered_at=utcnow(), respond_by=bindparam("last_day")),
            [{"allocation_id": row_id, "last_day": last_day} for row_id, last_day in offered],
        )
    held = len(rows) - len(offered)
    if held:
        # A placement that closed or starts too soon: back to its school, to reject (or approve, if it can
        # still be offered), rather than approved for ever.
        kept_back = {allocation_id for allocation_id, *_ in rows} - {row_id for row_id, *_ in offered}
        db.session.execute(
            update(Allocation)
            .where(Allocation.id.in_(sorted(kept_back)), Allocation.status == "approved")
            .values(status="proposed")
            .execution_options(synchronize_session=False)
        )
    audit(user_id, "round_released", "match_round", round_id, offered=len(offered), held_back=held)
    return tell_of_offers([row_id for row_id, _ in offered], user_id), held
