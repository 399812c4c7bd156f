"""The public satisfaction survey page: GET /<database>/crm/service/survey/
<token> shows the form in Chinese, POST stores the answer once.

The route runs as the root user without access checks and touches only the
survey of the token (and the feedback of its comment); it shows the
customer nothing but the ticket's number and subject.  Every refusal is a
page in Chinese with a 4xx status: 400 a malformed or tampered link or an
out-of-range answer, 404 an unknown survey, 409 an answered one, 410 an
expired one, 413 a body too large.  Everything the customer typed is
escaped on display.
"""
import logging
from html import escape

from werkzeug.wrappers import Response

from trytond import backend
from trytond.i18n import gettext
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from .survey import COMMENT_SIZE, ROUTE, SurveyError

logger = logging.getLogger(__name__)

LANGUAGE = 'zh_CN'
#: the largest request body accepted (the comment in UTF-8 and the scores)
MAX_BODY = 64 * 1024
#: (status, message) of each refusal of Survey.find
ERRORS = {
    'invalid': (400, 'msg_survey_page_invalid'),
    'unknown': (404, 'msg_survey_page_unknown'),
    'answered': (409, 'msg_survey_page_answered'),
    'expired': (410, 'msg_survey_page_expired'),
    }
STYLE = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
sans-serif;background:#f4f6f8;color:#222;margin:0;padding:24px}
main{max-width:640px;margin:0 auto;background:#fff;border-radius:8px;
padding:24px 32px;box-shadow:0 1px 4px rgba(0,0,0,.1)}
h1{font-size:1.4em;margin-top:0}
fieldset{border:none;padding:0;margin:0 0 20px}
legend{font-weight:bold;margin-bottom:8px}
.stars{display:inline-flex;flex-direction:row-reverse}
.stars input{position:absolute;opacity:0}
.stars label{font-size:2em;color:#ccc;cursor:pointer;padding:0 2px}
.stars input:checked~label,.stars label:hover,.stars label:hover~label
{color:#f5a623}
.stars input:focus-visible+label{outline:2px solid #1e6fd9}
.scale{display:flex;flex-wrap:wrap;gap:4px}
.scale label{border:1px solid #bbb;border-radius:4px;padding:6px 10px;
cursor:pointer}
.scale input{margin-right:4px}
.ends{display:flex;justify-content:space-between;font-size:.85em;
color:#666;max-width:560px}
textarea{width:100%;box-sizing:border-box;min-height:100px;font:inherit}
button{background:#1e6fd9;color:#fff;border:none;border-radius:4px;
padding:10px 28px;font-size:1em;cursor:pointer}
.error{background:#fdecea;color:#a1251b;padding:10px 14px;border-radius:4px}
"""


def _(message_id, **variables):
    return gettext(f'crm_plus.{message_id}', **variables)


def html_page(title, body, status=200):
    return Response(
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,'
        'initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f'<title>{escape(title)}</title><style>{STYLE}</style></head>'
        f'<body><main>{body}</main></body></html>',
        status=status, content_type='text/html; charset=utf-8',
        headers={
            'Cache-Control': 'no-store',
            'Content-Security-Policy': (
                "default-src 'none'; style-src 'unsafe-inline'; "
                "form-action 'self'; frame-ancestors 'none'"),
            'X-Content-Type-Options': 'nosniff',
            'Referrer-Policy': 'no-referrer',
            })


def message_page(message_id, status):
    title = _('msg_survey_page_title')
    return html_page(title,
        f'<h1>{escape(title)}</h1><p>{escape(_(message_id))}</p>', status)


def form_page(survey, error=None, values=None, status=200):
    values = values or {}
    title = _('msg_survey_page_title')
    ticket = survey.ticket
    parts = [f'<h1>{escape(title)}</h1>',
        '<p>%s</p>' % escape(_('msg_survey_page_intro',
                number=ticket.number or '', subject=ticket.subject or ''))]
    if error:
        parts.append(f'<p class="error" role="alert">{escape(error)}</p>')
    parts.append('<form method="post">')
    stars = []
    for score in range(5, 0, -1):
        checked = ' checked' if values.get('csat') == str(score) else ''
        stars.append(
            f'<input type="radio" id="csat{score}" name="csat" '
            f'value="{score}" required{checked}>'
            f'<label for="csat{score}" title="{score}">&#9733;</label>')
    parts.append(
        '<fieldset><legend>%s</legend><div class="stars">%s</div>'
        '<div class="ends" style="max-width:200px"><span>%s</span>'
        '<span>%s</span></div></fieldset>' % (
            escape(_('msg_survey_page_csat')), ''.join(stars),
            escape(_('msg_survey_page_csat_low')),
            escape(_('msg_survey_page_csat_high'))))
    scale = []
    for score in range(11):
        checked = ' checked' if values.get('nps') == str(score) else ''
        scale.append(
            f'<label><input type="radio" name="nps" value="{score}" '
            f'required{checked}>{score}</label>')
    parts.append(
        '<fieldset><legend>%s</legend><div class="scale">%s</div>'
        '<div class="ends"><span>%s</span><span>%s</span></div>'
        '</fieldset>' % (
            escape(_('msg_survey_page_nps')), ''.join(scale),
            escape(_('msg_survey_page_nps_low')),
            escape(_('msg_survey_page_nps_high'))))
    parts.append(
        '<fieldset><legend><label for="comment">%s</label></legend>'
        '<textarea id="comment" name="comment" maxlength="%s">%s</textarea>'
        '</fieldset>' % (
            escape(_('msg_survey_page_comment')), COMMENT_SIZE,
            escape(values.get('comment', ''))))
    parts.append('<button type="submit">%s</button></form>'
        % escape(_('msg_survey_page_submit')))
    return html_page(title, ''.join(parts), status)


def _score(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@app.route(ROUTE, methods={'GET', 'HEAD', 'POST'})
@with_pool
def survey(request, pool, token):
    if request.method == 'POST' and (
            request.content_length or 0) > MAX_BODY:
        return _refuse(request, pool, 'msg_survey_page_too_large', 413)
    try:
        return _survey(request, pool, token)
    except backend.DatabaseOperationalError:
        return _refuse(request, pool, 'msg_survey_page_busy', 503)
    except Exception:
        logger.exception("survey page %s", request.method)
        return _refuse(request, pool, 'msg_survey_page_error', 500)


def _refuse(request, pool, message_id, status):
    @with_transaction(readonly=True)
    def page(request, pool):
        with Transaction().set_context(language=LANGUAGE):
            return message_page(message_id, status)
    return page(request, pool)


@with_transaction()
def _survey(request, pool, token):
    Survey = pool.get('crm.ticket.survey')
    with Transaction().set_context(language=LANGUAGE):
        survey, error = Survey.find(token)
        if error:
            return message_page(*reversed(ERRORS[error]))
        if request.method != 'POST':
            return form_page(survey)
        form = request.form
        values = {
            'csat': form.get('csat', ''),
            'nps': form.get('nps', ''),
            # PostgreSQL texts hold no NUL character
            'comment': form.get('comment', '').replace('\x00', ''),
            }
        if len(values['comment']) > COMMENT_SIZE:
            values['comment'] = values['comment'][:COMMENT_SIZE]
            return form_page(survey, _(
                    'msg_survey_comment_size', size=COMMENT_SIZE),
                values, 400)
        Survey.lock([survey])
        # another answer may have come in meanwhile
        survey, error = Survey.find(token)
        if error:
            return message_page(*reversed(ERRORS[error]))
        try:
            survey.answer(_score(values['csat']), _score(values['nps']),
                values['comment'])
        except SurveyError as exception:
            return form_page(survey, exception.message, values, 400)
        title = _('msg_survey_page_title')
        return html_page(title,
            f'<h1>{escape(_("msg_survey_page_thanks"))}</h1>'
            f'<p>{escape(_("msg_survey_page_thanks_detail"))}</p>')
