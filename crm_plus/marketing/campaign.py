"""Marketing campaigns: audience, waves of e-mail or SMS, and one send
record per recipient and wave.

A campaign's audience is its segments and static lists (``marketing.email
.list``) less its suppression lists; a later wave may go to the recipients
of the previous one who did not open or click it.  When a wave is due (the
cron ``crm.campaign.wave|start_due``), its recipients are written, one row
per person (UNIQUE(wave, party)), skipped with a reason when the person has
no consent on the channel, no address or was suppressed, and the sending is
queued in batches spaced to keep the rate (messages per minute).

A batch task renders its messages (tracked links included), claims its rows
(``pending`` -> ``sending``) and commits before anything goes out, then
sends and marks each row ``sent`` or ``failed``: a crash after the claim
leaves rows in ``sending``, never sent again, and a task run again skips
every row that is not pending, so nobody gets a wave twice.
"""
import datetime as dt
import email.policy
import hashlib
import hmac
import html
import json
import logging
import re
import secrets
import smtplib
from email.header import Header
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import urljoin

from genshi.core import END, START, Attrs, QName
from genshi.template import MarkupTemplate, TextTemplate
from genshi.template.base import TemplateError
from sql import Null

import trytond.config as config
from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelAccessProxy, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import get_smtp_server, send_message
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.url import host, http_base

from ..customer.normalize import normalize_phone
from ..framework import WRITE_SLICE, search_ids
from ..text_input import TextInputMixin
from .consent import CHANNELS
from .sms import HTTPProvider, SMSError

logger = logging.getLogger(__name__)

SECTION = 'crm_campaign'
QUEUE = 'crm_campaign'
#: the messages per batch task
BATCH_SIZE = 200
#: a batch task taken this long ago and not finished died with its worker
STALL = dt.timedelta(minutes=30)
GENSHI_NS = 'http://genshi.edgewall.org/'
DEFAULT_LANGUAGE = 'zh_CN'
SKIP_REASONS = [
    (None, ''),
    ('no_consent', "No Consent"),
    ('no_address', "No Address"),
    ('suppressed', "Suppressed"),
    ('unsubscribed', "Unsubscribed"),
    ('refused', "Refused"),
    ('interrupted', "Interrupted"),
    ('cancelled', "Cancelled"),
    ]


class CampaignError(ValidationError):
    pass


def url_base():
    return config.get(SECTION, 'url_base', default=http_base())


def _key():
    "The database's key signing the unsubscribe and open links"
    Configuration = Pool().get('crm.configuration')
    return Configuration.campaign_key()


def sign(purpose, recipient_id, key=None):
    key = key or _key()
    message = f'{purpose}:{recipient_id}'.encode('ascii')
    return hmac.new(
        key.encode('ascii'), message, hashlib.sha256).hexdigest()[:32]


def verify(purpose, recipient_id, token):
    return hmac.compare_digest(sign(purpose, recipient_id), token or '')


def route_url(purpose, recipient_id, key=None, suffix=''):
    database = Transaction().database.name
    return urljoin(url_base(), '/%s/crm/campaign/%s/%d/%s%s' % (
            database, purpose, recipient_id,
            sign(purpose, recipient_id, key), suffix))


class Campaign(TextInputMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'crm.campaign'
    __string__ = "Campaign"

    _states = {'readonly': Eval('state') != 'draft'}

    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    owner = fields.Many2One(
        'company.employee', "Owner",
        domain=[('company', '=', Eval('company', -1))])
    objective = fields.Text("Objective")
    channel = fields.Selection(
        [c for c in CHANNELS if c[0] != 'phone'], "Channel", required=True,
        states=_states)
    marketing_campaign = fields.Many2One(
        'marketing.campaign', "Tracking Campaign", ondelete='RESTRICT',
        help="The campaign that opportunities and sales are attributed to.")
    segments = fields.Many2Many(
        'crm.campaign-crm.segment', 'campaign', 'segment', "Segments",
        states=_states)
    email_lists = fields.Many2Many(
        'crm.campaign-marketing.email.list', 'campaign', 'list_',
        "Static Lists", states=_states,
        help="The people of these mailing lists are in the audience.")
    suppression_lists = fields.Many2Many(
        'crm.campaign.suppression', 'campaign', 'list_',
        "Suppression Lists", states=_states,
        help="The addresses and people of these lists are left out.")
    waves = fields.One2Many('crm.campaign.wave', 'campaign', "Waves",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    recipients = fields.One2Many(
        'crm.campaign.recipient', 'campaign', "Recipients", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('scheduled', "Scheduled"),
            ('running', "Running"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    budget = fields.Numeric(
        "Budget", digits=(16, 2),
        domain=['OR', ('budget', '=', None), ('budget', '>=', 0)])
    cost = fields.Numeric(
        "Actual Cost", digits=(16, 2),
        domain=['OR', ('cost', '=', None), ('cost', '>=', 0)])
    target_responses = fields.Integer(
        "Target Responses",
        domain=['OR', ('target_responses', '=', None),
            ('target_responses', '>=', 0)])
    target_leads = fields.Integer(
        "Target Leads",
        domain=['OR', ('target_leads', '=', None),
            ('target_leads', '>=', 0)])
    target_revenue = fields.Numeric(
        "Target Revenue", digits=(16, 2),
        domain=['OR', ('target_revenue', '=', None),
            ('target_revenue', '>=', 0)])
    rate = fields.Integer(
        "Messages per Minute",
        domain=['OR', ('rate', '=', None), ('rate', '>', 0)],
        help="The sending pace; empty: the CRM configuration's.")
    leads = fields.One2Many('crm.lead', 'campaign', "Leads", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'scheduled'),
            ('scheduled', 'draft'),
            ('scheduled', 'running'),
            ('running', 'done'),
            ('draft', 'cancelled'),
            ('scheduled', 'cancelled'),
            ('running', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'schedule': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['scheduled', 'cancelled']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'scheduled', 'running']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_owner(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_channel(cls):
        return 'email'

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def copy(cls, campaigns, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('recipients')
        default.setdefault('leads')
        return super().copy(campaigns, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, campaigns):
        Wave = Pool().get('crm.campaign.wave')
        Wave.write([w for c in campaigns for w in c.waves
                if w.state == 'cancelled' and not w.recipients],
            {'state': 'waiting'})

    @classmethod
    @ModelView.button
    @Workflow.transition('scheduled')
    def schedule(cls, campaigns):
        for campaign in campaigns:
            if not campaign.waves:
                raise CampaignError(gettext(
                        'crm_plus.msg_campaign_no_wave',
                        campaign=campaign.rec_name))
            if not (campaign.segments or campaign.email_lists):
                raise CampaignError(gettext(
                        'crm_plus.msg_campaign_no_audience',
                        campaign=campaign.rec_name))
            for wave in campaign.waves:
                wave.check_content()

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, campaigns):
        pool = Pool()
        Wave = pool.get('crm.campaign.wave')
        Recipient = pool.get('crm.campaign.recipient')
        with without_check_access():
            Wave.write([w for c in campaigns for w in c.waves
                    if w.state in {'waiting', 'running'}],
                {'state': 'cancelled'})
            pending = Recipient.search([
                    ('campaign', 'in', [c.id for c in campaigns]),
                    ('state', '=', 'pending'),
                    ])
            Recipient.write(pending, {
                    'state': 'skipped', 'reason': 'cancelled'})

    @classmethod
    @Workflow.transition('running')
    def run(cls, campaigns):
        pass

    @classmethod
    @Workflow.transition('done')
    def do(cls, campaigns):
        pass

    def rate_per_minute(self):
        Configuration = Pool().get('crm.configuration')
        if self.rate:
            return self.rate
        return Configuration(1).campaign_rate or None

    def audience(self):
        """The parties of the segments and static lists, less the
        suppressed, with the list address of those who came from a list:
        (addresses by party id, suppressed party ids, suppressed addresses)
        """
        pool = Pool()
        Email = pool.get('marketing.email')
        Mechanism = pool.get('party.contact_mechanism')
        WebUser = pool.get('web.user')
        email, mechanism = Email.__table__(), Mechanism.__table__()
        web_user = WebUser.__table__()
        cursor = Transaction().connection.cursor()
        parties = {}
        for segment in self.segments:
            for party_id in segment.party_ids():
                parties.setdefault(party_id, None)

        def by_email(lists):
            # the lists may be large: read in SQL, no record instances
            # {lowered address: address}, {lowered address: party id}
            emails, found = {}, {}
            if not lists:
                return emails, found
            cursor.execute(*email.select(email.email,
                    where=email.list_.in_([l.id for l in lists])
                    & (email.active == True),  # noqa: E712
                    order_by=[email.id.asc]))
            for address, in cursor:
                if address and address.strip():
                    emails.setdefault(address.strip().lower(), address.strip())
            # the party of a list address is its web user's (marketing_email)
            # then the first customer with that e-mail address
            for table, column, where in [
                    (web_user, web_user.email, web_user.party != Null),
                    (mechanism, mechanism.value, mechanism.type == 'email'),
                    ]:
                for sub in grouped_slice(list(emails),
                        backend.MAX_QUERY_PARAMS):
                    cursor.execute(*table.select(column, table.party,
                            where=where & column.in_(list(sub)),
                            order_by=[table.id.asc]))
                    for address, party_id in cursor:
                        found.setdefault(address.strip().lower(), party_id)
            return emails, found

        emails, found = by_email(self.email_lists)
        for address, party_id in found.items():
            if parties.get(party_id) is None:
                parties[party_id] = emails[address]
        suppressed_emails, suppressed_found = by_email(self.suppression_lists)
        suppressed = set(suppressed_found.values())
        suppressed |= {p for p, a in parties.items()
            if a and a.lower() in suppressed_emails}
        return parties, suppressed, set(suppressed_emails)

    @classmethod
    def check_done(cls, campaigns):
        for campaign in campaigns:
            if campaign.state == 'running' and all(
                    w.state in {'done', 'cancelled'} for w in campaign.waves):
                cls.do([campaign])


class CampaignSegment(ModelSQL):
    __name__ = 'crm.campaign-crm.segment'
    campaign = fields.Many2One(
        'crm.campaign', "Campaign", required=True, ondelete='CASCADE')
    segment = fields.Many2One(
        'crm.segment', "Segment", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('campaign')


class CampaignList(ModelSQL):
    __name__ = 'crm.campaign-marketing.email.list'
    __string__ = "Campaign Static List"
    campaign = fields.Many2One(
        'crm.campaign', "Campaign", required=True, ondelete='CASCADE')
    list_ = fields.Many2One(
        'marketing.email.list', "List", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('campaign')


class CampaignSuppression(ModelSQL):
    __name__ = 'crm.campaign.suppression'
    __string__ = "Campaign Suppression List"
    campaign = fields.Many2One(
        'crm.campaign', "Campaign", required=True, ondelete='CASCADE')
    list_ = fields.Many2One(
        'marketing.email.list', "List", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('campaign')


class Wave(TextInputMixin, ModelSQL, ModelView):
    __name__ = 'crm.campaign.wave'
    __string__ = "Campaign Wave"

    _states = {'readonly': Eval('state') != 'waiting'}

    campaign = fields.Many2One(
        'crm.campaign', "Campaign", required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence", required=True)
    name = fields.Char("Name", required=True)
    channel = fields.Function(
        fields.Selection([c for c in CHANNELS if c[0] != 'phone'],
            "Channel"), 'on_change_with_channel')
    audience = fields.Selection([
            ('all', "Whole Audience"),
            ('non_openers', "Who Did Not Open the Previous Wave"),
            ('non_clickers', "Who Did Not Click the Previous Wave"),
            ], "Audience", required=True, states=_states)
    send_at = fields.DateTime(
        "Send At", states=_states,
        help="Empty: when the campaign is scheduled (the first wave) or "
        "the delay after the previous wave.")
    delay_days = fields.Integer(
        "Days After Previous Wave", states=_states,
        domain=['OR', ('delay_days', '=', None), ('delay_days', '>=', 0)])
    subject = fields.Char(
        "Subject", states={
            'readonly': _states['readonly'],
            'invisible': Eval('channel') != 'email',
            },
        help="Customer variables: ${name}, ${party.code}, ${company}.")
    body = fields.Text(
        "Body", states={
            'readonly': _states['readonly'],
            'invisible': Eval('channel') != 'email',
            },
        help="HTML; customer variables: ${name}, ${party.code}, "
        "${company}; ${unsubscribe_url} is added at the end.")
    subject_en = fields.Char(
        "English Subject", states={
            'readonly': _states['readonly'],
            'invisible': Eval('channel') != 'email',
            },
        help="For the customers whose language is English.")
    body_en = fields.Text(
        "English Body", states={
            'readonly': _states['readonly'],
            'invisible': Eval('channel') != 'email',
            })
    sms_template = fields.Char(
        "SMS Template Code", states={
            'readonly': _states['readonly'],
            'invisible': Eval('channel') != 'sms',
            'required': (Eval('channel') == 'sms') & (
                Eval('state') == 'waiting'),
            },
        help="The code of the template approved at the SMS gateway.")
    sms_params = fields.Text(
        "SMS Parameters", states={
            'readonly': _states['readonly'],
            'invisible': Eval('channel') != 'sms',
            },
        help='A JSON object: {"name": "${name}", "url": "${link}"}.')
    sms_params_en = fields.Text(
        "English SMS Parameters", states={
            'readonly': _states['readonly'],
            'invisible': Eval('channel') != 'sms',
            })
    sms_link = fields.Char(
        "SMS Link", states={
            'readonly': _states['readonly'],
            'invisible': Eval('channel') != 'sms',
            },
        help="The page ${link} leads to, tracked.")
    preview_party = fields.Many2One(
        'party.party', "Preview With",
        help="A customer whose data fills the preview.")
    preview_subject = fields.Function(
        fields.Char("Preview Subject"), 'on_change_with_preview_subject')
    preview_body = fields.Function(
        fields.Text("Preview"), 'on_change_with_preview_body')
    state = fields.Selection([
            ('waiting', "Waiting"),
            ('running', "Running"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True)
    started_at = fields.DateTime("Started At", readonly=True)
    finished_at = fields.DateTime("Finished At", readonly=True)
    recipients = fields.One2Many(
        'crm.campaign.recipient', 'wave', "Recipients", readonly=True)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('campaign')
        cls._order.insert(0, ('sequence', 'ASC'))
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                where=t.state.in_(['waiting', 'running'])))

    @classmethod
    def default_state(cls):
        return 'waiting'

    @classmethod
    def default_audience(cls):
        return 'all'

    @classmethod
    def default_sequence(cls):
        return 10

    @fields.depends('campaign', '_parent_campaign.channel')
    def on_change_with_channel(self, name=None):
        return self.campaign.channel if self.campaign else None

    @classmethod
    def copy(cls, waves, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('recipients')
        default.setdefault('state')
        default.setdefault('started_at')
        default.setdefault('finished_at')
        return super().copy(waves, default=default)

    @classmethod
    def validate_fields(cls, waves, field_names):
        super().validate_fields(waves, field_names)
        if field_names & {'subject', 'body', 'subject_en', 'body_en',
                'sms_params', 'sms_params_en'}:
            for wave in waves:
                wave.check_content()

    def check_content(self):
        "Refuse templates that do not compile"
        for name in ['subject', 'subject_en']:
            text = getattr(self, name)
            if text:
                try:
                    TextTemplate(text)
                except TemplateError as e:
                    self._content_error(name, e)
        for name in ['body', 'body_en']:
            text = getattr(self, name)
            if text:
                try:
                    _markup(text)
                except TemplateError as e:
                    self._content_error(name, e)
        for name in ['sms_params', 'sms_params_en']:
            text = getattr(self, name)
            if text:
                try:
                    params = json.loads(text)
                    if not isinstance(params, dict):
                        raise ValueError
                    for value in params.values():
                        TextTemplate(str(value))
                except (ValueError, TemplateError) as e:
                    self._content_error(name, e)

    def _content_error(self, name, exception):
        raise CampaignError(gettext(
                'crm_plus.msg_campaign_wave_invalid_template',
                wave=self.rec_name,
                field=self.__names__(name)['field'],
                exception=exception))

    # Content

    def language_of(self, party):
        lang = party.lang.code if party and party.lang else None
        return lang or DEFAULT_LANGUAGE

    def content(self, language):
        "The subject, body and SMS parameters in the language"
        english = language.startswith('en')
        subject = (english and self.subject_en) or self.subject or ''
        body = (english and self.body_en) or self.body or ''
        params = (english and self.sms_params_en) or self.sms_params or '{}'
        return subject, body, params

    def template_context(self, party, recipient=None):
        name = party.rec_name if party else ''
        context = {
            'name': name,
            'party': ModelAccessProxy(party) if party else None,
            'company': self.campaign.company.rec_name
            if self.campaign and self.campaign.company else '',
            'campaign': self.campaign.name if self.campaign else '',
            'email': party.email if party else '',
            }
        return context

    @fields.depends('preview_party', 'subject', 'subject_en', 'campaign',
        '_parent_campaign.company', '_parent_campaign.name')
    def on_change_with_preview_subject(self, name=None):
        if not self.preview_party:
            return None
        subject, _, _ = self.content(self.language_of(self.preview_party))
        try:
            return _text(subject, self.template_context(self.preview_party))
        except Exception as e:
            return str(e)

    @fields.depends('preview_party', 'body', 'body_en', 'sms_params',
        'sms_params_en', 'sms_link', 'campaign', '_parent_campaign.channel',
        '_parent_campaign.company', '_parent_campaign.name')
    def on_change_with_preview_body(self, name=None):
        "The content as the customer would get it (links not tracked)"
        if not self.preview_party:
            return None
        language = self.language_of(self.preview_party)
        _, body, params = self.content(language)
        context = self.template_context(self.preview_party)
        context['unsubscribe_url'] = '#unsubscribe'
        context['link'] = self.sms_link or ''
        try:
            if self.campaign and self.campaign.channel == 'sms':
                return json.dumps(_sms_params(params, context),
                    ensure_ascii=False, indent=1)
            return _markup(body).generate(**context).render(
                'html', encoding=None)
        except Exception as e:
            return str(e)

    # Scheduling

    def previous(self):
        waves = [w for w in self.campaign.waves if w.sequence < self.sequence
            or (w.sequence == self.sequence and w.id < self.id)]
        return waves[-1] if waves else None

    def due_at(self):
        "When the wave is due, None while it cannot start"
        previous = self.previous()
        if previous and previous.state not in {'done', 'cancelled'}:
            return None
        if self.send_at:
            return self.send_at
        if previous and self.delay_days is not None:
            start = previous.started_at or previous.finished_at
            if not start:
                return None
            return start + dt.timedelta(days=self.delay_days)
        return dt.datetime.min

    @classmethod
    def start_due(cls):
        "Start the waves that are due (the cron)"
        Campaign = Pool().get('crm.campaign')
        now = dt.datetime.now()
        with without_check_access():
            waves = cls.search([
                    ('state', '=', 'waiting'),
                    ('campaign.state', 'in', ['scheduled', 'running']),
                    ], order=[('campaign', 'ASC'), ('sequence', 'ASC'),
                    ('id', 'ASC')])
            for wave in waves:
                due = wave.due_at()
                if due is not None and due <= now:
                    if wave.campaign.state == 'scheduled':
                        Campaign.run([wave.campaign])
                    wave.start()

    @classmethod
    def resume_stalled(cls):
        """Resume the running waves no queue task will carry on (the cron):
        a worker that died took its task with it.  Their recipients left
        'sending' by the crash, whose outcome is unknown, fail as
        interrupted (never sent twice); the pending ones are queued again"""
        pool = Pool()
        Queue = pool.get('ir.queue')
        Recipient = pool.get('crm.campaign.recipient')
        stalled_at = dt.datetime.now() - STALL
        with without_check_access():
            waves = cls.search([('state', '=', 'running')])
            if not waves:
                return
            alive = set()
            for task in Queue.search([
                        ('name', '=', QUEUE),
                        ('finished_at', '=', None),
                        ['OR',
                            ('dequeued_at', '=', None),
                            ('dequeued_at', '>', stalled_at),
                            ],
                        ]):
                if (task.data.get('model') == cls.__name__
                        and task.data.get('method') == 'send_batch'):
                    alive.update(task.data.get('instances') or [])
            for wave in waves:
                if wave.id in alive:
                    continue
                interrupted = Recipient.search([
                        ('wave', '=', wave.id),
                        ('state', '=', 'sending'),
                        ('write_date', '<', stalled_at),
                        ])
                if interrupted:
                    Recipient.write(interrupted, {
                            'state': 'failed',
                            'reason': 'interrupted',
                            'error': 'interrupted',
                            })
                pending = search_ids(Recipient, [
                        ('wave', '=', wave.id),
                        ('state', '=', 'pending'),
                        ])
                if pending:
                    logger.warning("campaign wave %s stalled: %d recipients "
                        "queued again", wave.id, len(pending))
                    wave.queue_batches(pending)
                elif not Recipient.search([
                            ('wave', '=', wave.id),
                            ('state', '=', 'sending'),
                            ], limit=1):
                    wave.finish()

    def start(self):
        """Write the recipients of the wave, skipped with their reason when
        they may not receive it, and queue their sending in batches"""
        pool = Pool()
        Consent = pool.get('crm.consent')
        Party = pool.get('party.party')
        Recipient = pool.get('crm.campaign.recipient')
        recipient = Recipient.__table__()
        cursor = Transaction().connection.cursor()
        campaign = self.campaign
        channel = campaign.channel
        previous = self.previous()

        def parties_of(where):
            # the audience may be large: ids, no record instances
            cursor.execute(*recipient.select(recipient.party, where=where))
            return {p for p, in cursor}

        with without_check_access():
            parties, suppressed, suppressed_addresses = campaign.audience()
            if self.audience != 'all' and previous:
                column = (recipient.opened_at
                    if self.audience == 'non_openers'
                    else recipient.clicked_at)
                parties = {p: parties.get(p) for p in parties_of(
                        (recipient.wave == previous.id)
                        & recipient.state.in_(['sent', 'delivered'])
                        & (column == Null))}
            unsubscribed = parties_of((recipient.campaign == campaign.id)
                & (recipient.unsubscribed_at != Null))
            done = parties_of(recipient.wave == self.id)
            # by slices (see WRITE_SLICE)
            for sub_ids in grouped_slice(
                    sorted(set(parties) - done), WRITE_SLICE):
                records = Party.browse(sub_ids)
                granted = Consent.granted(records, channel)
                Recipient.create([self._recipient_values(
                            party, parties[party.id], granted, suppressed,
                            suppressed_addresses, unsubscribed)
                        for party in records])
            self.state = 'running'
            self.started_at = dt.datetime.now()
            self.save()
            pending = search_ids(Recipient, [
                    ('wave', '=', self.id),
                    ('state', '=', 'pending'),
                    ])
        self.queue_batches(pending)
        if not pending:
            self.finish()

    def _recipient_values(self, party, address, granted, suppressed,
            suppressed_addresses, unsubscribed):
        "The values of the send record of party, skipped with its reason"
        channel = self.campaign.channel
        if channel != 'email' or not address:
            address = _address(party, channel)
        values = {
            'campaign': self.campaign.id,
            'wave': self.id,
            'party': party.id,
            'channel': channel,
            'address': address,
            'language': self.language_of(party),
            }
        if party.id in suppressed or (address and channel == 'email'
                and address.lower() in suppressed_addresses):
            values.update(state='skipped', reason='suppressed')
        elif party.id in unsubscribed:
            values.update(state='skipped', reason='unsubscribed')
        elif party.id not in granted:
            values.update(state='skipped', reason='no_consent')
        elif not address:
            values.update(state='skipped', reason='no_address')
        return values

    def queue_batches(self, ids, delay=0):
        rate = self.campaign.rate_per_minute()
        size = BATCH_SIZE
        if rate:
            size = max(1, min(size, rate))
        interval = size * 60 / rate if rate else 0
        for i in range(0, len(ids), size):
            seconds = delay + interval * (i // size)
            with Transaction().set_context(queue_name=QUEUE,
                    queue_scheduled_at=dt.timedelta(seconds=seconds)
                    if seconds else None):
                self.__class__.__queue__.send_batch([self], ids[i:i + size])

    def finish(self):
        Campaign = Pool().get('crm.campaign')
        Recipient = Pool().get('crm.campaign.recipient')
        with without_check_access():
            if self.state != 'running' or Recipient.search([
                        ('wave', '=', self.id),
                        ('state', '=', 'pending'),
                        ], limit=1):
                return
            self.state = 'done'
            self.finished_at = dt.datetime.now()
            self.save()
            Campaign.check_done([self.campaign])

    # Sending

    @classmethod
    def send_batch(cls, waves, recipient_ids):
        """Send the wave to the pending recipients among recipient_ids:
        render, claim and commit, send, mark"""
        pool = Pool()
        Recipient = pool.get('crm.campaign.recipient')
        transaction = Transaction()
        wave, = waves
        with without_check_access():
            if wave.state != 'running':
                return
            recipients = Recipient.search([
                    ('id', 'in', recipient_ids),
                    ('wave', '=', wave.id),
                    ('state', '=', 'pending'),
                    ], order=[('id', 'ASC')])
            if not recipients:
                wave.finish()
                return
            Recipient.lock(recipients)
            recipients = [r for r in Recipient.browse(recipients)
                if r.state == 'pending']
            sender = (EmailSender if wave.campaign.channel == 'email'
                else SMSSender)(wave)
            messages = sender.prepare(recipients)
            Recipient.write(recipients, {'state': 'sending'})
        # the claim: once committed, no task sends these rows again
        transaction.commit()
        results = {}
        retry = []
        try:
            for recipient, message in zip(recipients, messages):
                try:
                    results[recipient] = ('sent', sender.send(
                            recipient, message), None)
                except TransientError:
                    retry = recipients[recipients.index(recipient):]
                    break
                except PermanentError as e:
                    results[recipient] = ('failed', None, str(e)[:200])
                except Exception:
                    # the outcome is unknown: not sent again
                    logger.error('campaign send failed', exc_info=True)
                    results[recipient] = ('failed', None, 'interrupted')
                    retry = recipients[recipients.index(recipient) + 1:]
                    break
        finally:
            sender.close()
            now = dt.datetime.now()
            with without_check_access():
                for recipient, (state, provider_id, error) in (
                        results.items()):
                    recipient.state = state
                    recipient.sent_at = now if state == 'sent' else None
                    recipient.provider_id = provider_id
                    if error:
                        recipient.error = error
                        recipient.reason = (
                            'interrupted' if error == 'interrupted'
                            else 'refused')
                Recipient.save(list(results))
                if retry:
                    Recipient.write(retry, {'state': 'pending'})
            transaction.commit()
        with without_check_access():
            if retry:
                wave.queue_batches([r.id for r in retry], delay=60)
            else:
                wave.finish()


class TransientError(Exception):
    "The channel is down: the message was not sent, try later"


class PermanentError(Exception):
    "The message was refused"


class EmailSender:
    "The SMTP connection of a batch and the rendering of its messages"

    def __init__(self, wave):
        self.wave = wave
        self.server = None
        self.from_ = config.get(SECTION, 'from') or config.get(
            'email', 'from')
        # the envelope sender: the bare address
        self.envelope_from = parseaddr(self.from_ or '')[1] or self.from_
        self.templates = {}

    #: the compiled templates of the waves, by wave, language and content
    _compiled = {}

    def template(self, language):
        "The subject and body templates, compiled once per wave content"
        if language not in self.templates:
            subject, body, _ = self.wave.content(language)
            key = (self.wave.id, language, subject, body)
            if key not in self._compiled:
                if len(self._compiled) > 64:
                    self._compiled.clear()
                self._compiled[key] = (TextTemplate(subject), _markup(body))
            self.templates[language] = self._compiled[key]
        return self.templates[language]

    def prepare(self, recipients):
        "The messages of the recipients, with their tracked links"
        pool = Pool()
        Short = pool.get('web.shortened_url')
        key = _key()
        drafts = []
        links = []
        for recipient in recipients:
            subject_t, body_t = self.template(recipient.language
                or DEFAULT_LANGUAGE)
            context = self.wave.template_context(recipient.party, recipient)
            unsubscribe = route_url('u', recipient.id, key)
            context['unsubscribe_url'] = unsubscribe
            stream = body_t.generate(**context)
            hrefs = []

            def collect(stream, hrefs=hrefs):
                for kind, data, pos in stream:
                    if kind is START and data[0] == 'a':
                        href = data[1].get('href') or ''
                        if href.startswith(('http://', 'https://')) and (
                                href != unsubscribe):
                            hrefs.append(href)
                    yield kind, data, pos
            list(collect(stream))
            for href in hrefs:
                links.append(Short(redirect_url=href, record=recipient,
                        method='crm.campaign.recipient|on_clicked'))
            drafts.append((recipient, subject_t.generate(**context).render(),
                    body_t, context, unsubscribe, len(hrefs)))
        Short.save(links)
        urls = Short.get_url(links, 'shortened_url') if links else {}
        shortened = iter(urls.get(l.id) for l in links)
        messages = []
        for recipient, subject, body_t, context, unsubscribe, n in drafts:
            mine = [next(shortened) for _ in range(n)]
            html = _rewrite(body_t.generate(**context), unsubscribe, mine,
                route_url('o', recipient.id, key, '.gif'))
            messages.append(self.message(
                    recipient, subject.strip(), html, unsubscribe))
        return messages

    def message(self, recipient, subject, html, unsubscribe):
        """The MIME message: built with the compat32 classes (four times
        faster to build and flatten than EmailMessage's header registry)
        unless an address needs SMTPUTF8"""
        international = not (self.envelope_from + (recipient.address or '')
            ).isascii()
        msg = EmailMessage() if international else MIMEMultipart(
            'alternative', policy=_UNFOLDED)
        msg['From'] = self.from_ if international else _header_address(
            self.from_)
        msg['To'] = formataddr((recipient.party.rec_name, recipient.address),
            **({} if international else {'charset': 'utf-8'}))
        msg['Subject'] = subject if international else Header(
            subject, 'utf-8')
        msg['Date'] = formatdate()
        msg['Message-ID'] = make_msgid(
            idstring=f'campaign{recipient.id}',
            domain=host().split(':')[0] or 'localhost')
        msg['List-Unsubscribe'] = f'<{unsubscribe}>'
        msg['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
        msg['X-CRM-Campaign'] = str(self.wave.campaign.id)
        text = _html_to_text(html)
        html = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"/>'
            f'</head><body>{html}</body></html>')
        if international:
            msg.set_content(text)
            msg.add_alternative(html, subtype='html')
        else:
            msg.attach(MIMEText(text, 'plain', 'utf-8'))
            msg.attach(MIMEText(html, 'html', 'utf-8'))
        return msg

    def send(self, recipient, msg):
        if self.server is None:
            try:
                self.server = get_smtp_server(strict=True)
            except (OSError, smtplib.SMTPException) as e:
                raise TransientError(str(e)) from e
        try:
            self.server = send_message(
                msg, self.envelope_from, [recipient.address],
                server=self.server,
                strict=True) or self.server
        except smtplib.SMTPRecipientsRefused as e:
            raise PermanentError(str(e)) from e
        except smtplib.SMTPResponseException as e:
            if 400 <= e.smtp_code < 500:
                self.close()
                raise TransientError(str(e)) from e
            raise PermanentError(str(e)) from e
        except ConnectionRefusedError as e:
            self.server = None
            raise TransientError(str(e)) from e
        return None

    def close(self):
        if self.server is not None:
            try:
                self.server.quit()
            except Exception:
                pass
            self.server = None


class SMSSender:
    "The gateway of a batch and the parameters of its messages"

    def __init__(self, wave):
        self.wave = wave
        self.provider = HTTPProvider.from_config()

    def prepare(self, recipients):
        pool = Pool()
        Short = pool.get('web.shortened_url')
        links = []
        if self.wave.sms_link:
            links = [Short(redirect_url=self.wave.sms_link, record=r,
                    method='crm.campaign.recipient|on_clicked')
                for r in recipients]
            Short.save(links)
            urls = Short.get_url(links, 'shortened_url')
        messages = []
        for i, recipient in enumerate(recipients):
            context = self.wave.template_context(recipient.party, recipient)
            context['link'] = urls[links[i].id] if links else ''
            _, _, params = self.wave.content(
                recipient.language or DEFAULT_LANGUAGE)
            messages.append(_sms_params(params, context))
        return messages

    def send(self, recipient, params):
        if self.provider is None:
            raise TransientError('no SMS gateway configured')
        try:
            return self.provider.send(recipient.address,
                self.wave.sms_template, params, recipient.id)
        except SMSError as e:
            if e.transient:
                raise TransientError(str(e)) from e
            raise PermanentError(str(e)) from e

    def close(self):
        if self.provider:
            self.provider.close()


#: compat32 without folding the plain headers (the List-Unsubscribe URL
#: stays on one line); encoded headers fold themselves
_UNFOLDED = email.policy.compat32.clone(max_line_length=None)


def _header_address(value):
    "An address header value, its display name encoded when not ASCII"
    if not value or value.isascii():
        return value
    return formataddr(parseaddr(value), charset='utf-8')


def _address(party, channel):
    if channel == 'email':
        mechanism = party.contact_mechanism_get('email')
        return mechanism.value.strip() if mechanism else None
    mechanism = party.contact_mechanism_get({'mobile', 'phone'})
    if mechanism:
        return normalize_phone(mechanism.value, ['CN']) or None


def _markup(body):
    return MarkupTemplate(
        f'<div xmlns:py="{GENSHI_NS}">{body or ""}</div>')


def _text(text, context):
    return TextTemplate(text or '').generate(**context).render()


def _sms_params(params, context):
    values = json.loads(params or '{}')
    return {k: _text(str(v), context).strip() for k, v in values.items()}


def _rewrite(stream, unsubscribe, shortened, pixel):
    """The HTML of the body with the tracked links, the unsubscribe link and
    the open pixel at the end"""
    shortened = iter(shortened)

    def convert(stream):
        depth = 0
        for kind, data, pos in stream:
            if kind is START:
                depth += 1
                tag, attrs = data
                href = attrs.get('href') or ''
                if tag == 'a' and href.startswith(('http://', 'https://')) \
                        and href != unsubscribe:
                    attrs = (attrs - 'href') | [
                        (QName('href'), next(shortened))]
                    data = tag, attrs
            elif kind is END:
                depth -= 1
                if depth == 0:
                    yield START, (QName('p'), Attrs([
                                (QName('style'),
                                    'font-size:12px;color:#888'),
                                ])), pos
                    yield START, (QName('a'), Attrs([
                                (QName('href'), unsubscribe)])), pos
                    yield 'TEXT', gettext(
                        'crm_plus.msg_campaign_unsubscribe_link'), pos
                    yield END, QName('a'), pos
                    yield END, QName('p'), pos
                    yield START, (QName('img'), Attrs([
                                (QName('src'), pixel),
                                (QName('width'), '1'),
                                (QName('height'), '1'),
                                (QName('alt'), ''),
                                ])), pos
                    yield END, QName('img'), pos
            yield kind, data, pos
    from genshi.core import Stream
    return Stream(list(convert(stream))).render('html', encoding=None)


def _html_to_text(content):
    "The text part: html2text when installed, else the tags stripped"
    from trytond.report.report import html_to_text
    text = html_to_text(content)
    if text is None:
        text = re.sub(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', r'\2 (\1)',
            content, flags=re.S)
        text = re.sub(r'<(br|/p|/div|/h\d|/li)[^>]*>', '\n', text)
        text = html.unescape(re.sub(r'<[^>]+>', '', text))
    return text.strip() + '\n'


class Recipient(ModelSQL, ModelView):
    "The send record of one wave to one person, written before the send"
    __name__ = 'crm.campaign.recipient'
    __string__ = "Campaign Recipient"

    campaign = fields.Many2One(
        'crm.campaign', "Campaign", required=True, ondelete='CASCADE',
        readonly=True)
    wave = fields.Many2One(
        'crm.campaign.wave', "Wave", required=True, ondelete='CASCADE',
        readonly=True)
    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='CASCADE',
        readonly=True)
    channel = fields.Selection(CHANNELS, "Channel", readonly=True)
    address = fields.Char("Address", readonly=True)
    language = fields.Char("Language", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('sending', "Sending"),
            ('skipped', "Skipped"),
            ('sent', "Sent"),
            ('delivered', "Delivered"),
            ('bounced', "Bounced"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)
    reason = fields.Selection(SKIP_REASONS, "Reason", readonly=True)
    error = fields.Char("Error", readonly=True)
    provider_id = fields.Char("Gateway ID", readonly=True)
    sent_at = fields.DateTime("Sent At", readonly=True)
    delivered_at = fields.DateTime("Delivered At", readonly=True)
    opened_at = fields.DateTime("Opened At", readonly=True)
    clicked_at = fields.DateTime("Clicked At", readonly=True)
    unsubscribed_at = fields.DateTime("Unsubscribed At", readonly=True)
    replied_at = fields.DateTime("Replied At", readonly=True)
    reply = fields.Text("Reply", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('wave_party_unique', Unique(t, t.wave, t.party),
                'crm_plus.msg_campaign_recipient_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.campaign, Index.Range())),
                Index(t, (t.wave, Index.Range()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.address, Index.Equality())),
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def on_opened(cls, recipients):
        now = dt.datetime.now()
        with without_check_access():
            cls.write([r for r in recipients if not r.opened_at],
                {'opened_at': now})

    @classmethod
    def on_clicked(cls, recipients):
        "Called through the tracked link of the shortener"
        now = dt.datetime.now()
        with without_check_access():
            recipients = cls.browse(recipients)
            not_opened = [r for r in recipients if not r.opened_at]
            if not_opened:
                cls.write(not_opened, {'opened_at': now})
            cls.write([r for r in recipients if not r.clicked_at],
                {'clicked_at': now})

    def unsubscribe(self, source):
        "Withdraw the consent on the channel (the next wave honours it)"
        Consent = Pool().get('crm.consent')
        with without_check_access():
            if not self.unsubscribed_at:
                self.unsubscribed_at = dt.datetime.now()
                self.save()
            channel = self.channel or self.campaign.channel
            if self.party.id in Consent.granted([self.party], channel):
                Consent.record([self.party], channel, 'withdrawn', source,
                    text=self.campaign.name)

    def on_reply(self, text):
        with without_check_access():
            if not self.replied_at:
                self.replied_at = dt.datetime.now()
            self.reply = ((self.reply + '\n') if self.reply else '') + (
                text or '')[:1000]
            self.reply = self.reply[-10000:]
            self.save()


class ShortenedURL(metaclass=PoolMeta):
    __name__ = 'web.shortened_url'

    @classmethod
    def _get_models(cls):
        return super()._get_models() + ['crm.campaign.recipient']

    @classmethod
    def _get_methods(cls):
        return super()._get_methods() + [
            'crm.campaign.recipient|on_clicked']


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    campaign_rate = fields.Integer(
        "Campaign Messages per Minute",
        domain=['OR', ('campaign_rate', '=', None),
            ('campaign_rate', '>', 0)],
        help="The pace of the campaigns without their own; "
        "empty: as fast as possible.")
    campaign_secret = fields.Char(
        "Campaign Key", readonly=True,
        help="Signs the unsubscribe and open links of the campaigns.")

    @classmethod
    def default_campaign_rate(cls):
        return 600

    @classmethod
    def campaign_key(cls):
        config = cls(1)
        key = config.campaign_secret
        if not key:
            key = secrets.token_hex(32)
            with without_check_access():
                cls.write([config], {'campaign_secret': key})
        return key


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.campaign.wave|start_due', "Start Due Campaign Waves"))
        cls.method.selection.append(
            ('crm.campaign.wave|resume_stalled',
                "Resume Stalled Campaign Waves"))
