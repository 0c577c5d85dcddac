"""Register your organisation: the public page where an employer signs itself up with a careers hub."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from web.auth.roles import public
from web.dao import vetting
from web.dao.base import transaction
from web.employers import bp
from web.employers.organisation_forms import RegistrationForm
from web.extensions import limiter

REGISTERED = (
    "Your organisation is registered. Next, add your safeguarding evidence so your careers hub can check it. "
    "You can create opportunities now, and publish them once the hub has approved you"
)


@bp.route("/register", methods=["GET", "POST"])
@public
# Every post counts, not only failures as at sign-in: each registration makes an account and emails the hub.
@limiter.limit(lambda: str(current_app.config["REGISTER_RATE_LIMIT"]), methods=["POST"])
def register() -> Response | str:
    """Register an organisation and its first user, who is signed in at once; the hub's admins are told."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.index"))
    hubs = vetting.hubs()
    if not hubs:
        return render_template("employers/register_closed.html")
    form = RegistrationForm(hubs=hubs)
    if form.validate_on_submit():
        try:
            with transaction():
                _, user = vetting.register(
                    form.hub_id, form.email.data, form.password.data, **form.employer_fields()
                )
        except vetting.RegistrationError as problem:
            form.email.errors = [str(problem)]
        else:
            session.clear()  # nothing from before registering survives into the new session
            login_user(user)
            flash(REGISTERED, "success")
            return redirect(url_for("employers.organisation"))
    return render_template("employers/register.html", form=form)
