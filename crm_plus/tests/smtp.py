"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 in a thread.

    with SMTPServer() as smtp, smtp.configure():
        ...  # trytond sends to smtp://127.0.0.1:<port>
        message, = smtp.messages   # email.message.EmailMessage

``stop()`` and ``start()`` simulate an outage on the same port; ``refuse``
makes the server reject the messages after accepting the connection.
"""
import email
import email.policy
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller

import trytond.config as config

__all__ = ['SMTPServer']


def free_port(host='127.0.0.1'):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        if self.server.refuse:
            return '554 Transaction failed'
        message = email.message_from_bytes(
            envelope.original_content or envelope.content,
            policy=email.policy.default)
        with self.server.lock:
            self.server.envelopes.append(
                (envelope.mail_from, list(envelope.rcpt_tos)))
            self.server.messages.append(message)
        return '250 Message accepted for delivery'


class SMTPServer:
    "Collects the messages it receives in ``messages`` (and ``envelopes``)"

    def __init__(self, host='127.0.0.1', port=None):
        self.host = host
        self.port = port or free_port(host)
        self.lock = threading.Lock()
        self.messages = []
        self.envelopes = []
        # Reject every message at DATA while set
        self.refuse = False
        self._controller = None

    @property
    def uri(self):
        return f'smtp://{self.host}:{self.port}'

    @property
    def running(self):
        return self._controller is not None

    def start(self):
        if self._controller is None:
            controller = Controller(
                _Handler(self), hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self):
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @contextmanager
    def configure(self, from_='CRM <crm@example.com>'):
        "Point trytond's [email] uri and from at this server meanwhile"
        previous = {
            option: config.get('email', option)
            for option in ['uri', 'from']}
        config.set('email', 'uri', self.uri)
        config.set('email', 'from', from_)
        try:
            yield self
        finally:
            for option, value in previous.items():
                config.set('email', option, value)
