"""Satisfaction surveys: on resolution the customer gets a signed link to a
public page where they rate the service once (satisfaction 1-5, likelihood
to recommend 0-10, a comment).

The link carries ``<nonce>.<signature>``: the signature is an HMAC of the
nonce with the database's survey key (``crm.configuration.survey_secret``,
never shown), so a tampered link is refused before any lookup; the survey
stores only the SHA-256 digest of the token, so the database does not hold
a usable link.  The e-mail goes through ``ir.email.send`` in a queue task:
the token is made, its digest stored and the message sent when that task's
transaction commits, and a retried task skips the surveys already sent.
"""
import datetime
import hashlib
import hmac
import re
import secrets
from base64 import urlsafe_b64encode
from html import escape

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.url import http_host

from .mail import NOTIFY_CONTEXT

#: the route of the public survey page
ROUTE = '/<database_name>/crm/service/survey/<token>'
#: the well-formed tokens: a 32-character nonce and a 22-character signature
TOKEN = re.compile(r'^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}$')
#: the longest comment a customer may write
COMMENT_SIZE = 2000
STATES = [
    ('pending', "To Send"),
    ('sent', "Sent"),
    ('answered', "Answered"),
    ('expired', "Expired"),
    ]


class SurveyError(ValidationError):
    pass


def _b64(data):
    return urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def sign(key, nonce):
    "The signature of nonce with key (22 URL-safe characters)"
    return _b64(hmac.new(
            key.encode('ascii'), nonce.encode('ascii'),
            hashlib.sha256).digest()[:16])


def new_token(key):
    "A new random token signed with key"
    nonce = _b64(secrets.token_bytes(24))
    return f'{nonce}.{sign(key, nonce)}'


def verify(key, token):
    "Whether token is well formed and signed with key"
    if not key or not isinstance(token, str) or not TOKEN.match(token):
        return False
    nonce, signature = token.split('.')
    return hmac.compare_digest(sign(key, nonce), signature)


def digest(token):
    return hashlib.sha256(token.encode('ascii')).hexdigest()


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    survey_expiry_days = fields.Integer(
        "Survey Validity",
        domain=['OR',
            ('survey_expiry_days', '=', None),
            ('survey_expiry_days', '>', 0),
            ],
        help="The number of days a satisfaction survey link stays valid.")
    survey_secret = fields.Char(
        "Survey Key", readonly=True,
        help="Signs the links of the satisfaction surveys.")

    @classmethod
    def default_survey_expiry_days(cls):
        return 14

    @classmethod
    def survey_key(cls, create=False):
        "The key signing the survey links (made on first use if create)"
        with without_check_access():
            config = cls(1)
            key = config.survey_secret
            if not key and create:
                key = secrets.token_hex(32)
                cls.write([config], {'survey_secret': key})
        return key


class Survey(Workflow, ModelSQL, ModelView):
    __name__ = 'crm.ticket.survey'
    __string__ = "Satisfaction Survey"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    ticket = fields.Many2One(
        'crm.ticket', "Ticket", required=True, readonly=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Customer", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    email = fields.Char("E-mail", readonly=True)
    token_digest = fields.Char("Token Digest", readonly=True, strip=False)
    sent_date = fields.DateTime("Sent", readonly=True)
    expires = fields.DateTime("Expires", readonly=True)
    answered_date = fields.DateTime("Answered", readonly=True)
    csat = fields.Integer(
        "Satisfaction", readonly=True,
        domain=['OR',
            ('csat', '=', None),
            [('csat', '>=', 1), ('csat', '<=', 5)],
            ],
        help="From 1 (very dissatisfied) to 5 (very satisfied).")
    nps = fields.Integer(
        "Likelihood to Recommend", readonly=True,
        domain=['OR',
            ('nps', '=', None),
            [('nps', '>=', 0), ('nps', '<=', 10)],
            ],
        help="From 0 (not at all) to 10 (extremely likely).")
    comment = fields.Text("Comment", readonly=True)
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    detractor = fields.Function(
        fields.Boolean(
            "Detractor",
            help="Recommends 0-6 or satisfaction of 2 or less."),
        'get_detractor', searcher='search_detractor')
    email_record = fields.Many2One(
        'ir.email', "E-mail Sent", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sent_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_constraints += [
            ('ticket_unique', Unique(t, t.ticket),
                'crm_plus.msg_survey_ticket_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.token_digest, Index.Equality()),
                    where=t.token_digest != Null),
                Index(t, (t.state, Index.Equality())),
                })
        cls._transitions |= {
            ('pending', 'sent'),
            ('sent', 'answered'),
            ('sent', 'expired'),
            }
        cls._buttons.update({
                'create_follow_up': {
                    'invisible': Eval('state') != 'answered',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'pending'

    def get_rec_name(self, name):
        return self.ticket.rec_name if self.ticket else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('ticket.rec_name', *clause[1:])]

    def get_detractor(self, name):
        return self.state == 'answered' and (
            (self.nps is not None and self.nps <= 6)
            or (self.csat is not None and self.csat <= 2))

    @classmethod
    def search_detractor(cls, name, clause):
        _, operator, value = clause[:3]
        detractor = [('state', '=', 'answered'), ['OR',
                ('nps', '<=', 6),
                ('csat', '<=', 2),
                ]]
        if (operator == '=') == bool(value):
            return detractor
        return ['OR',
            ('state', '!=', 'answered'),
            [['OR', ('nps', '=', None), ('nps', '>', 6)],
                ['OR', ('csat', '=', None), ('csat', '>', 2)]],
            ]

    @classmethod
    def create_for(cls, tickets):
        "Create and send the surveys of the resolved tickets"
        if not Transaction().context.get(NOTIFY_CONTEXT, True):
            return []
        with without_check_access():
            existing = {s.ticket.id for s in cls.search([
                        ('ticket', 'in', [t.id for t in tickets]),
                        ])}
            surveys = cls.create([{
                        'company': t.company.id,
                        'ticket': t.id,
                        'party': t.party.id,
                        'email': address,
                        } for t in tickets
                    if t.id not in existing
                    and (address := cls._address(t))])
        if surveys:
            cls.__queue__.send(surveys)
        return surveys

    @classmethod
    def _address(cls, ticket):
        return (ticket.email or ticket.party.email or '').strip() or None

    @classmethod
    def send(cls, surveys, now=None):
        "E-mail the survey links (queue task, once per survey)"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Email = pool.get('ir.email')
        if now is None:
            now = datetime.datetime.now().replace(microsecond=0)
        with without_check_access():
            surveys = cls.browse([s.id for s in surveys])
            cls.lock(surveys)
            surveys = [s for s in cls.browse(surveys)
                if s.state == 'pending' and s.email]
            if not surveys:
                return
            days = Configuration(1).survey_expiry_days or 14
            key = Configuration.survey_key(create=True)
            database = Transaction().database.name
            for survey in surveys:
                token = new_token(key)
                url = (f'{http_host()}/{database}/crm/service/survey/'
                    f'{token}')
                language = (survey.party.lang.code if survey.party.lang
                    else 'zh_CN')
                with Transaction().set_context(language=language):
                    subject = gettext('crm_plus.msg_survey_email_subject',
                        number=survey.ticket.number or '')
                    body = gettext('crm_plus.msg_survey_email_body',
                        customer=escape(survey.party.rec_name),
                        number=escape(survey.ticket.number or ''),
                        subject=escape(survey.ticket.subject or ''),
                        days=days)
                    link = gettext('crm_plus.msg_survey_email_link')
                body = (f'<p>{body}</p><p><a href="{escape(url)}">'
                    f'{escape(link)}</a></p><p>{escape(url)}</p>')
                email = Email.send(
                    to=survey.email, subject=subject, body=body,
                    record=[cls.__name__, survey.id])
                survey.token_digest = digest(token)
                survey.sent_date = now
                survey.expires = now + datetime.timedelta(days=days)
                survey.email_record = email
            cls.save(surveys)
            cls.mark_sent(surveys)

    @classmethod
    @Workflow.transition('sent')
    def mark_sent(cls, surveys):
        pass

    @classmethod
    def find(cls, token):
        """Return (survey, error) of a token: the error is one of
        'invalid', 'unknown', 'expired', 'answered' or None"""
        Configuration = Pool().get('crm.configuration')
        if not verify(Configuration.survey_key(), token):
            return None, 'invalid'
        with without_check_access():
            surveys = cls.search([
                    ('token_digest', '=', digest(token)),
                    ], limit=1)
        if not surveys:
            return None, 'unknown'
        survey, = surveys
        if survey.state == 'answered':
            return survey, 'answered'
        if survey.state == 'expired' or (
                survey.expires and survey.expires < cls._now()):
            return survey, 'expired'
        return survey, None

    @classmethod
    def _now(cls):
        return datetime.datetime.now().replace(microsecond=0)

    @classmethod
    def check_answer(cls, csat, nps, comment):
        "Raise SurveyError when the answer is out of range"
        if csat is None or not 1 <= csat <= 5:
            raise SurveyError(gettext('crm_plus.msg_survey_csat_range'))
        if nps is None or not 0 <= nps <= 10:
            raise SurveyError(gettext('crm_plus.msg_survey_nps_range'))
        if comment and (len(comment) > COMMENT_SIZE or '\x00' in comment):
            raise SurveyError(gettext(
                    'crm_plus.msg_survey_comment_size', size=COMMENT_SIZE))

    def answer(self, csat, nps, comment):
        """Store the answer of the customer once and its comment as
        feedback (the caller has locked the survey)"""
        pool = Pool()
        Feedback = pool.get('crm.feedback')
        self.check_answer(csat, nps, comment)
        comment = (comment or '').strip() or None
        with without_check_access():
            self.csat, self.nps, self.comment = csat, nps, comment
            self.answered_date = self._now()
            self.save()
            self.__class__.mark_answered([self])
            if comment:
                Feedback.create([Feedback.values_from_survey(self)])

    @classmethod
    @Workflow.transition('answered')
    def mark_answered(cls, surveys):
        pass

    @classmethod
    def expire(cls):
        "Mark the surveys whose link expired (cron)"
        with without_check_access():
            surveys = cls.search([
                    ('state', '=', 'sent'),
                    ('expires', '<', cls._now()),
                    ])
            cls.mark_expired(surveys)

    @classmethod
    @Workflow.transition('expired')
    def mark_expired(cls, surveys):
        pass

    @classmethod
    @ModelView.button
    def create_follow_up(cls, surveys):
        "Create a follow-up of each detractor for the customer's owner"
        FollowUp = Pool().get('crm.follow_up')
        created = []
        for survey in surveys:
            if not survey.detractor or FollowUp.search([
                        ('origin', '=', str(survey)),
                        ('state', '=', 'open'),
                        ], limit=1):
                continue
            created.append(FollowUp.for_detractor(
                    survey.party, survey, gettext(
                        'crm_plus.msg_survey_follow_up',
                        ticket=survey.ticket.rec_name,
                        csat=survey.csat, nps=survey.nps)))
        FollowUp.save(created)


class Ticket(metaclass=PoolMeta):
    __name__ = 'crm.ticket'
    surveys = fields.One2Many(
        'crm.ticket.survey', 'ticket', "Surveys", readonly=True)

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('surveys')
        return super().copy(tickets, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, tickets):
        super().resolve(tickets)
        Pool().get('crm.ticket.survey').create_for(tickets)


class FollowUp(metaclass=PoolMeta):
    __name__ = 'crm.follow_up'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['crm.ticket.survey', 'crm.feedback']

    @classmethod
    def for_detractor(cls, party, origin, description):
        """A follow-up due tomorrow for the first user of the customer's
        owner (else for the current user), not saved"""
        pool = Pool()
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        user = None
        if party.crm_owner:
            with without_check_access():
                users = User.search([
                        ('employees', '=', party.crm_owner.id),
                        ], order=[('id', 'ASC')], limit=1)
            if users:
                user, = users
        return cls(
            company=origin.company,
            party=party,
            origin=origin,
            description=description[:255],
            due_date=Date.today() + datetime.timedelta(days=1),
            user=user or User(Transaction().user))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.ticket.survey|expire', "Expire Satisfaction Surveys"))
