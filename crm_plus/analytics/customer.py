"""Customer analytics: the customers by region, industry, size, level,
lifecycle and source; new, ordering, first-ordering and lost customers per
period; the customers without an order for N days; the retention of the
cohorts of the month of their first order; and RFM segments.

A customer is a party with a CRM kind; an order is a sale of the context's
company in a confirmed, processing or done state (``sales.SALE_STATES``),
its amount the lines' in the company's currency (``sales.sale_lines``,
read as the customers' day rows of the sales by customer: from the sales
summary when it answers for the user).
The figures hold only the customers and the sales the user may list
(``rule_scope`` on both).  Dates of timestamps (creation) are UTC days.
"""
import datetime as dt

from dateutil.relativedelta import relativedelta
from sql import Cast, Literal, Null, Union, Window
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Ntile
from sql.operators import Concat

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..security import ReadOnlyQueryMixin
from .common import (
    AnalyticsContextMixin, DrillDownMixin, date_key, date_of, key_end,
    key_label, key_start, owned_parties, period_key, report_range,
    rule_scope)
from .sales import SALE_STATES

DIMENSIONS = [
    ('province', "Province"),
    ('city', "City"),
    ('district', "District"),
    ('industry', "Industry"),
    ('headcount', "Company Size"),
    ('level', "Level"),
    ('lifecycle', "Lifecycle"),
    ('source', "Source"),
    ]
#: the dimensions that are a field of the customer
PARTY_DIMENSIONS = {'industry': 'crm_industry', 'headcount': 'crm_headcount',
    'level': 'crm_level', 'lifecycle': 'crm_lifecycle',
    'source': 'crm_source'}
ADDRESS_DIMENSIONS = {'province': 'subdivision', 'city': 'crm_city',
    'district': 'crm_district'}
SEGMENTS = [
    ('champions', "Champions"),
    ('loyal', "Loyal"),
    ('promising', "Promising"),
    ('need_attention', "Need Attention"),
    ('at_risk', "At Risk"),
    ('hibernating', "Hibernating"),
    ]
RETENTION_MONTHS = [1, 3, 6, 12]


def customers(party):
    "The condition of the CRM customers on the party table"
    return (party.crm_kind != Null) & (party.active == Literal(True))


def customer_scope(party):
    """The FROM and WHERE of the customers the user may list, of the
    context's owner and team"""
    Party = Pool().get('party.party')
    from_, rule_where, _ = rule_scope(Party, party)
    where = customers(party)
    if rule_where is not None:
        where &= rule_where
    owned = owned_parties()
    if owned is not None:
        where &= party.id.in_(owned)
    return from_, where


def orders(sale=None):
    """The sale table, the FROM and the WHERE of the orders of the context's
    company the user may list, of the context's owner and team"""
    Sale = Pool().get('sale.sale')
    if sale is None:
        sale = Sale.__table__()
    from_, rule_where, _ = rule_scope(Sale, sale)
    where = ((sale.company == Transaction().context.get('company'))
        & sale.state.in_(SALE_STATES))
    if rule_where is not None:
        where &= rule_where
    owned = owned_parties()
    if owned is not None:
        where &= sale.party.in_(owned)
    return sale, from_, where


def month_key(column):
    return period_key(column, 'month')


class CustomerContext(AnalyticsContextMixin, ModelView):
    __name__ = 'crm.analytics.customer.context'
    __string__ = "Customer Analytics Context"
    dimension = fields.Selection(DIMENSIONS, "Group By", required=True,
        help="What the customer distribution is grouped by "
        "(the region of the customer's first address).")
    inactive_days = fields.Integer("Days Without Order", required=True,
        domain=[('inactive_days', '>', 0)],
        help="The customers whose last order is older are listed.")

    @classmethod
    def default_dimension(cls):
        return Transaction().context.get('dimension', 'province')

    @classmethod
    def default_inactive_days(cls):
        return Transaction().context.get('inactive_days', 90)


class _CustomerReportMixin(DrillDownMixin, ReadOnlyQueryMixin, ModelSQL,
        ModelView):
    """A report whose rows are customers grouped: ``_customer_query()``
    gives the FROM, the WHERE, the party table, the row id of each
    customer and what else table_query needs; the drill-down opens the customers of the rows"""
    __slots__ = ()
    _drill_model = 'party.party'

    @classmethod
    def _customer_query(cls):
        raise NotImplementedError

    @classmethod
    def drill_domain(cls, rows):
        from_, where, party, row_id, _ = cls._customer_query()
        cursor = Transaction().connection.cursor()
        ids = [r.id for r in rows] or [None]
        cursor.execute(*from_.select(party.id,
                where=where & row_id.in_(ids)))
        return [('id', 'in', [i for i, in cursor])]

    def get_currency(self, name):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id


class CustomerDistribution(_CustomerReportMixin):
    """The customers by the context's dimension: their number, those
    created in the period, those who ordered in it and their orders'
    amount"""
    __name__ = 'crm.analytics.customer.distribution'
    __string__ = "Customer Distribution"
    value = fields.Function(fields.Char("Value"), 'get_value')
    province = fields.Many2One('country.subdivision', "Province")
    city = fields.Many2One('crm.region', "City")
    district = fields.Many2One('crm.region', "District")
    industry = fields.Many2One('crm.industry', "Industry")
    headcount = fields.Selection('get_headcounts', "Company Size")
    level = fields.Many2One('crm.customer.level', "Level")
    lifecycle = fields.Selection('get_lifecycles', "Lifecycle")
    source = fields.Many2One('crm.customer.source', "Source")
    customers = fields.Integer("Customers")
    share = fields.Float("Share %", digits=(16, 4),
        help="Share of all the customers of the report.")
    new = fields.Integer("New", help="Customers created in the period.")
    ordering = fields.Integer("Ordering",
        help="Customers with an order in the period.")
    amount = Monetary("Amount", currency='currency', digits='currency',
        help="Amount of their orders in the period.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('customers', 'DESC'), ('id', 'ASC')]

    @classmethod
    def get_headcounts(cls):
        Party = Pool().get('party.party')
        return Party.fields_get(['crm_headcount'])['crm_headcount'][
            'selection']

    @classmethod
    def get_lifecycles(cls):
        Party = Pool().get('party.party')
        return [(None, '')] + Party.fields_get(['crm_lifecycle'])[
            'crm_lifecycle']['selection']

    @classmethod
    def _dimension(cls):
        dimension = Transaction().context.get('dimension')
        return dimension if dimension in dict(DIMENSIONS) else 'province'

    @classmethod
    def _dimension_column(cls, party):
        "The FROM addition and the column of the dimension"
        dimension = cls._dimension()
        if dimension in PARTY_DIMENSIONS:
            return None, getattr(party, PARTY_DIMENSIONS[dimension])
        Address = Pool().get('party.address')
        address, first = Address.__table__(), Address.__table__()
        firsts = first.select(first.party, Min(first.id).as_('id'),
            where=first.active == Literal(True), group_by=[first.party])
        return (firsts, address), getattr(
            address, ADDRESS_DIMENSIONS[dimension])

    @classmethod
    def _row_id(cls, column):
        dimension = cls._dimension()
        if dimension in {'headcount', 'lifecycle'}:
            values = [v for v, _ in (cls.get_headcounts()
                    if dimension == 'headcount' else cls.get_lifecycles())
                if v]
            return Case(*((column == v, i + 2) for i, v in enumerate(
                        values)), else_=1)
        return Coalesce(column, 0) + 1

    @classmethod
    def _customer_query(cls):
        Party = Pool().get('party.party')
        party = Party.__table__()
        from_, where = customer_scope(party)
        joins, column = cls._dimension_column(party)
        if joins:
            firsts, address = joins
            from_ = (from_
                .join(firsts, 'LEFT', condition=firsts.party == party.id)
                .join(address, 'LEFT', condition=address.id == firsts.id))
        return from_, where, party, cls._row_id(column), column

    @classmethod
    def table_query(cls):
        from_date, to_date = report_range()
        from_, where, party, row_id, column = cls._customer_query()
        # the day rows of the sales by customer: from the summary when it
        # answers for the user
        days = Pool().get('crm.analytics.sale.customer')._days(
            from_date, to_date)
        bought = days.select(days.key.as_('party'),
            Sum(days.amount).as_('amount'), group_by=[days.key])
        from_ = from_.join(bought, 'LEFT', condition=bought.party == party.id)
        created = date_of(party.create_date)
        dimension = cls._dimension()
        columns = [row_id.as_('id')]
        for name, _ in DIMENSIONS:
            if name == dimension:
                columns.append(column.as_(name))
            elif name in {'headcount', 'lifecycle'}:
                columns.append(Cast(Literal(None), 'VARCHAR').as_(name))
            else:
                columns.append(Cast(Literal(None),
                        cls.id.sql_type().base).as_(name))
        return from_.select(*columns,
            Count(party.id).as_('customers'),
            cls.share.sql_cast(Count(party.id) * 1.0
                / Sum(Count(party.id), window=Window([]))).as_('share'),
            Sum(Case(((created >= from_date) & (created <= to_date), 1),
                    else_=0)).as_('new'),
            Count(bought.party).as_('ordering'),
            cls.amount.sql_cast(Coalesce(Sum(bought.amount), 0)).as_(
                'amount'),
            where=where, group_by=[column])

    def get_value(self, name):
        value = getattr(self, self._dimension())
        if not value:
            return gettext('crm_plus.msg_analytics_no_value')
        if isinstance(value, str):
            field = self._fields[self._dimension()]
            return dict(field.selection if isinstance(field.selection, list)
                else getattr(self, field.selection)()).get(value, value)
        return value.rec_name

    def get_rec_name(self, name):
        return self.value


class CustomerPeriod(_CustomerReportMixin):
    """Per period: the customers created, those with their first order,
    those who ordered and those marked lost"""
    __name__ = 'crm.analytics.customer.period'
    __string__ = "Customers by Period"
    period = fields.Function(fields.Char("Period"), 'get_period')
    start_date = fields.Function(fields.Date("Start"), 'get_dates')
    end_date = fields.Function(fields.Date("End"), 'get_dates')
    new = fields.Integer("New", help="Customers created in the period.")
    first_order = fields.Integer("First Order",
        help="Customers whose first order is in the period: they became "
        "active.")
    ordering = fields.Integer("Active",
        help="Customers with an order in the period.")
    lost = fields.Integer("Lost",
        help="Customers marked lost in the period (their lost date).")

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
        measures = ['new', 'first_order', 'ordering', 'lost']

        def part(query, key, measure, value):
            return query.select(key.as_('id'), *(
                    (value if m == measure else zero).as_(m)
                    for m in measures), group_by=[key])

        Party = Pool().get('party.party')
        party = Party.__table__()
        p_from, p_where = customer_scope(party)
        # Each part groups the key of a subquery: PostgreSQL does not match
        # a computed key in the GROUP BY with the same one in the SELECT
        # (each has its own parameters)
        created = date_of(party.create_date)
        keyed = p_from.select(period_key(created, granularity).as_('key'),
            party.id.as_('party'),
            where=p_where & (created >= from_date) & (created <= to_date))
        new = part(keyed, keyed.key, 'new', Count(keyed.party))
        party = Party.__table__()
        p_from, p_where = customer_scope(party)
        keyed = p_from.select(
            period_key(party.crm_lost_date, granularity).as_('key'),
            party.id.as_('party'),
            where=p_where & (party.crm_lifecycle == 'lost')
            & (party.crm_lost_date >= from_date)
            & (party.crm_lost_date <= to_date))
        lost = part(keyed, keyed.key, 'lost', Count(keyed.party))
        sale, s_from, s_where = orders()
        firsts = s_from.select(sale.party, Min(sale.sale_date).as_('date'),
            where=s_where, group_by=[sale.party])
        keyed = firsts.select(period_key(firsts.date, granularity).as_('key'),
            firsts.party,
            where=(firsts.date >= from_date) & (firsts.date <= to_date))
        first = part(keyed, keyed.key, 'first_order', Count(keyed.party))
        sale, s_from, s_where = orders()
        keyed = s_from.select(
            period_key(sale.sale_date, granularity).as_('key'), sale.party,
            where=s_where & (sale.sale_date >= from_date)
            & (sale.sale_date <= to_date))
        ordering = part(keyed, keyed.key, 'ordering',
            Count(keyed.party, distinct=True))
        union = Union(new, first, ordering, lost, all_=True)
        return union.select(union.id.as_('id'),
            *(Sum(getattr(union, m)).as_(m) for m in measures),
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

    @classmethod
    def _customer_query(cls):
        "The customers created in the period of a row"
        Party = Pool().get('party.party')
        party = Party.__table__()
        from_, where = customer_scope(party)
        from_date, to_date = report_range()
        created = date_of(party.create_date)
        where &= (created >= from_date) & (created <= to_date)
        return (from_, where, party,
            period_key(created, cls._granularity()), None)


class CustomerInactive(_CustomerReportMixin):
    """The customers with orders, none in the last N days (the context's),
    with their last order and their orders of the last 12 months"""
    __name__ = 'crm.analytics.customer.inactive'
    __string__ = "Customers Without Orders"
    party = fields.Many2One('party.party', "Customer")
    employee = fields.Many2One('company.employee', "Owner")
    last_order = fields.Date("Last Order")
    days = fields.Integer("Days Without Order")
    orders_12m = fields.Integer("Orders 12 Months",
        help="Orders of the last 12 months.")
    amount_12m = Monetary("Amount 12 Months", currency='currency',
        digits='currency', help="Amount of the orders of the last 12 months.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('last_order', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _today(cls):
        Date = Pool().get('ir.date')
        return Transaction().context.get('to_date') or Date.today()

    @classmethod
    def _customer_query(cls):
        Party = Pool().get('party.party')
        party = Party.__table__()
        from_, where = customer_scope(party)
        days = Transaction().context.get('inactive_days') or 90
        today = cls._today()
        sale, s_from, s_where = orders()
        last = s_from.select(sale.party, Max(sale.sale_date).as_('date'),
            where=s_where & (sale.sale_date <= today), group_by=[sale.party])
        from_ = from_.join(last, condition=last.party == party.id)
        where &= last.date < today - dt.timedelta(days=days)
        return from_, where, party, party.id, last

    @classmethod
    def table_query(cls):
        from_, where, party, _, last = cls._customer_query()
        today = cls._today()
        # the customers' day rows: a sale has one day, their counts add up
        days = Pool().get('crm.analytics.sale.customer')._days(
            today - relativedelta(months=12) + dt.timedelta(days=1), today)
        recent = days.select(days.key.as_('party'),
            Sum(days.amount).as_('amount'), Sum(days.number).as_('number'),
            group_by=[days.key])
        from_ = from_.join(recent, 'LEFT', condition=recent.party == party.id)
        return from_.select(party.id.as_('id'), party.id.as_('party'),
            party.crm_owner.as_('employee'), last.date.as_('last_order'),
            (Literal(date_key(today, 'day')) - period_key(last.date, 'day')).as_(
                'days'),
            Coalesce(recent.number, 0).as_('orders_12m'),
            cls.amount_12m.sql_cast(Coalesce(recent.amount, 0)).as_(
                'amount_12m'),
            where=where)

    def get_rec_name(self, name):
        return self.party.rec_name if self.party else ''


class CustomerCohort(_CustomerReportMixin):
    """The customers by the month of their first order and the share of
    them ordering in the 1st, 3rd, 6th and 12th month after"""
    __name__ = 'crm.analytics.customer.cohort'
    __string__ = "Customer Cohorts"
    cohort = fields.Function(fields.Char("Cohort"), 'get_cohort')
    customers = fields.Integer("Customers",
        help="Customers whose first order is in the month.")
    month_1 = fields.Integer("Month 1")
    month_3 = fields.Integer("Month 3")
    month_6 = fields.Integer("Month 6")
    month_12 = fields.Integer("Month 12")
    rate_1 = fields.Function(fields.Float("Month 1 %", digits=(16, 4),
            help="Share of the cohort ordering in the month after its "
            "first."), 'get_rate')
    rate_3 = fields.Function(fields.Float("Month 3 %", digits=(16, 4),
            help="Share of the cohort ordering 3 months after its first."),
        'get_rate')
    rate_6 = fields.Function(fields.Float("Month 6 %", digits=(16, 4),
            help="Share of the cohort ordering 6 months after its first."),
        'get_rate')
    rate_12 = fields.Function(fields.Float("Month 12 %", digits=(16, 4),
            help="Share of the cohort ordering 12 months after its first."),
        'get_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    @classmethod
    def _firsts(cls):
        sale, s_from, s_where = orders()
        key = month_key(sale.sale_date)
        return s_from.select(sale.party, Min(key).as_('key'),
            where=s_where, group_by=[sale.party])

    @classmethod
    def _customer_query(cls):
        firsts = cls._firsts()
        from_date, to_date = report_range()
        where = ((firsts.key >= date_key(from_date, 'month'))
            & (firsts.key <= date_key(to_date, 'month')))
        return firsts, where, _Alias(firsts.party), firsts.key, None

    @classmethod
    def table_query(cls):
        firsts, where, _, _, _ = cls._customer_query()
        sale, s_from, s_where = orders()
        key = month_key(sale.sale_date)
        months = s_from.select(sale.party, key.as_('key'),
            where=s_where, distinct=True)
        offset = months.key - firsts.key
        from_ = firsts.join(months, 'LEFT', condition=(
                months.party == firsts.party)
            & offset.in_(RETENTION_MONTHS))
        return from_.select(firsts.key.as_('id'),
            Count(firsts.party, distinct=True).as_('customers'),
            *(Count(Case((offset == m, months.party), else_=Null),
                    distinct=True).as_(f'month_{m}')
                for m in RETENTION_MONTHS),
            where=where, group_by=[firsts.key])

    def get_cohort(self, name):
        return key_label(self.id, 'month')

    def get_rec_name(self, name):
        return self.cohort

    def get_rate(self, name):
        Date = Pool().get('ir.date')
        months = int(name.split('_')[1])
        if (not self.customers
                or self.id + months > date_key(Date.today(), 'month')):
            return None
        return getattr(self, f'month_{months}') / self.customers


class _Alias:
    "A party column standing for the party table in the drill-down"
    __slots__ = ('id',)

    def __init__(self, column):
        self.id = column


class CustomerRFM(_CustomerReportMixin):
    """The customers who ordered in the period with their recency,
    frequency and monetary scores (quintiles 1-5, 5 the best) and their
    segment"""
    __name__ = 'crm.analytics.customer.rfm'
    __string__ = "Customer RFM"
    party = fields.Many2One('party.party', "Customer")
    employee = fields.Many2One('company.employee', "Owner")
    last_order = fields.Date("Last Order")
    recency = fields.Integer("Recency",
        help="Days from the last order to the end of the period.")
    frequency = fields.Integer("Frequency",
        help="Orders in the period.")
    monetary = Monetary("Monetary", currency='currency', digits='currency',
        help="Amount of the orders in the period.")
    r_score = fields.Integer("R")
    f_score = fields.Integer("F")
    m_score = fields.Integer("M")
    score = fields.Char("RFM")
    segment = fields.Selection(SEGMENTS, "Segment", sort=False)
    customers = fields.Integer("Customers")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('monetary', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _customer_query(cls):
        Party = Pool().get('party.party')
        party = Party.__table__()
        from_, where = customer_scope(party)
        return from_, where, party, party.id, None

    @classmethod
    def table_query(cls):
        from_, where, party, _, _ = cls._customer_query()
        from_date, to_date = report_range()
        days = Pool().get('crm.analytics.sale.customer')._days(
            from_date, to_date)
        figures = days.select(days.key.as_('party'),
            Max(days.date).as_('last_order'),
            Sum(days.number).as_('frequency'),
            Sum(days.amount).as_('monetary'),
            group_by=[days.key])
        from_ = from_.join(figures, condition=figures.party == party.id)

        def ntile(column):
            return Ntile(5, window=Window([],
                    order_by=[column.asc, party.id.asc]))
        scored = from_.select(party.id.as_('id'),
            party.crm_owner.as_('employee'),
            figures.last_order, figures.frequency, figures.monetary,
            ntile(figures.last_order).as_('r_score'),
            ntile(figures.frequency).as_('f_score'),
            ntile(figures.monetary).as_('m_score'),
            where=where)
        r, f, m = scored.r_score, scored.f_score, scored.m_score
        segment = Case(
            ((r >= 4) & (f >= 4) & (m >= 4), 'champions'),
            ((r >= 3) & (f >= 3), 'loyal'),
            (r >= 4, 'promising'),
            (r == 3, 'need_attention'),
            (f >= 3, 'at_risk'),
            else_='hibernating')
        char = cls.score.sql_type().base
        return scored.select(scored.id.as_('id'), scored.id.as_('party'),
            scored.employee.as_('employee'),
            scored.last_order.as_('last_order'),
            (Literal(date_key(to_date, 'day'))
                - period_key(scored.last_order, 'day')).as_('recency'),
            scored.frequency.as_('frequency'),
            cls.monetary.sql_cast(scored.monetary).as_('monetary'),
            r.as_('r_score'), f.as_('f_score'), m.as_('m_score'),
            Concat(Concat(Cast(r, char), Cast(f, char)),
                Cast(m, char)).as_('score'),
            segment.as_('segment'), Literal(1).as_('customers'))

    def get_rec_name(self, name):
        return self.party.rec_name if self.party else ''
