"""Resource definitions of the CRM API: stable English field names over
Tryton models.

A `Resource` names its model, the domain of its records, its fields and
actions; the routes (routes.py), the OpenAPI document (openapi.py) and the
webhook payloads are all derived from these definitions.  Records are
always searched and read with the key user's access rights and record
rules: a record the user cannot see does not exist for the API.
"""
import datetime as dt
import decimal
from dataclasses import dataclass, field as dataclass_field

from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Filter suffixes by JSON type
OPERATORS = {
    'string': {'': '=', 'contains': 'ilike'},
    'text': {'contains': 'ilike'},
    'integer': {'': '=', 'gte': '>=', 'lte': '<='},
    'decimal': {'gte': '>=', 'lte': '<='},
    'date': {'': '=', 'gte': '>=', 'lte': '<='},
    'datetime': {'gte': '>=', 'lte': '<='},
    'number': {'gte': '>=', 'lte': '<='},
    'boolean': {'': '='},
    'enum': {'': '='},
    }
UTC = dt.timezone.utc
# The query parameters of a list besides the filters
LIST_PARAMETERS = {'page', 'page_size', 'sort', 'fields', 'updated_since'}


class ApiError(Exception):
    """An error answered as JSON: status, stable code, translated message and
    field details [{"field", "reason"}]"""

    def __init__(self, status, code, message, details=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []
        self.headers = headers or {}


def bad_request(code, message_id, details=None, status=400, **variables):
    return ApiError(status, code, gettext(
            f'crm_plus.{message_id}', **variables), details)


@dataclass
class Field:
    """One API field.

    source: the field of the model ('crm_owner', or a dotted path to read
    'crm_owner.rec_name'); getter/setter: functions of (record) and
    (values, value) instead of a source; row_getter: a function of the
    row Model.read answered instead, loads naming what it needs read;
    type: a JSON type of OPERATORS,
    'array' or 'object'; reference: the resource a integer id points to."""
    name: str
    source: str = None
    type: str = 'string'
    description: str = ''
    readonly: bool = False
    required: bool = False
    filter: bool = False
    sort: bool = False
    enum: tuple = None
    reference: str = None
    max_length: int = None
    nullable: bool = True
    getter: object = None
    row_getter: object = None
    loads: tuple = ()
    setter: object = None
    validator: object = None
    items: str = 'string'
    # the Tryton fields the field reads, for field access and record rules
    reads: tuple = None
    # the Tryton field filters search (default source)
    search: str = None

    @property
    def model_fields(self):
        if self.reads is not None:
            return self.reads
        if self.source:
            return (self.source.split('.')[0],)
        return ()

    @property
    def writable(self):
        return not self.readonly and bool(self.source or self.setter)

    def read_names(self, Model):
        "The names Model.read reads for the field (none for a getter)"
        if self.getter:
            return ()
        if self.row_getter:
            return self.loads
        if ('.' not in self.source and self.type == 'array'
                and Model._fields[self.source]._type in {
                    'one2many', 'many2many'}):
            return (self.source + '.rec_name',)
        return (self.source,)

    def output_row(self, row, record):
        "The JSON value of the row read (see read_names) of record"
        if self.getter:
            return self.output(record)
        if self.row_getter:
            return to_json(self.row_getter(row), self.type)
        value = row
        *path, name = self.source.split('.')
        for step in path:
            value = value.get(step + '.') if value else None
        if not value:
            return None
        if self.type == 'array' and name + '.' in value:
            # an x2many read with its rec_name
            return [v['rec_name'] for v in value[name + '.'] or []]
        return to_json(value.get(name), self.type)

    def output(self, record):
        if self.getter:
            value = self.getter(record)
        else:
            value = record
            for name in self.source.split('.'):
                value = getattr(value, name, None) if value else None
        return to_json(value, self.type)

    def input(self, value):
        "The Tryton value of the JSON value or raise ValueError"
        if value is None:
            if not self.nullable or self.required:
                raise ValueError('null')
            return None
        kind = self.type
        if kind in {'string', 'text'}:
            if not isinstance(value, str):
                raise ValueError(kind)
            if self.max_length and len(value) > self.max_length:
                raise ValueError('length')
            # PostgreSQL stores no NUL character
            if '\x00' in value:
                raise ValueError('nul')
            return value
        if kind == 'enum':
            if value not in self.enum:
                raise ValueError(kind)
            return value
        if kind == 'boolean':
            if not isinstance(value, bool):
                raise ValueError(kind)
            return value
        if kind == 'integer':
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(kind)
            if not -2 ** 31 < value < 2 ** 31:
                raise ValueError(kind)
            return value
        if kind == 'number':
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ValueError(kind)
            return float(value)
        if kind == 'decimal':
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                raise ValueError(kind)
            try:
                result = decimal.Decimal(str(value))
            except decimal.InvalidOperation as exception:
                raise ValueError(kind) from exception
            if not result.is_finite() or abs(result) >= 10 ** 15:
                raise ValueError(kind)
            return result
        if kind == 'date':
            if not isinstance(value, str):
                raise ValueError(kind)
            return dt.date.fromisoformat(value)
        if kind == 'datetime':
            return parse_datetime(value)
        if kind == 'array':
            if (not isinstance(value, list)
                    or not all(isinstance(v, str) for v in value)):
                raise ValueError(kind)
            return value
        raise ValueError(kind)


def company_timezone():
    "The timezone of the user's company (UTC without one)"
    from zoneinfo import ZoneInfo
    company_id = Transaction().context.get('company')
    if company_id:
        company = Pool().get('company.company')(company_id)
        if company.timezone:
            return ZoneInfo(company.timezone)
    return UTC


def parse_datetime(value):
    """The naive UTC datetime Tryton stores of an ISO 8601 text; without an
    offset it is a time of the company's timezone"""
    if not isinstance(value, str):
        raise ValueError('datetime')
    parsed = dt.datetime.fromisoformat(value.replace('Z', '+00:00'))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=company_timezone())
    return parsed.astimezone(UTC).replace(tzinfo=None)


def to_json(value, kind):
    if value is None or value == '':
        return None
    if kind == 'integer' and hasattr(value, 'id'):
        return value.id
    if kind == 'boolean':
        return bool(value)
    if isinstance(value, decimal.Decimal):
        return format(value, 'f')
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=UTC).astimezone(
            company_timezone()).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds())
    if isinstance(value, (list, tuple)):
        return [getattr(v, 'rec_name', v) for v in value]
    return value


@dataclass
class Action:
    """A POST /<resource>/<id>/<name> action: function(record, body) runs it
    on a record the user can read; body describes its JSON fields"""
    name: str
    function: object
    description: str = ''
    body: list = dataclass_field(default_factory=list)
    # the webhook event it emits
    event: str = None


class Resource:
    "A collection of the API (see the module)"
    name = None
    model = None
    description = ''
    domain = []
    fields = []
    actions = []
    methods = {'list', 'read', 'create', 'update', 'delete'}
    # default sort order of lists, API field names
    order = ['-updated_at', 'id']

    def __init__(self):
        self.by_name = {f.name: f for f in self.fields}

    @property
    def Model(self):
        return Pool().get(self.model)

    def scope(self, access):
        "The scope of the API key this access (read or write) needs"
        return f'{self.name}:{access}'

    # Fields the user may read ----------------------------------------------
    def readable(self):
        "The fields the user may read (model and field access)"
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        names = {n for f in self.fields for n in f.model_fields}
        access = FieldAccess.get_access([self.model])[self.model]
        allowed = {n for n in names if access.get(n, {}).get('read', True)}
        return [f for f in self.fields
            if all(n in allowed for n in f.model_fields)]

    def select(self, requested):
        "The readable fields of requested (API names), all without"
        readable = self.readable()
        if not requested:
            return readable
        names = {f.name for f in readable}
        unknown = [n for n in requested if n not in names]
        if unknown:
            raise bad_request('invalid_fields', 'msg_api_invalid_fields',
                [{'field': n, 'reason': gettext(
                                'crm_plus.msg_api_unknown_field')}
                    for n in unknown], fields=', '.join(unknown))
        return [f for f in readable if f.name in requested or f.name == 'id']

    # Records -----------------------------------------------------------------
    def search_domain(self):
        return list(self.domain)

    def get(self, id_):
        "The record id_ the user can read or a 404"
        if not isinstance(id_, int) or not 0 < id_ < 2 ** 31:
            raise not_found()
        records = self.Model.search(
            [('id', '=', id_)] + self.search_domain(), limit=1)
        if not records:
            raise not_found()
        return records[0]

    def dump(self, record, fields=None):
        return self.dump_many([record], fields)[0][0]

    def dump_many(self, records, fields=None):
        """[(JSON object, ETag)] of records the user can read, from the rows
        of read_rows"""
        fields = fields or self.readable()
        rows = self.read_rows([r.id for r in records], fields)
        return [self.output(rows[r.id], r, fields) for r in records]

    def output(self, row, record, fields):
        "(JSON object, ETag) of the row read of record"
        return ({f.name: f.output_row(row, record) for f in fields},
            _etag(row['id'], row['write_date'], row['create_date']))

    def read_rows(self, ids, fields):
        """{id: row of Model.read} of the records ids for fields: read in
        one Model.read without access checks, as record attributes are (the
        records were searched with the rules, fields are of readable)"""
        Model = self.Model
        names = {'write_date', 'create_date'}
        for field in fields:
            names.update(field.read_names(Model))
        with without_check_access():
            return {r['id']: r for r in Model.read(ids, list(names))}

    def read_visible(self, id_, fields):
        "(JSON object, ETag) of the record id_ the user can read or a 404"
        return self.dump_many([self.get(id_)], fields)[0]

    def etag(self, record):
        return _etag(record.id, record.write_date, record.create_date)

    def values(self, body, create):
        """Tryton values of the JSON body or a 422 naming every invalid
        field; setters are returned as [(setter, value)]"""
        if not isinstance(body, dict):
            raise bad_request('invalid_body', 'msg_api_invalid_body')
        details = []
        values, setters = {}, []
        readable = {f.name for f in self.readable()}
        for name, value in body.items():
            field = self.by_name.get(name)
            if (not field or not field.writable or name not in readable):
                details.append({'field': name, 'reason': gettext(
                            'crm_plus.msg_api_field_not_writable')})
                continue
            try:
                converted = field.input(value)
                if (not field.nullable and isinstance(converted, str)
                        and not converted.strip()):
                    raise ValueError('empty')
                if field.validator and converted is not None:
                    converted = field.validator(converted)
            except ApiError as error:
                details.append({'field': name, 'reason': error.message})
                continue
            except (ValueError, TypeError, OverflowError):
                details.append({'field': name, 'reason': gettext(
                            'crm_plus.msg_api_invalid_value',
                            type=field.type)})
                continue
            if field.setter:
                setters.append((field.setter, converted))
            else:
                values[field.source] = converted
        if create:
            for field in self.fields:
                if field.required and field.name not in body:
                    details.append({'field': field.name, 'reason': gettext(
                                'crm_plus.msg_api_field_required')})
        if details:
            raise bad_request('validation_error', 'msg_api_validation',
                details, status=422)
        self.complete(values, body, create)
        return values, setters

    def complete(self, values, body, create):
        "Add the values a creation needs that the API does not expose"

    def check_references(self, body):
        """A 422 for an id of another resource the user cannot see, as for
        one that does not exist"""
        from .resources import RESOURCES
        if not isinstance(body, dict):
            return
        details = []
        for name, value in body.items():
            field = self.by_name.get(name)
            # a value of another type is the 422 of values()
            if (not field or field.type != 'integer'
                    or not isinstance(value, int) or isinstance(value, bool)):
                continue
            if field.reference:
                try:
                    RESOURCES[field.reference].get(value)
                except ApiError:
                    details.append({'field': name, 'reason': gettext(
                                'crm_plus.msg_api_not_found')})
                continue
            target = getattr(self.Model._fields.get(field.source),
                'model_name', None)
            if not target or not field.writable:
                continue
            # a record of another model that does not exist or the user
            # cannot read
            try:
                found = 0 < value < 2 ** 31 and Pool().get(target).search(
                    [('id', '=', value)], count=True)
            except AccessError:
                found = 0
            if not found:
                details.append({'field': name, 'reason': gettext(
                            'crm_plus.msg_api_not_found')})
        if details:
            raise bad_request('validation_error', 'msg_api_validation',
                details, status=422)

    def create(self, body):
        values, setters = self.values(body, create=True)
        for setter, value in setters:
            setter(values, value)
        record, = self.Model.create([values])
        return record

    def update(self, record, body):
        values, setters = self.values(body, create=False)
        for setter, value in setters:
            setter(values, value, record)
        if values:
            self.Model.write([record], values)
        return self.Model(record.id)

    def delete(self, record):
        self.Model.delete([record])

    # Lists -----------------------------------------------------------------
    def filters(self):
        "{query parameter: (field, operator)} of the documented filters"
        result = {}
        for field in self.fields:
            if not field.filter:
                continue
            for suffix, operator in OPERATORS.get(field.type, {}).items():
                name = f'{field.name}__{suffix}' if suffix else field.name
                result[name] = (field, operator)
        return result

    def list_domain(self, args):
        "The Tryton domain of the query parameters"
        domain = self.search_domain()
        filters = self.filters()
        readable = {f.name for f in self.readable()}
        details = []
        for name, value in args.items():
            if name not in filters:
                if name not in LIST_PARAMETERS:
                    details.append({'field': name, 'reason': gettext(
                                'crm_plus.msg_api_unknown_field')})
                continue
            field, operator = filters[name]
            if field.name not in readable:
                details.append({'field': name, 'reason': gettext(
                            'crm_plus.msg_api_unknown_field')})
                continue
            try:
                if field.type == 'boolean':
                    if value not in {'true', 'false'}:
                        raise ValueError(value)
                    converted = value == 'true'
                elif field.type == 'integer':
                    converted = field.input(int(value))
                elif field.type in {'string', 'text', 'enum'}:
                    converted = field.input(value)
                    if operator == 'ilike':
                        converted = '%' + converted.replace('\\', '\\\\'
                            ).replace('%', '\\%').replace('_', '\\_') + '%'
                else:
                    converted = field.input(value)
            except (ValueError, TypeError, OverflowError):
                details.append({'field': name, 'reason': gettext(
                            'crm_plus.msg_api_invalid_value',
                            type=field.type)})
                continue
            domain.append((field.search or field.source, operator, converted))
        if 'updated_since' in args:
            try:
                since = parse_datetime(args['updated_since'])
            except (ValueError, TypeError):
                details.append({'field': 'updated_since', 'reason': gettext(
                            'crm_plus.msg_api_invalid_value',
                            type='datetime')})
            else:
                domain.append(['OR',
                        ('write_date', '>=', since),
                        [('write_date', '=', None),
                            ('create_date', '>=', since)]])
        if details:
            raise bad_request('invalid_filter', 'msg_api_invalid_filter',
                details)
        return domain

    def sortable(self):
        return {f.name: f for f in self.readable() if f.sort}

    def list_order(self, sort):
        names = [s.strip() for s in sort.split(',')] if sort else self.order
        sortable = self.sortable()
        order = []
        for name in names:
            direction = 'DESC' if name.startswith('-') else 'ASC'
            key = name.lstrip('-')
            if key == 'updated_at':
                order.append(('write_date', direction + ' NULLS LAST'))
                order.append(('create_date', direction))
                continue
            if key not in sortable:
                raise bad_request('invalid_sort', 'msg_api_invalid_sort',
                    [{'field': key, 'reason': gettext(
                                'crm_plus.msg_api_unknown_field')}])
            order.append((sortable[key].source, direction))
        order.append(('id', 'ASC'))
        return order


def _etag(id_, write_date, create_date):
    timestamp = write_date or create_date
    return '"%s-%s"' % (id_, int(timestamp.replace(
                tzinfo=UTC).timestamp() * 1_000_000))


def not_found():
    return bad_request('not_found', 'msg_api_not_found', status=404)


def text(name, source=None, **kwargs):
    return Field(name, source or name, **kwargs)


def created_updated():
    "The read-only time stamps every resource has"
    return [
        Field('created_at', 'create_date', 'datetime', "Creation time.",
            readonly=True, reads=()),
        Field('updated_at', None, 'datetime', "Time of the last change "
            "(the creation time for a record never changed).",
            readonly=True, sort=True, reads=(),
            row_getter=lambda r: r['write_date'] or r['create_date']),
        ]
