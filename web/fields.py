"""The one place each kind of answer is cleaned and bounded, and the base form every form uses.

Whatever is posted, a field either holds a value of its type within its limits or has one GOV.UK message
saying what to change; nothing a person (or a script) sends reaches int(), Decimal(), date() or the
database unchecked.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import fields as wtf
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from web.postcodes import InvalidPostcodeError, clean_postcode

# Control characters other than tab, line feed and carriage return: nobody types them, PostgreSQL refuses
# NUL in text, and the rest are invisible on the page while changing what is stored.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WHOLE = re.compile(r"[+-]?([0-9]+)")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+")
_DECIMAL = re.compile(r"[+-]?([0-9]*)(?:\.([0-9]*))?")
_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")


def whole_number(text: str | None, digits: int = 9) -> int | None:
    """The number a query-string or button value spells in at most `digits` ASCII digits, or None: str.isdigit
    also accepts characters such as "²" that int() refuses."""
    if text and len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def without_control_characters(value: Any) -> Any:
    """A posted string without control characters (tab and newlines stay); files pass unchanged."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class Form(FlaskForm):
    """The base of every form: each posted value arrives without control characters, whatever the field."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if not hasattr(formdata, "getlist"):  # Flask-WTF's "read the request" marker, or None
                # These are HTML forms: a post's data is its form fields, even when there are none.
                # Flask-WTF would read a JSON body instead (failing on anything but an object) and take
                # an empty post for no post, filling in defaults as though they were answers.
                posted = formdata is not None and request.method in SUBMIT_METHODS
                formdata = CombinedMultiDict((request.files, request.form)) if posted else None
            if formdata is None:
                return None
            return MultiDict(
                [(key, without_control_characters(value)) for key, value in formdata.items(multi=True)]
            )


class ConfirmForm(Form):
    """A button that posts, with its CSRF token: approve all, close, cancel, start again."""

    submit = wtf.SubmitField("Confirm", widget=GovSubmitInput())


class _Answer:
    """What every typed answer shares: "Enter ..." when required and empty, then one message at most.

    `called` names the answer in messages (a label may add "(optional)"); `only_when=(name, value)` asks
    the question only when another field has that value, as a GOV.UK conditionally revealed question.
    """

    data: Any
    errors: list[str]
    process_errors: list[str]

    def __init__(
        self,
        label: str,
        validators: Any = None,
        *,
        required: str | None = None,
        called: str | None = None,
        only_when: tuple[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.called = called or label
        self.only_when = only_when
        self.flags.required = bool(required)  # as InputRequired would: the widget marks the box required

    def pre_validate(self, form: Any) -> None:
        if self.only_when and form[self.only_when[0]].data != self.only_when[1]:
            self.data = None
            raise StopValidation()
        if self.process_errors:
            raise StopValidation()  # the message saying what is wrong is already there
        if self.data in (None, ""):
            raise StopValidation(self.required)  # None for an optional answer: nothing more to check
        self.check()

    def check(self) -> None:
        """Raise StopValidation with a message if the (non-empty) answer breaks this type's limits."""


class TextField(_Answer, wtf.StringField):
    """One line of text without control characters, trimmed, at most max_length characters."""

    widget = GovTextInput()

    def __init__(self, label: str, validators: Any = None, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.max_length = max_length

    def process_formdata(self, valuelist: list[Any]) -> None:
        # Cleaned here as well as by Form, so the field is safe in any form.
        self.data = self.tidy(without_control_characters(str(valuelist[0]))) if valuelist else ""

    def tidy(self, text: str) -> str:
        """The text as kept; a one-line box cannot hold tabs or line breaks, so any that arrive are spaces."""
        return " ".join(text.split())

    def check(self) -> None:
        if len(self.data) > self.max_length:
            raise StopValidation(f"{self.called} must be {self.max_length} characters or fewer")


class TextAreaField(TextField):
    """Paragraphs of text: line breaks (as \\n) and tabs kept, the whole trimmed."""

    widget = GovTextArea()

    def tidy(self, text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class PasswordField(TextField):
    """A password: kept exactly as typed (spaces count), never shown back."""

    widget = GovPasswordInput()

    def tidy(self, text: str) -> str:
        return text


class PostcodeField(TextField):
    """A UK postcode that exists in the postcode directory, stored the Royal Mail way ("M1 1AD")."""

    def __init__(self, label: str, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, max_length=len("SW1A 1AA"), **kwargs)

    def check(self) -> None:
        # Not the length check: clean_postcode refuses anything longer with a message saying what a
        # postcode looks like, and reads any length in linear time.
        try:
            self.data = clean_postcode(self.data)
        except InvalidPostcodeError as problem:
            raise StopValidation(str(problem)) from None


class WholeNumberField(_Answer, wtf.IntegerField):
    """A whole number from minimum to maximum, written in digits ("-0" is 0; "4.0", "1e3" are not)."""

    widget = GovTextInput()

    def __init__(
        self,
        label: str,
        validators: Any = None,
        *,
        minimum: int,
        maximum: int,
        example: int,
        unit: str = "",
        symbol: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.symbol = minimum, maximum, symbol
        of_unit, in_unit = (f" of {unit}", f" {unit}") if unit else ("", "")
        self.invalid_message = f"{self.called} must be a whole number{of_unit}, like {example}"
        self.range_message = f"{self.called} must be between {minimum} and {maximum}{in_unit}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if self.symbol:  # the box shows the unit's symbol after it, so people may type it too: "12 km"
            text = text.lower().removesuffix(self.symbol.lower()).strip()
        if not text:
            return
        if _GROUPED.fullmatch(text):  # "5,000,000" as people write large sums
            text = text.replace(",", "")
        number = _WHOLE.fullmatch(text)
        if number is None:
            raise ValueError(self.invalid_message)
        # More digits than the largest allowed value has cannot be in range: say so before int() sees them.
        if len(number[1].lstrip("0")) > len(str(max(abs(self.minimum), abs(self.maximum)))):
            raise ValueError(self.range_message)
        self.data = int(text)

    def check(self) -> None:
        if not self.minimum <= self.data <= self.maximum:
            raise StopValidation(self.range_message)


class DecimalField(_Answer, wtf.DecimalField):
    """A number with at most `places` decimal places from minimum to maximum: never NaN, infinite or huge."""

    widget = GovTextInput()

    def __init__(
        self,
        label: str,
        validators: Any = None,
        *,
        minimum: Decimal,
        maximum: Decimal,
        example: str,
        range_message: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.invalid_message = f"{self.called} must be a number, like {example}"
        places = "1 decimal place" if self.places == 1 else f"{self.places} decimal places"
        self.places_message = f"{self.called} must be a number with no more than {places}, like {example}"
        self.range_message = range_message or f"{self.called} must be between {minimum} and {maximum}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            return
        number = _DECIMAL.fullmatch(text)
        if number is None or not (number[1] or number[2]):
            raise ValueError(self.invalid_message)
        if len((number[2] or "").rstrip("0")) > self.places:
            raise ValueError(self.places_message)
        if len(number[1].lstrip("0")) > len(str(int(max(abs(self.minimum), abs(self.maximum))))):
            raise ValueError(self.range_message)
        self.data = Decimal(text)

    def check(self) -> None:
        if not self.minimum <= self.data <= self.maximum:
            raise StopValidation(self.range_message)


class DateField(_Answer, wtf.Field):
    """GOV.UK day, month and year boxes: any number of parts may arrive; the message names what is wrong."""

    widget = GovDateInput()
    PARTS = ("day", "month", "year")

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        parts = [str(part).strip() for part in valuelist]
        # The widget shows back exactly three boxes, whatever was posted; none typed shows the saved date.
        day, month, year = self.raw_data = (parts + ["", "", ""])[:3]
        if not any(parts):
            self.raw_data = None
            return
        missing = [name for name, part in zip(self.PARTS, self.raw_data, strict=True) if not part]
        if missing:
            raise ValueError(f"{self.called} must include a {' and '.join(missing)}")
        if re.fullmatch(r"[0-9]+", year) and len(year) != 4:
            raise ValueError(f"{self.called} must include a year with 4 numbers")
        whole = re.fullmatch(r"[0-9]{1,2}", day) and re.fullmatch(r"[0-9]{1,2}", month)
        if not whole or not re.fullmatch(r"[0-9]{4}", year) or any(parts[3:]):
            raise ValueError(f"{self.called} must be a real date")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{self.called} must be a real date") from None


class TimeField(_Answer, wtf.Field):
    """A time of day on the 24-hour clock, as HH:MM ("9:00" and "9.00" too), shown back as typed."""

    widget = GovTextInput()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return f"{self.data:%H:%M}" if isinstance(self.data, time) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            return
        parts = _TIME.fullmatch(text)
        if parts is None or int(parts[1]) > 23 or int(parts[2]) > 59:
            raise ValueError(f"{self.called} must be a real time on the 24-hour clock, like 09:00 or 16:30")
        self.data = time(int(parts[1]), int(parts[2]))


def _choices(labels: dict[Any, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class ChoiceField(wtf.SelectField):
    """One of a fixed list, as radios (the default) or a select; nothing or anything else gets `message`."""

    widget = GovRadioInput()

    def __init__(self, label: str, choices: dict[str, str], message: str, **kwargs: Any) -> None:
        super().__init__(label, choices=_choices(choices), **kwargs)
        self.message = message
        self.values = {value for value in choices if value}  # "" is a select's "Choose ..." placeholder

    def process_formdata(self, valuelist: list[Any]) -> None:
        # Nothing chosen is no answer, even where a default is shown before the form is sent.
        self.data = str(valuelist[0]) if valuelist else None

    def pre_validate(self, form: Any) -> None:
        if self.data not in self.values:
            raise StopValidation(self.message)


class ChoicesField(wtf.SelectMultipleField):
    """Any of a fixed list, as checkboxes: `required` if none is ticked, `message` for one not on the list."""

    widget = GovCheckboxesInput()

    def __init__(
        self, label: str, choices: dict[Any, str], message: str, required: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(label, choices=_choices(choices), invalid_value_message=message, **kwargs)
        self.message = message
        self.required = required
        self.values = set(choices)

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()
        if any(value not in self.values for value in self.data or []):
            raise StopValidation(self.message)
        if not self.data and self.required:
            raise StopValidation(self.required)
