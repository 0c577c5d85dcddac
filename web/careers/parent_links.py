"""Parents' links: the careers leader emails the parents and carers of a year group (or of one pupil) a link
to their child's entitlements, with the school's permission, and sees and revokes the links sent."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import role_required
from web.careers import bp
from web.careers.parent_link_forms import PERMISSION, SendLinksForm
from web.dao import parent_links as dao
from web.dao import schools as schools_dao
from web.dao.base import audit, transaction
from web.dates import london_today
from web.fields import ConfirmForm, whole_number
from web.models import Student
from web.models.base import utcnow

YEAR_GROUPS = range(7, 14)


def _school_id() -> int:
    return int(current_user.school_id)


@bp.route("/parent-links", methods=["GET", "POST"])
@role_required("careers_leader")
def parent_links() -> str:
    """The links sent (of one year group if asked), with the form to send more."""
    form = SendLinksForm(who="9")
    if form.validate_on_submit():
        pupils = dao.current_pupils(_school_id(), form.year_group, form.upn.data or None)
        if not pupils and form.year_group is None:
            form.upn.errors = ["No pupil at your school now has this UPN. Check it in your MIS"]
        elif not pupils:
            form.who.errors = [f"Your school has no pupils in Year {form.year_group} now"]
        else:
            return _send(form, pupils)
    return _page(form)


def _send(form: SendLinksForm, pupils: list[Student]) -> str:
    now = utcnow()
    with transaction():
        sent = dao.send(_school_id(), pupils, current_user.id, now, london_today())
        audit(
            current_user.id,
            "parent_links_sent",
            "school",
            _school_id(),
            year_group=form.year_group,
            pupils=len(pupils),
            sent=sent.sent,
            already=sent.already,
            no_email=len(sent.no_email),
            permission=PERMISSION,
        )
    return render_template("careers/parent_links_sent.html", sent=sent, year_group=form.year_group)


def _page(form: SendLinksForm) -> str:
    year_group = whole_number(request.args.get("year"), 2)
    if year_group not in YEAR_GROUPS:
        year_group = None
    now = utcnow()
    links = [
        (link, student, dao.state_of(link, student, now))
        for link, student in dao.school_links(_school_id(), year_group)
    ]
    return render_template(
        "careers/parent_links.html",
        form=form,
        links=links,
        states=dao.STATE_WORDS,
        year_group=year_group,
        year_groups=YEAR_GROUPS,
        school=schools_dao.get_school(_school_id()),
        revoke_form=ConfirmForm(),
    )


@bp.route("/parent-links/<int:link_id>/revoke", methods=["POST"])
@role_required("careers_leader")
def revoke_parent_link(link_id: int) -> Response:
    """End one of the school's links at once: the parent's page stops working on their next visit."""
    found = dao.get(link_id)
    if found is None or found.school_id != _school_id():
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with transaction():
        revoked = dao.revoke(link_id, _school_id(), current_user.id, utcnow())
    flash("The link is revoked" if revoked else "The link was already revoked", "success")
    return redirect(url_for("careers.parent_links"))
