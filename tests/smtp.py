"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """Stores every accepted message; can answer chosen recipients with an error code."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.reject = {}  # recipient -> (code, text)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            code, text = self.reject[address]
            return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


class SMTPServer:
    def __init__(self):
        self.recorder = Recorder()
        self.port = _free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def start(self, attempts: int = 5):
        """Binds a free port; under xdist another process may take it between choosing and binding."""
        for attempt in range(attempts):
            try:
                self.controller.start()
                return
            except (OSError, RuntimeError):
                if attempt == attempts - 1:
                    raise
                self.port = _free_port()
                self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def stop(self):
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self):
        return self.recorder.messages


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()
