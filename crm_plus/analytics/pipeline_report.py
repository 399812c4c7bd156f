"""Pipeline analytics: the funnel by stage (the open opportunities in each
stage and the conversion of each stage to a later one from the stage
history), win rate, average deal size and sales cycle per period, and the
reasons deals are lost.

The opportunities are those of the context's company the user may list
(``rule_scope``), of the context's owner (the opportunity's employee) or of
the members and manager of the context's team; amounts in the company's
currency at the rate of the opportunity's start date.  A deal is closed on
its end date (set when it is won or lost); its cycle runs from its start
date.
"""
import datetime as dt

from sql import Literal, Null, Union, Window
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..security import ReadOnlyQueryMixin
from .common import (
    AnalyticsContextMixin, DrillDownMixin, company_amount, key_end,
    key_label, key_start, period_key, report_range, rule_scope)

OPEN_STATES = ['lead', 'opportunity', 'converted']


def team_employees(team):
    "The SQL query of the members and the manager of team"
    pool = Pool()
    Team = pool.get('crm.team')
    Member = pool.get('crm.team-company.employee')
    team_t, member = Team.__table__(), Member.__table__()
    return Union(
        member.select(member.employee, where=member.team == team),
        team_t.select(team_t.manager.as_('employee'),
            where=(team_t.id == team) & (team_t.manager != Null)))


def opportunities(opportunity=None):
    """The opportunity table, the FROM (joined to convert the amounts), the
    WHERE and the amount in the company's currency of the opportunities
    the report counts"""
    pool = Pool()
    Opportunity = pool.get('sale.opportunity')
    context = Transaction().context
    if opportunity is None:
        opportunity = Opportunity.__table__()
    from_, rule_where, _ = rule_scope(Opportunity, opportunity)
    where = ((opportunity.company == context.get('company'))
        & (opportunity.state != 'cancelled'))
    if rule_where is not None:
        where &= rule_where
    if context.get('owner'):
        where &= opportunity.employee == context['owner']
    if context.get('team'):
        where &= opportunity.employee.in_(team_employees(context['team']))
    if context.get('pipeline'):
        where &= opportunity.pipeline == context['pipeline']
    from_, amount = company_amount(from_, Coalesce(opportunity.amount, 0),
        opportunity.currency, opportunity.start_date, opportunity.company)
    return opportunity, from_, where, amount


def owner_domain():
    "The domain of the context's owner, team and pipeline on opportunities"
    context = Transaction().context
    domain = [('company', '=', context.get('company')),
        ('state', '!=', 'cancelled')]
    if context.get('owner'):
        domain.append(('employee', '=', context['owner']))
    if context.get('team'):
        Team = Pool().get('crm.team')
        team = Team(context['team'])
        employees = [m.id for m in team.members]
        if team.manager:
            employees.append(team.manager.id)
        domain.append(('employee', 'in', employees))
    if context.get('pipeline'):
        domain.append(('pipeline', '=', context['pipeline']))
    return domain


class PipelineContext(AnalyticsContextMixin, ModelView):
    __name__ = 'crm.analytics.pipeline.context'
    __string__ = "Pipeline Analytics Context"
    pipeline = fields.Many2One('crm.pipeline', "Pipeline",
        help="Only the opportunities and stages of this pipeline.")

    @classmethod
    def default_pipeline(cls):
        return Transaction().context.get('pipeline')


class _PipelineReportMixin(DrillDownMixin, ReadOnlyQueryMixin, ModelSQL,
        ModelView):
    __slots__ = ()
    _drill_model = 'sale.opportunity'
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')

    def get_currency(self, name):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id


class PipelineFunnel(_PipelineReportMixin):
    """Per stage: the open opportunities in it now, their amount and
    weighted amount; the opportunities that entered it in the period and
    the share of them that moved on to a later stage or were won"""
    __name__ = 'crm.analytics.pipeline.funnel'
    __string__ = "Sales Funnel"
    stage = fields.Many2One('crm.pipeline.stage', "Stage")
    pipeline = fields.Many2One('crm.pipeline', "Pipeline")
    sequence = fields.Integer("Sequence")
    kind = fields.Selection('get_kinds', "Kind")
    number = fields.Integer("Open",
        help="Open opportunities in the stage.")
    amount = Monetary("Amount", currency='currency', digits='currency',
        help="Amount of the open opportunities in the stage.")
    weighted_amount = Monetary("Weighted Amount", currency='currency',
        digits='currency', help="Amount multiplied by the stage probability.")
    entered = fields.Integer("Entered",
        help="Opportunities that entered the stage in the period.")
    advanced = fields.Integer("Advanced",
        help="Of those, the opportunities that reached a later stage or "
        "were won since.")
    conversion = fields.Function(fields.Float("Conversion %",
            digits=(16, 4),
            help="Share of the opportunities entered that advanced."),
        'get_conversion')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('pipeline', 'ASC'), ('sequence', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def get_kinds(cls):
        Stage = Pool().get('crm.pipeline.stage')
        return Stage.fields_get(['kind'])['kind']['selection']

    @classmethod
    def table_query(cls):
        pool = Pool()
        Stage = pool.get('crm.pipeline.stage')
        Pipeline = pool.get('crm.pipeline')
        History = pool.get('crm.opportunity.stage_history')
        context = Transaction().context
        from_date, to_date = report_range()

        opportunity, o_from, o_where, amount = opportunities()
        stage_o = Stage.__table__()
        open_ = o_from.join(stage_o,
            condition=stage_o.id == opportunity.stage).select(
            opportunity.stage.as_('stage'),
            Count(opportunity.id).as_('number'),
            Sum(amount).as_('amount'),
            Sum(amount * stage_o.probability).as_('weighted'),
            where=o_where & opportunity.state.in_(OPEN_STATES),
            group_by=[opportunity.stage])

        opportunity, h_from, h_where, _ = opportunities()
        entry, later = History.__table__(), History.__table__()
        stage_e, stage_l = Stage.__table__(), Stage.__table__()
        laters = later.join(stage_l,
            condition=stage_l.id == later.to_stage).select(
            later.opportunity, later.date,
            Coalesce(stage_l.sequence, 0).as_('sequence'),
            stage_l.kind)
        h_from = (h_from
            .join(entry, condition=entry.opportunity == opportunity.id)
            .join(stage_e, condition=stage_e.id == entry.to_stage)
            .join(laters, 'LEFT', condition=(
                    laters.opportunity == entry.opportunity)
                & (laters.date > entry.date)
                & (((laters.sequence > Coalesce(stage_e.sequence, 0))
                        & (laters.kind != 'lost'))
                    | (laters.kind == 'won'))
                & (stage_e.kind == 'open')))
        entry_date = entry.date
        entries = h_from.select(entry.to_stage.as_('stage'),
            Count(entry.opportunity, distinct=True).as_('entered'),
            Count(laters.opportunity, distinct=True).as_('advanced'),
            where=h_where
            & (entry_date >= from_date)
            & (entry_date < to_date + dt.timedelta(days=1)),
            group_by=[entry.to_stage])

        stage, pipeline = Stage.__table__(), Pipeline.__table__()
        where = ((pipeline.company == context.get('company'))
            | (pipeline.company == Null))
        where &= pipeline.active == Literal(True)
        if context.get('pipeline'):
            where &= pipeline.id == context['pipeline']
        from_ = (stage
            .join(pipeline, condition=pipeline.id == stage.pipeline)
            .join(open_, 'LEFT', condition=open_.stage == stage.id)
            .join(entries, 'LEFT', condition=entries.stage == stage.id))
        return from_.select(stage.id.as_('id'), stage.id.as_('stage'),
            stage.pipeline.as_('pipeline'), stage.sequence.as_('sequence'),
            stage.kind.as_('kind'),
            Coalesce(open_.number, 0).as_('number'),
            cls.amount.sql_cast(Coalesce(open_.amount, 0)).as_('amount'),
            cls.amount.sql_cast(Coalesce(open_.weighted, 0)).as_(
                'weighted_amount'),
            Coalesce(entries.entered, 0).as_('entered'),
            Coalesce(entries.advanced, 0).as_('advanced'),
            where=where)

    def get_conversion(self, name):
        if self.entered and self.kind == 'open':
            return self.advanced / self.entered

    def get_rec_name(self, name):
        return self.stage.rec_name if self.stage else ''

    @classmethod
    def drill_domain(cls, rows):
        "The open opportunities in the stages of rows"
        return owner_domain() + [
            ('state', 'in', OPEN_STATES),
            ('stage', 'in', [r.stage.id for r in rows if r.stage]),
            ]


class PipelinePeriod(_PipelineReportMixin):
    """Per period: the opportunities started, won and lost, the win rate,
    the won amount, the average deal size and the sales cycle"""
    __name__ = 'crm.analytics.pipeline.period'
    __string__ = "Win Rate by Period"
    period = fields.Function(fields.Char("Period"), 'get_period')
    start_date = fields.Function(fields.Date("Start"), 'get_dates')
    end_date = fields.Function(fields.Date("End"), 'get_dates')
    created = fields.Integer("Started",
        help="Opportunities started in the period.")
    won = fields.Integer("Won", help="Opportunities won in the period.")
    lost = fields.Integer("Lost", help="Opportunities lost in the period.")
    win_rate = fields.Function(fields.Float("Win Rate %", digits=(16, 4),
            help="Share of the deals closed in the period that were won."),
        'get_win_rate')
    won_amount = Monetary("Won Amount", currency='currency',
        digits='currency')
    average_deal = fields.Function(Monetary("Average Deal",
            currency='currency', digits='currency',
            help="Won amount per won opportunity."), 'get_average_deal')
    cycle_days = fields.Integer("Cycle Days",
        help="Days from start to won, summed over the won opportunities.")
    average_cycle = fields.Function(fields.Float("Average Cycle (Days)",
            digits=(16, 1),
            help="Average days from the start of a deal to its winning."),
        'get_average_cycle')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    @classmethod
    def _granularity(cls):
        period = Transaction().context.get('period')
        return period if period in {'day', 'week', 'month', 'quarter',
            'year'} else 'month'

    @classmethod
    def table_query(cls):
        granularity = cls._granularity()
        from_date, to_date = report_range()
        zero = Literal(0)
        opportunity, from_, where, amount = opportunities()
        # The parts group the key of a subquery: PostgreSQL does not match
        # a computed key in the GROUP BY with the same one in the SELECT
        # (each has its own parameters)
        keyed = from_.select(
            period_key(opportunity.start_date, granularity).as_('key'),
            opportunity.id,
            where=where & (opportunity.start_date >= from_date)
            & (opportunity.start_date <= to_date))
        created = keyed.select(keyed.key.as_('id'),
            Count(keyed.id).as_('created'), zero.as_('won'),
            zero.as_('lost'), zero.as_('won_amount'),
            zero.as_('cycle_days'),
            group_by=[keyed.key])
        opportunity, from_, where, amount = opportunities()
        keyed = from_.select(
            period_key(opportunity.end_date, granularity).as_('key'),
            opportunity.state, amount.as_('amount'),
            (period_key(opportunity.end_date, 'day')
                - period_key(opportunity.start_date, 'day')).as_('cycle'),
            where=where & opportunity.state.in_(['won', 'lost'])
            & (opportunity.end_date >= from_date)
            & (opportunity.end_date <= to_date))
        won = keyed.state == 'won'
        closed = keyed.select(keyed.key.as_('id'), zero.as_('created'),
            Sum(Case((won, 1), else_=0)).as_('won'),
            Sum(Case((keyed.state == 'lost', 1), else_=0)).as_('lost'),
            Sum(Case((won, keyed.amount), else_=0)).as_('won_amount'),
            Sum(Case((won, keyed.cycle), else_=0)).as_('cycle_days'),
            group_by=[keyed.key])
        union = Union(created, closed, all_=True)
        return union.select(union.id.as_('id'),
            Sum(union.created).as_('created'), Sum(union.won).as_('won'),
            Sum(union.lost).as_('lost'),
            cls.won_amount.sql_cast(Sum(union.won_amount)).as_(
                'won_amount'),
            Sum(union.cycle_days).as_('cycle_days'),
            group_by=[union.id])

    def get_period(self, name):
        return key_label(self.id, self._granularity())

    def get_rec_name(self, name):
        return self.period

    @classmethod
    def get_dates(cls, rows, names):
        granularity = cls._granularity()
        from_date, to_date = report_range()
        result = {n: {} for n in names}
        for row in rows:
            if 'start_date' in names:
                result['start_date'][row.id] = max(
                    key_start(row.id, granularity), from_date)
            if 'end_date' in names:
                result['end_date'][row.id] = min(
                    key_end(row.id, granularity), to_date)
        return result

    def get_win_rate(self, name):
        if self.won or self.lost:
            return self.won / (self.won + self.lost)

    def get_average_deal(self, name):
        if self.won:
            return self.currency.round(self.won_amount / self.won)

    def get_average_cycle(self, name):
        if self.won:
            return self.cycle_days / self.won

    @classmethod
    def drill_domain(cls, rows):
        "The opportunities won and lost in the periods of rows"
        return owner_domain() + [
            ('state', 'in', ['won', 'lost']),
            ['OR'] + [[
                    ('end_date', '>=', r.start_date),
                    ('end_date', '<=', r.end_date),
                    ] for r in rows],
            ]


class PipelineLostReason(_PipelineReportMixin):
    "The opportunities lost in the period by reason"
    __name__ = 'crm.analytics.pipeline.lost_reason'
    __string__ = "Lost Reasons"
    reason = fields.Many2One('crm.lost_reason', "Reason")
    number = fields.Integer("Lost")
    share = fields.Float("Share %", digits=(16, 4),
        help="Share of the opportunities lost in the period.")
    amount = Monetary("Amount", currency='currency', digits='currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('number', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        from_date, to_date = report_range()
        opportunity, from_, where, amount = opportunities()
        reason = opportunity.lost_reason_category
        number = Count(opportunity.id)
        return from_.select((Coalesce(reason, 0) + 1).as_('id'),
            reason.as_('reason'), number.as_('number'),
            cls.share.sql_cast(number * 1.0
                / Sum(number, window=Window([]))).as_('share'),
            cls.amount.sql_cast(Sum(amount)).as_('amount'),
            where=where & (opportunity.state == 'lost')
            & (opportunity.end_date >= from_date)
            & (opportunity.end_date <= to_date),
            group_by=[reason])

    def get_rec_name(self, name):
        return self.reason.rec_name if self.reason else gettext(
            'crm_plus.msg_analytics_no_value')

    @classmethod
    def drill_domain(cls, rows):
        from_date, to_date = report_range()
        return owner_domain() + [
            ('state', '=', 'lost'),
            ('end_date', '>=', from_date), ('end_date', '<=', to_date),
            ('lost_reason_category', 'in',
                [r.reason.id if r.reason else None for r in rows]),
            ]
