"""The hub admin's forms: a school, an invitation, an employer's evidence and check, and a decision."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import Email, ValidationError

from web.dao import schools as schools_dao
from web.dao.vetting import CHECK_FIELDS
from web.fields import ChoiceField, DateField, Form, PostcodeField, TextAreaField, TextField, WholeNumberField
from web.models import Employer, School

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
# The most anyone insures employers' liability for is far below this; the column holds up to 2**31 - 1.
MAX_COVER = 1_000_000_000


def email_field(label: str, required: str, **kwargs: Any) -> TextField:
    """An email address: at most 320 characters (64 before the @ and 255 after), in a valid shape."""
    return TextField(label, required=required, max_length=320, validators=[Email(EMAIL_FORMAT)], **kwargs)


class SchoolForm(Form):
    """A school or college: its URN, name, postcode and phase."""

    urn = TextField(
        "URN (unique reference number)",
        called="URN",
        required="Enter the school's URN",
        max_length=20,
        description="6 digits, from Get Information about Schools. For example, 123456",
    )
    name = TextField("Name", required="Enter the school's name", max_length=200)
    postcode = PostcodeField("Postcode", required="Enter the school's postcode")
    phase = ChoiceField("Phase", schools_dao.PHASES, "Select the school's phase")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, school: School | None = None, hub_id: int, **kwargs: Any) -> None:
        """The form for a new school in the hub, or for changing `school`."""
        super().__init__(*args, **kwargs)
        self.school, self.hub_id = school, hub_id

    def validate_urn(self, field: TextField) -> None:
        """Exactly 6 digits, and no other school's."""
        field.data = "".join(field.data.split())
        if not re.fullmatch(r"[0-9]{6}", field.data):
            raise ValidationError("URN must be 6 digits, like 123456")
        owner = schools_dao.school_with_urn(field.data)
        if owner is not None and (self.school is None or owner.id != self.school.id):
            raise ValidationError(urn_taken(owner, self.hub_id))

    def values(self) -> dict[str, Any]:
        """The answers as School columns."""
        return {name: getattr(self, name).data for name in schools_dao.FIELDS}

    def fill_from(self, school: School) -> None:
        """Show the school's saved answers."""
        for name in schools_dao.FIELDS:
            getattr(self, name).data = getattr(school, name)


def urn_taken(owner: School, hub_id: int) -> str:
    """Which school already has the URN (URNs and school names are public)."""
    where = "" if owner.hub_id == hub_id else ", in another careers hub"
    return f"{owner.name} already has URN {owner.urn}{where}"


class InviteForm(Form):
    """Invite a careers leader: their name and email address."""

    name = TextField("Full name", required="Enter the careers leader's full name", max_length=200)
    email = email_field("Email address", "Enter the careers leader's email address")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


# The answer to "have you seen the risk assessment?", as radios: a box left unticked cannot be told from an
# answer forgotten, and a check must never erase evidence by omission.
ON_FILE_LABELS = {
    "y": "Yes, we have seen it and keep a copy on file",
    "n": "No",
}

# The check's answers as the confirm step names them.
CHECK_LABELS = {
    "insurer": "Employers' liability insurer",
    "insurance_cover": "Cover",
    "insurance_expires": "Insurance expires",
    "risk_assessment_on_file": "Risk assessment on file",
    "risk_assessment_summary": "Risk assessment summary for parents",
    "supervisor_name": "Named supervisor",
    "last_checked_on": "Last checked",
    "next_check_due": "Next check due",
}


class CheckForm(Form):
    """The employer's safeguarding evidence as the hub checked it, when it was checked and when it is next.
    Every answer is required: a check records what was seen, so an empty box never clears evidence."""

    insurer = TextField(
        "Employers' liability insurer",
        called="Insurer",
        required="Enter the employers' liability insurer",
        max_length=200,
    )
    insurance_cover = WholeNumberField(
        "Employers' liability cover, in pounds",
        called="Insurance cover",
        required="Enter the employers' liability cover, in pounds",
        minimum=1,
        maximum=MAX_COVER,
        example=5000000,
        unit="pounds",
        description="At least £5 million (5000000) is needed to approve",
    )
    insurance_expires = DateField(
        "Insurance expiry date",
        required="Enter the insurance expiry date",
        description="For example, 31 3 2027",
    )
    risk_assessment_on_file = ChoiceField(
        "Have you seen the employer's risk assessment?",
        ON_FILE_LABELS,
        "Select whether you have seen the employer's risk assessment",
    )
    risk_assessment_summary = TextAreaField(
        "Risk assessment summary for parents and carers",
        called="Risk assessment summary",
        required="Enter the risk assessment summary for parents and carers",
        max_length=2000,
        description="Plain words: the main risks of the placement and how the employer controls them",
    )
    supervisor_name = TextField(
        "Named supervisor",
        called="Supervisor's name",
        required="Enter the named supervisor's name",
        max_length=200,
    )
    last_checked_on = DateField(
        "Date of the last check",
        required="Enter the date of the last check",
        description="For example, 2 12 2026",
    )
    next_check_due = DateField(
        "Next check due",
        required="Enter the date the next check is due",
        description="Usually a year after the last check",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_last_checked_on(self, field: DateField) -> None:
        """A check already made."""
        if field.data > date.today():
            raise ValidationError("Date of the last check must be today or in the past")

    def validate_next_check_due(self, field: DateField) -> None:
        """After the last check."""
        last = self.last_checked_on.data
        if last is not None and field.data <= last:
            raise ValidationError("Next check due must be after the date of the last check")

    def values(self) -> dict[str, Any]:
        """The answers as Employer columns."""
        values = {name: getattr(self, name).data for name in CHECK_FIELDS}
        values["risk_assessment_on_file"] = values["risk_assessment_on_file"] == "y"
        return values

    def fill_from(self, employer: Employer) -> None:
        """Show the employer's saved evidence; "No" to the risk assessment only once a check has said so."""
        for name in CHECK_FIELDS:
            getattr(self, name).data = getattr(employer, name)
        on_file = employer.risk_assessment_on_file
        checked = employer.last_checked_on is not None
        self.risk_assessment_on_file.data = "y" if on_file else ("n" if checked else None)


class SearchForm(Form):
    """A list's search box; sent by GET (a bookmarkable list), so it needs no CSRF token."""

    class Meta(Form.Meta):
        csrf = False

    q = TextField("Search", max_length=100)

    def words(self) -> str:
        """What to search for, or "" for none (or one too long, which the page says)."""
        return "" if self.q.errors else self.q.data or ""


class SchoolSearchForm(SearchForm):
    """Find schools on the overview by name or URN."""

    q = TextField("School name or URN", called="Search", max_length=100)


class EmployerSearchForm(SearchForm):
    """Find employers by name."""

    q = TextField("Employer name", called="Search", max_length=100)


DECISION_LABELS = {
    "approve": "Approve",
    "changes": "Ask for changes",
    "suspend": "Suspend",
}


class DecisionForm(Form):
    """Approve, ask for changes or suspend, with words the employer will read."""

    decision = ChoiceField("Your decision", DECISION_LABELS, "Select approve, ask for changes or suspend")
    reason = TextAreaField(
        "Reason the employer will see",
        called="Reason",
        max_length=2000,
        description="Say what the employer needs to do, or why. Optional when you approve",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """As every form, and a reason unless approving: the employer must know what to do, or why."""
        valid = super().validate(extra_validators)
        if self.decision.data in ("changes", "suspend") and not self.reason.data and not self.reason.errors:
            what = "asking for changes" if self.decision.data == "changes" else "suspending"
            self.reason.errors = [f"Enter the reason for {what}, so the employer knows what to do"]
            valid = False
        return valid


SEEN_LABELS = {"y": "Yes", "n": "No"}


class DbsForm(Form):
    """A mentor's enhanced DBS check as the hub admin saw it: whose, when it was issued, and that they saw
    the certificate itself."""

    mentor = TextField(
        "Mentor's full name, as on the certificate",
        called="Mentor's name",
        required="Enter the mentor's full name, as on the certificate",
        max_length=100,
    )
    issued_on = DateField(
        "Date of issue",
        required="Enter the certificate's date of issue",
        description="For example, 14 9 2026",
    )
    seen = ChoiceField(
        "Have you seen the original enhanced DBS certificate, with a check of the children's barred list?",
        SEEN_LABELS,
        "Select whether you have seen the original certificate",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_issued_on(self, field: DateField) -> None:
        """A certificate already issued."""
        if field.data > date.today():
            raise ValidationError("Date of issue must be today or in the past")

    def validate_seen(self, field: ChoiceField) -> None:
        """Only what was seen is recorded."""
        if field.data == "n":
            raise ValidationError("Record the check once you have seen the original certificate")
