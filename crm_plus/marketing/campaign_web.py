"""The public routes of the campaigns (no login):

- ``/<db>/crm/campaign/u/<recipient>/<token>``: unsubscribe in one click
  (GET, or POST as RFC 8058 List-Unsubscribe-Post does): withdraws the
  consent on the channel, shows a page in the person's language;
- ``/<db>/crm/campaign/o/<recipient>/<token>.gif``: the open pixel;
- ``POST /<db>/crm/campaign/sms/receipt``: delivery receipts of the SMS
  gateway, ``POST /<db>/crm/campaign/sms/inbound``: the replies; both
  signed with the shared ``[crm_sms] callback_secret`` (header
  ``X-CRM-Signature``: hex HMAC-SHA256 of the body).

The tokens are HMACs of the recipient id: a wrong one is a 404, as an
unknown recipient, and the pages show nothing but the campaign's company.
"""
import datetime as dt
import json
from html import escape
from http import HTTPStatus

from werkzeug.wrappers import Response

from trytond.i18n import gettext
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.tools import file_open
from trytond.transaction import without_check_access
from trytond.wsgi import app

from ..customer.normalize import normalize_phone
from .campaign import verify
from .sms import STOP_WORDS, verify_callback

#: the largest callback body accepted
MAX_BODY = 256 * 1024
HEADERS = {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    }


def _page(message_id, language, status=200):
    text = gettext(f'crm_plus.{message_id}', language=language)
    title = gettext('crm_plus.msg_campaign_page_title', language=language)
    lang = 'en' if language.startswith('en') else 'zh-CN'
    return Response(
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="robots" content="noindex">'
        f'<title>{escape(title)}</title></head><body style="font-family:'
        'sans-serif;max-width:560px;margin:40px auto">'
        f'<h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>',
        status=status, content_type='text/html; charset=utf-8',
        headers=HEADERS)


def _json(data, status=200):
    return Response(json.dumps(data), status=status,
        content_type='application/json', headers=HEADERS)


def _recipient(pool, purpose, recipient_id, token):
    try:
        Recipient = pool.get('crm.campaign.recipient')
    except KeyError:
        return None
    if not verify(purpose, recipient_id, token):
        return None
    with without_check_access():
        recipients = Recipient.search([('id', '=', recipient_id)], limit=1)
    return recipients[0] if recipients else None


@app.route('/<database_name>/crm/campaign/u/<int:recipient_id>/<token>',
    methods={'GET', 'POST'})
@with_pool
@with_transaction(readonly=False)
def unsubscribe(request, pool, recipient_id, token):
    recipient = _recipient(pool, 'u', recipient_id, token)
    if recipient is None:
        return _page('msg_campaign_page_invalid', 'zh_CN',
            HTTPStatus.NOT_FOUND)
    recipient.unsubscribe('unsubscribe_link')
    return _page('msg_campaign_page_unsubscribed',
        recipient.language or 'zh_CN')


@app.route('/<database_name>/crm/campaign/o/<int:recipient_id>/<token>.gif',
    methods={'GET'})
@with_pool
@with_transaction(readonly=False)
def opened(request, pool, recipient_id, token):
    recipient = _recipient(pool, 'o', recipient_id, token)
    if recipient is None:
        return Response(status=HTTPStatus.NOT_FOUND)
    recipient.__class__.on_opened([recipient])
    with file_open('marketing_automation/empty.gif', mode='rb') as fp:
        gif = fp.read()
    return Response(gif, 200, content_type='image/gif',
        headers={'Cache-Control': 'no-store'})


def _callback(request):
    "The items of a signed callback, or the refusal"
    if request.content_length and request.content_length > MAX_BODY:
        return None, _json({'error': 'too large'},
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    body = request.get_data(cache=True)
    if len(body) > MAX_BODY:
        return None, _json({'error': 'too large'},
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    if not verify_callback(body, request.headers.get('X-CRM-Signature')):
        return None, _json({'error': 'forbidden'}, HTTPStatus.FORBIDDEN)
    try:
        data = json.loads(body.decode('utf-8'))
    except ValueError:
        return None, _json({'error': 'invalid'}, HTTPStatus.BAD_REQUEST)
    if isinstance(data, dict):
        data = data.get('items', [])
    if not isinstance(data, list) or not all(
            isinstance(i, dict) for i in data):
        return None, _json({'error': 'invalid'}, HTTPStatus.BAD_REQUEST)
    return data, None


@app.route('/<database_name>/crm/campaign/sms/receipt', methods={'POST'})
@with_pool
@with_transaction(readonly=False)
def sms_receipt(request, pool):
    """Receipts: [{"out_id": recipient, "biz_id": ..., "success": bool,
    "err_code": ...}]"""
    items, refusal = _callback(request)
    if refusal:
        return refusal
    Recipient = pool.get('crm.campaign.recipient')
    now = dt.datetime.now()
    updated = 0
    with without_check_access():
        for item in items:
            try:
                recipient_id = int(item.get('out_id'))
            except (TypeError, ValueError):
                continue
            recipients = Recipient.search([
                    ('id', '=', recipient_id),
                    ('channel', '=', 'sms'),
                    ('provider_id', '=', str(item.get('biz_id') or '')),
                    ('state', 'in', ['sent', 'delivered', 'bounced']),
                    ], limit=1)
            if not recipients:
                continue
            recipient, = recipients
            if item.get('success'):
                recipient.state = 'delivered'
                recipient.delivered_at = now
            else:
                recipient.state = 'bounced'
                recipient.error = str(item.get('err_code') or '')[:200]
            recipient.save()
            updated += 1
    return _json({'updated': updated})


@app.route('/<database_name>/crm/campaign/sms/inbound', methods={'POST'})
@with_pool
@with_transaction(readonly=False)
def sms_inbound(request, pool):
    """Replies: [{"phone": ..., "content": ...}]: a stop word withdraws the
    SMS consent, any other reply is recorded on the newest message sent to
    the number"""
    items, refusal = _callback(request)
    if refusal:
        return refusal
    Recipient = pool.get('crm.campaign.recipient')
    stopped = replied = 0
    with without_check_access():
        for item in items:
            phone = normalize_phone(str(item.get('phone') or ''), ['CN'])
            content = str(item.get('content') or '').strip()
            if not phone:
                continue
            recipients = Recipient.search([
                    ('address', '=', phone),
                    ('channel', '=', 'sms'),
                    ('state', 'in', ['sent', 'delivered', 'bounced']),
                    ], order=[('sent_at', 'DESC'), ('id', 'DESC')], limit=1)
            if not recipients:
                continue
            recipient, = recipients
            if content.upper() in STOP_WORDS:
                recipient.unsubscribe('sms_reply')
                stopped += 1
            else:
                recipient.on_reply(content)
                replied += 1
    return _json({'unsubscribed': stopped, 'replied': replied})
