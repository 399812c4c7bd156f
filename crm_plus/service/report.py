"""The service efficiency report: ticket figures per agent, team, type,
product and month, as Tryton reporting models (one SQL query each).

The tickets are those of the context's company created in its date range
(UTC days), not cancelled, of its team if one is set, and those the user
may read: when the record rules of ``crm.ticket`` limit the user (a Service
Agent, a Sales Manager), their domain (``ir.rule.domain_get``) is converted
on the report's own ticket table as Tryton's search converts it
(``search_domain``), so a row's figures are those of the tickets the user
could list, in one scan of the tickets.

- first response and resolution times: average hours from the creation to
  ``first_response_date`` and ``resolved_date``, where set;
- service level compliance: among the resolved tickets with a due date,
  the share that met each due date they have;
- resolution rate: resolved or closed tickets among all;
- reopen rate: reopened tickets among those ever resolved;
- backlog: the open tickets by age now.
"""
import datetime as dt

from sql import Cast, Null
from sql.aggregate import Avg, Count, Min, Sum
from sql.conditionals import Case, Coalesce, NullIf
from sql.functions import Extract

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

from ..sales.forecast import key_month, sql_month_key
from ..security import ReadOnlyQueryMixin
from .ticket import OPEN_STATES

#: the upper bounds (days) of the backlog age buckets but the last
BACKLOG_DAYS = [1, 3, 7]


def _hours(end, start):
    "The SQL hours from the datetime start to end (both backends)"
    return (Extract('EPOCH', end) - Extract('EPOCH', start)) / 3600


class ReportContext(ModelView):
    __name__ = 'crm.ticket.report.context'
    __string__ = "Service Report Context"
    company = fields.Many2One('company.company', "Company", required=True)
    team = fields.Many2One(
        'crm.team', "Team", domain=[('company', '=', Eval('company', -1))])
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ],
        help="On the creation date of the tickets.")
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_team(cls):
        return Transaction().context.get('team')

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        today = Date.today()
        return dt.date(today.year - (today.month == 1),
            (today.month - 2) % 12 + 1, 1)

    @classmethod
    def default_to_date(cls):
        return Transaction().context.get('to_date')


class ReportMixin(ReadOnlyQueryMixin, ModelSQL, ModelView):
    "The figures of a set of tickets grouped by _group_column"
    __slots__ = ()
    number = fields.Integer("Tickets")
    first_response_time = fields.Float(
        "First Response (h)", digits=(16, 1),
        help="Average hours from the creation to the first public reply.")
    resolution_time = fields.Float(
        "Resolution (h)", digits=(16, 1),
        help="Average hours from the creation to the resolution.")
    sla_tickets = fields.Integer(
        "With Service Level",
        help="Resolved tickets with a first response or resolution due "
        "date.")
    sla_compliance = fields.Float(
        "Service Level Met", digits=(16, 4),
        help="Share of the resolved tickets with due dates that met each "
        "of them.")
    resolved = fields.Integer("Resolved")
    resolution_rate = fields.Float(
        "Resolution Rate", digits=(16, 4),
        help="Share of the tickets resolved or closed.")
    reopened = fields.Integer("Reopened")
    reopen_rate = fields.Float(
        "Reopen Rate", digits=(16, 4),
        help="Share of the tickets ever resolved that were reopened.")
    surveys = fields.Integer(
        "Surveys Answered", help="Satisfaction surveys answered.")
    csat = fields.Float(
        "Satisfaction", digits=(16, 2),
        help="Average satisfaction (1 to 5) of the answered surveys.")
    nps = fields.Float(
        "Net Promoter Score", digits=(16, 1),
        help="Promoters (9-10) less detractors (0-6), in % of the answers.")
    backlog = fields.Integer("Backlog", help="Open tickets.")
    backlog_1d = fields.Integer("Open up to 1 Day")
    backlog_3d = fields.Integer("Open 1 to 3 Days")
    backlog_7d = fields.Integer("Open 3 to 7 Days")
    backlog_older = fields.Integer("Open over 7 Days")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('number', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _group_field(cls):
        "The name of the field of the report and of the ticket grouped by"
        raise NotImplementedError

    @classmethod
    def _group_columns(cls, ticket):
        """The expression the rows group by and their id and key columns:
        the id is 1 for the tickets without value, the value's id + 1 else"""
        column = getattr(ticket, cls._group_field())
        return column, [
            (Coalesce(column, 0) + 1).as_('id'),
            column.as_(cls._group_field()),
            ]

    @classmethod
    def _tickets(cls, ticket):
        """The FROM and WHERE of the tickets of the context the user may
        read, on the table ticket"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        Ticket = pool.get('crm.ticket')
        context = Transaction().context
        where = ((ticket.company == context.get('company'))
            & (ticket.state != 'cancelled'))
        if context.get('from_date'):
            where &= ticket.create_date >= dt.datetime.combine(
                context['from_date'], dt.time())
        if context.get('to_date'):
            where &= ticket.create_date < dt.datetime.combine(
                context['to_date'] + dt.timedelta(days=1), dt.time())
        if context.get('team'):
            where &= ticket.team == context['team']
        tables = {None: (ticket, None)}
        rule_domain = Rule.domain_get('crm.ticket', mode='read')
        if rule_domain:
            # the rules as Tryton's search applies them, on the same table
            tables, expression = Ticket.search_domain(
                rule_domain, active_test=False, tables=tables)
            where &= expression
        return convert_from(None, tables), where

    @classmethod
    def table_query(cls):
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        ticket = Ticket.__table__()
        float_ = cls.sla_compliance.sql_type().base

        def count(condition):
            return Sum(Case((condition, 1), else_=0))

        def rate(numerator, denominator):
            return Cast(numerator, float_) / NullIf(denominator, 0)

        is_open = ticket.state.in_(list(OPEN_STATES))
        resolved = ticket.state.in_(['resolved', 'closed'])
        ever_resolved = (ticket.resolved_date != Null) | (
            ticket.reopen_count > 0)
        with_sla = (ticket.resolved_date != Null) & (
            (ticket.first_response_due != Null)
            | (ticket.resolution_due != Null))
        sla_met = with_sla & (
            (ticket.first_response_due == Null)
            | (ticket.first_response_date <= ticket.first_response_due)) & (
            (ticket.resolution_due == Null)
            | (ticket.resolved_date <= ticket.resolution_due))
        now = Ticket._now()
        bounds = [now - dt.timedelta(days=d) for d in BACKLOG_DAYS]
        backlog = [count(is_open & (ticket.create_date > bounds[0]))]
        for newer, older in zip(bounds, bounds[1:]):
            backlog.append(count(is_open & (ticket.create_date <= newer)
                    & (ticket.create_date > older)))
        backlog.append(count(is_open & (ticket.create_date <= bounds[-1])))

        group, columns = cls._group_columns(ticket)
        columns += [
            Count(ticket.id).as_('number'),
            Cast(Avg(Case((ticket.first_response_date != Null,
                            _hours(ticket.first_response_date,
                                ticket.create_date)))), float_).as_(
                'first_response_time'),
            Cast(Avg(Case((ticket.resolved_date != Null,
                            _hours(ticket.resolved_date,
                                ticket.create_date)))), float_).as_(
                'resolution_time'),
            count(with_sla).as_('sla_tickets'),
            rate(count(sla_met), count(with_sla)).as_('sla_compliance'),
            count(resolved).as_('resolved'),
            rate(count(resolved), Count(ticket.id)).as_(
                'resolution_rate'),
            count(ticket.reopen_count > 0).as_('reopened'),
            rate(count(ticket.reopen_count > 0), count(ever_resolved)).as_(
                'reopen_rate'),
            count(is_open).as_('backlog'),
            ]
        for name, column in zip(
                ['backlog_1d', 'backlog_3d', 'backlog_7d', 'backlog_older'],
                backlog):
            columns.append(column.as_(name))
        survey = pool.get('crm.ticket.survey').__table__()
        answered = survey.nps != Null
        columns += [
            count(survey.csat != Null).as_('surveys'),
            Cast(Avg(survey.csat), float_).as_('csat'),
            (Cast(count(survey.nps >= 9) - count(survey.nps <= 6), float_)
                * 100 / NullIf(count(answered), 0)).as_('nps'),
            ]
        from_, where = cls._tickets(ticket)
        # one survey per ticket at most: the join multiplies no row
        from_ = from_.join(survey, 'LEFT',
            condition=survey.ticket == ticket.id)
        return from_.select(*columns, where=where, group_by=[group])

    @classmethod
    def ticket_domain(cls, rows):
        "The domain of the tickets of the rows in the context"
        context = Transaction().context
        domain = [
            ('company', '=', context.get('company')),
            ('state', '!=', 'cancelled'),
            ]
        if context.get('from_date'):
            domain.append(('create_date', '>=', dt.datetime.combine(
                        context['from_date'], dt.time())))
        if context.get('to_date'):
            domain.append(('create_date', '<', dt.datetime.combine(
                        context['to_date'] + dt.timedelta(days=1),
                        dt.time())))
        if context.get('team'):
            domain.append(('team', '=', context['team']))
        domain.append(['OR'] + [r._row_domain() for r in rows])
        return domain

    def _row_domain(self):
        name = self._group_field()
        value = getattr(self, name)
        return [(name, '=', value.id if value else None)]

    def get_rec_name(self, name):
        value = getattr(self, self._group_field())
        return value.rec_name if value else gettext(
            'crm_plus.msg_service_report_no_value')


class ReportAgent(ReportMixin):
    __name__ = 'crm.ticket.report.agent'
    __string__ = "Service Report per Agent"
    assignee = fields.Many2One('company.employee', "Agent")

    @classmethod
    def _group_field(cls):
        return 'assignee'


class ReportTeam(ReportMixin):
    __name__ = 'crm.ticket.report.team'
    __string__ = "Service Report per Team"
    team = fields.Many2One('crm.team', "Team")

    @classmethod
    def _group_field(cls):
        return 'team'


class ReportType(ReportMixin):
    __name__ = 'crm.ticket.report.type'
    __string__ = "Service Report per Type"
    type = fields.Many2One('crm.ticket.type', "Type")

    @classmethod
    def _group_field(cls):
        return 'type'


class ReportProduct(ReportMixin):
    __name__ = 'crm.ticket.report.product'
    __string__ = "Service Report per Product"
    product = fields.Many2One('product.product', "Product")

    @classmethod
    def _group_field(cls):
        return 'product'


class ReportMonth(ReportMixin):
    __name__ = 'crm.ticket.report.month'
    __string__ = "Service Report per Month"
    month = fields.Function(fields.Date("Month Start"), 'get_month')
    period = fields.Function(fields.Char("Month"), 'get_period')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    @classmethod
    def _group_columns(cls, ticket):
        # the key of a group from MIN: see crm.sale.forecast.table_query
        return sql_month_key(ticket.create_date), [
            sql_month_key(Min(ticket.create_date)).as_('id')]

    def get_month(self, name):
        return key_month(self.id)

    def get_period(self, name):
        "The month as 2026-12, or 2026年12月 in Chinese"
        year, month = divmod(self.id, 12)
        language = Transaction().language or ''
        if language.startswith('zh'):
            return f'{year}年{month + 1}月'
        return f'{year}-{month + 1:02d}'

    def get_rec_name(self, name):
        return self.period

    def _row_domain(self):
        start = dt.datetime.combine(self.month, dt.time())
        end = dt.datetime.combine(key_month(self.id + 1), dt.time())
        return [
            ('create_date', '>=', start),
            ('create_date', '<', end),
            ]


class ReportOpen(Wizard):
    "Open the tickets of the selected report rows"
    __name__ = 'crm.ticket.report.open'
    start_state = 'open'
    open = StateAction('crm_plus.act_ticket_report_tickets')

    def do_open(self, action):
        Model = Pool().get(Transaction().context['active_model'])
        if not issubclass(Model, ReportMixin):
            return None
        rows = Model.browse(Transaction().context.get('active_ids') or [])
        action['pyson_domain'] = PYSONEncoder().encode(
            Model.ticket_domain(rows))
        names = ', '.join(r.rec_name for r in rows[:3])
        if names:
            action['name'] += f' ({names})'
        return action, {}
