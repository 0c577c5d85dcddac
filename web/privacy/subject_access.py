"""Subject access: a careers leader or hub admin asks for everything held about one pupil, or a pupil for
their own; a worker makes the bundle (workers/privacy_tasks.py) and emails the one who asked a single-use
link, which works only for them, once, for 7 days.

The link's secret moves from the address into the session at once, and the zip is served by a POST from a
page without it, so the secret is not left in the browser's history, sent on as a referrer, or spent by a
mail scanner that fetches links.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from flask import abort, flash, redirect, render_template, send_file, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.accounts.views import hide_link_secrets
from web.auth.roles import role_required
from web.dao import subject_access as dao
from web.dao.base import transaction
from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.fields import ConfirmForm
from web.models import Student, SubjectAccessBundle, User
from web.models.base import utcnow
from web.privacy import bp
from web.privacy.pupils import staff_pupil
from workers.privacy_tasks import enqueue_bundle

log = logging.getLogger(__name__)

STAFF = ("careers_leader", "hub_admin")
REQUESTERS = (*STAFF, "student")
# The bundle whose link was followed, kept in the session until it is downloaded.
SESSION_BUNDLE = "subject_access_bundle_id"
LINK_PREFIX = "/privacy/subject-access/link/"
ASKED = "Bundle asked for. We will email you a link when it is ready, usually within a few minutes"
NOT_SENT = "Bundle asked for. It will be made when a worker is free, and we will email you a link"
WAITING = "A bundle you asked for is still being made. We will email you a link when it is ready"


@bp.record_once
def _hide_secrets(_: Any) -> None:
    # The link's secret, in the address or (signed out) in the sign-in page's "next", stays out of the logs.
    hide_link_secrets(LINK_PREFIX)
    hide_link_secrets(LINK_PREFIX.replace("/", "%2F"))


def _ask(student_id: int) -> str:
    """Write the queued bundle and its audit event, commit, then hand its id to a worker; the message to
    show. One already being made for this user is not made twice."""
    if dao.waiting(student_id, current_user.id) is not None:
        return WAITING
    with transaction():
        bundle = dao.ask(student_id, current_user.id)
    return ASKED if enqueue_bundle(bundle.id) else NOT_SENT


@bp.route("/privacy/pupils/<int:student_id>/subject-access", methods=["GET", "POST"])
@role_required(*STAFF)
def pupil_subject_access(student_id: int) -> Response | str:
    """A pupil's subject access bundles (status, who asked, when, until when), and the button that asks for
    a new one."""
    student = staff_pupil(student_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        flash(_ask(student.id), "success")
        return redirect(url_for("privacy.pupil_subject_access", student_id=student.id))
    return render_template(
        "privacy/subject_access.html",
        student=student,
        bundles=dao.of_student(student.id),
        form=form,
        action=url_for("privacy.pupil_subject_access", student_id=student.id),
        now=utcnow(),
    )


@bp.route("/privacy/me/subject-access", methods=["GET", "POST"])
@role_required("student")
def my_subject_access() -> Response | str:
    """A pupil asks for everything held about them, and sees the bundles they asked for."""
    student = db.session.get(Student, current_user.student_id)
    if student is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        flash(_ask(student.id), "success")
        return redirect(url_for("privacy.my_subject_access"))
    # Only their own requests: who at school asked for their bundle is in the bundle itself.
    mine = [
        (bundle, user)
        for bundle, user in dao.of_student(student.id)
        if bundle.requested_by_id == current_user.id
    ]
    return render_template(
        "privacy/subject_access_mine.html",
        bundles=mine,
        form=form,
        action=url_for("privacy.my_subject_access"),
        now=utcnow(),
    )


def _refused(reason: str, status: int, bundle: SubjectAccessBundle | None = None) -> tuple[str, int]:
    session.pop(SESSION_BUNDLE, None)
    page = render_template("privacy/subject_access_link.html", reason=reason, ask_again=_ask_again(bundle))
    return page, status


def _ask_again(bundle: SubjectAccessBundle | None) -> str:
    """Where the one who asked can ask again ("" for anyone else: the page just refuses)."""
    if current_user.role == "student":
        return url_for("privacy.my_subject_access")
    if bundle is not None and bundle.requested_by_id == current_user.id:
        return url_for("privacy.pupil_subject_access", student_id=bundle.student_id)
    return ""


def _usable(bundle: SubjectAccessBundle | None) -> tuple[str, int] | None:
    """Why this bundle cannot be downloaded by the signed-in user (a refusal page), or None if it can."""
    if bundle is None or bundle.status != "ready":
        return _refused("invalid", 404)
    if bundle.requested_by_id != current_user.id:
        return _refused("not_yours", 403)
    if bundle.used_at is not None:
        return _refused("used", 410, bundle)
    if bundle.expires_at <= utcnow():
        return _refused("expired", 410, bundle)
    return None


@bp.route("/privacy/subject-access/link/<string:token>")
@role_required(*REQUESTERS)
def subject_access_link(token: str) -> Response | tuple[str, int]:
    """The emailed link: for the one who asked, remember its bundle, then offer the download on a page
    without the secret in its address."""
    bundle = dao.find(token)
    refusal = _usable(bundle)
    if refusal is not None:
        return refusal
    assert bundle is not None
    session[SESSION_BUNDLE] = bundle.id
    return redirect(url_for("privacy.subject_access_download"))


@bp.route("/privacy/subject-access/download", methods=["GET", "POST"])
@role_required(*REQUESTERS)
def subject_access_download() -> Response | str | tuple[str, int]:
    """The bundle's download: shown on GET, and served once, by POST, to the one who asked."""
    bundle_id = session.get(SESSION_BUNDLE)
    bundle = dao.get(bundle_id) if isinstance(bundle_id, int) else None
    refusal = _usable(bundle)
    if refusal is not None:
        return refusal
    assert bundle is not None
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("privacy/subject_access_download.html", bundle=bundle, form=form)
    with transaction():
        content = dao.spend(bundle.id, current_user.id, utcnow())
    if content is None:  # spent in another tab, or its week ran out, since the page was shown
        db.session.expire_all()
        return _usable(dao.get(bundle.id)) or _refused("used", 410, bundle)
    session.pop(SESSION_BUNDLE, None)
    response = send_file(
        io.BytesIO(content),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"subject-access-{bundle.created_at:%Y-%m-%d}.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@email("subject_access_ready")
def subject_access_ready(bundle_id: int) -> dict[str, Any] | None:
    """To whoever asked: the bundle is ready, with its single-use link and the day it stops working."""
    bundle = dao.get(bundle_id)
    # Downloaded, out of date or deleted since it was queued: nothing to send.
    if (
        bundle is None
        or bundle.status != "ready"
        or bundle.used_at is not None
        or bundle.expires_at <= utcnow()
    ):
        return None
    requester = db.session.get(User, bundle.requested_by_id)
    if requester is None or not requester.active:
        return None
    return {
        "link": link("privacy.subject_access_link", token=dao.secret_of(bundle)),
        "asked_on": long_date(bundle.created_at.date()),
        "expires_on": long_date(bundle.expires_at.date()),
        "own": requester.student_id == bundle.student_id,
    }
