"""The hub admin's say over sign-in with school accounts: for each of the hub's schools (its careers leaders
and pupils), and for the hub's own admins, which providers and which email domains are allowed."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import SubmitField
from wtforms.validators import ValidationError

from web.auth import bp
from web.auth.oidc import LABELS, configured_providers
from web.auth.roles import owned_or_404, role_required
from web.dao import identities
from web.dao import schools as schools_dao
from web.dao.base import transaction
from web.fields import ChoicesField, Form, TextAreaField
from web.models import SignInPolicy
from web.models.identities import SIGN_IN_PROVIDERS

MAX_DOMAINS = 20
# A domain name as DNS spells it: labels of letters, digits and hyphens, dotted, ending in a top-level name.
_DOMAIN = re.compile(
    r"(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
)


class SignInPolicyForm(Form):
    """Providers ticked, and the email domains (one a line) whose addresses may use them."""

    providers = ChoicesField(
        "Which accounts can people use to sign in?",
        {provider: LABELS[provider] for provider in SIGN_IN_PROVIDERS},
        "Select accounts from the list",
    )
    domains = TextAreaField(
        "Email domains",
        max_length=MAX_DOMAINS * 254,
        description="The part of their email addresses after the @, one on each line, for example "
        "oakfield.sch.uk",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_domains(self, field: TextAreaField) -> None:
        """Each line a domain name (an @ before it is dropped), at most MAX_DOMAINS of them."""
        found = []
        for line in (field.data or "").split("\n"):
            domain = line.strip().lower().removeprefix("@")
            if not domain:
                continue
            if not _DOMAIN.fullmatch(domain):
                shown = domain if len(domain) <= 60 else domain[:60] + "..."
                raise ValidationError(f"Enter email domains like oakfield.sch.uk, not {shown}")
            found.append(domain)
        if len(set(found)) > MAX_DOMAINS:
            raise ValidationError(f"Enter {MAX_DOMAINS} email domains or fewer")
        field.data = "\n".join(dict.fromkeys(found))

    def validate(self, extra_validators: Any = None) -> bool:
        """As every form, and a domain whenever an account is ticked: with none, nobody could sign in."""
        valid = super().validate(extra_validators)
        if self.providers.data and not self.domain_list() and not self.domains.errors:
            self.domains.errors = ["Enter the email domains that can sign in with these accounts"]
            valid = False
        return valid

    def domain_list(self) -> list[str]:
        """The domains entered, once each."""
        return [line for line in (self.domains.data or "").split("\n") if line]

    def fill_from(self, policy: SignInPolicy | None) -> None:
        """Show what is saved."""
        self.providers.data = list(policy.providers) if policy else []
        self.domains.data = "\n".join(policy.domains) if policy else ""


@bp.route("/hub/schools/<int:school_id>/sign-in", methods=["GET", "POST"])
@role_required("hub_admin")
def school_sign_in(school_id: int) -> Response | str:
    """Which providers and email domains the school's careers leaders and pupils may sign in with."""
    school = owned_or_404(schools_dao.get_school(school_id), hub_id=current_user.hub_id)
    return _policy_page(identities.policy_for_school(school.id), school=school)


@bp.route("/hub/sign-in", methods=["GET", "POST"])
@role_required("hub_admin")
def hub_sign_in() -> Response | str:
    """Which providers and email domains the hub's own admins may sign in with."""
    return _policy_page(identities.policy_for_hub(current_user.hub_id), school=None)


def _policy_page(policy: SignInPolicy | None, school: Any) -> Response | str:
    form = SignInPolicyForm()
    if not form.is_submitted():
        form.fill_from(policy)
    if form.validate_on_submit():
        where = {"school_id": school.id} if school is not None else {"hub_id": current_user.hub_id}
        with transaction():
            identities.save_policy(current_user.id, form.providers.data or [], form.domain_list(), **where)
        flash("Sign-in settings saved", "success")
        if school is not None:
            return redirect(url_for("auth.school_sign_in", school_id=school.id))
        return redirect(url_for("auth.hub_sign_in"))
    return render_template(
        "auth/school_sign_in.html",
        form=form,
        school=school,
        unconfigured=[LABELS[name] for name in SIGN_IN_PROVIDERS if name not in configured_providers()],
    )
