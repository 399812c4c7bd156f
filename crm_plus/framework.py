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
   (``res.user.get_groups``).  The application drops the same keys from the
   header of the requests to a REST route before dispatching them.

3. Malformed search domains.  ``ModelStorage.search`` checks the field
   access of the domain and order of a user's call by walking them, but
   trusts their shape: an unknown field (``"name; DROP TABLE"``), an unknown
   operator or a domain nested a thousand deep ended in a KeyError or a
   RecursionError, a ServerError for the client (HTTP 500 over REST).  The
   same calls first check the shape of the domain here and refuse a malformed
   one with a translated UserError (HTTP 400 over REST).

4. Record rules on the paths that read for the user (section "Record
   rules" at the end).  ``ModelStorage.export_data`` checks the rules of each
   exported record with ``eval_domain`` in Python, which is True for rule
   domains with dotted paths and for rules inherited through ``__access__``;
   ``ModelSQL.history_revisions`` checks the model access only; the RPC
   methods called on instances built from client values (``on_change``,
   ``on_change_with``, ``on_change_notify``, autocomplete...) read the
   related records they are given without rules.  Each is wrapped to check
   the records first with ``crm_plus.security.check_records`` (Tryton's
   ``ir.rule.check``, the SQL check of read and search).

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

from werkzeug.exceptions import HTTPException

__all__ = ['install', 'PRIVATE_KEPT', 'WRITE_SLICE', 'search_ids',
    'check_search']

# The private context keys JSON-RPC lets through (trytond/rpc.py)
PRIVATE_KEPT = {'_datetime'}
REST_MODULE = 'trytond.protocols.rest'
CONTEXT_HEADER = 'HTTP_X_TRYTON_CONTEXT'  # X-Tryton-Context

# sao nests a few levels; deeper is refused before Python's recursion limit
MAX_DOMAIN_DEPTH = 32

#: The records the server's batch jobs browse, write or create at once.
#: Each instance ``ModelStorage.browse`` makes asserts that every id of the
#: list is an int, so one call over N records costs N² checks (trytond 8.0):
#: 5,000 customers flagged at risk took 171 s in one write.
WRITE_SLICE = 200


def search_ids(Model, domain):
    """The ids of Model's records matching domain, in id order, read from
    the search's query without making instances (see WRITE_SLICE)"""
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute(*Model.search(domain, order=[('id', 'ASC')], query=True))
    return [i for i, in cursor]

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
        _check_user_searches()
        _check_rules_on_reading_paths()
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


def _decode(value, name):
    "The JSON in base64 value, ValueError naming name when it is not"
    try:
        return json.loads(base64.urlsafe_b64decode(value))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError,
            RecursionError) as e:
        raise ValueError(f"invalid {name}: {e}") from e


def strip_private_keys(header):
    """Return the X-Tryton-Context header value without the private keys

    Raise ValueError when it is not a base64 JSON object."""
    context = _decode(header, 'X-Tryton-Context header')
    if not isinstance(context, dict):
        raise ValueError(
            "invalid X-Tryton-Context header: the context is not an object")
    context = {k: v for k, v in context.items()
        if not k.startswith('_') or k in PRIVATE_KEPT}
    return base64.urlsafe_b64encode(
        json.dumps(context, separators=(',', ':')).encode()).decode('ascii')


def _strip_rest_private_context():
    from werkzeug.exceptions import abort

    from trytond.protocols.wrappers import HTTPStatus
    from trytond.wsgi import app  # imports trytond.protocols.rest

    dispatch_request = app.dispatch_request

    @wraps(dispatch_request)
    def dispatch_rest_without_private_context(request):
        if _is_rest(app, request):
            try:
                header = request.environ.get(CONTEXT_HEADER)
                if header:
                    request.environ[CONTEXT_HEADER] = strip_private_keys(
                        header)
                # rest.py decodes them without checking (HTTP 500)
                for argument in ['d', 'o']:
                    if argument in request.args:
                        _decode(request.args[argument], argument)
            except ValueError as e:
                try:
                    abort(HTTPStatus.BAD_REQUEST, str(e))
                except HTTPException as error:
                    return error
        return dispatch_request(request)
    app.dispatch_request = dispatch_rest_without_private_context


def _is_rest(app, request):
    "Whether request goes to a route of trytond/protocols/rest.py"
    try:
        endpoint, _ = app.url_map.bind_to_environ(request.environ).match()
    except HTTPException:
        return False
    return getattr(endpoint, '__module__', None) == REST_MODULE


class _Malformed(Exception):
    "The part of a domain that is not well formed"


def _check_domain(Model, domain, depth=0):
    from trytond.const import OPERATORS
    from trytond.pool import Pool

    if depth > MAX_DOMAIN_DEPTH or not isinstance(domain, (list, tuple)):
        raise _Malformed(domain)
    if len(domain) > 2 and isinstance(domain[1], str):  # a leaf
        path, operator, value = domain[:3]
        if not isinstance(path, str) or operator not in OPERATORS:
            raise _Malformed(domain)
        local, _, relate = path.partition('.')
        field = Model._fields.get(local)
        if field is None:
            raise _Malformed(domain)
        target = field.get_target() if hasattr(field, 'get_target') else None
        if field._type == 'reference' and len(domain) > 3:
            try:
                target = Pool().get(domain[3])
            except (KeyError, TypeError):
                raise _Malformed(domain)
        if relate and target:
            _check_domain(target, (relate, operator, value), depth + 1)
        elif operator in {'where', 'not where'} and target:
            _check_domain(target, value, depth + 1)
        return
    items = domain
    if items and isinstance(items[0], str) and items[0] in {'AND', 'OR'}:
        items = items[1:]
    for item in items:
        if isinstance(item, str):
            raise _Malformed(item)
        _check_domain(Model, item, depth + 1)


def _shown(value, size=200):
    text = repr(value)
    return text if len(text) <= size else text[:size] + '…'


def check_search(Model, domain):
    "Raise a UserError when domain is not well formed for Model"
    from trytond.exceptions import UserError
    from trytond.i18n import gettext
    try:
        _check_domain(Model, domain)
    except _Malformed as e:
        raise UserError(gettext('crm_plus.msg_search_domain_invalid',
                criteria=_shown(e.args[0]), model=Model.__names__()['model'])
            ) from None


def _check_user_searches():
    from trytond.model import ModelStorage
    from trytond.transaction import Transaction
    search = ModelStorage.search.__func__

    @wraps(search)
    def search_(cls, domain, offset=0, limit=None, order=None, count=False):
        # The calls whose domain trytond checks (for the field access)
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            check_search(cls, domain)
        return search(cls, domain, offset=offset, limit=limit, order=order,
            count=count)
    ModelStorage.search = classmethod(search_)


# Record rules (4.): export_data, history_revisions, instance RPC calls

def exported_records(records, fields_names):
    """Return the records export_data reads for the field names: the
    records and, along each path, the related records"""
    from trytond.model import Model
    from trytond.transaction import without_check_access

    found = list(records)
    with without_check_access():
        for path in fields_names:
            level = list(records)
            for name in path.split('/')[:-1]:
                name = name.split(':lang=')[0]
                if name.endswith('.translated'):
                    break
                name = name.split('.')[0]
                next_level = []
                for record in level:
                    value = getattr(record, name, None)
                    if isinstance(value, Model):
                        next_level.append(value)
                    elif isinstance(value, (list, tuple)):
                        next_level.extend(
                            v for v in value if isinstance(v, Model))
                found.extend(next_level)
                level = next_level
    return found


def instance_values(instances):
    """Return the instances given by a client and the existing records
    their values refer to (in depth, for the nested new records)"""
    from trytond.model import Model

    found, seen, todo = [], set(), list(instances)
    while todo:
        record = todo.pop()
        if not isinstance(record, Model) or id(record) in seen:
            continue
        seen.add(id(record))
        if record.id is not None and record.id >= 0:
            found.append(record)
            # An existing record: its values come from the database
            if not record._values:
                continue
        for _, value in (record._values._items() if record._values else []):
            if isinstance(value, Model):
                todo.append(value)
            elif isinstance(value, (list, tuple)):
                todo.extend(v for v in value if isinstance(v, Model))
    return found


def _check_rules_on_reading_paths():
    from trytond.model import ModelSQL, ModelStorage
    from trytond.rpc import RPC

    from .security import check_records

    export_data = ModelStorage.export_data.__func__

    @wraps(export_data)
    def export_data_(cls, records, fields_names, header=False):
        check_records(exported_records(records, fields_names), 'read')
        return export_data(cls, records, fields_names, header=header)
    ModelStorage.export_data = classmethod(export_data_)

    history_revisions = ModelSQL.history_revisions.__func__

    @wraps(history_revisions)
    def history_revisions_(cls, ids):
        check_records([cls(i) for i in ids], 'read')
        return history_revisions(cls, ids)
    ModelSQL.history_revisions = classmethod(history_revisions_)

    decorate = RPC.decorate

    @wraps(decorate)
    def decorate_(self, func):
        func = decorate(self, func)
        if self.instantiate != 0:
            return func

        @wraps(func)
        def checked(inst, *args, **kwargs):
            instances = inst if isinstance(inst, (list, tuple)) else [inst]
            check_records(instance_values(instances), 'read', rules_only=True)
            return func(inst, *args, **kwargs)
        return checked
    RPC.decorate = decorate_
