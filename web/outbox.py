"""The development outbox: every message the service "sent" without a mail server, newest first.

Registered only when OUTBOX_PAGE is set (development and tests, never production), so someone running
`make run` can follow an invitation or reset link with no mail server. It shows everyone's messages,
which is why production never has it.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

from web.auth.roles import public

bp = Blueprint("outbox", __name__, url_prefix="/dev")

SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # how Flask-Mailman's file backend ends each message
LINK = re.compile(r"https?://[^\s<>\"]+")
SHOWN = 200


@dataclass(frozen=True)
class Sent:
    """One message as the outbox shows it."""

    to: str
    subject: str
    date: str
    body: Markup
    attached: tuple[str, ...] = ()  # the names of files sent with it


def messages(folder: Path) -> list[Sent]:
    """The newest SHOWN messages in the outbox folder, newest first."""
    files = sorted(folder.glob("*.log"), key=lambda path: path.stat().st_mtime, reverse=True)[:SHOWN]
    found = []
    for path in files:
        for raw in reversed([part for part in path.read_bytes().split(SEPARATOR) if part.strip()]):
            message = email.message_from_bytes(raw, policy=email.policy.default)
            part = message.get_body(preferencelist=("plain",))
            text = part.get_content() if part is not None else ""
            attached = tuple(str(file.get_filename()) for file in message.iter_attachments())
            found.append(
                Sent(
                    str(message["To"]), str(message["Subject"]), str(message["Date"]), _linked(text), attached
                )
            )
    return found


def _linked(text: str) -> Markup:
    # Escape everything, then make the service's own links clickable.
    out, last = [], 0
    for match in LINK.finditer(text):
        out.append(escape(text[last : match.start()]))
        url = match.group(0)
        out.append(Markup('<a class="govuk-link" href="{0}">{0}</a>').format(url))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@bp.route("/outbox")
@public
def outbox() -> str:
    """Every message written to the outbox, newest first (development only)."""
    folder = Path(current_app.config["MAIL_FILE_PATH"])
    return render_template("outbox.html", sent=messages(folder) if folder.exists() else [])
