"""An employer's own forms about their organisation: registering it, and keeping its contact details and
safeguarding evidence current."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from matcher.people import ROUTES
from web.dao.vetting import CONTACT_FIELDS, EVIDENCE_FIELDS
from web.fields import (
    ChoiceField,
    DateField,
    Form,
    PasswordField,
    PostcodeField,
    TextAreaField,
    TextField,
    WholeNumberField,
)
from web.hub.forms import MAX_COVER, email_field
from web.models import Employer, Hub
from web.models.organisations import ORGANISATION_KINDS

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
# A UK number has 10 or 11 digits (an international one up to 15); people write spaces, brackets and dashes.
_PHONE = re.compile(r"\+?[0-9 ()\-]+")
# More than this many hubs make a long list of radios: a select is easier to use.
MOST_RADIOS = 10


class ContactFields(Form):
    """Who at the employer schools and the hub should contact."""

    contact_name = TextField(
        "Full name", called="Contact name", required="Enter the contact's full name", max_length=200
    )
    contact_email = email_field(
        "Email address", "Enter the contact's email address", called="Contact email address"
    )
    contact_phone = TextField(
        "Telephone number",
        called="Telephone number",
        required="Enter the contact's telephone number",
        max_length=40,
        description="For international numbers include the country code",
    )

    def validate_contact_phone(self, field: TextField) -> None:
        """Digits with the usual spaces, brackets and dashes: 10 to 15 of them."""
        digits = len(re.sub(r"[^0-9]", "", field.data))
        if not _PHONE.fullmatch(field.data) or not 10 <= digits <= 15:
            raise ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")


class RegistrationForm(ContactFields):
    """Register an organisation: which hub, the organisation, a contact, and the first user's sign-in."""

    hub = ChoiceField("Which careers hub are you joining?", {}, "Select the careers hub you are joining")
    kind = ChoiceField(
        "What kind of organisation is it?",
        ORGANISATION_KINDS,
        "Select what kind of organisation it is",
        default="employer",
        description="Education and training providers can also offer provider encounters, such as T Level "
        "and apprenticeship talks and taster days",
    )
    name = TextField("Organisation name", required="Enter your organisation's name", max_length=200)
    route = ChoiceField(
        "Sector",
        {"": "Choose a sector", **ROUTES},
        "Select your organisation's sector",
        widget=GovSelect(),
        description="The occupational route closest to what your organisation does",
    )
    postcode = PostcodeField(
        "Postcode",
        required="Enter your organisation's postcode",
        description="Of the place students would come to",
    )
    email = email_field(
        "Email address",
        "Enter your email address",
        description="You will use it to sign in. It can be the contact's",
    )
    password = PasswordField(
        "Create a password",
        called="Password",
        required="Enter a password",
        max_length=MAX_PASSWORD_LENGTH,
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one",
    )
    confirm_password = PasswordField(
        "Confirm password",
        required="Enter your password again",
        max_length=MAX_PASSWORD_LENGTH,
    )
    submit = SubmitField("Register", widget=GovSubmitInput())

    def __init__(self, *args: Any, hubs: list[Hub], **kwargs: Any) -> None:
        """The form for joining one of these hubs; with only one, the question is not asked."""
        super().__init__(*args, **kwargs)
        self.hub_as_radios = len(hubs) <= MOST_RADIOS
        if len(hubs) == 1:
            del self.hub
            self.only_hub: int | None = hubs[0].id
            return
        self.only_hub = None
        self.hub.choices = [(str(hub.id), hub.name) for hub in hubs]
        self.hub.values = {str(hub.id) for hub in hubs}
        if not self.hub_as_radios:
            self.hub.choices.insert(0, ("", "Choose a careers hub"))
            self.hub.widget = GovSelect()

    def validate_password(self, field: PasswordField) -> None:
        """Long enough to be hard to guess."""
        if len(field.data) < MIN_PASSWORD_LENGTH:
            raise ValidationError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")

    def validate_confirm_password(self, field: PasswordField) -> None:
        """The same password twice."""
        if self.password.data and field.data != self.password.data:
            raise ValidationError("The passwords do not match. Enter the same password twice")

    @property
    def hub_id(self) -> int:
        """The hub chosen, or the only one."""
        return self.only_hub if self.only_hub is not None else int(self.hub.data)

    def employer_fields(self) -> dict[str, Any]:
        """The answers as Employer columns."""
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "route": self.route.data,
            "postcode": self.postcode.data,
            **{name: getattr(self, name).data for name in CONTACT_FIELDS},
        }


class OrganisationForm(ContactFields):
    """The employer's contact details and the safeguarding evidence it keeps current."""

    insurer = TextField("Employers' liability insurer", called="Insurer", max_length=200)
    insurance_cover = WholeNumberField(
        "Employers' liability cover, in pounds",
        called="Insurance cover",
        minimum=1,
        maximum=MAX_COVER,
        example=5000000,
        unit="pounds",
        description="It must be at least £5 million (5000000) and cover students on placements",
    )
    insurance_expires = DateField("Insurance expiry date", description="For example, 31 3 2027")
    risk_assessment_summary = TextAreaField(
        "Summary of your risk assessment for parents and carers",
        called="Risk assessment summary",
        max_length=2000,
        description="In plain words: the main risks of a placement with you and how you control them. "
        "Parents and carers read this before they give consent",
    )
    supervisor_name = TextField(
        "Named supervisor",
        called="Supervisor's name",
        max_length=200,
        description="The person who looks after students while they are with you",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, employer: Employer, **kwargs: Any) -> None:
        """The form for changing this employer's details."""
        super().__init__(*args, **kwargs)
        self.employer = employer

    def validate_insurance_expires(self, field: DateField) -> None:
        """A new expiry date must be in the future: insurance that has run out is no evidence."""
        if field.data != self.employer.insurance_expires and field.data < date.today():
            raise ValidationError("Insurance expiry date must be today or in the future")

    def values(self) -> dict[str, Any]:
        """The answers as Employer columns (an evidence question left empty clears it)."""
        values = {name: getattr(self, name).data for name in (*CONTACT_FIELDS, *EVIDENCE_FIELDS)}
        for name in ("insurer", "risk_assessment_summary", "supervisor_name"):
            values[name] = values[name] or ""
        return values

    def fill_from(self, employer: Employer) -> None:
        """Show the employer's saved answers."""
        for name in (*CONTACT_FIELDS, *EVIDENCE_FIELDS):
            getattr(self, name).data = getattr(employer, name)
