"""Subject access for real: a careers leader asks for a pupil's bundle over HTTP, a real worker makes it and
emails the link through a real SMTP server, and the leader follows the link, downloads the zip once and
finds the pupil's record in its JSON, on SQLite with its file broker and on PostgreSQL with Redis."""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import urlencode, urljoin
from urllib.request import Request

from tests.db import PASSWORD
from tests.integration import test_hub_start
from tests.integration.browser import Browser, Page, form_fields
from tests.integration.conftest import Stack
from tests.smtp import SmtpServer
from tests.web.privacy_sar.seed import seed

# The same web server, worker and SMTP server as a hub's start (one of each per module and broker).
smtp = test_hub_start.smtp
stack = test_hub_start.stack
_link = test_hub_start._link


def _download(person: Browser, page: Page) -> tuple[int, str, bytes]:
    """Press the page's download button and keep the answer's bytes (a Page would decode them as text)."""
    form = page.form("/privacy/subject-access/download")
    target = urljoin(page.url, str(form.get("action")))
    request = Request(target, data=urlencode(form_fields(form)).encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with person._opener.open(request, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_a_careers_leader_asks_for_a_bundle_and_downloads_it_once(stack: Stack, smtp: SmtpServer) -> None:
    smtp.inbox.messages.clear()  # the server outlives each broker's stack
    world = seed()
    student_id, leader_email = world.pupil.student.id, world.leader.email
    leader = stack.browser()
    leader.sign_in(leader_email, PASSWORD)

    page = leader.submit(stack.url("privacy.pupil_subject_access", student_id=student_id))
    assert "Bundle asked for" in page.main_text(), page.main_text()[:2000]

    [message] = smtp.inbox.wait_for(leader_email, seconds=60)
    assert message["Subject"] == "The subject access bundle you asked for is ready"
    link = _link(message)
    assert link.startswith("/privacy/subject-access/link/")
    page = leader.get(link)
    assert page.url.endswith("/privacy/subject-access/download"), page.url  # the secret left the address
    status, content_type, content = _download(leader, page)
    assert status == 200 and content_type == "application/zip"

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["bundle.html", "bundle.json"]
        held = json.loads(archive.read("bundle.json"))
        page_text = archive.read("bundle.html").decode()
    sections = held["sections"]
    assert held["student_id"] == student_id
    assert sections["pupil"]["first_name"] == "Adafirst" and sections["pupil"]["parent_name"] == "Ada Parent"
    assert sections["consents"][0]["emergency_name"] == "Ada Emergency"
    pages = [entry["page"] for entry in sections["access_log"]]
    # The seeded views, and the leader's own, logged by the real server as they asked for the bundle.
    assert {"careers.student", "employers.incoming", "privacy.pupil_subject_access"} <= set(pages), pages
    assert sections["shown_to_organisations"][0]["organisation"] == "Northern Quarter Digital"
    assert sections["subject_access_requests"][0]["asked_by"]["name"] == "Nia Leader"
    assert "Bofirst" not in json.dumps(held) and "Bofirst" not in page_text
    assert '<h2 id="consents">Consent</h2>' in page_text

    # The link worked once.
    again = leader.get(link, expect=410)
    assert "This link has already been used" in again.main_text()
    page = leader.get(stack.url("privacy.pupil_subject_access", student_id=student_id))
    assert "Downloaded" in page.main_text()
