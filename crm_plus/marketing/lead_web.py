"""The public lead form: GET /<database>/crm/lead/form shows it, POST
creates a lead (source Website Form) and thanks the visitor;
/<database>/crm/lead/form.js embeds it in a web page (an iframe).

The route runs as the server (user 0) and writes only the lead; its pages
show only what the visitor typed.  Anti-spam as the service form (a rate
limit per client address, a honeypot field, a signed timestamp with a
minimum fill time, size limits); the campaign is the ``campaign`` parameter
(the id of a campaign of the company not cancelled, else ignored) and the UTM
parameters of the page's URL are kept (hidden fields carry them from the
GET to the POST).  A request from a browser on another site (its
``Origin`` header) is refused unless the origin is in the allow-list; an
allowed origin gets the CORS headers, so a site may also post with fetch
and ``Accept: application/json``.

Settings (trytond.conf ``[crm_lead]``): ``origins`` (the allowed origins,
separated by spaces or commas, e.g. ``https://www.example.com``),
``form_rate_limit`` submissions per ``form_rate_period`` seconds per client
address and server process (10 per 3600), ``form_min_seconds`` (3),
``form_max_age`` (86400).
"""
import html
import json
import re
import urllib.parse

from werkzeug.wrappers import Response

import trytond.config as config
from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from ..customer.normalize import InvalidValue, normalize_phone, validate_email
from ..ratelimit import RateLimiter
from ..service.inbound import service_company
from ..service.webform import (
    HEADERS, HONEYPOT, MAX_BODY, PAGE, _Request, _secret, new_token,
    token_age)

PATH = '/<database_name>/crm/lead/form'
LANGUAGE = 'zh_CN'
#: the visible fields and their maximal sizes (characters)
FIELDS = {
    'name': 100,
    'organization': 200,
    'title': 100,
    'phone': 50,
    'email': 254,
    'description': 5000,
    }
#: the hidden fields carried from the page's URL
HIDDEN = {
    'campaign': 20,
    'utm_source': 100,
    'utm_medium': 100,
    'utm_campaign': 100,
    'utm_content': 100,
    'utm_term': 100,
    }
LABELS = {
    'name': 'webform_name',
    'organization': 'lead_form_organization',
    'title': 'lead_form_title_field',
    'phone': 'webform_phone',
    'email': 'webform_email',
    'description': 'lead_form_description',
    }
FORM = '''<p>$intro</p>
$error
<form method="post" accept-charset="utf-8">
<input type="hidden" name="token" value="$token"/>
$hidden
<div class="trap" aria-hidden="true">
<label for="$honeypot">$honeypot_label</label>
<input type="text" id="$honeypot" name="$honeypot" tabindex="-1" autocomplete="off" value=""/>
</div>
$inputs
<p class="hint">$contact_hint</p>
<button type="submit">$submit</button>
</form>'''


def setting(name, default):
    return config.getint('crm_lead', name, default=default)


def allowed_origins():
    value = config.get('crm_lead', 'origins', default='') or ''
    return {o.rstrip('/') for o in re.split(r'[\s,]+', value) if o}


limiter = RateLimiter(lambda: (
    setting('form_rate_limit', 10), setting('form_rate_period', 3600)))


class _Refused(Exception):
    def __init__(self, status, message_id, **variables):
        super().__init__(message_id)
        self.status, self.message_id = status, message_id
        self.variables = variables


def _(key, **variables):
    return gettext(f'crm_plus.msg_{key}', **variables)


def _label(name):
    return _(LABELS[name])


def _wants_json(request):
    return 'application/json' in (request.headers.get('Accept') or '')


#: the environ key keeping the Origin header of a request to the form
ORIGIN_KEY = 'crm_plus.lead_form_origin'
_FORM_PATH = re.compile(r'^/[^/]+/crm/lead/form/?$')


class _OriginGate:
    """Hand the Origin header of the requests to the lead form to the form
    (under ORIGIN_KEY): trytond refuses every origin outside ``[web] cors``
    before any route (an unhandled abort, a 500), and adding the partner
    sites there would open the whole server (JSON-RPC, REST) to them; the
    form checks its own allow-list and answers a clean 403"""
    _crm_lead_gate = True

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if ('HTTP_ORIGIN' in environ
                and _FORM_PATH.match(environ.get('PATH_INFO') or '')):
            environ[ORIGIN_KEY] = environ.pop('HTTP_ORIGIN')
        return self.wsgi_app(environ, start_response)


if not getattr(app.wsgi_app, '_crm_lead_gate', False):
    app.wsgi_app = _OriginGate(app.wsgi_app)


def _origin_headers(request):
    """The CORS headers of the request's origin; _Refused when the browser
    says the request comes from a site not allowed"""
    origin = (request.environ.get(ORIGIN_KEY)
        or request.headers.get('Origin'))
    if not origin or origin == 'null':
        return {}
    origin = origin.rstrip('/')
    if urllib.parse.urlparse(origin).netloc == request.host:
        return {}
    if origin not in allowed_origins():
        raise _Refused(403, 'lead_form_bad_origin')
    return {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Content-Type, Accept',
        'Access-Control-Max-Age': '600',
        'Vary': 'Origin',
        }


def _page(title, content, status=200, headers=None):
    body = PAGE.substitute(title=html.escape(title), content=content)
    response = Response(body, status=status,
        content_type='text/html; charset=utf-8')
    response.headers.update(HEADERS)
    response.headers.update(headers or {})
    return response


def _json(data, status=200, headers=None):
    response = Response(json.dumps(data, ensure_ascii=False), status=status,
        content_type='application/json; charset=utf-8')
    response.headers.update({'X-Content-Type-Options': 'nosniff',
            'Cache-Control': 'no-store'})
    response.headers.update(headers or {})
    return response


def _form_page(pool, values=None, hidden=None, error=None, status=200,
        headers=None):
    values = values or {}
    hidden = hidden or {}
    inputs = []
    for name, size in FIELDS.items():
        label = html.escape(_label(name))
        value = html.escape(values.get(name, ''))
        required = ' required' if name == 'name' else ''
        if name == 'description':
            inputs.append(
                f'<label for="{name}">{label}</label>\n'
                f'<textarea id="{name}" name="{name}" maxlength="{size}">'
                f'{value}</textarea>')
        else:
            type_ = {'phone': 'tel', 'email': 'email'}.get(name, 'text')
            inputs.append(
                f'<label for="{name}">{label}</label>\n'
                f'<input type="{type_}" id="{name}" name="{name}"'
                f'{required} maxlength="{size}" value="{value}"/>')
    hidden_inputs = ''.join(
        '<input type="hidden" name="%s" value="%s"/>\n' % (
            name, html.escape(hidden[name]))
        for name in HIDDEN if hidden.get(name))
    from string import Template
    content = Template(FORM).substitute(
        intro=html.escape(_('lead_form_intro')),
        error=('<p class="error" role="alert">%s</p>' % html.escape(error)
            if error else ''),
        token=html.escape(new_token(pool)),
        hidden=hidden_inputs,
        honeypot=HONEYPOT,
        honeypot_label=html.escape(_('webform_honeypot')),
        inputs='\n'.join(inputs),
        contact_hint=html.escape(_('webform_contact_hint')),
        submit=html.escape(_('webform_submit')))
    return _page(_('lead_form_title'), content, status=status,
        headers=headers)


def _thanks_page(values, headers=None):
    content = '<p>%s</p>\n<p class="text">%s</p>' % (
        html.escape(_('lead_form_thanks')),
        html.escape(values.get('description', '')))
    return _page(_('webform_thanks_title'), content, headers=headers)


def _hidden(source):
    "The hidden values of the query or the form, cut to their sizes"
    return {name: (source.get(name) or '').strip()[:size]
        for name, size in HIDDEN.items()
        if (source.get(name) or '').strip()
        and '\x00' not in source.get(name)}


def _fields(request):
    values = {}
    for name, size in FIELDS.items():
        value = request.form.get(name, '')
        if len(value) > size:
            raise _Refused(413, 'webform_field_too_long',
                field=_label(name), size=size)
        if '\x00' in value:
            raise _Refused(400, 'webform_invalid_character',
                field=_label(name))
        values[name] = value.strip()
    return values


def _check(pool, request, values):
    age = token_age(pool, request.form.get('token'))
    if age is None or age > setting('form_max_age', 86400):
        raise _Refused(400, 'webform_expired')
    if age < setting('form_min_seconds', 3):
        raise _Refused(400, 'webform_too_fast')
    if not values['name']:
        raise _Refused(400, 'webform_required', field=_label('name'))
    if not values['phone'] and not values['email']:
        raise _Refused(400, 'webform_contact_required')
    if values['email']:
        try:
            values['email'] = validate_email(values['email'])
        except InvalidValue:
            raise _Refused(400, 'webform_invalid_email')
    if values['phone'] and not normalize_phone(values['phone']):
        raise _Refused(400, 'webform_invalid_phone')


def _create_lead(pool, values, hidden):
    Lead = pool.get('crm.lead')
    Campaign = pool.get('crm.campaign')
    ModelData = pool.get('ir.model.data')
    company = service_company()
    lead_values = {
        'company': company.id,
        'source': ModelData.get_id('crm_plus', 'source_website_form'),
        }
    for name in FIELDS:
        lead_values[name] = values[name] or None
    for name in HIDDEN:
        if name.startswith('utm_') and hidden.get(name):
            lead_values[name] = hidden[name]
    campaign = hidden.get('campaign', '')
    if campaign.isdigit():
        # a campaign of the company not cancelled, else none: the visitor
        # is told nothing either way
        campaigns = Campaign.search([
                ('id', '=', int(campaign)),
                ('company', '=', company.id),
                ('state', '!=', 'cancelled'),
                ], limit=1)
        if campaigns:
            lead_values['campaign'] = campaigns[0].id
    lead, = Lead.create([lead_values])
    return lead


@with_transaction(readonly=False, context={'language': LANGUAGE})
def _submit(request, pool, headers):
    values = {}
    hidden = _hidden(request.form)
    try:
        values = _fields(request)
        if request.form.get(HONEYPOT):
            # a robot: answered as a person, nothing is stored
            if _wants_json(request):
                return _json({'status': 'ok'}, headers=headers)
            return _thanks_page(values, headers)
        _check(pool, request, values)
        _create_lead(pool, values, hidden)
        if _wants_json(request):
            return _json({'status': 'ok'}, headers=headers)
        return _thanks_page(values, headers)
    except _Refused as refused:
        status = refused.status
        error = _(refused.message_id, **refused.variables)
        if status == 413:
            values = {}
    except UserError as user_error:
        Transaction().rollback()
        Transaction().tasks.clear()
        status, error = 400, user_error.message
    if _wants_json(request):
        return _json({'status': 'error', 'message': error}, status, headers)
    return _form_page(pool, values, hidden, error=error, status=status,
        headers=headers)


@with_transaction(readonly=True, context={'language': LANGUAGE})
def _show(request, pool, status=200, message_id=None, headers=None,
        hidden=None, **variables):
    error = _(message_id, **variables) if message_id else None
    method = getattr(request, 'request_method', request.method)
    if method == 'POST' and _wants_json(request):
        return _json({'status': 'error', 'message': error}, status, headers)
    return _form_page(pool, hidden=hidden, error=error, status=status,
        headers=headers)


class _Shown(_Request):
    "A GET-like request keeping the headers read by _show"

    def __init__(self, request):
        super().__init__('GET')
        self.headers = request.headers
        self.request_method = request.method


@app.route(PATH, methods={'GET', 'HEAD', 'POST', 'OPTIONS'})
@with_pool
def form(request, pool):
    try:
        _secret(pool)
        try:
            headers = _origin_headers(request)
        except _Refused as refused:
            if request.method == 'OPTIONS':
                return Response(status=403)
            return _show(_Shown(request), pool, refused.status,
                refused.message_id, {'Vary': 'Origin'})
        if request.method == 'OPTIONS':
            response = Response(status=204)
            response.headers.update(headers)
            return response
        if request.method != 'POST':
            return _show(request, pool, headers=headers,
                hidden=_hidden(request.args))
        wait = limiter.hit(request.remote_addr or '')
        if wait:
            headers = dict(headers, **{'Retry-After': str(wait)})
            return _show(_Shown(request), pool, 429, 'webform_rate_limited',
                headers, seconds=wait)
        if (request.content_length or 0) > MAX_BODY:
            return _show(_Shown(request), pool, 413, 'webform_too_large',
                headers)
        return _submit(request, pool, headers)
    except backend.DatabaseOperationalError:
        return _show(_Shown(request), pool, 503, 'webform_busy',
            {'Retry-After': '1'})


@app.route(PATH + '.js', methods={'GET', 'HEAD'})
@with_pool
def form_js(request, pool):
    """The embedding script: an iframe of the form, with the campaign and
    the UTM parameters of the embedding page's URL"""
    url = request.base_url[:-len('.js')]
    script = (
        '(function () {\n'
        '    var script = document.currentScript;\n'
        '    var keys = %s;\n'
        '    var page = new URLSearchParams(window.location.search);\n'
        '    var query = new URLSearchParams();\n'
        '    keys.forEach(function (key) {\n'
        '        var value = script.getAttribute("data-" + key.replace('
        '"_", "-")) || page.get(key);\n'
        '        if (value) { query.set(key, value); }\n'
        '    });\n'
        '    var frame = document.createElement("iframe");\n'
        '    frame.src = %s + (query.toString() ? "?" + query : "");\n'
        '    frame.title = script.getAttribute("data-title") || "";\n'
        '    frame.style.border = "0";\n'
        '    frame.style.width = script.getAttribute("data-width") || "100%%";\n'
        '    frame.style.height = '
        'script.getAttribute("data-height") || "720px";\n'
        '    script.parentNode.insertBefore(frame, script.nextSibling);\n'
        '})();\n') % (json.dumps(list(HIDDEN)), json.dumps(url))
    response = Response(script,
        content_type='application/javascript; charset=utf-8')
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response
