"""Importing the school's students from its MIS: upload a CSV, check what it would change, then confirm.

Nothing changes the students until the careers leader confirms; the checked file waits meanwhile as a
StudentImport of theirs (one at a time: a new upload replaces it), and is deleted once confirmed or cancelled.
A pupil on another school's roll in the hub is not added: they move here (web/careers/transfers.py).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from matcher.postcodes import PostcodeError, format_postcode, normalise
from web.auth.roles import role_required
from web.careers import bp, import_csv
from web.careers.forms import ImportConfirmForm, ImportForm
from web.dao import imports as dao
from web.dao.base import transaction
from web.fields import ConfirmForm
from web.models import StudentImport
from web.models.base import utcnow
from web.postcodes import SHAPE_MESSAGE, InvalidPostcodeError, postcode_index

# Problems listed on the page at most: a file that is wrong in every cell would make a page too big to use.
PROBLEMS_SHOWN = 1000
NOTHING_WAITING = "There is no file waiting to be imported. Upload it again"
CHANGED = (
    "Your school's students have changed since you checked this file. Check the changes again, then import"
)


def _school_id() -> int:
    return int(current_user.school_id)


def home_postcode(text: str) -> str:
    """A pupil's home postcode written the Royal Mail way; InvalidPostcodeError if it is malformed, and
    PostcodeNotFoundError (a warning: the pupil imports without it) if the postcode directory lacks it."""
    try:
        compact = normalise(text)
    except PostcodeError:
        raise InvalidPostcodeError(SHAPE_MESSAGE) from None
    if not postcode_index().locate([compact])[1][0]:
        raise import_csv.PostcodeNotFoundError()
    return format_postcode(compact)


def _left_empty(found: import_csv.Changes) -> str:
    """What the confirmation adds about pupils imported with a detail left empty, or nothing."""
    rows = [change.row for change in (*found.added, *found.updated, *found.unchanged)]
    flags = import_csv.flagged(rows)
    no_home = len({flag.upn for flag in flags if flag.field in import_csv.POSTCODE_FIELDS})
    no_contact = len({flag.upn for flag in flags if flag.field in import_csv.CONTACT_FIELDS})
    said = []
    if no_home:
        said.append(
            f"{no_home} {'student has' if no_home == 1 else 'students have'} no usable home postcode: "
            "distances are measured from your school's postcode"
        )
    if no_contact:
        said.append(
            f"{no_contact} {'student has' if no_contact == 1 else 'students have'} a contact email that is "
            "not a real address: it was not saved"
        )
    return "".join(f". {words}" for words in said)


def _moving(found: import_csv.Changes) -> str:
    """What the confirmation adds about pupils on another school's roll in the hub, or nothing."""
    said = []
    if found.joining:
        count = len(found.joining)
        said.append(
            f"{count} {'student' if count == 1 else 'students'} moved here from another school, "
            "with their records"
        )
    if found.transfers:
        count = len(found.transfers)
        said.append(
            "1 student is on another school's roll: they join your students once that school confirms"
            if count == 1
            else f"{count} students are on other schools' rolls: each joins your students once their "
            "school confirms"
        )
    return "".join(f". {words}" for words in said)


def _problem_text(read: import_csv.ReadFile) -> str:
    if read.file_problem:
        return str(read.problems[0])
    count = len(read.problems)
    found, them = ("1 problem", "it") if count == 1 else (f"{count:,} problems", "them")
    return f"The selected file has {found}. Correct {them} in your MIS or the file, then upload it again"


@bp.route("/students/import", methods=["GET", "POST"])
@role_required("careers_leader")
def import_students() -> Response | str:
    """Upload an MIS export of the school's students; it is checked, and nothing is saved yet."""
    form = ImportForm()
    read = None
    if form.validate_on_submit():
        today = utcnow().date()
        read = import_csv.read(form.read_upload(), home_postcode, today)
        if read.upns:
            read.problems += import_csv.taken_elsewhere(
                read.upns, dao.upns_outside_hub(_school_id(), read.upns), read.columns["upn"]
            )
            read.problems.sort(key=lambda problem: problem.row or 0)
        if not read.problems:
            with transaction():
                dao.stage(_school_id(), current_user.id, read, form.is_full_export)
            return redirect(url_for("careers.check_import"))
        form.file.errors = [_problem_text(read)]
    return render_template(
        "careers/import.html",
        form=form,
        read=read,
        problems=read.problems[:PROBLEMS_SHOWN] if read and not read.file_problem else [],
        labels=import_csv.FIELD_LABELS,
        columns=import_csv.COLUMNS,
        waiting=read is None and _waiting() is not None,
    )


def _waiting() -> StudentImport | None:
    return dao.waiting(_school_id(), current_user.id)


def _check_page(staged: StudentImport, form: ImportConfirmForm) -> str:
    changes = dao.changes(staged)
    upns = {row["upn"]: row["row"] for row in staged.rows}
    # Checked again now: a school outside the hub may have added one of these students since the upload.
    columns = staged.summary.get("columns", {})
    problems = import_csv.taken_elsewhere(
        upns, dao.upns_outside_hub(staged.school_id, upns), columns.get("upn", "UPN")
    )
    emails = dao.email_changes(changes)
    problems += dao.email_problems(emails, columns.get("email", "Email"))
    problems.sort(key=lambda problem: problem.row or 0)
    form.seen.data = changes.fingerprint(staged.id)
    return render_template(
        "careers/import_check.html",
        staged=staged,
        changes=changes,
        problems=problems,
        flagged=import_csv.flagged(staged.rows),
        emails=[move for move in emails if not move.taken],
        form=form,
        cancel=ConfirmForm(),
        labels=import_csv.FIELD_LABELS,
    )


@bp.route("/students/import/check")
@role_required("careers_leader")
def check_import() -> Response | str:
    """What the checked file would change: students to add, update, leave unchanged and mark as leavers."""
    staged = _waiting()
    if staged is None:
        flash(NOTHING_WAITING, "important")
        return redirect(url_for("careers.import_students"))
    return _check_page(staged, ImportConfirmForm(formdata=None))


@bp.route("/students/import/confirm", methods=["POST"])
@role_required("careers_leader")
def confirm_import() -> Response:
    """Save everything the checked file changes, in one transaction, if it is still what the page showed."""
    form = ImportConfirmForm()
    seen = form.seen.data if isinstance(form.seen.data, str) else ""
    try:
        with transaction():
            done = dao.confirm(_school_id(), current_user.id, seen, utcnow().date())
    except IntegrityError:
        # A UPN in the file was given to another school's student since the page was shown.
        done = None
    if done is None:
        flash(CHANGED if _waiting() is not None else NOTHING_WAITING, "important")
        return redirect(url_for("careers.check_import" if _waiting() else "careers.import_students"))
    counts = done.counts()
    flash(
        f"Students imported: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['left']} marked as leavers{_moving(done)}{_left_empty(done)}",
        "success",
    )
    return redirect(url_for("careers.students"))


@bp.route("/students/import/cancel", methods=["POST"])
@role_required("careers_leader")
def cancel_import() -> Response:
    """Throw away the checked file without saving anything from it."""
    with transaction():
        cancelled = dao.cancel(_school_id(), current_user.id)
    flash("Import cancelled. Nothing was saved" if cancelled else NOTHING_WAITING, "important")
    return redirect(url_for("careers.students"))
