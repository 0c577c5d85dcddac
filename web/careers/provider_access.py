"""The school's provider access policy: the careers leader writes and publishes it, and anyone can read it at
a stable address, as the law asks (no sign-in: colleges and training providers have no account here)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.roles import public, role_required
from web.careers import bp
from web.careers.provider_access_forms import ProviderAccessForm
from web.dao import provider_access as dao
from web.dao import schools as schools_dao
from web.dao.base import transaction
from web.dates import LONDON, london_today
from web.emails import link
from web.models import ProviderAccessPolicy

# The public page lives outside /school (the careers leader's pages), at an address a school can print.
schools = Blueprint("schools", __name__, url_prefix="/schools")


@bp.route("/provider-access", methods=["GET", "POST"])
@role_required("careers_leader")
def provider_access() -> Response | str:
    """Write the school's provider access policy and publish it, or change the published one."""
    school_id = int(current_user.school_id)
    policy = dao.policy_of(school_id)
    form = ProviderAccessForm()
    if policy is not None and not form.is_submitted():
        form.fill_from(policy)
    if form.validate_on_submit():
        with transaction():
            changed = dao.publish(school_id, current_user.id, **form.values())
        if policy is None:
            flash("Your provider access policy is published", "success")
        else:
            flash("Your changes are published" if changed else "Nothing has changed", "success")
        return redirect(url_for("careers.provider_access"))
    school = schools_dao.get_school(school_id)
    assert school is not None
    return render_template(
        "careers/provider_access.html",
        form=form,
        policy=policy,
        school=school,
        public_url=link("schools.published_policy", urn=school.urn),
        **_days(policy),
    )


@schools.route("/<string:urn>/provider-access")
@public
def published_policy(urn: str) -> str:
    """A school's published provider access policy, in plain words, for providers and anyone else."""
    found = dao.published(urn)
    if found is None:
        abort(404)
    school, policy = found
    return render_template(
        "careers/provider_access_public.html",
        school=school,
        policy=policy,
        blackouts=dao.blackouts(policy, ending_from=london_today()),
        **_days(policy),
    )


def _day(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(LONDON).date()


def _days(policy: ProviderAccessPolicy | None) -> dict[str, Any]:
    """The days (in England) the policy was published and last changed; changed_on None if the same day."""
    if policy is None:
        return {}
    published_on, changed_on = _day(policy.published_at), _day(policy.updated_at)
    return {
        "published_on": published_on,
        "changed_on": changed_on if changed_on != published_on else None,
    }
