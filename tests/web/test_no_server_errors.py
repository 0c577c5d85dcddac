"""Guard: whatever anyone sends to any route, the answer is never a server error.

As each role (and nobody signed in), every GET page is fetched and every form on it is posted with all
of its fields set to each nasty value, then with just the fields whose own checks let that value through (one
at a time if the form refuses them together), then with a hypothesis-generated mix; every POST route is also
posted to with records that are not the user's and ids that do not exist. The app runs with TESTING, so an
exception reaches the test client: it is recorded with the route and the data rather than raised, so one run
lists every kind of failure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from celery.app.task import Task
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from wtforms import Field

from tests import db as factories
from tests.conftest import ClientRequest
from tests.web.careers.test_encounter_requests import create_answer, create_request
from tests.web.employers.test_encounter_offers import create_offer
from web.dao import consent
from web.extensions import db
from web.models import EncounterMatch, EncounterOffer, EventAllocation, OwnPlacement
from web.models.base import ROLES

Value = str | list[str]

NASTY: dict[str, Value] = {
    "NUL": "\x00",
    "NUL inside": "M1 1AD\x00",
    "control characters": "a\x01\x08\x0b\x0c\x1b[2J\x7f\x85b",
    "1e30": "1e30",
    "1e309": "1e309",
    "5,000 digits": "9" * 5000,
    "-0": "-0",
    "superscript digit": "\u00b2",  # str.isdigit says yes, int() says no
    "NaN": "NaN",
    "Infinity": "Infinity",
    "100,000 characters": "x" * 100_000,
    "one-part date": ["1"],
    "two-part date": ["1", "2"],
    "empty list": [],
    "7 values": ["1", "2", "2030", "4", "5", "6", "7"],
}
# Forms are posted as form data, but a script can send JSON, which Flask-WTF reads as the form's data too.
JSON_BODIES: list[Any] = [[1, 2], "text", None, 5]
# Ids that are not the user's own records, do not exist, or overflow a 32-bit column.
OTHER_IDS = (0, 2**31)
HYPOTHESIS_EXAMPLES = 20  # per form with questions: enough to mix values, few enough to keep a run short
REFUSED = (400, 403, 404, 405, 429)

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)  # UTF-8 cannot carry surrogates
_number = st.one_of(
    st.integers().map(str),
    st.floats().map(str),
    st.decimals().map(str),
    st.integers(1, 400).map(lambda digits: "9" * digits),
)
_date_parts = st.lists(st.one_of(st.integers(-1, 10_000).map(str), _text), max_size=7)
_value = st.one_of(_text, _number, _date_parts, st.sampled_from(list(NASTY.values())))


@dataclass
class PostedForm:
    """A form found on a page: where it posts, and what a browser would send unchanged."""

    action: str
    baseline: dict[str, list[str]] = field(default_factory=dict)
    buttons: set[str] = field(default_factory=set)

    @property
    def names(self) -> list[str]:
        return [name for name in self.baseline if name != "csrf_token"]

    @property
    def questions(self) -> list[str]:
        return [name for name in self.names if name not in self.buttons]


@dataclass
class Run:
    """One role's requests and what went wrong."""

    request: ClientRequest
    role: str
    failures: list[str] = field(default_factory=list)
    reached: Counter[str] = field(default_factory=Counter)  # posts past CSRF and the role check, by path
    refused: set[str] = field(default_factory=set)  # fields whose own checks refused the last post
    sent: int = 0
    token_kept: bool = False  # the session cookie has the CSRF token and no response has set it since

    def get(self, path: str) -> BeautifulSoup | None:
        response = self._send("GET", path)
        if response is None or response.status_code != 200 or response.mimetype != "text/html":
            return None
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    def post(self, path: str, data: dict[str, Value], label: str) -> int:
        """Post a form with a valid CSRF token; the status code, 500 for an exception."""
        return self._post(path, label, data={**data, "csrf_token": self.request.csrf_token})

    def post_json(self, path: str, body: Any, label: str) -> int:
        """Post a JSON body, its CSRF token in the header as a script would send it."""
        return self._post(path, label, json=body, headers={"X-CSRFToken": self.request.csrf_token})

    def _post(self, path: str, label: str, **request: Any) -> int:
        if not self.token_kept:
            with self.request.client.session_transaction() as session:
                session["csrf_token"] = self.request._raw_csrf
            self.token_kept = True
        self.refused.clear()
        response = self._send("POST", path, label, **request)
        status = 500 if response is None else response.status_code
        self.reached[path] += status not in REFUSED
        return status

    def _send(self, method: str, path: str, label: str = "", **request: Any) -> Any:
        # Each request from its own address, so sign-in's rate limit lets every one reach the form and
        # other tests' counts for the usual test address are left alone.
        self.sent += 1
        kept, self.token_kept = self.token_kept, False  # until the response says otherwise
        address = f"198.51.{self.sent // 250 % 250}.{self.sent % 250 + 1}"
        try:
            response = self.request.client.open(
                path, method=method, environ_base={"REMOTE_ADDR": address}, **request
            )
        except Exception as error:  # noqa: BLE001 - TESTING propagates what would have been a 500
            failure = f"{self.role} {method} {path} [{label}] -> {type(error).__name__}: {error}"
            self.failures.append(failure[:400])
            return None
        self.token_kept = kept and "Set-Cookie" not in response.headers
        if response.status_code >= 500:
            self.failures.append(f"{self.role} {method} {path} [{label}] -> {response.status_code}")
        return response


def _world() -> dict[str, Any]:
    """Records of every kind, so owned ids reach real pages, forms and actions."""
    hub = factories.create_hub()
    school = factories.create_school(hub)
    # A provider: it reaches every employer page, and the provider access ones too.
    employer = factories.create_employer(hub, kind="fe_college")
    published = factories.create_opportunity(employer)
    draft = factories.create_opportunity(employer, status="draft", capacity=0)
    student = factories.create_student(school)
    factories.create_preference(student, published)
    factories.create_preference(student, draft, rank=2)
    offered = factories.create_allocation(
        factories.create_round(school, status="succeeded"), student, published, status="offered"
    )
    match_round = factories.create_round(school, status="succeeded")
    proposed = factories.create_allocation(match_round, factories.create_student(school), published)
    # After a yes: one waiting for the parent (with a consent link), one confirmed and under way.
    accepted = factories.create_allocation(
        match_round, factories.create_student(school), published, status="accepted"
    )
    consent.request(accepted.id, None)
    started = factories.create_opportunity(employer, start_date=date.today() - timedelta(days=1))
    confirmed = factories.create_allocation(match_round, student, started, status="confirmed")
    own = OwnPlacement(
        student_id=student.id,
        employer_name="Ancoats Bakery",
        contact_name="Dee Baker",
        contact_email="dee@bakery.example",
        postcode="M4 6BF",
        role="Helping in the bakery",
        start_date=date.today() + timedelta(days=40),
        end_date=date.today() + timedelta(days=44),
        hours_per_day=Decimal("6"),
    )
    db.session.add(own)
    offer = EncounterOffer(
        employer_id=employer.id,
        format="mentoring_programme",
        sessions=6,
        route="digital",
        pathway="both",
        year_groups=[10],
        group_min=1,
        group_max=4,
        hours=Decimal("1"),
        location="workplace",
        travel_km=10,
        available_from=date.today(),
        available_until=date.today() + timedelta(days=90),
        per_term=1,
        status="draft",
    )
    db.session.add(offer)
    db.session.commit()
    factories.create_provider_access_policy(school)
    access_request = factories.create_provider_request(employer, school)
    # Requests that fit an offer of the employer's: one answered, one waiting for an answer.
    talk = create_offer(employer, location="online", travel_km=None)
    asked = create_request(school, location="online")
    answer = create_answer(create_request(school, location="online"), talk)
    # The hub's brokering: a proposal waiting for the hub, and one waiting for the employer.
    matches = [
        EncounterMatch(
            request_id=create_request(school, location="online").id,
            offer_id=talk.id,
            employer_id=employer.id,
            status=status,
        )
        for status in ("proposed", "asked")
    ]
    db.session.add_all(matches)
    # An event of the hub's for the school, its slot run by the employer: one place proposed, one invited.
    event = factories.create_event(hub, [school], status="allocated", year_groups=[student.year_group])
    slot = factories.create_slot(event, employer_id=employer.id)
    places = [
        factories.create_place(slot, student, "invited"),
        factories.create_place(
            slot, factories.create_student(school, year_group=student.year_group), "proposed"
        ),
    ]
    # A fair held last week that the student went to: the pupil's and the organisation's feedback.
    held = factories.create_event(
        hub,
        [school],
        status="held",
        held_on=date.today() - timedelta(days=7),
        year_groups=[student.year_group],
    )
    places.append(
        factories.create_place(factories.create_slot(held, employer_id=employer.id), student, "attended")
    )
    draft_event = factories.create_event(hub, [school], status="draft")
    allocation = EventAllocation(hub_id=hub.id, status="succeeded")
    db.session.add(allocation)
    db.session.commit()
    # Colleagues of each organisation, one invited and one active, for the team pages' actions.
    colleagues = [
        factories.create_user_for(role, record, password=password)
        for role, record in (("hub_admin", hub), ("careers_leader", school), ("employer", employer))
        for password in ("", factories.PASSWORD)
    ]
    return {
        "records": {"hub_admin": hub, "careers_leader": school, "employer": employer, "student": student},
        "ids": {
            "opportunity_id": [published.id, draft.id],
            "allocation_id": [offered.id, proposed.id, accepted.id, confirmed.id, allocation.id],
            "round_id": [match_round.id],
            "placement_id": [own.id],
            "offer_id": [offer.id],
            "access_request_id": [access_request.id],
            "encounter_request_id": [asked.id, answer.request_id],
            "response_id": [answer.id],
            "match_id": [match.id for match in matches],
            "student_id": [student.id],
            "school_id": [school.id],
            "employer_id": [employer.id],
            "user_id": [user.id for user in colleagues],
            "event_id": [event.id, held.id, draft_event.id],
            "slot_id": [slot.id, factories.create_slot(draft_event).id],
            "place_id": [place.id for place in places],
        },
    }


def _paths(app: Flask, method: str, ids: dict[str, list[int]]) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or method not in rule.methods or rule.rule == "/sign-out":
            continue  # signing out is tested in test_auth; here it would end the run early
        arguments = sorted(rule.arguments)
        if not arguments:
            paths.append(rule.rule)
            continue
        for record_id in {*[i for name in arguments for i in ids.get(name, [])], *OTHER_IDS}:
            path = rule.rule
            for argument in arguments:
                path = path.replace(f"<int:{argument}>", str(record_id))
            paths += _each_choice(path)
    return paths


def _each_choice(path: str) -> list[str]:
    """The path with its <any(a, b):name> part as each of its choices (one such part at most)."""
    choice = re.search(r"<any\(([^)]*)\):\w+>", path)
    if choice is None:
        return [path]
    return [path.replace(choice.group(0), option.strip()) for option in choice.group(1).split(",")]


def _forms(page: BeautifulSoup, path: str) -> list[PostedForm]:
    found = []
    for form in page.select("form[method=post], form[method=POST]"):
        action = form.get("action") or path
        if action.endswith("/sign-out"):
            continue
        posted = PostedForm(action)
        for element in form.select("input[name], select[name], textarea[name], button[name]"):
            values = posted.baseline.setdefault(element["name"], [])
            if element.name == "button" or element.get("type") == "submit":
                posted.buttons.add(element["name"])
            if element.name == "select":
                chosen = element.select_one("option[selected]") or element.select_one("option")
                values += [chosen.get("value", chosen.text)] if chosen else []
            elif element.name == "textarea":
                values.append(element.text)
            elif element.get("type") not in ("checkbox", "radio") or element.has_attr("checked"):
                values.append(element.get("value", ""))
        found.append(posted)
    return found


def _post_form(run: Run, form: PostedForm) -> None:
    # A form that saves as it stands can carry one bad field to the database: try each field in turn.
    # One that does not is never saved, so every field at once reaches every field's own parsing.
    one_at_a_time = run.post(form.action, form.baseline, "as shown") in (302, 303)
    for body in JSON_BODIES + [dict.fromkeys(form.names, {"nested": ["x"]})]:
        run.post_json(form.action, body, f"JSON {body!r:.100}")
    for label, value in NASTY.items():
        status = run.post(
            form.action, {**form.baseline, **dict.fromkeys(form.names, value)}, f"every field: {label}"
        )
        if one_at_a_time and status not in (302, 303, 500):
            _post_through(run, form, label, value, refused=set(run.refused) if status == 200 else set())
    if not form.questions:
        return  # a button: nothing for a mix to mix

    @settings(
        max_examples=HYPOTHESIS_EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.dictionaries(st.sampled_from(form.names), _value))
    def mixed(data: dict[str, Value]) -> None:
        run.post(form.action, {**form.baseline, **data}, f"mix {data!r:.200}")

    mixed()


def _post_through(run: Run, form: PostedForm, label: str, value: Value, refused: set[str]) -> None:
    """Post the value in each field that did not refuse it, so it reaches the database if any field lets it.

    Together first; one at a time only if the form refuses them together (a check across fields, say)."""
    through = [name for name in form.questions if name not in refused]
    if not through:
        return
    if len(through) > 1:
        status = run.post(
            form.action, {**form.baseline, **dict.fromkeys(through, value)}, f"through: {label}"
        )
        if status in (302, 303, 500):
            return
    for name in through:
        run.post(form.action, {**form.baseline, name: value}, f"{name}: {label}")


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Names of the fields whose own checks (not the form's across fields) refuse a post, as it goes."""
    refused: set[str] = set()
    validate = Field.validate

    def recorded(self: Field, form: Any, extra_validators: Any = ()) -> bool:
        valid: bool = validate(self, form, extra_validators)
        refused.update(() if valid else [self.name])
        return valid

    monkeypatch.setattr(Field, "validate", recorded)
    return refused


@pytest.fixture
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Matching rounds a valid post would enqueue go nowhere (the test broker is unreachable on purpose);
    emails are recorded by tests/conftest.py."""
    monkeypatch.setattr(Task, "apply_async", lambda *args, **kwargs: None)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_nothing_sent_to_any_form_or_route_gives_a_server_error(
    app: Flask,
    role: str | None,
    client_request: ClientRequest,
    sign_in_as: Callable[[Any], ClientRequest],
    no_broker: None,
    refusals: set[str],
) -> None:
    world = _world()
    if role is not None:
        client_request = sign_in_as(factories.create_user_for(role, world["records"][role]))
    run = Run(client_request, role or "nobody", refused=refusals)
    pages = _paths(app, "GET", world["ids"])
    forms: dict[str, PostedForm] = {}
    for path in pages:
        page = run.get(path)
        forms.update({form.action: form for form in _forms(page, path)} if page else {})
    # One form per route gets every value in every field; the others of that route get the garbage below.
    adapter = app.url_map.bind("localhost")
    by_route = {adapter.match(action, method="POST")[0]: form for action, form in reversed(forms.items())}
    # Forms with questions first: a button that closes or publishes a record would turn its forms away.
    forms = {form.action: form for form in sorted(by_route.values(), key=lambda form: -len(form.names))}
    for form in forms.values():
        _post_form(run, form)
    every_name = sorted({name for form in forms.values() for name in form.names})
    values = list(NASTY.values())
    for path in _paths(app, "POST", world["ids"]):
        if path not in forms:  # a button, or a route this role cannot reach: any garbage will do
            if run.post(path, {}, "nothing") in (403, 404, 405):
                continue  # turned away before its body was read: garbage is turned away the same
            for offset in (0, len(values) // 2):
                garbage = {name: values[(i + offset) % len(values)] for i, name in enumerate(every_name)}
                run.post(path, garbage, f"garbage {offset}")
    for path in pages:  # whatever was saved must still display
        run.get(path)
    assert run.failures == [], f"{len(run.failures)} server errors:\n" + "\n".join(run.failures)
    # A form whose every post was refused (a CSRF token gone wrong, say) would prove nothing.
    assert [action for action in forms if not run.reached[action]] == []
