"""HTTP routes of the CRM API under /<database>/api/v1/.

Each request runs in one transaction (trytond's ``with_pool`` and
``with_transaction``) as the user of its API key, with that user's context
and access checks, so a key sees what its user sees in the web client.
Every answer is JSON; an error rolls the transaction back and is answered
with a stable code and a message in the language of Accept-Language.

Settings (trytond.conf, section ``[crm_api]``): ``rate_limit`` requests per
``rate_period`` seconds per key and worker process (600 per 60),
``max_body_size`` bytes (1 MiB), ``timeout`` seconds per request (30),
``max_page_size`` (100).
"""
import datetime as dt
import json
import logging
import time
from collections.abc import Mapping

from werkzeug.wrappers import Response

from trytond import backend
from trytond.cache import Cache
import trytond.config as config
from trytond.exceptions import (
    ConcurrencyException, UserError, UserWarning)
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.pool import Pool
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import Transaction, check_access
from trytond.wsgi import app

from . import resource as resource_module, resources
from .resource import ApiError, bad_request, not_found
from ..ratelimit import RateLimiter
from .resources import RESOURCES

logger = logging.getLogger(__name__)

PREFIX = '/<database_name>/api/v1'
METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']
LANGUAGES = {'zh': 'zh_CN', 'en': 'en'}


def setting(name, default):
    return config.getint('crm_api', name, default=default)


# Rate limiting, per API key ----------------------------------------------
limiter = RateLimiter(lambda: (
    setting('rate_limit', 600), setting('rate_period', 60)))
# last-used times written, per key id: at most once a minute
_last_used = {}
# The context of a key's user by (user id, last change of the user): a
# change of the user (language, company, employee, warehouse) makes a new
# entry; the duration bounds what does not write the user (a group's
# members, the text direction of a language)
_preferences = Cache('crm_plus.api.preferences', context=False,
    duration=dt.timedelta(minutes=5))


def language(request):
    "The language of the answer from Accept-Language (None: the user's)"
    for value, _ in request.accept_languages:
        code = LANGUAGES.get(value.lower().replace('-', '_').split('_')[0])
        if code:
            return code
    return None


def error_response(error, lang):
    body = {'error': {'code': error.code, 'message': error.message}}
    if error.details:
        body['error']['details'] = error.details
    response = json_response(body, error.status)
    response.headers.update(error.headers)
    if lang:
        response.headers['Content-Language'] = lang.replace('_', '-')
    return response


def json_response(body, status=200, headers=None):
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(',', ':')),
        status=status, headers=headers,
        content_type='application/json; charset=utf-8')


@app.route(PREFIX + '/<path:path>', methods=METHODS)
@app.route(PREFIX + '/', methods=METHODS, defaults={'path': ''})
@with_pool
def api(request, pool, path):
    lang = language(request)
    started = time.monotonic()
    try:
        if request.method in {'POST', 'PATCH', 'PUT'}:
            size = request.content_length
            limit = setting('max_body_size', 1024 * 1024)
            if size is not None and size > limit:
                raise _early('msg_api_body_too_large', 413, 'body_too_large')
        response = _handle(request, pool, path, lang)
    except _Early as early:
        response = _early_response(pool, early, lang)
    except ApiError as error:
        response = error_response(error, lang)
    except Exception:
        logger.exception("CRM API %s %s", request.method, request.path)
        response = _early_response(pool, _early(
                'msg_api_internal_error', 500, 'internal_error'), lang)
    response.headers['X-Response-Time'] = '%.1fms' % (
        (time.monotonic() - started) * 1000)
    return response


class _Early(Exception):
    "An error found before the request's transaction"
    def __init__(self, message_id, status, code, headers=None):
        self.message_id, self.status, self.code = message_id, status, code
        self.headers = headers or {}


def _early(message_id, status, code, headers=None):
    return _Early(message_id, status, code, headers)


@with_transaction(readonly=True)
def _translate(request, pool, message_id, lang):
    with Transaction().set_context(language=lang or 'en'):
        return gettext(f'crm_plus.{message_id}')


def _early_response(pool, early, lang):
    message = _translate(_FakeRequest(), pool, early.message_id, lang)
    return error_response(ApiError(early.status, early.code, message,
            headers=early.headers), lang or 'en')


class _FakeRequest:
    "with_transaction reads the method and the context of the request"
    method = 'GET'
    context = {}


def _handle(request, pool, path, lang):
    from . import openapi
    parts = [p for p in path.split('/') if p]
    if parts == ['openapi.json'] and request.method in {'GET', 'HEAD'}:
        return json_response(openapi.document(request, pool))
    if parts and parts[0] == 'docs' and request.method in {'GET', 'HEAD'}:
        return openapi.docs(request, pool, parts[1:])
    if request.method == 'OPTIONS':
        return Response(status=204, headers={'Allow': ', '.join(METHODS)})
    body = None
    if request.method in {'POST', 'PATCH', 'PUT'}:
        data = request.get_data(cache=True)
        if len(data) > setting('max_body_size', 1024 * 1024):
            raise _early('msg_api_body_too_large', 413, 'body_too_large')
        if data:
            if request.mimetype != 'application/json':
                raise _early('msg_api_unsupported_media_type', 415,
                    'unsupported_media_type')
            try:
                body = json.loads(data)
            except (ValueError, RecursionError):
                raise _early('msg_api_invalid_json', 400, 'invalid_json')
    return _transaction(request, pool, parts, body, lang)


def _readonly(request):
    return request.method in {'GET', 'HEAD'}


def _transaction(request, pool, parts, body, lang):
    transaction = with_transaction(
        readonly=_readonly(request),
        timeout=setting('timeout', 30) or None)(_dispatch)
    try:
        result = transaction(request, pool, parts, body, lang)
    except backend.DatabaseOperationalError:
        raise _early('msg_api_busy', 503, 'busy', {'Retry-After': '1'})
    key_id, response = result
    _touch(pool, key_id)
    return response


def _touch(pool, key_id):
    "Write the last-used time of the key, at most once a minute"
    now = time.monotonic()
    if now - _last_used.get(key_id, -60) < 60:
        return
    _last_used[key_id] = now

    @with_transaction(readonly=False)
    def write(request, pool):
        table = pool.get('res.user.application').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.last_used],
                [dt.datetime.now()], where=table.id == key_id))
    try:
        write(_WriteRequest(), pool)
    except backend.DatabaseOperationalError:
        # busy: the next call writes it
        _last_used.pop(key_id, None)


class _WriteRequest(_FakeRequest):
    method = 'POST'


def _authenticate(request):
    pool = Pool()
    Application = pool.get('res.user.application')
    header = request.headers.get('Authorization', '')
    scheme, _, secret = header.partition(' ')
    if scheme.lower() != 'bearer' or not secret.strip():
        raise _unauthorized()
    application = Application.authenticate(secret.strip())
    if not application:
        raise _unauthorized()
    return application


def _unauthorized():
    return bad_request('unauthorized', 'msg_api_unauthorized', status=401)


def _user_context(user, stamp):
    """A copy of the preferences context of the user id at stamp, the time
    of their last change (cached, see _preferences)"""
    transaction = Transaction()
    key = (user, str(stamp))
    context = _preferences.get(key)
    if context is None:
        with transaction.set_user(user), transaction.reset_context():
            context = Pool().get('res.user').get_preferences(
                context_only=True)
        _preferences.set(key, context)
    return _thaw(context)


def _thaw(value):
    "A mutable copy of a value of trytond's cache (read-only mappings)"
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thaw(v) for v in value]
    return value


def _dispatch(request, pool, parts, body, lang):
    transaction = Transaction()
    # an error before the key's user is known is in the requested language
    with transaction.set_context(language=lang or 'en'):
        application = _authenticate(request)
    wait = limiter.hit(application.id)
    context = _user_context(application.user, application.user_stamp)
    if lang:
        context['language'] = lang
    lang = context.get('language') or 'en'
    with transaction.set_user(application.user), \
            transaction.set_context(context), check_access():
        if wait:
            raise ApiError(429, 'rate_limited', gettext(
                    'crm_plus.msg_api_rate_limited', seconds=wait),
                headers={'Retry-After': str(wait)})
        try:
            response = _route(request, application, parts, body)
        except ApiError:
            raise
        except AccessError as error:
            raise ApiError(403, 'forbidden', error.message)
        except UserWarning as warning:
            raise ApiError(409, 'warning', warning.message,
                [{'field': None, 'reason': warning.description or
                        warning.message}])
        except ConcurrencyException as error:
            raise ApiError(409, 'conflict', error.message)
        except UserError as error:
            raise ApiError(422, 'validation_error', error.message,
                _details(request, parts, error))
        response.headers['Content-Language'] = lang.replace('_', '-')
        return application.id, response


def _details(request, parts, error):
    "Field details of a Tryton validation error (API names when known)"
    field = None
    if isinstance(error, DomainValidationError) and error.domain:
        _, fields = error.domain
        resource = RESOURCES.get(parts[0]) if parts else None
        if resource and fields:
            sources = {f.source: f.name for f in resource.fields}
            field = next((sources[n] for n in fields if n in sources), None)
    reason = error.message
    if error.description:
        reason += ' ' + error.description
    return [{'field': field, 'reason': reason}]


def _route(request, application, parts, body):
    from . import bulk, webhook
    method = request.method
    if not parts:
        raise not_found()
    if parts[0] == 'webhooks':
        _check_scope(application, 'webhooks', method)
        return webhook.route(request, parts[1:], body)
    resource = resources.resource(parts[0])
    _check_scope(application, resource.name, method)
    if len(parts) == 1:
        if method in {'GET', 'HEAD'} and 'list' in resource.methods:
            return list_records(request, resource)
        if method == 'POST' and 'create' in resource.methods:
            return _idempotent(request, application, body,
                lambda: create_record(request, resource, body))
        raise _not_allowed(resource, [
                m for m, n in [('GET', 'list'), ('POST', 'create')]
                if n in resource.methods])
    if parts[1] == 'bulk' and len(parts) == 2:
        if method == 'POST' and resource.name in bulk.SCHEMAS:
            return _idempotent(request, application, body,
                lambda: json_response(bulk.run(resource, body)))
        raise _not_allowed(resource, ['POST'] if resource.name in
            bulk.SCHEMAS else [])
    try:
        id_ = int(parts[1])
    except ValueError:
        raise not_found()
    if len(parts) == 2:
        if method in {'GET', 'HEAD'} and 'read' in resource.methods:
            return read_record(request, resource, id_)
        if method == 'PATCH' and 'update' in resource.methods:
            return update_record(request, resource, id_, body)
        if method == 'DELETE' and 'delete' in resource.methods:
            return delete_record(request, resource, id_)
        raise _not_allowed(resource, [
                m for m, n in [('GET', 'read'), ('PATCH', 'update'),
                    ('DELETE', 'delete')] if n in resource.methods])
    if len(parts) == 3:
        action = next(
            (a for a in resource.actions if a.name == parts[2]), None)
        if not action:
            raise not_found()
        if method != 'POST':
            raise _not_allowed(resource, ['POST'])
        return _idempotent(request, application, body,
            lambda: run_action(request, resource, id_, action, body))
    raise not_found()


def _not_allowed(resource, allowed):
    error = bad_request('method_not_allowed', 'msg_api_method_not_allowed',
        status=405)
    error.headers['Allow'] = ', '.join(allowed)
    return error


def _check_scope(application, name, method):
    access = 'read' if method in {'GET', 'HEAD'} else 'write'
    if f'{name}:{access}' not in (application.scopes or ()):
        raise bad_request('insufficient_scope', 'msg_api_insufficient_scope',
            status=403, scope=f'{name}:{access}')


def _idempotent(request, application, body, run):
    "Run run() once per Idempotency-Key of the application"
    key = request.headers.get('Idempotency-Key')
    if not key:
        return run()
    if len(key) > 200:
        raise bad_request('invalid_idempotency_key',
            'msg_api_invalid_idempotency_key')
    pool = Pool()
    Idempotency = pool.get('crm.api.idempotency')
    digest = Idempotency.digest(
        request.method, request.path, request.get_data(cache=True))
    with Transaction().set_context(_check_access=False):
        stored = Idempotency.find(application.id, key)
    if stored:
        if stored.request != digest:
            raise bad_request('idempotency_key_reused',
                'msg_api_idempotency_key_reused', status=422)
        headers = {'Idempotent-Replayed': 'true'}
        if stored.location:
            headers['Location'] = stored.location
        return Response(stored.body, status=stored.status, headers=headers,
            content_type='application/json; charset=utf-8')
    response = run()
    with Transaction().set_context(_check_access=False):
        Idempotency.delete(Idempotency.search([
                    ('application', '=', application.id),
                    ('key', '=', key)]))
        Idempotency.create([{
                    'application': application.id,
                    'key': key,
                    'request': digest,
                    'status': response.status_code,
                    'body': response.get_data(as_text=True),
                    'location': response.headers.get('Location'),
                    }])
    return response


# Collections and records ---------------------------------------------------
def _int_arg(request, name, default, low, high):
    value = request.args.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise bad_request('invalid_parameter', 'msg_api_invalid_parameter',
            [{'field': name, 'reason': gettext(
                            'crm_plus.msg_api_invalid_range',
                            low=low, high=high)}], name=name)
    return number


def _requested_fields(request):
    value = request.args.get('fields')
    if not value:
        return None
    return [n.strip() for n in value.split(',') if n.strip()]


def list_records(request, resource):
    max_size = setting('max_page_size', resource_module.MAX_PAGE_SIZE)
    page = _int_arg(request, 'page', 1, 1, 100_000)
    size = _int_arg(request, 'page_size', resource_module.DEFAULT_PAGE_SIZE,
        1, max_size)
    fields = resource.select(_requested_fields(request))
    domain = resource.list_domain(request.args)
    order = resource.list_order(request.args.get('sort'))
    Model = resource.Model
    records = Model.search(domain, offset=(page - 1) * size, limit=size,
        order=order)
    total = Model.search(domain, count=True)
    data = [d for d, _ in resource.dump_many(records, fields)]
    next_page = None
    if page * size < total:
        args = request.args.copy()
        args['page'] = str(page + 1)
        args['page_size'] = str(size)
        next_page = request.base_url + '?' + '&'.join(
            f'{k}={v}' for k, v in _quoted(args))
    return json_response({
            'data': data, 'page': page, 'page_size': size, 'total': total,
            'next': next_page})


def _quoted(args):
    from urllib.parse import quote
    for key in args:
        for value in args.getlist(key):
            yield quote(key), quote(value)


def _record_response(resource, record, status=200, headers=None):
    (data, etag), = resource.dump_many([record])
    response = json_response(data, status, headers)
    response.headers['ETag'] = etag
    return response


def read_record(request, resource, id_):
    # a record the user cannot see is a 404 before any other answer
    try:
        fields, error = resource.select(_requested_fields(request)), None
    except ApiError as exception:
        fields, error = None, exception
    # the ETag of the same read as the data
    data, etag = resource.read_visible(id_, fields or resource.readable())
    if_none_match = request.headers.get('If-None-Match', '')
    if if_none_match and etag in if_none_match:
        return Response(status=304, headers={'ETag': etag})
    if error:
        raise error
    response = json_response(data)
    response.headers['ETag'] = etag
    return response


def create_record(request, resource, body):
    if body is None:
        raise bad_request('invalid_body', 'msg_api_invalid_body')
    resource.check_references(body)
    record = resource.create(body)
    record = resource.Model(record.id)
    location = f'{request.base_url.rstrip("/")}/{record.id}'
    return _record_response(resource, record, 201, {'Location': location})


def update_record(request, resource, id_, body):
    record = resource.get(id_)
    if body is None:
        raise bad_request('invalid_body', 'msg_api_invalid_body')
    if_match = request.headers.get('If-Match')
    if if_match and if_match.strip() != '*' and resource.etag(record) not in [
            t.strip() for t in if_match.split(',')]:
        raise bad_request('precondition_failed',
            'msg_api_precondition_failed', status=412)
    resource.check_references(body)
    record = resource.update(record, body)
    return _record_response(resource, resource.get(record.id))


def delete_record(request, resource, id_):
    record = resource.get(id_)
    if_match = request.headers.get('If-Match')
    if if_match and if_match.strip() != '*' and resource.etag(record) not in [
            t.strip() for t in if_match.split(',')]:
        raise bad_request('precondition_failed',
            'msg_api_precondition_failed', status=412)
    resource.delete(record)
    return Response(status=204)


def run_action(request, resource, id_, action, body):
    record = resource.get(id_)
    if body is not None and not isinstance(body, dict):
        raise bad_request('invalid_body', 'msg_api_invalid_body')
    action.function(record, body or {})
    return _record_response(resource, resource.get(record.id))
