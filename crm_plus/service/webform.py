"""The public web form: GET /<database>/crm/service/form shows it, POST
opens a ticket (channel web) and thanks with its number;
/<database>/crm/service/form.js embeds it in a web page (an iframe).

The route runs as the server (user 0) and writes only the customer (found
by phone or e-mail, else a new potential customer) and the ticket; its pages
show only what the visitor typed and the new ticket's number.  Anti-spam:
a rate limit per client address, a honeypot field, a signed timestamp with
a minimum fill time, size limits.  Settings (trytond.conf ``[crm_service]``):
``form_rate_limit`` submissions per ``form_rate_period`` seconds per client
address and server process (10 per 3600), ``form_min_seconds`` (3),
``form_max_age`` seconds a form stays valid (86400), ``form_secret`` (the
key signing the timestamps; by default one generated and kept in the CRM
configuration).
"""
import hashlib
import hmac
import html
import json
import logging
import secrets
import time
from pathlib import Path
from string import Template

from werkzeug.wrappers import Response

import trytond.config as config
from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from ..ratelimit import RateLimiter
from ..customer.normalize import InvalidValue, normalize_phone, validate_email
from .inbound import create_customer, find_customer, service_company

logger = logging.getLogger(__name__)

PATH = '/<database_name>/crm/service/form'
LANGUAGE = 'zh_CN'
#: the fields of the form and their maximal sizes (characters)
FIELDS = {
    'name': 100,
    'phone': 50,
    'email': 254,
    'subject': 200,
    'description': 5000,
    }
HONEYPOT = 'website'
#: the largest body accepted (bytes): the fields in UTF-8 and some margin
MAX_BODY = 64 * 1024
TEMPLATES = Path(__file__).parent / 'templates'
PAGE = Template((TEMPLATES / 'form_page.html').read_text(encoding='utf-8'))
FORM = Template((TEMPLATES / 'form.html').read_text(encoding='utf-8'))
THANKS = Template((TEMPLATES / 'form_thanks.html').read_text(
        encoding='utf-8'))
HEADERS = {
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'unsafe-inline'; "
        "form-action 'self'; base-uri 'none'"),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    }


def setting(name, default):
    return config.getint('crm_service', name, default=default)


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    service_form_secret = fields.Char(
        "Web Form Secret", readonly=True,
        help="Signs the timestamps of the public web form.")


# per client address
limiter = RateLimiter(lambda: (
    setting('form_rate_limit', 10), setting('form_rate_period', 3600)))
_secrets = {}


class _Request:
    "What with_transaction reads of a request"
    context = {}

    def __init__(self, method):
        self.method = method


def _secret(pool):
    "The key signing the timestamps of the database's forms"
    configured = config.get('crm_service', 'form_secret')
    if configured:
        return configured
    name = pool.database_name
    if name not in _secrets:
        @with_transaction(readonly=True)
        def read(request, pool):
            return pool.get('crm.configuration')(1).service_form_secret

        @with_transaction(readonly=False)
        def write(request, pool):
            Configuration = pool.get('crm.configuration')
            configuration = Configuration(1)
            if not configuration.service_form_secret:
                Configuration.write([configuration], {
                        'service_form_secret': secrets.token_urlsafe(32),
                        })
            return Configuration(1).service_form_secret
        _secrets[name] = (
            read(_Request('GET'), pool) or write(_Request('POST'), pool))
    return _secrets[name]


def _signature(secret, database, timestamp):
    return hmac.new(secret.encode(), f'{database}:{timestamp}'.encode(),
        hashlib.sha256).hexdigest()[:32]


def new_token(pool, now=None):
    timestamp = int(now if now is not None else time.time())
    return '%d.%s' % (timestamp, _signature(
            _secret(pool), pool.database_name, timestamp))


def token_age(pool, token, now=None):
    "The seconds since the token was made, None when it is not valid"
    timestamp, _, signature = (token or '').partition('.')
    if not timestamp.isdigit() or len(timestamp) > 12:
        return None
    expected = _signature(_secret(pool), pool.database_name, int(timestamp))
    if not hmac.compare_digest(expected, signature):
        return None
    return (now if now is not None else time.time()) - int(timestamp)


class _Refused(Exception):
    "A submission refused with a status and a message"

    def __init__(self, status, message_id, **variables):
        super().__init__(message_id)
        self.status, self.message_id = status, message_id
        self.variables = variables


def _(key, **variables):
    return gettext(f'crm_plus.msg_webform_{key}', **variables)


def _page(title, content, status=200, headers=None):
    body = PAGE.substitute(title=html.escape(title), content=content)
    response = Response(body, status=status,
        content_type='text/html; charset=utf-8')
    response.headers.update(HEADERS)
    response.headers.update(headers or {})
    return response


def _form_page(pool, values=None, error=None, status=200, headers=None):
    "The form filled with values, with the error above it"
    values = values or {}
    labels = {f'{n}_label': _(n) for n in [
            'name', 'phone', 'email', 'subject', 'description', 'submit',
            'contact_hint', 'honeypot']}
    escaped = {k: html.escape(v) for k, v in labels.items()}
    escaped.update({
            n: html.escape(values.get(n, '')) for n in FIELDS})
    escaped.update({f'{n}_max': str(s) for n, s in FIELDS.items()})
    content = FORM.substitute(escaped,
        intro=html.escape(_('intro')),
        error=('<p class="error" role="alert">%s</p>' % html.escape(error)
            if error else ''),
        token=html.escape(new_token(pool)),
        honeypot=HONEYPOT)
    return _page(_('title'), content, status=status, headers=headers)


def _thanks_page(ticket=None, values=None):
    values = values or {}
    number = (
        '<p>%s <strong class="number">%s</strong></p>' % (
            html.escape(_('number')), html.escape(ticket.number))
        if ticket else '')
    content = THANKS.substitute(
        thanks=html.escape(_('thanks')),
        number=number,
        subject_label=html.escape(_('subject')),
        subject=html.escape(values.get('subject', '')),
        description_label=html.escape(_('description')),
        description=html.escape(values.get('description', '')))
    return _page(_('thanks_title'), content)


def _fields(request):
    "The submitted values, stripped; _Refused when too large"
    values = {}
    for name, size in FIELDS.items():
        value = request.form.get(name, '')
        if len(value) > size:
            raise _Refused(413, 'field_too_long', field=_(name), size=size)
        if '\x00' in value:
            raise _Refused(400, 'invalid_character', field=_(name))
        values[name] = value.strip()
    return values


def _check(pool, request, values):
    "Refuse the submission unless its token and its values are valid"
    age = token_age(pool, request.form.get('token'))
    if age is None or age > setting('form_max_age', 86400):
        raise _Refused(400, 'expired')
    if age < setting('form_min_seconds', 3):
        raise _Refused(400, 'too_fast')
    for name in ['name', 'subject']:
        if not values[name]:
            raise _Refused(400, 'required', field=_(name))
    if not values['phone'] and not values['email']:
        raise _Refused(400, 'contact_required')
    if values['email']:
        try:
            values['email'] = validate_email(values['email'])
        except InvalidValue:
            raise _Refused(400, 'invalid_email')
    if values['phone']:
        phone = normalize_phone(values['phone'])
        if not phone:
            raise _Refused(400, 'invalid_phone')
        values['phone_e164'] = phone


def _open_ticket(pool, values):
    Ticket = pool.get('crm.ticket')
    company = service_company()
    party, contact = find_customer(
        email=values['email'] or None, phone=values.get('phone_e164'))
    if not party:
        party = create_customer(values['name'],
            email=values['email'] or None, phone=values['phone'] or None)
    ticket, = Ticket.create([{
                'company': company.id,
                'party': party.id,
                'contact': contact.id if contact else None,
                'email': values['email'] or None,
                'phone': values['phone'] or None,
                'channel': 'web',
                'subject': values['subject'],
                'description': values['description'] or None,
                }])
    return ticket


@with_transaction(readonly=False, context={'language': LANGUAGE})
def _submit(request, pool):
    values = {}
    try:
        values = _fields(request)
        if request.form.get(HONEYPOT):
            # a robot: it is answered as a person, nothing is stored
            return _thanks_page(values=values)
        _check(pool, request, values)
        ticket = _open_ticket(pool, values)
        return _thanks_page(ticket, values)
    except _Refused as refused:
        status = refused.status
        error = _(refused.message_id, **refused.variables)
        if status == 413:
            values = {}
    except UserError as user_error:
        # nothing the submission wrote is kept
        Transaction().rollback()
        Transaction().tasks.clear()
        status, error = 400, user_error.message
    return _form_page(pool, values, error=error, status=status)


@with_transaction(readonly=True, context={'language': LANGUAGE})
def _show(request, pool, status=200, message_id=None, headers=None,
        **variables):
    error = _(message_id, **variables) if message_id else None
    return _form_page(pool, error=error, status=status, headers=headers)


@app.route(PATH, methods={'GET', 'HEAD', 'POST'})
@with_pool
def form(request, pool):
    try:
        # before the request's transaction: it may write it
        _secret(pool)
        if request.method != 'POST':
            return _show(request, pool)
        wait = limiter.hit(request.remote_addr or '')
        if wait:
            return _show(request, pool, 429, 'rate_limited',
                {'Retry-After': str(wait)}, seconds=wait)
        if (request.content_length or 0) > MAX_BODY:
            return _show(_Request('GET'), pool, 413, 'too_large')
        return _submit(request, pool)
    except backend.DatabaseOperationalError:
        return _show(_Request('GET'), pool, 503, 'busy',
            {'Retry-After': '1'})


@app.route(PATH + '.js', methods={'GET', 'HEAD'})
@with_pool
def form_js(request, pool):
    url = request.base_url[:-len('.js')]
    script = (
        '(function () {\n'
        '    var script = document.currentScript;\n'
        '    var frame = document.createElement("iframe");\n'
        '    frame.src = %s;\n'
        '    frame.title = script.getAttribute("data-title") || "";\n'
        '    frame.style.border = "0";\n'
        '    frame.style.width = script.getAttribute("data-width") || "100%%";\n'
        '    frame.style.height = '
        'script.getAttribute("data-height") || "640px";\n'
        '    script.parentNode.insertBefore(frame, script.nextSibling);\n'
        '})();\n') % json.dumps(url)
    response = Response(script,
        content_type='application/javascript; charset=utf-8')
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response
