"""Inbound e-mail: the action ``crm.ticket|from_inbound_email`` of the rules
of an inbox of Tryton's inbound_email module.

A new mail opens a ticket of the customer found by the sender's address (a
potential customer is created for an unknown sender).  A reply becomes a
message from the customer on its ticket: matched by a Message-ID of the
conversation in In-Reply-To or References, or by the ticket number in
brackets in the subject when the sender is the ticket's customer.
"""
import email
import email.policy
import re
from email.utils import getaddresses

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.report import html_to_text
from trytond.tools import escape_wildcard
from trytond.transaction import Transaction

from ..customer.duplicate import PHONE_TYPES
from ..customer.normalize import email_key

ACTION = 'crm.ticket|from_inbound_email'
_BRACKETS = re.compile(r'\[([^\[\]\s]{1,64})\]')
_MESSAGE_ID = re.compile(r'<[^<>\s]+>')
# The sizes crm_plus's text fields take (text_input.py)
CHAR_SIZE, TEXT_SIZE = 255, 100_000


def service_company():
    "The company of the tickets opened from outside (mail, web form)"
    Company = Pool().get('company.company')
    company = Transaction().context.get('company')
    if company:
        return Company(company)
    companies = Company.search([], order=[('id', 'ASC')], limit=1)
    return companies[0] if companies else None


def find_customer(email=None, phone=None):
    """The (party, contact) with the e-mail address or the E.164 phone

    A CRM customer first, else the enterprise of a contact person with it,
    else any party; (None, None) when none has it."""
    pool = Pool()
    Mechanism = pool.get('party.contact_mechanism')
    Contact = pool.get('crm.contact')
    domain = ['OR']
    if email:
        domain.append([
                ('type', '=', 'email'),
                ('value', 'ilike', escape_wildcard(email)),
                ])
    if phone:
        domain.append([
                ('type', 'in', sorted(PHONE_TYPES)),
                ('value_compact', '=', phone),
                ])
    if len(domain) == 1:
        return None, None
    mechanisms = Mechanism.search(domain, order=[('id', 'ASC')], limit=50)
    parties = list(dict.fromkeys(m.party for m in mechanisms))
    for party in parties:
        if party.crm_kind:
            return party, None
    for party in parties:
        contacts = Contact.search(
            [('person', '=', party.id)], order=[('id', 'ASC')], limit=1)
        if contacts:
            return contacts[0].enterprise, contacts[0]
    return (parties[0], None) if parties else (None, None)


def create_customer(name, email=None, phone=None):
    "A potential individual customer with the e-mail address and phone"
    Party = Pool().get('party.party')
    mechanisms = []
    if email:
        mechanisms.append({'type': 'email', 'value': email})
    if phone:
        mechanisms.append({'type': 'phone', 'value': phone})
    with Transaction().set_context(_skip_warnings=True):
        party, = Party.create([{
                    'name': (name or email or phone)[:CHAR_SIZE],
                    'crm_kind': 'individual',
                    'crm_lifecycle': 'potential',
                    'contact_mechanisms': [('create', mechanisms)],
                    }])
    return party


def parse(inbound_email):
    "The parts of the mail crm_plus reads, from any inbound data type"
    if inbound_email.data_type == 'raw':
        message = email.message_from_bytes(
            inbound_email.data, policy=email.policy.default)
        headers = {k.lower(): str(v) for k, v in message.items()}
        body = message.get_body(preferencelist=('plain', 'html'))
        text = ''
        if body is not None:
            text = body.get_content()
            if body.get_content_subtype() == 'html':
                text = html_to_text(text)
        attachments = [
            (part.get_filename() or 'attachment',
                part.get_payload(decode=True) or b'')
            for part in message.iter_attachments()]
    else:
        values = inbound_email.as_dict()
        headers = {k.lower(): str(v)
            for k, v in (values.get('headers') or {}).items()}
        text = values.get('text') or html_to_text(values.get('html') or '')
        attachments = [(a.get('filename') or 'attachment', a.get('data'))
            for a in values.get('attachments') or [] if a.get('data')]
    name, address = (getaddresses([headers.get('from', '')]) or [('', '')])[0]
    return {
        'name': name.strip(),
        'address': address.strip(),
        'subject': ' '.join(headers.get('subject', '').split()),
        'text': text or '',
        'attachments': attachments,
        'message_id': headers.get('message-id', '').strip() or None,
        'references': _MESSAGE_ID.findall(' '.join([
                    headers.get('references', ''),
                    headers.get('in-reply-to', '')])),
        'auto': headers.get('auto-submitted', 'no').strip().lower() != 'no',
        }


class Rule(metaclass=PoolMeta):
    __name__ = 'inbound.email.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append((ACTION, "Open or Update Ticket"))


class Ticket(metaclass=PoolMeta):
    __name__ = 'crm.ticket'
    email_message_id = fields.Char(
        "Message-ID", readonly=True,
        help="The Message-ID of the mail that opened the ticket.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.email_message_id, Index.Equality())))

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('email_message_id')
        return super().copy(tickets, default=default)

    @classmethod
    def from_inbound_email(cls, inbound_email, rule):
        """Open a ticket from the mail or add it to the ticket it answers

        Return the ticket or the message, None for an automatic reply."""
        pool = Pool()
        Message = pool.get('crm.ticket.message')
        mail = parse(inbound_email)
        if mail['auto'] or not mail['address']:
            return None
        if mail['message_id']:
            # the same mail posted again
            known = Message.search(
                [('message_id', '=', mail['message_id'])], limit=1)
            if known:
                return known[0]
            known = cls.search(
                [('email_message_id', '=', mail['message_id'])], limit=1)
            if known:
                return known[0]
        ticket = cls._answered_ticket(mail)
        if ticket:
            return ticket._add_inbound_email(mail)
        return cls._open_from_email(mail)

    @classmethod
    def _answered_ticket(cls, mail):
        "The open or resolved ticket the mail answers, or None"
        pool = Pool()
        Notice = pool.get('crm.ticket.notice')
        Message = pool.get('crm.ticket.message')
        tickets = []
        if mail['references']:
            references = mail['references']
            tickets += [n.ticket for n in Notice.search(
                    [('message_id', 'in', references)])]
            tickets += [m.ticket for m in Message.search(
                    [('message_id', 'in', references)])]
            tickets += cls.search([('email_message_id', 'in', references)])
        numbers = _BRACKETS.findall(mail['subject'])
        if numbers:
            sender = email_key(mail['address'])
            tickets += [t for t in cls.search([('number', 'in', numbers)])
                if sender in t._customer_addresses()]
        for ticket in tickets:
            if ticket.state not in {'closed', 'cancelled'}:
                return ticket
        return None

    def _customer_addresses(self):
        "The e-mail keys of the ticket's customer"
        addresses = {self.email, self.notice_address()}
        addresses.update(m.value for m in self.party.contact_mechanisms
            if m.type == 'email')
        return {email_key(a) for a in addresses if a}

    def _add_inbound_email(self, mail):
        "Add the mail as a message from the customer"
        Message = Pool().get('crm.ticket.message')
        message, = Message.create([{
                    'ticket': self.id,
                    'kind': 'incoming',
                    'body': mail['text'][:TEXT_SIZE] or mail['subject'],
                    'address': mail['address'][:CHAR_SIZE],
                    'message_id': (mail['message_id'] or '')[:CHAR_SIZE]
                    or None,
                    }])
        self._attach(mail['attachments'])
        if self.state == 'waiting':
            self.resume([self])
        return message

    @classmethod
    def _open_from_email(cls, mail):
        "A new ticket of the sender"
        company = service_company()
        address = mail['address'][:CHAR_SIZE]
        party, contact = find_customer(email=address)
        if not party:
            party = create_customer(mail['name'] or address, email=address)
        ticket, = cls.create([{
                    'company': company.id,
                    'party': party.id,
                    'contact': contact.id if contact else None,
                    'email': address,
                    'channel': 'email',
                    'subject': (mail['subject'] or gettext(
                            'crm_plus.msg_ticket_inbound_no_subject'))[
                        :CHAR_SIZE],
                    'description': mail['text'][:TEXT_SIZE],
                    'email_message_id': (
                        mail['message_id'] or '')[:CHAR_SIZE] or None,
                    }])
        ticket._attach(mail['attachments'])
        return ticket

    def _attach(self, attachments):
        Attachment = Pool().get('ir.attachment')
        Attachment.save([
                Attachment(resource=self, name=name[:CHAR_SIZE], data=data)
                for name, data in attachments])
