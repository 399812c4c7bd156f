"""Bulk create and update of customers and contacts: POST
/<resource>/bulk with ``{"rows": [...]}``.

A row without ``id`` is validated, checked for duplicates and created by
the row schema of ``crm-plus import`` (customer/importer.py): the same
normalisation, the same duplicate checks against the database and the rows
before it, the same record rules (an owner the user may not give, a
duplicate of a hidden customer reported without its name).  A row with
``id`` changes that record through the resource's update, as PATCH does.
Everything runs in the request's transaction: each batch of rows, and each
update, in a savepoint undone when it fails, so a failing row never aborts
the others.  The answer gives the outcome of every row by its index.
"""
import itertools
from contextlib import contextmanager, nullcontext

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.transaction import Transaction

from ..customer.importer import SCHEMAS as IMPORT_SCHEMAS, Row, RowWriter
from .openapi import BULK_LIMIT
from .resource import ApiError, bad_request

# resource name: kind of the import's row schema
SCHEMAS = {'customers': 'customers', 'contacts': 'contacts'}

_TEXT = 'string'
# The keys of a row to create, the columns of the import: (type, description)
COLUMNS = {
    'customers': {
        'name': (_TEXT, "Name (required)."),
        'code': (_TEXT, "Customer code (set by the sequence when empty)."),
        'kind': (_TEXT, "enterprise (default) or individual (企业/个人)."),
        'uscc': (_TEXT, "Unified social credit code, 18 characters."),
        'phone': (_TEXT, "Phone."),
        'mobile': (_TEXT, "Mobile phone."),
        'fax': (_TEXT, "Fax."),
        'email': (_TEXT, "E-mail address."),
        'website': (_TEXT, "Website."),
        'country': (_TEXT, "Country code or name of the address (CN "
            "when a part of the address is given)."),
        'province': (_TEXT, "Province of the address."),
        'city': (_TEXT, "City of the address."),
        'street': (_TEXT, "Street of the address."),
        'postal_code': (_TEXT, "Postal code of the address."),
        'owner_id': ('integer', "Employee id of the owner (empty: the "
            "public pool)."),
        'owner': (_TEXT, "Owner by employee name or user login, instead "
            "of owner_id."),
        'team': (_TEXT, "Sales team name (the owner's only team by "
            "default)."),
        'tags': ('array', "Tag names, created when missing."),
        },
    'contacts': {
        'customer_id': ('integer', "The enterprise customer; or one of "
            "uscc, customer_code, customer."),
        'uscc': (_TEXT, "Unified social credit code of the customer."),
        'customer_code': (_TEXT, "Code of the customer."),
        'customer': (_TEXT, "Name of the customer."),
        'name': (_TEXT, "Name of the person (required)."),
        'position': (_TEXT, "Job title."),
        'department': (_TEXT, "Department."),
        'decision_role': (_TEXT, "decision_maker, influencer, user, "
            "gatekeeper or other."),
        'phone': (_TEXT, "Phone (the work phone without a mobile)."),
        'mobile': (_TEXT, "Mobile phone (the work phone)."),
        'email': (_TEXT, "Work e-mail."),
        'birthday': ('date', "Birthday (YYYY-MM-DD)."),
        'notes': (_TEXT, "Notes."),
        },
    }

RESULT_SCHEMA = {
    'type': 'object',
    'required': ['results', 'created', 'updated', 'rejected'],
    'properties': {
        'results': {'type': 'array', 'items': {
                'type': 'object',
                'required': ['index', 'status', 'id', 'errors'],
                'properties': {
                    'index': {'type': 'integer',
                        'description': "Index of the row in rows."},
                    'status': {'type': 'string',
                        'enum': ['created', 'updated', 'rejected']},
                    'id': {'type': ['integer', 'null'],
                        'description': "The record created or updated."},
                    'errors': {'type': 'array', 'items': {
                            'type': 'object',
                            'properties': {
                                'field': {'type': ['string', 'null']},
                                'reason': {'type': 'string'},
                                }}},
                    }}},
        'created': {'type': 'integer'},
        'updated': {'type': 'integer'},
        'rejected': {'type': 'integer'},
        },
    }


def bulk_schemas(name):
    "The OpenAPI schema of the request body of /<name>/bulk"
    from .openapi import _input_schema, _title
    from .resources import RESOURCES
    types = {
        _TEXT: {'type': 'string'},
        'integer': {'type': 'integer', 'minimum': 1},
        'date': {'type': 'string', 'format': 'date'},
        'array': {'type': 'array', 'items': {'type': 'string'}},
        }
    create = {
        'type': 'object', 'title': f"{_title(name)}BulkCreate",
        'description': "A record to create, validated and checked for "
        "duplicates as `crm-plus import` does.",
        'properties': {
            key: dict(types[kind], description=description)
            for key, (kind, description) in COLUMNS[name].items()},
        'required': ['name'],
        'additionalProperties': False,
        }
    update = _input_schema(RESOURCES[name], False)
    update = dict(update, title=f"{_title(name)}BulkUpdate",
        description="A record to change, as PATCH does.",
        required=['id'], properties={
            'id': {'type': 'integer', 'minimum': 1,
                'description': "The record to change."},
            **update.get('properties', {})})
    return {
        'type': 'object', 'required': ['rows'],
        'additionalProperties': False,
        'properties': {'rows': {
                'type': 'array', 'maxItems': BULK_LIMIT,
                'items': {'oneOf': [create, update]},
                'description': f"Up to {BULK_LIMIT} rows: with `id` an "
                "update, else a creation."}},
        }


def run(resource, body):
    "Create and update the rows of body, return the result of each"
    if (not isinstance(body, dict) or set(body) != {'rows'}
            or not isinstance(body['rows'], list)):
        raise bad_request('invalid_body', 'msg_api_invalid_body')
    rows = body['rows']
    if len(rows) > BULK_LIMIT:
        raise bad_request('too_many_rows', 'msg_api_bulk_too_many_rows',
            status=413, limit=BULK_LIMIT, count=len(rows))
    results = [None] * len(rows)
    to_create = []
    for index, data in enumerate(rows):
        if not isinstance(data, dict):
            results[index] = _rejected(index, [{'field': None,
                        'reason': gettext('crm_plus.msg_api_invalid_body')}])
        elif 'id' in data:
            results[index] = _update(resource, index, data)
        else:
            row, errors = _row(resource.name, index, data)
            if errors:
                results[index] = _rejected(index, errors)
            else:
                to_create.append(row)
    if to_create:
        for row in _create(resource.name, to_create):
            if row.status == 'imported':
                results[row.line] = {'index': row.line, 'status': 'created',
                    'id': row.record, 'errors': []}
            else:
                results[row.line] = _rejected(row.line, [
                        {'field': getattr(r, 'field', None), 'reason': r}
                        for r in row.reasons])
    counts = {s: sum(r['status'] == s for r in results)
        for s in ['created', 'updated', 'rejected']}
    return {'results': results, **counts}


def _rejected(index, errors):
    return {'index': index, 'status': 'rejected', 'id': None,
        'errors': errors}


def _row(name, index, data):
    "The import Row of the JSON row and the errors of its keys"
    columns = COLUMNS[name]
    values, errors = {}, []
    for key, value in data.items():
        if key not in columns:
            errors.append({'field': key, 'reason': gettext(
                        'crm_plus.msg_api_field_not_writable')})
            continue
        if value is None or value == '' or value == []:
            continue
        kind = columns[key][0]
        if kind == 'integer':
            valid = type(value) is int and 0 < value < 2 ** 31
        elif kind == 'array':
            valid = isinstance(value, list) and all(
                isinstance(v, str) for v in value)
            value = ','.join(value) if valid else value
        else:
            valid = isinstance(value, str)
            value = value.strip() if valid else value
        if not valid:
            errors.append({'field': key, 'reason': gettext(
                        'crm_plus.msg_api_invalid_value', type=kind)})
        elif value != '':
            values[key] = value
    return Row(index, values, []), errors


def _create(name, rows):
    "Validate and save the rows by the import's schema, return them"
    schema = IMPORT_SCHEMAS[SCHEMAS[name]]()
    writer = BulkWriter(schema)
    # The schema checks the duplicates: no warning to confirm
    with Transaction().set_context(_crm_skip_duplicate_check=True):
        schema.prepare()
        writer.write(rows)
    return rows


class BulkWriter(RowWriter):
    "Save the rows in savepoints of the request's transaction"
    duplicate_message = 'crm_plus.msg_api_bulk_duplicate_row'

    def _reading(self):
        return nullcontext()

    def _unit(self):
        return savepoint()


def _update(resource, index, data):
    "Change the record of data['id'] as PATCH does, in a savepoint"
    data = dict(data)
    id_ = data.pop('id')
    try:
        with savepoint():
            record = resource.get(id_)
            resource.check_references(data)
            record = resource.update(record, data)
    except ApiError as error:
        return _rejected(index, error.details or [{'field': (
                        'id' if error.status == 404 else None),
                    'reason': error.message}])
    except (UserError, UserWarning, AccessError) as error:
        reason = error.message
        if getattr(error, 'description', None):
            reason += ' ' + error.description
        return _rejected(index, [{'field': None, 'reason': reason}])
    return {'index': index, 'status': 'updated', 'id': record.id,
        'errors': []}


_names = itertools.count()


@contextmanager
def savepoint():
    """A savepoint of the transaction: what runs in it is undone when it
    raises, the transaction's record of its changes too"""
    transaction = Transaction()
    connection = transaction.connection
    cursor = connection.cursor()
    name = f'crm_api_bulk_{next(_names)}'
    if backend.name == 'sqlite' and not connection.in_transaction:
        # Else the savepoint would begin a transaction its release commits
        cursor.execute('BEGIN IMMEDIATE')
    state = _state(transaction)
    cursor.execute(f'SAVEPOINT {name}')
    try:
        yield
    except BaseException:
        cursor.execute(f'ROLLBACK TO SAVEPOINT {name}')
        cursor.execute(f'RELEASE SAVEPOINT {name}')
        _restore(transaction, state)
        raise
    cursor.execute(f'RELEASE SAVEPOINT {name}')


_LISTS = ['log_records', 'user_notifications', '_datamanagers', '_atexit']
_RECORDS = ['create_records', 'delete_records', 'trigger_records']


def _state(transaction):
    return (
        {n: {k: type(v)(v) for k, v in getattr(transaction, n).items()}
            for n in _RECORDS},
        {n: len(getattr(transaction, n)) for n in _LISTS})


def _restore(transaction, state):
    records, lengths = state
    for name, saved in records.items():
        current = getattr(transaction, name)
        current.clear()
        current.update(saved)
    for name, length in lengths.items():
        del getattr(transaction, name)[length:]
    for cache in transaction.cache.values():
        cache.clear()
