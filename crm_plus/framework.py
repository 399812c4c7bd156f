"""The one place where crm_plus changes Tryton's internals.

Each change closes a defect of trytond 8.0 that crm_plus cannot fix through
the public API; ``crm_plus/tests/test_framework.py`` fails when an internal
it relies on changes.  ``install()`` runs when ``trytond.modules.crm_plus``
is imported: ``trytond`` (``crm-plus serve`` passes ``-d``), ``trytond-cron``
and ``trytond-worker`` load the pool of their databases at start, before any
request, and ``trytond.modules.crm_plus.wsgi:app`` installs it at import.

1. SQLite atomicity.  ``Transaction.start`` takes the connection (isolation
   IMMEDIATE) and then calls ``Cache.sync``; ``Cache.sync`` and
   ``Cache.commit`` ask ``database.get_connection(autocommit=True)``, and the
   SQLite backend answers with the SAME connection, switching it to
   ``isolation_level = None``: the open transaction is committed and every
   later statement too, so the rollback after a refused save undoes nothing.
   It happens at each request with ``[cache] clean_timeout = 0`` and once
   every ``clean_timeout`` seconds otherwise.  Here an autocommit request on
   a SQLite ``Database`` whose connection is already handed out (counted by
   ``get_connection`` / ``put_connection``) leaves the isolation level alone:
   the cache statements join the open transaction.

2. Private context keys over REST.  JSON-RPC (``trytond/rpc.py``) drops the
   context keys starting with ``_`` but ``_datetime``; the REST API
   (``trytond/protocols/rest.py``) takes the ``X-Tryton-Context`` header as
   is, so ``{"_groups": [...]}`` made any key holder an administrator
   (``res.user.get_groups``).  The REST routes are wrapped to drop the same
   keys from the header.

``trytond.backend`` picks its backend from the configuration when it is
first imported, and the ``crm-plus`` command imports this package before it
reads ``trytond.conf``: when ``trytond.backend`` is not imported yet, the
changes are applied at the start of the first transaction instead.
"""
import base64
import binascii
import json
import sys
import threading
from functools import wraps

__all__ = ['install', 'PRIVATE_KEPT']

# The private context keys JSON-RPC lets through (trytond/rpc.py)
PRIVATE_KEPT = {'_datetime'}
REST_MODULE = 'trytond.protocols.rest'
CONTEXT_HEADER = 'HTTP_X_TRYTON_CONTEXT'  # X-Tryton-Context

_lock = threading.Lock()
_applied = False


def install():
    "Apply the changes now, or at the first transaction (see the module)"
    if 'trytond.backend' in sys.modules:
        _apply()
        return
    from trytond.transaction import Transaction
    with _lock:
        if _applied or getattr(Transaction.start, '_crm_plus_deferred', None):
            return
        start = Transaction.start

        @wraps(start)
        def deferred_start(self, *args, **kwargs):
            Transaction.start = start
            _apply()
            return start(self, *args, **kwargs)
        deferred_start._crm_plus_deferred = start
        Transaction.start = deferred_start


def _apply():
    global _applied
    with _lock:
        if _applied:
            return
        _keep_sqlite_transaction()
        _strip_rest_private_context()
        _applied = True


def _keep_sqlite_transaction():
    from trytond.backend.sqlite.database import Database
    get_connection = Database.get_connection
    put_connection = Database.put_connection

    @wraps(get_connection)
    def get_connection_(
            self, autocommit=False, readonly=False, statement_timeout=None):
        handed_out = self.__dict__.get('_crm_plus_handed_out', 0)
        if autocommit and handed_out and self._conn is not None:
            # The connection of an open transaction: keep its isolation
            connection = self._conn
        else:
            connection = get_connection(self, autocommit=autocommit,
                readonly=readonly, statement_timeout=statement_timeout)
        self._crm_plus_handed_out = handed_out + 1
        return connection

    @wraps(put_connection)
    def put_connection_(self, connection=None):
        # Connections handed out before install() are not counted
        self._crm_plus_handed_out = max(
            self.__dict__.get('_crm_plus_handed_out', 0) - 1, 0)
        return put_connection(self, connection)

    Database.get_connection = get_connection_
    Database.put_connection = put_connection_


def strip_private_keys(header):
    """Return the X-Tryton-Context header value without the private keys

    Raise ValueError when it is not a base64 JSON object."""
    try:
        context = json.loads(base64.urlsafe_b64decode(header))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(str(e)) from e
    if not isinstance(context, dict):
        raise ValueError("the context is not an object")
    context = {k: v for k, v in context.items()
        if not k.startswith('_') or k in PRIVATE_KEPT}
    return base64.urlsafe_b64encode(
        json.dumps(context, separators=(',', ':')).encode()).decode('ascii')


def _strip_rest_private_context():
    from werkzeug.exceptions import abort

    from trytond.protocols.wrappers import HTTPStatus
    from trytond.wsgi import app  # imports trytond.protocols.rest

    def stripping(endpoint):
        @wraps(endpoint)
        def wrapper(request, *args, **kwargs):
            header = request.environ.get(CONTEXT_HEADER)
            if header:
                try:
                    request.environ[CONTEXT_HEADER] = strip_private_keys(
                        header)
                except ValueError as e:
                    abort(HTTPStatus.BAD_REQUEST,
                        f"invalid X-Tryton-Context header: {e}")
            return endpoint(request, *args, **kwargs)
        wrapper._crm_plus_strips_context = True
        return wrapper

    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if (getattr(endpoint, '__module__', None) == REST_MODULE
                and not getattr(endpoint, '_crm_plus_strips_context', False)):
            rule.endpoint = stripping(endpoint)
