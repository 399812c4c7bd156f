"""The OpenAPI 3.1 document of the CRM API, generated from the resource
definitions (resources.py), and its documentation page."""
import trytond.config as config

from .resource import MAX_PAGE_SIZE
from .resources import LINE_SCHEMA, RESOURCES

VERSION = '1.0.0'
ERRORS = {
    '400': "Malformed request: parameters, filters, sort or body.",
    '401': "Missing, unknown, revoked or expired API key.",
    '403': "The key lacks the scope, or the user the access right.",
    '404': "No such record, or one the key's user may not see.",
    '405': "Method not allowed on this path.",
    '409': "A warning to confirm (e.g. a likely duplicate) or a conflict.",
    '412': "If-Match does not match the record's current ETag.",
    '413': "Request body too large.",
    '415': "The body is not application/json.",
    '422': "Validation error; details name the fields.",
    '429': "Rate limit exceeded; retry after Retry-After seconds.",
    '503': "The database is busy; retry.",
    }
READ_ERRORS = ['400', '401', '403', '404', '405', '429', '503']
WRITE_ERRORS = READ_ERRORS + ['409', '412', '413', '415', '422']


def _title(name):
    return ''.join(p.capitalize() for p in name.replace('-', '_').split('_'))


def field_schema(field):
    kind = field.type
    if kind == 'lines':
        schema = dict(LINE_SCHEMA)
    elif kind == 'enum':
        schema = {'type': 'string', 'enum': list(field.enum)}
    elif kind == 'decimal':
        schema = {'type': 'string', 'format': 'decimal',
            'pattern': r'^-?\d+(\.\d+)?$'}
    elif kind == 'date':
        schema = {'type': 'string', 'format': 'date'}
    elif kind == 'datetime':
        schema = {'type': 'string', 'format': 'date-time'}
    elif kind == 'array':
        schema = {'type': 'array', 'items': {'type': field.items}}
    elif kind == 'text':
        schema = {'type': 'string'}
    elif kind == 'integer':
        schema = {'type': 'integer', 'minimum': -2 ** 31 + 1,
            'maximum': 2 ** 31 - 1}
    else:
        schema = {'type': kind}
    if field.max_length and schema.get('type') == 'string':
        schema['maxLength'] = field.max_length
    if not field.nullable and kind in {'string', 'text'}:
        # not empty: a character that is not a space
        schema.update(minLength=1, pattern=r'\S')
    if field.nullable and not field.required and kind != 'lines':
        if 'enum' in schema:
            schema['enum'] = schema['enum'] + [None]
        schema['type'] = [schema['type'], 'null']
    if field.description:
        schema['description'] = field.description
    if field.readonly:
        schema['readOnly'] = True
    return schema


def _record_schema(resource):
    return {
        'type': 'object',
        'description': resource.description,
        'required': ['id'],
        'properties': {f.name: field_schema(f) for f in resource.fields},
        }


def _input_schema(resource, create):
    fields = [f for f in resource.fields
        if f.writable or (f.type == 'lines' and not f.readonly)]
    schema = {
        'type': 'object',
        'additionalProperties': False,
        'properties': {f.name: field_schema(f) for f in fields},
        }
    required = [f.name for f in fields if f.required]
    if create and required:
        schema['required'] = required
    return schema


def _responses(codes, ok=None):
    responses = dict(ok or {})
    for code in codes:
        responses[code] = {'$ref': f'#/components/responses/E{code}'}
    return responses


def _json(schema):
    return {'application/json': {'schema': schema}}


def _ref(name):
    return {'$ref': f'#/components/schemas/{name}'}


def _list_parameters(resource):
    parameters = [
        {'name': 'page', 'in': 'query', 'schema': {
                'type': 'integer', 'minimum': 1, 'maximum': 100_000,
                'default': 1}},
        {'name': 'page_size', 'in': 'query', 'schema': {
                'type': 'integer', 'minimum': 1, 'maximum': config.getint(
                    'crm_api', 'max_page_size', default=MAX_PAGE_SIZE),
                'default': 20}},
        {'name': 'sort', 'in': 'query', 'description':
            "Comma-separated fields, '-' for descending: "
            + ', '.join(['updated_at'] + [
                    f.name for f in resource.fields if f.sort]),
            'schema': {'type': 'string'}},
        {'name': 'fields', 'in': 'query', 'description':
            "Comma-separated fields to return (default all).",
            'schema': {'type': 'string'}},
        {'name': 'updated_since', 'in': 'query', 'description':
            "Only records created or changed since this time (ISO 8601).",
            'schema': {'type': 'string', 'format': 'date-time'}},
        ]
    for name, (field, operator) in resource.filters().items():
        schema = {'type': 'string'}
        if field.type == 'enum':
            schema = {'type': 'string', 'enum': list(field.enum)}
        elif field.type == 'integer':
            schema = {'type': 'integer'}
        elif field.type == 'boolean':
            schema = {'type': 'string', 'enum': ['true', 'false']}
        elif field.type in {'date', 'datetime'}:
            schema = {'type': 'string', 'format': {
                    'date': 'date', 'datetime': 'date-time'}[field.type]}
        description = {
            '=': "equal to", 'ilike': "contains (case-insensitive)",
            '>=': "at least", '<=': "at most"}[operator]
        parameters.append({'name': name, 'in': 'query', 'schema': schema,
                'description': f"{field.name} {description}."})
    return parameters


ID_PARAMETER = {'name': 'id', 'in': 'path', 'required': True,
    'schema': {'type': 'integer', 'minimum': 1}}
ETAG = {'ETag': {'schema': {'type': 'string'},
        'description': "Version of the record, for If-Match."}}
IF_MATCH = {'name': 'If-Match', 'in': 'header', 'schema': {'type': 'string'},
    'description': "Change only the version of this ETag ('*': any)."}
IF_NONE_MATCH = {'name': 'If-None-Match', 'in': 'header',
    'schema': {'type': 'string'},
    'description': "A 304 without body when this ETag is current."}


def paths():
    from .bulk import SCHEMAS as BULK
    result = {}
    for name, resource in sorted(RESOURCES.items()):
        title = _title(name)
        tag = [name]
        collection, item = {}, {}
        record = {'description': "The record.", 'headers': ETAG,
            'content': _json(_ref(title))}
        if 'list' in resource.methods:
            collection['get'] = {
                'tags': tag, 'operationId': f'list_{name}',
                'summary': f"List {name}",
                'parameters': _list_parameters(resource),
                'responses': _responses(READ_ERRORS, {'200': {
                            'description': "A page of records.",
                            'content': _json(_ref(f'{title}Page'))}}),
                }
        if 'create' in resource.methods:
            collection['post'] = {
                'tags': tag, 'operationId': f'create_{name}',
                'summary': f"Create a record of {name}",
                'parameters': [{'$ref': '#/components/parameters/'
                        'IdempotencyKey'}],
                'requestBody': {'required': True,
                    'content': _json(_ref(f'{title}Create'))},
                'responses': _responses(WRITE_ERRORS, {'201': dict(
                            record, description="Created.")}),
                }
        if 'read' in resource.methods:
            item['get'] = {
                'tags': tag, 'operationId': f'read_{name}',
                'summary': f"Read a record of {name}",
                'parameters': [{'name': 'fields', 'in': 'query',
                        'schema': {'type': 'string'}}, IF_NONE_MATCH],
                'responses': _responses(READ_ERRORS, {'200': record,
                        '304': {'description': "Not modified: the ETag "
                            "of If-None-Match is current.",
                            'headers': ETAG}}),
                }
        if 'update' in resource.methods:
            item['patch'] = {
                'tags': tag, 'operationId': f'update_{name}',
                'summary': f"Change a record of {name}",
                'parameters': [IF_MATCH],
                'requestBody': {'required': True,
                    'content': _json(_ref(f'{title}Update'))},
                'responses': _responses(WRITE_ERRORS, {'200': record}),
                }
        if 'delete' in resource.methods:
            item['delete'] = {
                'tags': tag, 'operationId': f'delete_{name}',
                'summary': f"Delete a record of {name}",
                'parameters': [IF_MATCH],
                'responses': _responses(WRITE_ERRORS,
                    {'204': {'description': "Deleted."}}),
                }
        if collection:
            result[f'/{name}'] = collection
        if item:
            result[f'/{name}/{{id}}'] = dict(item, parameters=[ID_PARAMETER])
        for action in resource.actions:
            body = {'type': 'object', 'properties': {
                    f.name: field_schema(f) for f in action.body}}
            required = [f.name for f in action.body if f.required]
            if required:
                body['required'] = required
            result[f'/{name}/{{id}}/{action.name}'] = {
                'parameters': [ID_PARAMETER],
                'post': {
                    'tags': tag,
                    'operationId': f'{name}_{action.name}'.replace('-', '_'),
                    'summary': action.description,
                    'parameters': [{'$ref': '#/components/parameters/'
                            'IdempotencyKey'}],
                    'requestBody': {'required': bool(required),
                        'content': _json(body)},
                    'responses': _responses(WRITE_ERRORS, {'200': record}),
                    }}
        if name in BULK:
            result[f'/{name}/bulk'] = {'post': {
                    'tags': tag, 'operationId': f'bulk_{name}',
                    'summary': f"Create or update up to {BULK_LIMIT} "
                    f"{name} at once, validated as the import is",
                    'parameters': [{'$ref': '#/components/parameters/'
                            'IdempotencyKey'}],
                    'requestBody': {'required': True,
                        'content': _json(_ref(f'{title}Bulk'))},
                    'responses': _responses(WRITE_ERRORS, {'200': {
                                'description': "A result per row.",
                                'content': _json(_ref('BulkResult'))}}),
                    }}
    return result


BULK_LIMIT = 500


def schemas():
    from .bulk import SCHEMAS as BULK, bulk_schemas
    result = {
        'Error': {
            'type': 'object', 'required': ['error'],
            'properties': {'error': {
                    'type': 'object', 'required': ['code', 'message'],
                    'properties': {
                        'code': {'type': 'string'},
                        'message': {'type': 'string'},
                        'details': {'type': 'array', 'items': {
                                'type': 'object',
                                'properties': {
                                    'field': {'type': ['string', 'null']},
                                    'reason': {'type': 'string'},
                                    }}},
                        }}},
            },
        }
    for name, resource in RESOURCES.items():
        title = _title(name)
        result[title] = _record_schema(resource)
        result[f'{title}Page'] = {
            'type': 'object',
            'required': ['data', 'page', 'page_size', 'total', 'next'],
            'properties': {
                'data': {'type': 'array', 'items': _ref(title)},
                'page': {'type': 'integer'},
                'page_size': {'type': 'integer'},
                'total': {'type': 'integer'},
                'next': {'type': ['string', 'null'],
                    'description': "URL of the next page."},
                }}
        if 'create' in resource.methods:
            result[f'{title}Create'] = _input_schema(resource, True)
        if 'update' in resource.methods:
            result[f'{title}Update'] = _input_schema(resource, False)
        if name in BULK:
            result[f'{title}Bulk'] = bulk_schemas(name)
    from .bulk import RESULT_SCHEMA
    result['BulkResult'] = RESULT_SCHEMA
    return result


def document(request, pool):
    "The OpenAPI document, its server the database of the request"
    database = pool.database_name
    from . import webhook
    doc = {
        'openapi': '3.1.0',
        'info': {
            'title': "CRM Plus API",
            'version': VERSION,
            'description': (
                "The REST API of CRM Plus. Authenticate with "
                "`Authorization: Bearer <key>` (a key made by *Create API "
                "Key* in the web client); every call runs as the key's user, "
                "with that user's access rights and record rules. Amounts "
                "are decimal strings in the record's currency, times ISO "
                "8601 with an offset. Errors are JSON with a stable `code`, "
                "a `message` in the language of Accept-Language (zh-CN or "
                "en) and `details` naming fields. POST accepts an "
                "`Idempotency-Key` header; PATCH and DELETE an `If-Match` "
                "ETag."),
            },
        'servers': [{'url': f'{request.host_url}{database}/api/v1'}],
        'security': [{'bearer': []}],
        'paths': {**paths(), **webhook.openapi_paths()},
        'components': {
            'securitySchemes': {'bearer': {
                    'type': 'http', 'scheme': 'bearer'}},
            'schemas': {**schemas(), **webhook.openapi_schemas()},
            'parameters': {'IdempotencyKey': {
                    'name': 'Idempotency-Key', 'in': 'header',
                    'schema': {'type': 'string', 'maxLength': 200},
                    'description': "Retrying with the same key and body "
                    "returns the first response; another body is a 422."}},
            'responses': {
                f'E{code}': {'description': text,
                    'content': _json(_ref('Error'))}
                for code, text in ERRORS.items()},
            },
        }
    return doc


def docs(request, pool, parts):
    "The documentation page (see docs.py)"
    from .docs import page
    return page(request, pool, parts)

