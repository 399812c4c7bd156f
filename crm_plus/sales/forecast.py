"""Sales targets and the monthly forecast.

A forecast row is a month: the weighted pipeline of the open opportunities
expected to close in it, the committed sales of it, its target, the
committed sales of the same month a year before and a run rate projected
from the committed sales of the previous months.
"""
import datetime
from collections import defaultdict
from decimal import Decimal

from sql import Cast, Literal, Null, Union, Values
from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from ..migration import rename_model
from ..security import ReadOnlyQueryMixin
from .opportunity import OPEN_STATES
from .pipeline import SalesFilterContextMixin, restricted_employees
from .sale import COMMITTED_STATES


def month_key(date):
    return date.year * 12 + date.month - 1


def key_month(key):
    return datetime.date(key // 12, key % 12 + 1, 1)


def sql_month_key(column):
    return Cast(
        Extract('YEAR', column) * 12 + Extract('MONTH', column) - 1,
        'INTEGER')


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    forecast_run_rate_months = fields.Integer(
        "Run Rate Months", required=True,
        domain=[('forecast_run_rate_months', '>', 0)],
        help="Number of past months averaged into the forecast run rate.")

    @classmethod
    def default_forecast_run_rate_months(cls):
        return 3


class SalesTarget(ModelSQL, ModelView):
    __name__ = 'crm.sale.target'
    __string__ = "Sales Target"
    company = fields.Many2One('company.company', "Company", required=True)
    month = fields.Date(
        "Month", required=True,
        help="Any day of the month; stored as its first day.")
    employee = fields.Many2One(
        'company.employee', "Employee",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('team', False),
            })
    team = fields.Many2One(
        'crm.team', "Team",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('employee', False),
            })
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True)
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('id', 'DESC')]

    @classmethod
    def __register__(cls, module):
        # Migration from crm.sales.target
        rename_model(
            'crm.sales.target', cls.__name__, 'crm_sales_target', cls._table)
        super().__register__(module)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('month'):
            values['month'] = values['month'].replace(day=1)
        return values

    def get_rec_name(self, name):
        owner = self.employee or self.team or self.company
        return f'{self.month:%Y-%m} {owner.rec_name}'


class Forecast(ReadOnlyQueryMixin, ModelSQL, ModelView):
    __name__ = 'crm.sale.forecast'
    __string__ = "Sales Forecast"
    month = fields.Function(fields.Date("Month Start"), 'get_month')
    period = fields.Function(fields.Char("Month"), 'get_period')
    weighted = Monetary(
        "Weighted Pipeline", currency='currency', digits='currency',
        help="Amount times stage probability of the open opportunities "
        "expected to close in the month.")
    committed = Monetary(
        "Committed", currency='currency', digits='currency',
        help="Untaxed amount of the confirmed sales of the month.")
    forecast = fields.Function(Monetary(
            "Forecast", currency='currency', digits='currency',
            help="Committed plus weighted pipeline."), 'get_forecast')
    target = Monetary("Target", currency='currency', digits='currency')
    last_year = Monetary(
        "Last Year", currency='currency', digits='currency',
        help="Committed sales of the same month one year before.")
    run_rate = fields.Function(Monetary(
            "Run Rate", currency='currency', digits='currency',
            help="Average committed sales of the previous months."),
        'get_run_rate')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    @classmethod
    def __register__(cls, module):
        # Migration from crm.sales.forecast
        rename_model('crm.sales.forecast', cls.__name__)
        super().__register__(module)

    @classmethod
    def _employees(cls):
        "Employee ids the figures are limited to, or None"
        pool = Pool()
        Team = pool.get('crm.team')
        context = Transaction().context
        employees = None
        if context.get('owner'):
            employees = {context['owner']}
        if context.get('team'):
            team = Team(context['team'])
            members = {m.id for m in team.members}
            if team.manager:
                members.add(team.manager.id)
            employees = members if employees is None else employees & members
        allowed = restricted_employees()
        if allowed is not None:
            employees = allowed if employees is None else employees & allowed
        if employees is not None:
            return list(employees) or [-1]

    @classmethod
    def _key_range(cls):
        context = Transaction().context
        from_key = to_key = None
        if context.get('from_date'):
            from_key = month_key(context['from_date'])
        if context.get('to_date'):
            to_key = month_key(context['to_date'])
        return from_key, to_key

    @classmethod
    def _where_date(cls, column, shift=0):
        """Condition on a date column to be in the months of the context
        range shifted back by months, as a range the indexes can use"""
        from_key, to_key = cls._key_range()
        where = column != Null
        if from_key is not None:
            where &= column >= key_month(from_key - shift)
        if to_key is not None:
            where &= column < key_month(to_key - shift + 1)
        return where

    @classmethod
    def _committed_query(cls, shift=0):
        """Committed sales as (date, amount) summed per sale date, for the
        context months shifted back by months

        The date is an aggregate (see table_query)."""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Opportunity = pool.get('sale.opportunity')
        Party = pool.get('party.party')
        context = Transaction().context
        sale = Sale.__table__()
        where = ((sale.company == context.get('company'))
            & sale.state.in_(cls._committed_states())
            & cls._where_date(sale.sale_date, shift))

        def origin_opportunity(name):
            """The column of the opportunity the sale comes from, looked up
            per sale by primary key: a join makes PostgreSQL hash every
            opportunity"""
            opportunity = Opportunity.__table__()
            return opportunity.select(getattr(opportunity, name),
                where=sale.origin.like('sale.opportunity,%')
                & (opportunity.id == Sale.origin.sql_id(
                        sale.origin, Opportunity)))

        from_item = sale
        employees = cls._employees()
        if employees is not None:
            # The owner is the employee of the opportunity the sale comes
            # from, otherwise the owner of the customer
            party = Party.__table__()
            from_item = from_item.join(
                party, condition=sale.party == party.id)
            owner = Coalesce(origin_opportunity('employee'), party.crm_owner)
            where &= owner.in_(employees)
        if context.get('pipeline'):
            where &= origin_opportunity('pipeline') == context['pipeline']
        return from_item.select(
            Min(sale.sale_date).as_('date'),
            Sum(sale.untaxed_amount_cache).as_('amount'),
            where=where,
            group_by=[sale.sale_date])

    @classmethod
    def _committed_states(cls):
        return COMMITTED_STATES

    @classmethod
    def table_query(cls):
        """Each source is summed per date first, so the month key of a date
        is computed once per distinct date instead of once per record.

        The key of a group is computed from MIN(date) rather than from the
        grouping column: PostgreSQL pushes a condition on the key (the ORM
        reads the rows by id) into the HAVING of the groups instead of
        evaluating it on every record."""
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Stage = pool.get('crm.pipeline.stage')
        Target = pool.get('crm.sale.target')
        context = Transaction().context
        company = context.get('company')
        numeric = Opportunity.amount.sql_type().base
        zero = Cast(Literal(0), numeric)

        # The amounts are summed per date and probability before they are
        # weighted: the product of the sum equals the sum of the products
        # computed per opportunity, with a fraction of the work
        opportunity = Opportunity.__table__()
        where = ((opportunity.company == company)
            & opportunity.state.in_(OPEN_STATES)
            & cls._where_date(opportunity.end_date))
        employees = cls._employees()
        if employees is not None:
            where &= opportunity.employee.in_(employees)
        if context.get('pipeline'):
            where &= opportunity.pipeline == context['pipeline']
        amounts = opportunity.select(
            opportunity.end_date.as_('date'),
            opportunity.stage,
            opportunity.conversion_probability,
            Sum(Coalesce(opportunity.amount, 0)).as_('amount'),
            where=where,
            group_by=[
                opportunity.end_date, opportunity.stage,
                opportunity.conversion_probability])
        stage = Stage.__table__()
        probability = Cast(
            Coalesce(stage.probability, amounts.conversion_probability),
            numeric)
        weighted = amounts.join(stage, 'LEFT',
            condition=amounts.stage == stage.id).select(
            sql_month_key(Min(amounts.date)).as_('key'),
            Sum(amounts.amount * probability).as_('weighted'),
            zero.as_('committed'), zero.as_('target'),
            zero.as_('last_year'),
            group_by=[amounts.date])

        committed = cls._committed_query()
        committed = committed.select(
            sql_month_key(committed.date).as_('key'), zero.as_('weighted'),
            committed.amount.as_('committed'),
            zero.as_('target'), zero.as_('last_year'))
        last_year = cls._committed_query(shift=12)
        last_year = last_year.select(
            (sql_month_key(last_year.date) + 12).as_('key'),
            zero.as_('weighted'),
            zero.as_('committed'), zero.as_('target'),
            last_year.amount.as_('last_year'))

        target = Target.__table__()
        where = (target.company == company) & cls._where_date(target.month)
        allowed = restricted_employees()
        if context.get('owner'):
            where &= target.employee == context['owner']
            if allowed is not None and context['owner'] not in allowed:
                where &= target.id == Null
        elif allowed is not None:
            where &= target.employee.in_(list(allowed) or [-1])
        elif context.get('team'):
            where &= (target.team == context['team']) & (
                target.employee == Null)
        else:
            where &= (target.team == Null) & (target.employee == Null)
        targets = target.select(
            sql_month_key(target.month).as_('key'),
            zero.as_('weighted'), zero.as_('committed'),
            target.amount.as_('target'), zero.as_('last_year'),
            where=where)

        sources = [weighted, committed, last_year, targets]
        from_key, to_key = cls._key_range()
        if from_key is not None and to_key is not None:
            # Every month of the range, with zeros when nothing happened
            months = Values([[k] for k in range(from_key, to_key + 1)])
            sources.append(months.select(
                    months.column1.as_('key'), zero.as_('weighted'),
                    zero.as_('committed'), zero.as_('target'),
                    zero.as_('last_year')))
        union = Union(*sources, all_=True)
        return union.select(
            union.key.as_('id'),
            Sum(union.weighted).as_('weighted'),
            Sum(union.committed).as_('committed'),
            Sum(union.target).as_('target'),
            Sum(union.last_year).as_('last_year'),
            group_by=[union.key])

    def get_month(self, name):
        return key_month(self.id)

    def get_period(self, name):
        "The month as 2026-12, or 2026年12月 in Chinese"
        year, month = divmod(self.id, 12)
        language = Transaction().language or ''
        if language.startswith('zh'):
            return f'{year}年{month + 1}月'
        return f'{year}-{month + 1:02d}'

    def get_forecast(self, name):
        return (self.committed or 0) + (self.weighted or 0)

    @classmethod
    def get_run_rate(cls, forecasts, name):
        "Average committed amount of the N months before each month"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        cursor = Transaction().connection.cursor()
        months = Configuration(1).forecast_run_rate_months or 1
        keys = [f.id for f in forecasts]
        if not keys:
            return {}
        with Transaction().set_context(
                from_date=key_month(min(keys) - months),
                to_date=key_month(max(keys) - 1)):
            query = cls._committed_query()
        query = query.select(
            sql_month_key(query.date).as_('key'), query.amount)
        cursor.execute(*query.select(
                query.key, Sum(query.amount), group_by=[query.key]))
        committed = defaultdict(Decimal)
        for key, amount in cursor:
            committed[key] = Decimal(str(amount or 0))
        currency = forecasts[0].currency
        result = {}
        for key in keys:
            amount = sum(
                committed[k] for k in range(key - months, key)) / months
            result[key] = currency.round(amount) if currency else amount
        return result

    @classmethod
    def get_currency(cls, forecasts, name):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        currency = None
        if company is not None and company >= 0:
            currency = Company(company).currency.id
        return {f.id: currency for f in forecasts}

    def get_rec_name(self, name):
        return self.period


class ForecastContext(SalesFilterContextMixin, ModelView):
    __name__ = 'crm.sale.forecast.context'
    __string__ = "Sales Forecast Context"

    @classmethod
    def __register__(cls, module):
        # Migration from crm.sales.forecast.context
        rename_model('crm.sales.forecast.context', cls.__name__)
        super().__register__(module)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.from_date.required = True
        cls.to_date.required = True

    @classmethod
    def default_owner(cls):
        "Users who only see their own figures start on their employee"
        if restricted_employees() is not None:
            return Transaction().context.get('employee')

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        return context.get('from_date') or Date.today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if context.get('to_date'):
            return context['to_date']
        today = Date.today()
        return datetime.date(today.year + 1, today.month, 1) - (
            datetime.timedelta(days=1))
