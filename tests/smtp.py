"""A real SMTP server for the tests (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class Inbox:
    """The handler aiosmtpd calls: it keeps each message, and can refuse or drop them to test faults."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_with: str | None = None  # an SMTP reply, e.g. "451 4.3.0 Try again later"
        # Messages to these addresses wait in DATA (their sender mid-send) until let_go(), then are refused.
        self.holding: set[str] = set()
        self._let_go = threading.Event()
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.refuse_with:
            return self.refuse_with
        if self.holding.intersection(envelope.rcpt_tos):
            while not self._let_go.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def hold(self, address: str) -> None:
        """Keep messages to this address waiting mid-send, accepting none of them."""
        self._let_go.clear()
        self.holding.add(address)

    def let_go(self) -> None:
        """Refuse the messages held so far, and accept what comes next."""
        self.holding.clear()
        self._let_go.set()

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to this address, oldest first."""
        with self._lock:
            return [message for message in self.messages if address in str(message["To"])]

    def wait_for(self, address: str, count: int = 1, seconds: float = 30) -> list[EmailMessage]:
        """Wait until `count` messages have come for this address; fail after `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"{len(self.to(address))} of {count} messages for {address} after {seconds} s")


def body(message: EmailMessage) -> str:
    """The plain-text part of a message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the message has no plain-text part"
    return str(part.get_content())


class SmtpServer:
    """aiosmtpd on a free local port, in a thread of this process."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._controller.stop()

    def settings(self) -> dict[str, str]:
        """What the service's environment needs to send to this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(self.port), "MAIL_USE_TLS": "false"}
