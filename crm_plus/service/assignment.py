"""Ticket assignment: rules routing a new ticket to a team and, within
it, to an agent present (round robin or least open tickets); manual
reassignments recorded in the ticket's history."""
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from ..team import TeamRotationMixin
from ..text_input import TextInputMixin
from .ticket import OPEN_STATES


class AssignmentRule(TeamRotationMixin, TextInputMixin, DeactivableMixin,
        sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'crm.ticket.assignment.rule'
    __string__ = "Ticket Assignment Rule"
    name = fields.Char("Name", required=True, translate=True)
    type = fields.Many2One(
        'crm.ticket.type', "Ticket Type", ondelete='CASCADE',
        help="Empty for any type.")
    priority = fields.Selection([
            (None, ""),
            ('low', "Low"),
            ('normal', "Normal"),
            ('high', "High"),
            ('urgent', "Urgent"),
            ], "Priority", sort=False, help="Empty for any priority.")
    subdivision = fields.Many2One(
        'country.subdivision', "Province", ondelete='CASCADE',
        help="The province of the customer's address; empty for any.")
    product = fields.Many2One(
        'product.product', "Product", ondelete='CASCADE',
        help="Empty for any product.")
    category = fields.Many2One(
        'product.category', "Product Category", ondelete='CASCADE',
        help="The ticket's product is in this category; empty for any.")
    level = fields.Many2One(
        'crm.customer.level', "Customer Level", ondelete='CASCADE',
        help="Empty for any level.")
    team = fields.Many2One(
        'crm.team', "Team", required=True, ondelete='CASCADE')
    strategy = fields.Selection([
            ('round_robin', "Round Robin"),
            ('least_open', "Least Open Tickets"),
            ], "Strategy", required=True,
        help="Round robin gives the members present their turn; least "
        "open tickets the member present with the fewest open tickets.")
    last_assignee = fields.Many2One(
        'company.employee', "Last Assignee", readonly=True,
        ondelete='SET NULL')

    @staticmethod
    def default_strategy():
        return 'round_robin'

    def match(self, ticket):
        "Whether the rule applies to the ticket"
        party = ticket.party
        if self.team.company != ticket.company:
            return False
        if self.type and self.type != ticket.type:
            return False
        if self.priority and self.priority != ticket.priority:
            return False
        if self.level and (not party or self.level != party.crm_level):
            return False
        if self.subdivision:
            address = party.address_get() if party else None
            if not address or address.subdivision != self.subdivision:
                return False
        if self.product and self.product != ticket.product:
            return False
        if self.category and (not ticket.product
                or self.category not in ticket.product.categories_all):
            return False
        return True

    @classmethod
    def _open_counts(cls, agents):
        "The number of open tickets of each agent (ids)"
        Ticket = Pool().get('crm.ticket')
        ticket = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*ticket.select(
                ticket.assignee, Count(ticket.id),
                where=ticket.assignee.in_([a.id for a in agents])
                & ticket.state.in_(list(OPEN_STATES)),
                group_by=[ticket.assignee]))
        return dict(cursor)


class Ticket(metaclass=PoolMeta):
    __name__ = 'crm.ticket'

    @classmethod
    def create(cls, vlist):
        tickets = super().create(vlist)
        cls._assign_by_rules([t for t in tickets
                if t.state == 'new' and not t.team and not t.assignee])
        return tickets

    @classmethod
    def _assign_by_rules(cls, tickets):
        """Give the tickets the team of their first matching rule and an
        agent of that team (the ticket is then assigned)"""
        Rule = Pool().get('crm.ticket.assignment.rule')
        if not tickets:
            return
        with without_check_access():
            rules = Rule.search([])
            for ticket in tickets:
                for rule in rules:
                    if rule.match(ticket):
                        break
                else:
                    continue
                values = {'team': rule.team.id}
                agent = rule.pick()
                if agent:
                    values.update({
                            'assignee': agent.id,
                            'state': 'assigned',
                            'transition_comment': gettext(
                                'crm_plus.msg_ticket_assigned_by_rule',
                                assignee=agent.rec_name,
                                rule=rule.rec_name),
                            })
                cls.write([ticket], values)

    def _assignment_label(self):
        "Who the ticket is assigned to, for the history"
        if self.assignee and self.team:
            return f'{self.assignee.rec_name} ({self.team.rec_name})'
        if self.assignee or self.team:
            return (self.assignee or self.team).rec_name
        return gettext('crm_plus.msg_ticket_unassigned')

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        previous = {}
        for records, values in zip(actions, actions):
            if values.keys() & {'team', 'assignee'}:
                for ticket in records:
                    if ticket.team or ticket.assignee:
                        previous.setdefault(ticket.id, (
                                ticket.team, ticket.assignee,
                                ticket._assignment_label()))
        super().write(*args)
        if previous:
            cls._record_reassignments(previous)

    @classmethod
    def _record_reassignments(cls, previous):
        """Log in the history the reassignment of the tickets (ids) from
        their previous (team, assignee, label): a new assignee or team
        replacing another, not the first assignee within the team"""
        Transition = Pool().get('crm.ticket.transition')
        user = Transaction().user
        now = cls._now()
        transitions = []
        for ticket in cls.browse(list(previous)):
            team, assignee, label = previous[ticket.id]
            if ((assignee and ticket.assignee != assignee)
                    or (team and ticket.team != team)):
                transitions.append({
                        'ticket': ticket.id,
                        'from_state': ticket.state,
                        'to_state': ticket.state,
                        'user': user,
                        'date': now,
                        'comment': gettext(
                            'crm_plus.msg_ticket_reassigned',
                            old=label, new=ticket._assignment_label()),
                        })
        if transitions:
            with without_check_access():
                Transition.create(transitions)


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    crm_absent = fields.Boolean(
        "Absent", readonly=True,
        help="An absent agent gets no ticket from the assignment rules.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_mark_absent': {
                    'invisible': Eval('crm_absent', False),
                    'depends': ['crm_absent'],
                    },
                'crm_mark_present': {
                    'invisible': ~Eval('crm_absent', False),
                    'depends': ['crm_absent'],
                    },
                })

    @staticmethod
    def default_crm_absent():
        return False

    @classmethod
    @ModelView.button
    def crm_mark_absent(cls, employees):
        # the button is for CRM administrators, who may not edit employees
        with without_check_access():
            cls.write(employees, {'crm_absent': True})

    @classmethod
    @ModelView.button
    def crm_mark_present(cls, employees):
        with without_check_access():
            cls.write(employees, {'crm_absent': False})
