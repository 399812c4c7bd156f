"""Helpdesk tickets: a customer's request tracked from its arrival to its
resolution, with the log of its transitions and its conversation."""
import datetime
import re

from sql import Literal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields,
    sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from ..text_input import TextInputMixin
from .exceptions import TicketError

STATES = [
    ('new', "New"),
    ('assigned', "Assigned"),
    ('in_progress', "In Progress"),
    ('waiting', "Waiting on Customer"),
    ('resolved', "Resolved"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ]
#: the states of a ticket that still needs work
OPEN_STATES = {'new', 'assigned', 'in_progress', 'waiting'}
#: the index of the ticket source in the customer timeline (row ids)
TIMELINE_INDEX = 5


class TicketType(TextInputMixin, DeactivableMixin, sequence_ordered(),
        ModelSQL, ModelView):
    __name__ = 'crm.ticket.type'
    __string__ = "Ticket Type"
    name = fields.Char("Name", required=True, translate=True)


class Ticket(TextInputMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'crm.ticket'
    __string__ = "Ticket"
    _rec_name = 'number'

    _states = {
        'readonly': ~Eval('state').in_(list(OPEN_STATES)),
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    party = fields.Many2One(
        'party.party', "Customer", required=True, states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    contact = fields.Many2One(
        'crm.contact', "Contact", states=_states,
        domain=[
            ('enterprise', '=', Eval('party', -1)),
            ])
    email = fields.Char(
        "E-mail", states=_states,
        help="The address replies and notices are sent to.")
    phone = fields.Char("Phone", states=_states)
    channel = fields.Selection([
            ('phone', "Phone"),
            ('email', "E-mail"),
            ('web', "Web Form"),
            ('visit', "Visit"),
            ('message', "Message"),
            ('api', "API"),
            ], "Channel", required=True, states=_states)
    type = fields.Many2One(
        'crm.ticket.type', "Type", required=True, states=_states)
    priority = fields.Selection([
            ('low', "Low"),
            ('normal', "Normal"),
            ('high', "High"),
            ('urgent', "Urgent"),
            ], "Priority", required=True, sort=False, states=_states)
    subject = fields.Char("Subject", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    product = fields.Many2One(
        'product.product', "Product", states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    sale = fields.Many2One(
        'sale.sale', "Sale", states=_states,
        domain=[
            ('party', '=', Eval('party', -1)),
            ])
    shipment = fields.Many2One(
        'stock.shipment.out', "Shipment", states=_states,
        domain=[
            ('customer', '=', Eval('party', -1)),
            ])
    team = fields.Many2One(
        'crm.team', "Team", states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            ])
    assignee = fields.Many2One(
        'company.employee', "Assignee", states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            If(Bool(Eval('team')),
                ('crm_teams', '=', Eval('team', -1)),
                ()),
            ])
    team_members = fields.Function(fields.Many2Many(
            'company.employee', None, None, "Team Members",
            help="The members of the ticket's team."),
        'get_team_members', searcher='search_team_members')
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    transition_comment = fields.Text(
        "Comment", states=_states,
        help="Recorded with the next change of state, then cleared.")
    resolution = fields.Text(
        "Resolution",
        states={
            'readonly': ~Eval('state').in_(list(OPEN_STATES)),
            'required': Eval('state').in_(['resolved', 'closed']),
            },
        help="What was done; required to resolve the ticket.")
    first_response_date = fields.DateTime(
        "First Response", readonly=True,
        help="When the customer got the first public reply.")
    first_response_due = fields.DateTime(
        "First Response Due", readonly=True,
        help="When the first public reply is due by the service level.")
    resolution_due = fields.DateTime(
        "Resolution Due", readonly=True,
        help="When the resolution is due by the service level.")
    first_response_breached = fields.Boolean(
        "First Response Breached", readonly=True)
    resolution_breached = fields.Boolean("Resolution Breached", readonly=True)
    resolved_date = fields.DateTime("Resolved", readonly=True)
    closed_date = fields.DateTime("Closed", readonly=True)
    reopen_count = fields.Integer("Reopened", readonly=True)
    transitions = fields.One2Many(
        'crm.ticket.transition', 'ticket', "History", readonly=True)
    messages = fields.One2Many(
        'crm.ticket.message', 'ticket', "Conversation",
        states={
            'readonly': Eval('state') == 'cancelled',
            })

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Similarity())),
                Index(t, (t.party, Index.Equality()),
                    where=t.state.in_(list(OPEN_STATES))),
                Index(t, (t.assignee, Index.Equality()),
                    where=t.state.in_(list(OPEN_STATES))),
                Index(t, (t.team, Index.Equality()),
                    where=t.state.in_(list(OPEN_STATES))),
                Index(t, (t.state, Index.Equality())),
                # the ids of the customer timeline rows
                Index(t, (t.id * 10 + TIMELINE_INDEX, Index.Equality())),
                })
        cls._transitions |= {
            ('new', 'assigned'),
            ('new', 'in_progress'),
            ('assigned', 'in_progress'),
            ('in_progress', 'waiting'),
            ('waiting', 'in_progress'),
            ('new', 'resolved'),
            ('assigned', 'resolved'),
            ('in_progress', 'resolved'),
            ('waiting', 'resolved'),
            ('resolved', 'closed'),
            ('resolved', 'in_progress'),
            ('new', 'cancelled'),
            ('assigned', 'cancelled'),
            ('in_progress', 'cancelled'),
            ('waiting', 'cancelled'),
            }
        cls._buttons.update({
                'assign': {
                    'invisible': Eval('state') != 'new',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': ~Eval('state').in_(['new', 'assigned']),
                    'depends': ['state'],
                    },
                'wait': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'waiting',
                    'depends': ['state'],
                    },
                'resolve': {
                    'invisible': ~Eval('state').in_(list(OPEN_STATES)),
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'resolved',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'resolved',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(list(OPEN_STATES)),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('priority') == 'urgent', 'danger',
                    If(Eval('priority') == 'high', 'warning', '')),
                ['priority']),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'new'

    @staticmethod
    def default_channel():
        return 'phone'

    @staticmethod
    def default_priority():
        return 'normal'

    @staticmethod
    def default_reopen_count():
        return 0

    @staticmethod
    def default_first_response_breached():
        return False

    @staticmethod
    def default_resolution_breached():
        return False

    @classmethod
    def default_type(cls):
        TicketType = Pool().get('crm.ticket.type')
        types = TicketType.search([], limit=1)
        if types:
            return types[0].id

    @fields.depends('party', 'contact', 'email', 'phone')
    def on_change_party(self):
        if self.contact and self.contact.enterprise != self.party:
            self.contact = None
        if self.party:
            self.email = self.email or self.party.email
            self.phone = self.phone or self.party.phone or self.party.mobile

    @fields.depends('contact', 'email', 'phone')
    def on_change_contact(self):
        if self.contact:
            person = self.contact.person
            if person:
                self.email = person.email or self.email
                self.phone = person.phone or person.mobile or self.phone

    @fields.depends('team', 'assignee')
    def on_change_team(self):
        if (self.team and self.assignee
                and self.assignee not in self.team.members):
            self.assignee = None

    def get_team_members(self, name):
        return [m.id for m in self.team.members] if self.team else []

    @classmethod
    def search_team_members(cls, name, clause):
        """The tickets of the teams of employees; "= None": the tickets of
        no team, the pool the record rules give every agent"""
        _, operator, value = clause[:3]
        if value is None and operator in {'=', '!='}:
            return [('team', operator, None)]
        return [('team.members',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        if self.number:
            return f'{self.number} {self.subject}'
        return self.subject

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, value),
            ('subject', operator, value),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values['number'] = cls._new_number(values.get('company'))
        return values

    @classmethod
    def _new_number(cls, company_id):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        sequence = Configuration(1).ticket_sequence
        if not sequence:
            sequence = Sequence(ModelData.get_id('crm_plus', 'sequence_ticket'))
        with Transaction().set_context(company=company_id):
            return sequence.get()

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'first_response_date', 'resolved_date',
                'closed_date', 'resolution', 'transition_comment',
                'first_response_due', 'resolution_due']:
            default.setdefault(name)
        default.setdefault('first_response_breached', False)
        default.setdefault('resolution_breached', False)
        default.setdefault('transitions')
        default.setdefault('messages')
        default.setdefault('reopen_count', 0)
        return super().copy(tickets, default=default)

    @classmethod
    def create(cls, vlist):
        tickets = super().create(vlist)
        cls._record_transitions({t.id: None for t in tickets})
        return tickets

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        previous = {}
        for records, values in zip(actions, actions):
            if 'state' in values:
                for ticket in records:
                    if ticket.state != values['state']:
                        previous.setdefault(ticket.id, ticket.state)
        super().write(*args)
        if previous:
            cls._record_transitions(previous)

    @classmethod
    def _record_transitions(cls, previous):
        """Log the change of state of the tickets (ids) from their previous
        state (None on creation) with the pending comment, and clear it"""
        Transition = Pool().get('crm.ticket.transition')
        user = Transaction().user
        now = cls._now()
        tickets = cls.browse(list(previous))
        commented = [t for t in tickets if t.transition_comment]
        # The log is the server's: a user records a change by making it
        with without_check_access():
            Transition.create([{
                        'ticket': t.id,
                        'from_state': previous[t.id],
                        'to_state': t.state,
                        'user': user,
                        'date': now,
                        'comment': t.transition_comment,
                        } for t in tickets])
            if commented:
                super().write(commented, {'transition_comment': None})

    @classmethod
    def check_modification(cls, mode, tickets, values=None, external=False):
        super().check_modification(
            mode, tickets, values=values, external=external)
        if mode == 'delete':
            for ticket in tickets:
                if ticket.state not in {'new', 'cancelled'}:
                    raise AccessError(gettext(
                            'crm_plus.msg_ticket_delete',
                            ticket=ticket.rec_name))

    @classmethod
    def _now(cls):
        return datetime.datetime.now().replace(microsecond=0)

    @classmethod
    @ModelView.button
    @Workflow.transition('assigned')
    def assign(cls, tickets):
        for ticket in tickets:
            if not ticket.assignee:
                raise TicketError(gettext(
                        'crm_plus.msg_ticket_assignee_required',
                        ticket=ticket.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, tickets):
        Employee = Pool().get('company.employee')
        employee = Transaction().context.get('employee')
        unassigned = [t for t in tickets if not t.assignee]
        if unassigned:
            if not employee:
                raise TicketError(gettext(
                        'crm_plus.msg_ticket_assignee_required',
                        ticket=unassigned[0].rec_name))
            cls.write(unassigned, {'assignee': Employee(employee).id})

    @classmethod
    @ModelView.button
    @Workflow.transition('waiting')
    def wait(cls, tickets):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def resume(cls, tickets):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, tickets):
        for ticket in tickets:
            if not (ticket.resolution or '').strip():
                raise TicketError(gettext(
                        'crm_plus.msg_ticket_resolution_required',
                        ticket=ticket.rec_name))
        cls.write(tickets, {'resolved_date': cls._now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, tickets):
        cls.write(tickets, {'closed_date': cls._now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def reopen(cls, tickets):
        Configuration = Pool().get('crm.configuration')
        days = Configuration(1).ticket_reopen_days
        if days is None:
            days = 7
        limit = cls._now() - datetime.timedelta(days=days)
        for ticket in tickets:
            if ticket.resolved_date and ticket.resolved_date <= limit:
                raise TicketError(gettext(
                        'crm_plus.msg_ticket_reopen_expired',
                        ticket=ticket.rec_name, days=days))
        for ticket in tickets:
            ticket.reopen_count = (ticket.reopen_count or 0) + 1
            ticket.resolved_date = None
        cls.save(tickets)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, tickets):
        pass


class Transition(ModelSQL, ModelView):
    __name__ = 'crm.ticket.transition'
    __string__ = "Ticket Transition"

    ticket = fields.Many2One(
        'crm.ticket', "Ticket", required=True, ondelete='CASCADE')
    from_state = fields.Selection(
        [(None, '')] + STATES, "From", readonly=True)
    to_state = fields.Selection(STATES, "To", readonly=True, required=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    date = fields.DateTime("Date", readonly=True, required=True)
    comment = fields.Text("Comment", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Equality())))


#: the placeholders of canned responses, to the ticket's values
PLACEHOLDER = re.compile(r'\{(\w+)\}')


class CannedResponse(TextInputMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'crm.ticket.canned_response'
    __string__ = "Canned Response"
    name = fields.Char("Name", required=True, translate=True)
    body = fields.Text(
        "Body", required=True, translate=True,
        help="Placeholders: {customer}, {contact}, {number}, {subject}, "
        "{agent}.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    def render(self, ticket):
        "The body with its placeholders replaced by the ticket's values"
        user = Pool().get('res.user')(Transaction().user)
        values = {
            'customer': ticket.party.rec_name if ticket.party else '',
            'contact': (ticket.contact.rec_name if ticket.contact
                else (ticket.party.rec_name if ticket.party else '')),
            'number': ticket.number or '',
            'subject': ticket.subject or '',
            'agent': user.name or user.login,
            }
        return PLACEHOLDER.sub(
            lambda m: values.get(m.group(1), m.group(0)), self.body)


class Message(TextInputMixin, ModelSQL, ModelView):
    __name__ = 'crm.ticket.message'
    __string__ = "Ticket Message"

    ticket = fields.Many2One(
        'crm.ticket', "Ticket", required=True, ondelete='CASCADE',
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    kind = fields.Selection([
            ('reply', "Public Reply"),
            ('note', "Internal Note"),
            ('incoming', "From Customer"),
            ], "Kind", required=True,
        states={
            'readonly': Eval('id', -1) >= 0,
            },
        help="A public reply is sent to the customer, "
        "an internal note never.")
    canned_response = fields.Many2One(
        'crm.ticket.canned_response', "Canned Response",
        states={
            'readonly': Eval('id', -1) >= 0,
            'invisible': Eval('kind') == 'incoming',
            })
    body = fields.Text(
        "Message", required=True,
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    author = fields.Many2One('res.user', "Author", readonly=True)
    address = fields.Char(
        "E-mail", readonly=True,
        help="The sender of a message from the customer, "
        "the recipient of a reply.")
    date = fields.DateTime("Date", readonly=True, required=True)
    message_id = fields.Char("Message-ID", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ticket')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.ticket, Index.Equality())),
                Index(t, (t.message_id, Index.Equality())),
                })

    @staticmethod
    def default_kind():
        return 'reply'

    @staticmethod
    def default_author():
        return Transaction().user

    @classmethod
    def default_date(cls):
        return datetime.datetime.now().replace(microsecond=0)

    @fields.depends('canned_response', 'ticket', 'body',
        '_parent_ticket.party', '_parent_ticket.contact',
        '_parent_ticket.number', '_parent_ticket.subject')
    def on_change_canned_response(self):
        if self.canned_response and self.ticket:
            text = self.canned_response.render(self.ticket)
            self.body = f'{self.body}\n{text}' if self.body else text

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # the author and date are the server's, not the client's
            if values.get('kind') != 'incoming':
                values['author'] = Transaction().user
            values['date'] = cls.default_date()
        return values

    @classmethod
    def check_modification(cls, mode, messages, values=None, external=False):
        super().check_modification(
            mode, messages, values=values, external=external)
        if external and (mode == 'delete' or (mode == 'write' and values)):
            # the conversation is a record of what was said
            raise AccessError(gettext('crm_plus.msg_ticket_message_modify'))
        if mode == 'create':
            for message in messages:
                if message.ticket.state == 'cancelled':
                    raise AccessError(gettext(
                            'crm_plus.msg_ticket_message_cancelled',
                            ticket=message.ticket.rec_name))

    @classmethod
    def on_modification(cls, mode, messages, field_names=None):
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        super().on_modification(mode, messages, field_names=field_names)
        if mode != 'create':
            return
        first = [m.ticket for m in messages
            if m.kind == 'reply' and not m.ticket.first_response_date]
        if first:
            with without_check_access():
                Ticket.write(
                    list(set(first)), {'first_response_date': Ticket._now()})


class CustomerTimeline(metaclass=PoolMeta):
    __name__ = 'crm.customer.timeline'

    @classmethod
    def _timeline_sources(cls):
        sources = super()._timeline_sources()
        assert len(sources) == TIMELINE_INDEX - 1, "ticket source moved"
        return sources + [
            ('ticket', 'crm.ticket', '_timeline_tickets', 'state'),
            ]

    @classmethod
    def _timeline_tickets(cls):
        table = Pool().get('crm.ticket').__table__()
        return table.select(
            table.id, table.party, table.company, table.create_date.as_(
                'date'),
            Literal(True).as_('timed'),
            table.subject.as_('description'),
            table.state,
            table.state.in_(list(OPEN_STATES)).as_('unresolved'))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_tickets = fields.One2Many('crm.ticket', 'party', "Tickets",
        readonly=True)


class PartyErase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        Message = pool.get('crm.ticket.message')
        Survey = pool.get('crm.ticket.survey')
        Feedback = pool.get('crm.feedback')
        return super().to_erase(party_id) + [
            (Ticket, [('party', '=', party_id)], True,
                ['subject', 'description', 'email', 'phone'],
                ['****', None, None, None]),
            (Message, [('ticket.party', '=', party_id)], True,
                ['body', 'address'],
                ['****', None]),
            # the scores stay: they are figures of the service reports
            (Survey, [('party', '=', party_id)], True,
                ['comment', 'email'], [None, None]),
            (Feedback, [('party', '=', party_id)], True,
                ['text'], ['****']),
            ]
