"""Careers leader pages: the school's students, its matching rounds, and decisions on proposals."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

from flask import abort, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from matcher.people import KINDS, PATHWAYS, ROUTES
from web import paging
from web.auth.roles import owned_or_404, role_required
from web.cache import cached
from web.careers import bp, proposals, students_list
from web.careers.forms import SchoolRoundForm
from web.careers.reasons import fairness_summary, plain_reasons, reasons
from web.dao import hub_rounds, round_claims, round_deadlines, school_students, waiting
from web.dao import notifications as notifications_dao
from web.dao import rounds as rounds_dao
from web.dao import transfers as transfers_dao
from web.dao.accounts import AccountError
from web.dao.base import audit, transaction
from web.dao.school_students import account_status
from web.dates import london_today
from web.fields import ConfirmForm
from web.models import Student
from web.rounds import pages as round_pages
from web.rounds.forms import MECHANISM_CHOICES
from web.rounds.listing import Listing

log = logging.getLogger(__name__)

ONE_AT_A_TIME = (
    "A matching round is already waiting or running for your school. Wait for it to finish, or cancel it"
)
MECHANISMS = dict(MECHANISM_CHOICES)


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"KINDS": KINDS, "PATHWAYS": PATHWAYS, "MECHANISMS": MECHANISMS, "route_labels": _route_labels}


def _route_labels(routes: list[str] | None) -> str:
    return ", ".join(ROUTES.get(route, route) for route in routes or ()) or "None chosen"


def _school_id() -> int:
    return int(current_user.school_id)


@bp.route("/students")
@role_required("careers_leader")
def students() -> str:
    """The school's students, 50 a page: current ones or leavers, found by year group, tutor group, name
    or UPN, account and missing details, each with their account and whether they ranked anything or are
    placed."""
    form = students_list.StudentFilterForm(request.args, groups=school_students.tutor_groups(_school_id()))
    filters = form.filters()
    matching = school_students.count_students(_school_id(), filters)
    pages = paging.page_count(matching, students_list.PER_PAGE)
    page = paging.asked_page(pages)
    shown = students_list.query_values(filters)

    def link(number: int) -> str:
        return url_for("careers.students", page=number, **shown) + "#students"

    return render_template(
        "careers/students.html",
        school=rounds_dao.get_school(_school_id()),
        form=form,
        filters=filters,
        filtered=bool(shown),
        listed=school_students.find_students(_school_id(), filters, page, students_list.PER_PAGE),
        matching=matching,
        page=page,
        per_page=students_list.PER_PAGE,
        pagination=paging.pagination(page, pages, link, "Pages of students"),
        leavers=0 if filters.leavers else school_students.count_leavers(_school_id()),
        to_invite=school_students.count_uninvited(_school_id()),
        transfers=transfers_dao.count_asked_of(_school_id()),
        to_do=waiting.for_school(_school_id()),
        button=ConfirmForm(),
        missing_words=students_list.missing_words,
    )


@bp.route("/students/<int:student_id>")
@role_required("careers_leader")
def student(student_id: int) -> str:
    """One of the school's students: details from the MIS, account, interests, choices, allocations, and
    the emails sent to them and their parent or carer (delivered or not, and why)."""
    record = _own_student(student_id)
    return render_template(
        "careers/student.html",
        student=record,
        account=account_status(school_students.account_of(record.id)),
        preferences=rounds_dao.student_preferences(record.id),
        allocations=rounds_dao.student_allocations(record.id),
        messages=notifications_dao.about_student(record.id),
        button=ConfirmForm(),
    )


def _own_student(student_id: int) -> Student:
    return owned_or_404(rounds_dao.get_student(student_id), school_id=_school_id())  # type: ignore[no-any-return]


@bp.route("/students/invite", methods=["POST"])
@role_required("careers_leader")
def invite_students() -> str:
    """Invite every current student with an email address and no account; say who could not be invited."""
    try:
        with transaction():
            outcome = school_students.invite_all(_school_id(), current_user.id)
    except IntegrityError:
        # Someone else gave one of these addresses an account at the same moment: nothing was sent.
        flash("Some students were being invited at the same time. Try again", "important")
        outcome = school_students.Invited()
    return render_template("careers/import_invitations.html", outcome=outcome)


@bp.route("/students/<int:student_id>/invite", methods=["POST"])
@role_required("careers_leader")
def invite_student(student_id: int) -> Response:
    """Invite one student, or send their invitation again."""
    record = _own_student(student_id)
    try:
        with transaction():
            school_students.invite_student(record, current_user.id)
    except AccountError as problem:
        flash(str(problem), "important")
    except IntegrityError:
        flash("This email address already has an account. Ask them to sign in instead", "important")
    else:
        flash("Invitation sent", "success")
    return redirect(url_for("careers.student", student_id=record.id))


@bp.route("/students/<int:student_id>/deactivate", methods=["POST"])
@role_required("careers_leader")
def deactivate_student(student_id: int) -> Response:
    """Deactivate a student's account: they are signed out at once and cannot sign in."""
    return _set_active(student_id, False, "Account deactivated")


@bp.route("/students/<int:student_id>/reactivate", methods=["POST"])
@role_required("careers_leader")
def reactivate_student(student_id: int) -> Response:
    """Reactivate a student's deactivated account."""
    return _set_active(student_id, True, "Account reactivated")


def _set_active(student_id: int, active: bool, done: str) -> Response:
    record = _own_student(student_id)
    with transaction():
        changed = school_students.set_account_active(record, active, current_user.id)
    flash(
        done if changed else "Nothing has changed: the account was already like that",
        "success" if changed else "info",
    )
    return redirect(url_for("careers.student", student_id=record.id))


@bp.route("/rounds", methods=["GET", "POST"])
@role_required("careers_leader")
def rounds() -> str | Response:
    """The school's matching rounds, and the form that starts a new one."""
    school = rounds_dao.get_school(_school_id())
    if school is None:
        abort(404)
    form = SchoolRoundForm(hub_id=school.hub_id)
    if form.validate_on_submit():
        try:
            with transaction():
                match_round = rounds_dao.add_round(
                    hub_id=school.hub_id,
                    school_id=school.id,
                    kind=form.kind_value,
                    mechanism=form.mechanism.data,
                    seed=form.seed.data or 0,
                    policy=form.policy(form.scope()),
                    decide_by=form.decide_by.data,
                    created_by_id=current_user.id,
                )
                audit(current_user.id, "round_started", "match_round", match_round.id)
        except IntegrityError:
            # The database allows one unfinished round per school.
            flash(ONE_AT_A_TIME, "important")
            return redirect(url_for("careers.rounds"))
        round_id = match_round.id
        round_pages.enqueue(round_id)
        return redirect(url_for("careers.round_detail", round_id=round_id))
    listed = hub_rounds.rounds_for_school(school)
    counts = rounds_dao.allocation_counts([r.id for r in listed], _school_id())
    return render_template("careers/rounds.html", form=form, rounds=listed, counts=counts)


def _own_round(round_id: int):  # type: ignore[no-untyped-def]
    """The school's own round, or its hub's hub-wide round once that is not a draft."""
    match_round = rounds_dao.get_round(round_id)
    school = rounds_dao.get_school(_school_id())
    if school is None or not hub_rounds.school_sees(match_round, school):
        abort(404)
    return match_round


def _school_round(round_id: int):  # type: ignore[no-untyped-def]
    """The school's own round: one it can cancel, start again or top up (a hub-wide one is the hub's)."""
    return owned_or_404(rounds_dao.get_round(round_id), school_id=_school_id())


PROPOSALS_PER_PAGE = 50


@bp.route("/rounds/<int:round_id>")
@role_required("careers_leader")
def round_detail(round_id: int) -> str | Response:
    """A round: its progress while it runs, then its fairness summary and this school's proposals to decide,
    filtered, sorted and a page at a time, with how a decision just made went beside its row."""
    match_round = _own_round(round_id)
    if match_round.draft and match_round.status == "succeeded":
        return redirect(url_for("careers.compare", round_id=match_round.id))
    share = top_up = None
    decided = proposals.take()
    if match_round.status == "succeeded":
        # The drawn share is kept while every decision on it stays the same (and the round unreleased), and
        # so are the places free for a top-up (the page says they can be a minute old; a top-up counts
        # them again before it starts).
        decisions = hub_rounds.share_decisions(match_round.id, _school_id())
        pages = max(1, -(-len(decisions) // PROPOSALS_PER_PAGE))
        listed = _listed()
        listed = listed.with_page(min(listed.page, pages))  # a filtered list has no more pages than all
        digest = hashlib.blake2b(repr(decisions).encode(), digest_size=16).hexdigest()
        key = (match_round.id, match_round.released_at, _school_id(), digest)
        undecided = any(status == "proposed" for _, status in decisions)

        def draw() -> str:
            return _draw_share(match_round, listed, undecided, decided)

        if decided:  # the result of a decision, for this one visit: drawn for it, never kept
            share = draw()
        else:
            asked = tuple(sorted(listed.query_values().items()))
            share = cached(("round-share", asked, *key), draw, "ROUND_PAGE_CACHE_SECONDS")
        if match_round.school_id is not None:
            top_up = cached(
                ("top-up", london_today(), *key),
                lambda: rounds_dao.top_up_now(match_round, london_today()),
                "ROUND_PAGE_CACHE_SECONDS",
            )
    return render_template(
        "careers/round.html",
        match_round=match_round,
        share=Markup(share) if share is not None else None,
        results_in_share=bool(share and decided),
        top_up=top_up,
        button=ConfirmForm(),
    )


def _draw_share(match_round, listed: Listing, undecided: bool, decided) -> str:  # type: ignore[no-untyped-def]
    """A finished round's figures and a page of this school's proposals as `listed` asks, with the result
    of the decision just made, if `decided` (careers/_round_share.html). `undecided`: whether any of the
    school's proposals, listed or not, is still to decide."""
    found = _share_page(match_round.id, listed)
    messages = get_flashed_messages(with_categories=True) if decided else []
    note = proposals.note(found.rows, decided, messages) if decided and messages else None
    found.rows[:] = [(row, plain_reasons(row), reasons(row.explanation)) for row in found.rows]
    return render_template(
        "careers/_round_share.html",
        match_round=match_round,
        proposals=found,
        listed=listed.with_page(found.page),
        opportunities=hub_rounds.share_opportunities(match_round.id, _school_id()),
        summary=fairness_summary(_school_metrics(match_round), any_kind=match_round.kind is None),
        any_proposed=undecided,
        holds_offers=hub_rounds.holds_offers(match_round),
        note=note,
    )


def _listed() -> Listing:
    """The list of the school's proposals asked for: the page offers no school or route to filter by."""
    return replace(Listing.asked(request.args), school=None, route=None)


def _share_page(round_id: int, listed: Listing) -> hub_rounds.Page:
    """A page of this school's proposals in the round, as `listed` asks."""
    finding = {**listed.finding(), "school_id": _school_id()}
    return hub_rounds.proposals_page(round_id, per_page=PROPOSALS_PER_PAGE, **finding)


def _school_metrics(match_round) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The round's figures; for a hub-wide round, this school's placed and students from its line."""
    metrics = dict(match_round.metrics or {})
    if match_round.school_id is None:
        mine = ((metrics.get("fairness") or {}).get("by_school") or {}).get(str(_school_id())) or {}
        metrics.update(assigned=mine.get("assigned", 0), students=mine.get("students", 0), ranked_placed=None)
        # The hub's groups and pathways are every school's: show this school's own line only.
        metrics.update(left_out={}, fairness={"overall": mine}, skipped=None)
    return metrics


@bp.route("/rounds/<int:round_id>/status")
@role_required("careers_leader")
def round_status(round_id: int) -> Response:
    """A round's status, progress and stage as JSON, for the page to poll while it runs."""
    return round_pages.status_response(_own_round(round_id))


@bp.route("/rounds/<int:round_id>/cancel", methods=["POST"])
@role_required("careers_leader")
def cancel_round(round_id: int) -> Response:
    """Cancel a round that is waiting or running; nothing it would have proposed is kept."""
    return round_pages.cancel(_school_round(round_id), "careers.round_detail")


@bp.route("/rounds/<int:round_id>/retry", methods=["POST"])
@role_required("careers_leader")
def retry_round(round_id: int) -> Response:
    """Start a failed or cancelled round again, with the same settings and lottery number."""
    match_round = _school_round(round_id)
    try:
        with transaction():
            queued = round_claims.retry_round(match_round.id)
            if queued:
                audit(current_user.id, "round_retried", "match_round", match_round.id)
    except IntegrityError:
        flash(ONE_AT_A_TIME, "important")
        return redirect(url_for("careers.round_detail", round_id=match_round.id))
    if queued:
        round_pages.enqueue(match_round.id)
    else:
        flash("Only a round that failed or was cancelled can be started again", "important")
    return redirect(url_for("careers.round_detail", round_id=match_round.id))


@bp.route("/rounds/<int:round_id>/top-up", methods=["POST"])
@role_required("careers_leader")
def top_up_round(round_id: int) -> Response:
    """Start a top-up round of a finished round, over the seats free now and the students still unplaced,
    with the same kind, mechanism and policy and a new lottery number; its proposals wait for approval."""
    match_round = _school_round(round_id)
    if match_round.status != "succeeded" or match_round.draft:
        flash("Only a round that finished can be topped up", "important")
        return redirect(url_for("careers.round_detail", round_id=match_round.id))
    decide_by = round_deadlines.default_decide_by(match_round, london_today())
    return round_pages.top_up(match_round, "careers.round_detail", ONE_AT_A_TIME, decide_by)
