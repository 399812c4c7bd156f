"""Customers kept informed by e-mail: a notice when their ticket is opened,
at each public reply and when it is resolved.

A ``crm.ticket.notice`` is written in the transaction of the event, unique
per ticket and event (the reply for a reply, the round of resolution for a
resolution), then sent by a queue task through ``ir.email.send``.  The task
marks the notice sent in the transaction that queues the mail, which goes
out when it commits: a task run again skips the sent notices, so a retry
never mails the customer twice.  Every mail is logged as an e-mail
interaction of the customer, with the ticket as origin.
"""
import datetime
import html
from email.utils import make_msgid
from pathlib import Path
from string import Template

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access
from trytond.url import host

#: the language of the customers without one
DEFAULT_LANGUAGE = 'zh_CN'
#: the context key that, False, records tickets without mailing the
#: customer (past tickets imported, demo data): no notice, no survey
NOTIFY_CONTEXT = 'crm_notify_customers'
#: the context key through which a notice gives ir.email its headers
EMAIL_CONTEXT = 'crm_ticket_email'
TEMPLATE = Template(
    (Path(__file__).parent / 'templates' / 'notice.html').read_text(
        encoding='utf-8'))
#: a pending notice is sent again by the cron after this delay, until
RETRY_AFTER = datetime.timedelta(minutes=5)
RETRY_UNTIL = datetime.timedelta(days=3)
EVENTS = [
    ('created', "Ticket Opened"),
    ('reply', "Public Reply"),
    ('resolved', "Ticket Resolved"),
    ]


def new_message_id(number):
    "A Message-ID naming the ticket number, on the server's host"
    domain = host().split(':')[0] or 'localhost'
    return make_msgid(idstring=number or None, domain=domain)


def text_to_html(text):
    "The escaped text with its line breaks"
    return html.escape(text or '').replace('\n', '<br/>\n')


class Notice(ModelSQL, ModelView):
    __name__ = 'crm.ticket.notice'
    __string__ = "Ticket Notice"

    ticket = fields.Many2One(
        'crm.ticket', "Ticket", required=True, ondelete='CASCADE',
        readonly=True)
    event = fields.Selection(EVENTS, "Event", required=True, readonly=True)
    message = fields.Many2One(
        'crm.ticket.message', "Message", readonly=True, ondelete='CASCADE')
    key = fields.Char(
        "Key", required=True, readonly=True,
        help="The event, unique per ticket.")
    address = fields.Char("E-mail", required=True, readonly=True)
    language = fields.Char("Language", readonly=True)
    message_id = fields.Char("Message-ID", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('sent', "Sent"),
            ], "State", required=True, readonly=True)
    sent_date = fields.DateTime("Sent", readonly=True)
    email = fields.Many2One(
        'ir.email', "E-mail Log", readonly=True, ondelete='SET NULL')
    interaction = fields.Many2One(
        'crm.interaction', "Interaction", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ticket_key_unique', Unique(t, t.ticket, t.key),
                'crm_plus.msg_ticket_notice_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.ticket, Index.Equality())),
                Index(t, (t.message_id, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'pending'),
                })
        cls._order = [('create_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def notify(cls, ticket, event, message=None):
        """Write the notice of the event of ticket once and queue it

        Return the notice, None when the customer has no address."""
        address = ticket.notice_address()
        if not address or not Transaction().context.get(NOTIFY_CONTEXT, True):
            return None
        if event == 'reply':
            key = f'reply:{message.id}'
        elif event == 'resolved':
            key = f'resolved:{ticket.reopen_count or 0}'
        else:
            key = event
        with without_check_access():
            if cls.search([('ticket', '=', ticket.id), ('key', '=', key)]):
                return None
            lang = ticket.party.lang.code if ticket.party.lang else None
            notice, = cls.create([{
                        'ticket': ticket.id,
                        'event': event,
                        'message': message.id if message else None,
                        'key': key,
                        'address': address,
                        'language': lang or DEFAULT_LANGUAGE,
                        'message_id': new_message_id(ticket.number),
                        }])
        with Transaction().set_context(queue_name='crm_service_mail'):
            cls.__queue__.process([notice])
        return notice

    @classmethod
    def process(cls, notices):
        "Send the pending notices, each once"
        with without_check_access():
            notices = [n for n in cls.browse(notices) if n.state == 'pending']
            if not notices:
                return
            cls.lock(notices)
            for notice in cls.browse(notices):
                # another task may have sent it meanwhile
                if notice.state == 'pending':
                    notice.send()

    @classmethod
    def send_pending(cls):
        "Send the notices left pending (their task failed: SMTP down)"
        now = datetime.datetime.now()
        with without_check_access():
            notices = cls.search([
                    ('state', '=', 'pending'),
                    ('create_date', '<', now - RETRY_AFTER),
                    ('create_date', '>', now - RETRY_UNTIL),
                    ], order=[('id', 'ASC')], limit=100)
        cls.process(notices)

    def send(self):
        "Queue the mail of the notice with ir.email and log it"
        pool = Pool()
        Email = pool.get('ir.email')
        Interaction = pool.get('crm.interaction')
        Message = pool.get('crm.ticket.message')
        transaction = Transaction()
        ticket = self.ticket
        subject = f'[{ticket.number}] {ticket.subject}'
        body, text = self.render()
        headers = {'Message-ID': self.message_id}
        references = [r for r in ticket.email_references()
            if r != self.message_id]
        if references:
            headers['In-Reply-To'] = references[-1]
            headers['References'] = ' '.join(references)
        # the server sends, not the agent: From is the support address
        with transaction.set_user(0), transaction.set_context({
                    EMAIL_CONTEXT: {
                        'headers': headers, 'html': body, 'text': text},
                    }):
            email = Email.send(
                to=self.address, subject=subject, body=body,
                record=(ticket.__name__, ticket.id))
        now = datetime.datetime.now().replace(microsecond=0)
        interaction, = Interaction.create([{
                    'company': ticket.company.id,
                    'party': ticket.party.id,
                    'type': 'email',
                    'direction': 'outbound',
                    'date': now,
                    'subject': subject,
                    'summary': text,
                    'origin': str(ticket),
                    'user': self.logger().id,
                    }])
        self.state = 'sent'
        self.sent_date = now
        self.email = email
        self.interaction = interaction
        self.save()
        if self.message and not self.message.message_id:
            Message.write([self.message], {'message_id': self.message_id})

    def logger(self):
        "The user logging the mail: who made the event, else the admin"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if self.create_uid and self.create_uid.id > 0:
            return self.create_uid
        return User(ModelData.get_id('res', 'user_admin'))

    def render(self):
        "The HTML body (every value escaped) and the text of the notice"
        Ticket = Pool().get('crm.ticket')
        ticket = self.ticket
        lang = self.language or DEFAULT_LANGUAGE
        with Transaction().set_context(language=lang):
            states = dict(Ticket.fields_get(['state'])['state']['selection'])

        def _(key, **variables):
            return gettext(
                f'crm_plus.msg_ticket_notice_{key}', language=lang,
                **variables)
        if self.event == 'reply':
            content = self.message.body if self.message else ''
        elif self.event == 'resolved':
            content = ticket.resolution or ''
        else:
            content = ticket.description or ''
        name = ticket.contact.rec_name if ticket.contact else (
            ticket.party.rec_name)
        values = {
            'greeting': _('greeting', name=name),
            'intro': _(self.event),
            'number_label': _('number'),
            'number': ticket.number,
            'subject_label': _('subject'),
            'subject': ticket.subject,
            'state_label': _('state'),
            'state': states.get(ticket.state, ticket.state),
            'closing': _('closing', number=ticket.number),
            }
        body = TEMPLATE.substitute(
            {k: html.escape(v or '') for k, v in values.items()},
            content=text_to_html(content))
        text = '\n'.join([
                values['intro'],
                f"{values['number_label']}: {values['number']}",
                f"{values['state_label']}: {values['state']}",
                content, values['closing']])
        return body, text


class Ticket(metaclass=PoolMeta):
    __name__ = 'crm.ticket'
    notices = fields.One2Many(
        'crm.ticket.notice', 'ticket', "Notices", readonly=True)

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('notices')
        return super().copy(tickets, default=default)

    def notice_address(self):
        "The address of the customer's notices"
        if self.email:
            return self.email
        if self.contact and self.contact.person and self.contact.person.email:
            return self.contact.person.email
        return self.party.email if self.party else None

    def email_references(self):
        "The Message-IDs of the mails before the next one, oldest first"
        Message = Pool().get('crm.ticket.message')
        ids = []
        if self.email_message_id:
            ids.append(self.email_message_id)
        with without_check_access():
            notices = [n for n in self.notices
                if n.event == 'created' and n.message_id]
            incoming = Message.search([
                    ('ticket', '=', self.id),
                    ('kind', '=', 'incoming'),
                    ('message_id', '!=', None),
                    ], order=[('date', 'ASC'), ('id', 'ASC')])
        ids += [n.message_id for n in notices]
        ids += [m.message_id for m in incoming]
        return list(dict.fromkeys(ids))[-10:]

    @classmethod
    def create(cls, vlist):
        Notice = Pool().get('crm.ticket.notice')
        tickets = super().create(vlist)
        for ticket in tickets:
            Notice.notify(ticket, 'created')
        return tickets

    @classmethod
    def write(cls, *args):
        Notice = Pool().get('crm.ticket.notice')
        actions = iter(args)
        resolved = []
        for records, values in zip(actions, actions):
            if values.get('state') == 'resolved':
                resolved += [t.id for t in records if t.state != 'resolved']
        super().write(*args)
        for ticket in cls.browse(resolved):
            Notice.notify(ticket, 'resolved')


class Message(metaclass=PoolMeta):
    __name__ = 'crm.ticket.message'

    @classmethod
    def on_modification(cls, mode, messages, field_names=None):
        Notice = Pool().get('crm.ticket.notice')
        super().on_modification(mode, messages, field_names=field_names)
        if mode == 'create':
            for message in messages:
                if message.kind == 'reply':
                    Notice.notify(message.ticket, 'reply', message)


class Email(metaclass=PoolMeta):
    __name__ = 'ir.email'

    @classmethod
    def from_message(cls, msg, **values):
        """Give the mail of a ticket notice its headers, its escaped HTML
        and its text

        ``send`` queues msg before logging it: the changes go out with it."""
        notice = Transaction().context.get(EMAIL_CONTEXT)
        if notice:
            for name, value in notice['headers'].items():
                del msg[name]
                msg[name] = value
            page = _html_page(notice['html'])
            if msg.is_multipart():
                for part in msg.walk():
                    if part.get_content_type() == 'text/html':
                        part.set_content(page, subtype='html')
            else:
                msg.set_content(notice['text'])
                msg.add_alternative(page, subtype='html')
        return super().from_message(msg, **values)


def _html_page(body):
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"/></head>'
        f'<body>{body}</body></html>')


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.ticket.notice|send_pending', "Send Pending Ticket Notices"))


class Interaction(metaclass=PoolMeta):
    __name__ = 'crm.interaction'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['crm.ticket']
