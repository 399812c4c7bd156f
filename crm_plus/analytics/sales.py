"""Sales analytics: amount, quantity, orders and margin by region, product,
product category, customer, owner, team and period, each beside the
previous period and the same period last year.

The figures are those of the lines of the confirmed, processing and done
sales of the context's company whose sale date is in the period (returns
are lines of negative quantity; draft, quotation and cancelled sales do not
count), in the company's currency at the rate of the sale date, and of the
sales the user may read (``rule_scope``).  A line's amount is rounded to
the currency's digits before it is summed, as the sale rounds it.

Each report sums day rows (``_days_live``: the lines per group and day);
for users who may read every sale of the company they come from the daily
summary (``summary.py``) instead of the lines.
"""
from decimal import Decimal

from sql import Cast, Literal, Union, With
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round
from sql.operators import Div

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..security import ReadOnlyQueryMixin
from .common import (
    BUCKETS_PER_YEAR, AnalyticsContextMixin, DrillDownMixin, change,
    date_key, key_end, key_label, key_start, last_year_range, owned_parties,
    period_key, previous_range, report_range, rule_scope)
from .summary import QUOTATION

SALE_STATES = ['confirmed', 'processing', 'done']
#: the measures every sales report has, each with its comparisons
MEASURES = ['amount', 'quantity', 'number']
REGION_LEVELS = [
    ('province', "Province"),
    ('city', "City"),
    ('district', "District"),
    ]


def sale_lines(from_date, to_date, dates=None):
    """The sale lines the reports count, from from_date to to_date (and on
    the dates of the query dates), as a query with the columns id, sale,
    date, party, product, address, quantity, amount and cost (the last two
    in the company's currency)"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    CostPrice = pool.get('product.cost_price')
    Rate = pool.get('currency.currency.rate')
    context = Transaction().context
    company_id = context.get('company')

    sale = Sale.__table__()
    line = Line.__table__()
    company = Company.__table__()
    currency = Currency.__table__()
    cost_price = CostPrice.__table__()

    from_, rule_where, tables = rule_scope(Sale, sale)

    def rate(currency_column):
        "The rate of the currency at the sale date, as Currency.compute"
        rate = Rate.__table__()
        return rate.select(rate.rate,
            where=(rate.currency == currency_column)
            & (rate.date <= sale.sale_date),
            order_by=[rate.date.desc], limit=1)

    from_ = from_.join(line, condition=line.sale == sale.id)
    from_ = from_.join(company, condition=company.id == sale.company)
    from_ = from_.join(currency, condition=currency.id == company.currency)
    from_ = from_.join(cost_price, 'LEFT', condition=(
            cost_price.product == line.product)
        & (cost_price.company == sale.company))

    where = ((sale.company == company_id)
        & sale.state.in_(SALE_STATES)
        & (sale.sale_date >= from_date) & (sale.sale_date <= to_date)
        & (line.type == 'line'))
    if dates is not None:
        where &= sale.sale_date.in_(dates)
    if rule_where is not None:
        where &= rule_where
    owned = owned_parties()
    if owned is not None:
        where &= sale.party.in_(owned)

    quantity = Coalesce(line.actual_quantity, line.quantity)
    # the rates are looked up for the sales in another currency only
    factor = Case((sale.currency == company.currency, 1),
        else_=Div(rate(company.currency), rate(sale.currency)))
    # NUMERIC: PostgreSQL rounds no double precision to digits
    numeric = Line.unit_price.sql_type().base
    exact_quantity = Cast(quantity, numeric)
    amount = Round(
        exact_quantity * line.unit_price * factor, currency.digits)
    return from_.select(
        line.id.as_('id'),
        sale.id.as_('sale'),
        sale.sale_date.as_('date'),
        sale.party.as_('party'),
        line.product.as_('product'),
        sale.shipment_address.as_('address'),
        quantity.as_('quantity'),
        amount.as_('amount'),
        (exact_quantity * Coalesce(cost_price.cost_price, 0)).as_('cost'),
        where=where)


class SalesContext(AnalyticsContextMixin, ModelView):
    __name__ = 'crm.analytics.sale.context'
    __string__ = "Sales Analytics Context"
    region_level = fields.Selection(REGION_LEVELS, "Region Level",
        required=True, help="The level the sales by region are grouped by.")

    @classmethod
    def default_region_level(cls):
        return Transaction().context.get('region_level', 'province')


class SalesReportMixin(DrillDownMixin, ReadOnlyQueryMixin, ModelSQL,
        ModelView):
    """The figures of the sale lines grouped by ``_dimension_query`` in the
    context's period, the previous period and the same period last year"""
    __slots__ = ()
    _drill_model = 'sale.sale'
    #: whether crm.analytics.sale.summary holds the report's day rows
    _summarized = True
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')
    amount = Monetary("Amount", currency='currency', digits='currency',
        help="Amount of the order lines, in the company's currency.")
    amount_previous = Monetary(
        "Previous Period", currency='currency', digits='currency',
        help="Amount in the period of the same length just before.")
    amount_change = fields.Function(fields.Float(
            "Change %", digits=(16, 4),
            help="Change of the amount against the previous period."),
        'get_change')
    amount_last_year = Monetary(
        "Last Year", currency='currency', digits='currency',
        help="Amount in the same period a year before.")
    amount_yoy = fields.Function(fields.Float(
            "Year on Year %", digits=(16, 4),
            help="Change of the amount against the same period last year."),
        'get_change')
    quantity = fields.Float("Quantity", digits=(16, 2))
    quantity_previous = fields.Float("Quantity Previous", digits=(16, 2))
    quantity_last_year = fields.Float("Quantity Last Year", digits=(16, 2))
    number = fields.Integer("Orders")
    number_previous = fields.Integer("Orders Previous")
    number_change = fields.Function(fields.Float(
            "Orders Change %", digits=(16, 4)), 'get_change')
    number_last_year = fields.Integer("Orders Last Year")
    number_yoy = fields.Function(fields.Float(
            "Orders Year on Year %", digits=(16, 4)), 'get_change')
    average_order = fields.Function(Monetary(
            "Average Order", currency='currency', digits='currency'),
        'get_average_order')
    margin = Monetary("Margin", currency='currency', digits='currency',
        help="Amount less the cost price of the quantities.")
    margin_rate = fields.Function(fields.Float(
            "Margin %", digits=(16, 4)), 'get_margin_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('amount', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _ranges(cls):
        "The current, previous and last year (from, to) of the context"
        current = report_range()
        return current, previous_range(*current), last_year_range(*current)

    @classmethod
    def _dimension_query(cls, lines):
        """The FROM the lines join, the name and the expression of the
        column the rows group by, and the other columns of the rows (name:
        expression, one value per group)"""
        raise NotImplementedError

    @classmethod
    def _dimension_names(cls):
        "The names of the group column and of the other columns"
        raise NotImplementedError

    @classmethod
    def _summary_dimension(cls):
        "The name of the report's rows in crm.analytics.sale.summary"
        return cls.__name__

    @classmethod
    def _summary_contexts(cls):
        "The contexts of the report's dimensions in the summary"
        return [{}]

    @classmethod
    def _days_live(cls, start, end, dates=None, lines=None):
        """The lines from start to end (on dates) summed per group and day:
        key, date, the other columns, amount, quantity, number and cost;
        lines: a table of those sale_lines gives instead of its query"""
        if lines is None:
            lines = sale_lines(start, end, dates)
        from_, _, key, others = cls._dimension_query(lines)
        return from_.select(
            key.as_('key'), lines.date.as_('date'),
            *(Max(e).as_(n) for n, e in others.items()),
            Sum(lines.amount).as_('amount'),
            Sum(lines.quantity).as_('quantity'),
            # a sale has one date: its days' counts add up
            Count(lines.sale, distinct=True).as_('number'),
            Sum(lines.cost).as_('cost'),
            group_by=[key, lines.date])

    @classmethod
    def _days(cls, start, end):
        "The day rows, from the summary where it holds them and answers"
        SaleSummary = Pool().get('crm.analytics.sale.summary')
        if not cls._summarized:
            return cls._days_live(start, end)
        return SaleSummary.days(cls._summary_dimension(),
            lambda dates: cls._days_live(start, end, dates), start, end)

    @classmethod
    def table_query(cls):
        """In two steps: the lines summed per group and day (``_days``),
        then the days of each period pivoted into its columns, so that a
        line's amount is computed once however many periods it counts in
        (the previous period and last year's may overlap)"""
        ranges = cls._ranges()
        start = min(r[0] for r in ranges)
        end = max(r[1] for r in ranges)
        name, others = cls._dimension_names()
        days = cls._days(start, end)
        columns = [
            (Coalesce(days.key, 0) + 1).as_('id'),
            days.key.as_(name),
            ]
        columns += [Max(getattr(days, n)).as_(n) for n in others]
        for suffix, (from_date, to_date) in zip(
                ['', '_previous', '_last_year'], ranges):
            within = (days.date >= from_date) & (days.date <= to_date)
            columns += [
                cls.amount.sql_cast(Sum(Case((within, days.amount),
                            else_=0))).as_('amount' + suffix),
                Sum(Case((within, days.quantity), else_=0)).as_(
                    'quantity' + suffix),
                Sum(Case((within, days.number), else_=0)).as_(
                    'number' + suffix),
                ]
            if not suffix:
                columns.append(cls.margin.sql_cast(Sum(Case((within,
                                    days.amount - days.cost), else_=0))).as_(
                        'margin'))
        current = ranges[0]
        # the groups with a line in the period
        return days.select(*columns,
            group_by=[days.key],
            having=Max(Case(((days.date >= current[0])
                        & (days.date <= current[1]), 1), else_=0)) == 1)

    def get_currency(self, name):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id

    def get_change(self, name):
        if name.endswith('_yoy'):
            base, reference = name[:-4], name[:-4] + '_last_year'
        else:
            base, reference = name[:-7], name[:-7] + '_previous'
        return change(getattr(self, base), getattr(self, reference))

    def get_average_order(self, name):
        if self.number:
            return (self.amount / self.number).quantize(Decimal('0.01'))

    def get_margin_rate(self, name):
        if self.amount:
            return float(self.margin / self.amount)

    @classmethod
    def drill_domain(cls, rows):
        "The sales behind rows in the context's period"
        from_date, to_date = report_range()
        context = Transaction().context
        domain = [
            ('company', '=', context.get('company')),
            ('state', 'in', SALE_STATES),
            ('sale_date', '>=', from_date),
            ('sale_date', '<=', to_date),
            ]
        if context.get('owner'):
            domain.append(('party.crm_owner', '=', context['owner']))
        if context.get('team'):
            domain.append(('party.crm_team', '=', context['team']))
        domain.append(['OR'] + [r._sale_domain() for r in rows])
        return domain

    def _sale_domain(self):
        raise NotImplementedError


class _DimensionMixin:
    "A report grouped by one column of the lines, joined to a table"
    __slots__ = ()
    _dimension = None

    @classmethod
    def _dimension_column(cls, lines):
        "The FROM and the column of the dimension"
        return lines, getattr(lines, cls._dimension)

    @classmethod
    def _dimension_query(cls, lines):
        from_, column = cls._dimension_column(lines)
        return from_, cls._dimension, column, {}

    @classmethod
    def _dimension_names(cls):
        return cls._dimension, []

    def get_rec_name(self, name):
        value = getattr(self, self._dimension)
        return value.rec_name if value else gettext(
            'crm_plus.msg_analytics_no_value')

    def _sale_domain(self):
        value = getattr(self, self._dimension)
        return [(self._sale_path(), '=', value.id if value else None)]

    @classmethod
    def _sale_path(cls):
        return cls._dimension


class SalesByProduct(_DimensionMixin, SalesReportMixin):
    __name__ = 'crm.analytics.sale.product'
    __string__ = "Sales by Product"
    _dimension = 'product'
    product = fields.Many2One('product.product', "Product")

    @classmethod
    def _sale_path(cls):
        return 'lines.product'


class SalesByCategory(_DimensionMixin, SalesReportMixin):
    __name__ = 'crm.analytics.sale.category'
    __string__ = "Sales by Product Category"
    _dimension = 'category'
    category = fields.Many2One('product.category', "Category")

    @classmethod
    def _dimension_column(cls, lines):
        "A line counts in each category of its product"
        pool = Pool()
        Product = pool.get('product.product')
        TemplateCategory = pool.get('product.template-product.category.all')
        product = Product.__table__()
        category = TemplateCategory.__table__()
        from_ = (lines
            .join(product, condition=product.id == lines.product)
            .join(category, 'LEFT',
                condition=category.template == product.template))
        return from_, category.category

    @classmethod
    def _sale_path(cls):
        return 'lines.product.categories_all'


class SalesByCustomer(_DimensionMixin, SalesReportMixin):
    __name__ = 'crm.analytics.sale.customer'
    __string__ = "Sales by Customer"
    _dimension = 'party'
    party = fields.Many2One('party.party', "Customer")


class _PartyDimensionMixin(_DimensionMixin):
    "Grouped by a field of the customer"
    __slots__ = ()

    @classmethod
    def _dimension_column(cls, lines):
        Party = Pool().get('party.party')
        party = Party.__table__()
        from_ = lines.join(party, condition=party.id == lines.party)
        return from_, getattr(party, cls._party_field)

    @classmethod
    def _sale_path(cls):
        return 'party.' + cls._party_field


class SalesByOwner(_PartyDimensionMixin, SalesReportMixin):
    __name__ = 'crm.analytics.sale.owner'
    __string__ = "Sales by Owner"
    _dimension = 'employee'
    _party_field = 'crm_owner'
    employee = fields.Many2One('company.employee', "Owner")


class SalesByTeam(_PartyDimensionMixin, SalesReportMixin):
    __name__ = 'crm.analytics.sale.team'
    __string__ = "Sales by Team"
    _dimension = 'team'
    _party_field = 'crm_team'
    team = fields.Many2One('crm.team', "Team")


class SalesByIndustry(_PartyDimensionMixin, SalesReportMixin):
    __name__ = 'crm.analytics.sale.industry'
    __string__ = "Sales by Industry"
    _dimension = 'industry'
    _party_field = 'crm_industry'
    industry = fields.Many2One('crm.industry', "Industry")


class SalesByRegion(_DimensionMixin, SalesReportMixin):
    """Grouped by the province, the city or the district (the context's
    level) of the shipment address"""
    __name__ = 'crm.analytics.sale.region'
    __string__ = "Sales by Region"
    province = fields.Many2One('country.subdivision', "Province")
    city = fields.Many2One('crm.region', "City")
    district = fields.Many2One('crm.region', "District")

    @classmethod
    def _level(cls):
        level = Transaction().context.get('region_level')
        return level if level in dict(REGION_LEVELS) else 'province'

    @classmethod
    def _address_field(cls, level):
        return {'province': 'subdivision', 'city': 'crm_city',
            'district': 'crm_district'}[level]

    @classmethod
    def _dimension_query(cls, lines):
        Address = Pool().get('party.address')
        address = Address.__table__()
        from_ = lines.join(address, 'LEFT',
            condition=address.id == lines.address)
        level = cls._level()
        others = {}
        for name, _ in REGION_LEVELS:
            if name == level:
                continue
            value = Cast(Literal(None), cls.id.sql_type().base)
            if name == 'province' and level != 'province':
                # the province of the city or district, for the list
                value = address.subdivision
            if name == 'city' and level == 'district':
                value = address.crm_city
            others[name] = value
        return (from_, level, getattr(address, cls._address_field(level)),
            others)

    @classmethod
    def _summary_dimension(cls):
        return f'{cls.__name__}:{cls._level()}'

    @classmethod
    def _summary_contexts(cls):
        return [{'region_level': level} for level, _ in REGION_LEVELS]

    @classmethod
    def _dimension_names(cls):
        level = cls._level()
        return level, [n for n, _ in REGION_LEVELS if n != level]

    def get_rec_name(self, name):
        value = getattr(self, self._level())
        return value.rec_name if value else gettext(
            'crm_plus.msg_analytics_no_value')

    def _sale_domain(self):
        level = self._level()
        value = getattr(self, level)
        return [('shipment_address.' + self._address_field(level), '=',
                value.id if value else None)]


class SalesByPeriod(SalesReportMixin):
    """One row per period (the context's granularity) beside the previous
    period and the same period last year; also the quotations of the period
    and the share of them confirmed"""
    __name__ = 'crm.analytics.sale.period'
    __string__ = "Sales by Period"
    period = fields.Function(fields.Char("Period"), 'get_period')
    start_date = fields.Function(fields.Date("Start"), 'get_dates')
    end_date = fields.Function(fields.Date("End"), 'get_dates')
    quotations = fields.Integer("Quotations",
        help="Sales quoted in the period (quotation date), in any state.")
    quotations_confirmed = fields.Integer("Quotations Confirmed",
        help="Quotations of the period confirmed since.")
    conversion_rate = fields.Function(fields.Float(
            "Quotation Conversion %", digits=(16, 4),
            help="Share of the quotations of the period confirmed since."),
        'get_conversion_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    @classmethod
    def _granularity(cls):
        period = Transaction().context.get('period')
        return period if period in BUCKETS_PER_YEAR else 'month'

    @classmethod
    def _days_live(cls, start, end, dates=None, lines=None):
        if lines is None:
            lines = sale_lines(start, end, dates)
        return lines.select(
            Cast(Literal(None), cls.id.sql_type().base).as_('key'),
            lines.date.as_('date'),
            Sum(lines.amount).as_('amount'),
            Sum(lines.quantity).as_('quantity'),
            Count(lines.sale, distinct=True).as_('number'),
            Sum(lines.cost).as_('cost'),
            group_by=[lines.date])

    @classmethod
    def _quotation_days_live(cls, start, end, dates=None):
        """The sales quoted from start to end (on dates) counted per
        quotation date: key, date, number and confirmed (those confirmed
        since)"""
        Sale = Pool().get('sale.sale')
        sale = Sale.__table__()
        from_, rule_where, _ = rule_scope(Sale, sale)
        where = ((sale.company == Transaction().context.get('company'))
            & (sale.quotation_date >= start)
            & (sale.quotation_date <= end))
        if dates is not None:
            where &= sale.quotation_date.in_(dates)
        if rule_where is not None:
            where &= rule_where
        owned = owned_parties()
        if owned is not None:
            where &= sale.party.in_(owned)
        return from_.select(
            Cast(Literal(None), cls.id.sql_type().base).as_('key'),
            sale.quotation_date.as_('date'),
            Count(sale.id).as_('number'),
            Sum(Case((sale.state.in_(SALE_STATES), 1), else_=0)).as_(
                'confirmed'),
            where=where,
            group_by=[sale.quotation_date])

    @classmethod
    def table_query(cls):
        pool = Pool()
        SaleSummary = pool.get('crm.analytics.sale.summary')
        granularity = cls._granularity()
        shift = BUCKETS_PER_YEAR[granularity]
        from_date, to_date = report_range()
        first, last = (date_key(from_date, granularity),
            date_key(to_date, granularity))
        # the days from the period last year of the first period
        days = cls._days(key_start(first - shift, granularity), to_date)
        # the key in a subquery: PostgreSQL does not see a GROUP BY
        # expression with parameters as the same as the selected one
        keyed = days.select(
            period_key(days.date, granularity).as_('key'),
            days.amount, days.quantity, days.number, days.cost)
        # summed once per period (a WITH read three times), then shifted
        # into the next period and into the same period a year later
        periods = With('key', 'amount', 'quantity', 'number', 'cost',
            query=keyed.select(
                keyed.key, Sum(keyed.amount), Sum(keyed.quantity),
                Sum(keyed.number), Sum(keyed.cost),
                group_by=[keyed.key]))
        zero = Literal(0)

        def part(offset, index):
            values = [zero] * 9
            base = index * 3
            values[base:base + 3] = [
                periods.amount, periods.quantity, periods.number]
            margin = (periods.amount - periods.cost) if index == 0 else zero
            return periods.select(
                (periods.key + offset).as_('id'),
                *(v.as_(n) for v, n in zip(values, [
                            'amount', 'quantity', 'number',
                            'amount_previous', 'quantity_previous',
                            'number_previous',
                            'amount_last_year', 'quantity_last_year',
                            'number_last_year'])),
                margin.as_('margin'), zero.as_('quotations'),
                zero.as_('quotations_confirmed'))

        quoted_days = SaleSummary.days(QUOTATION,
            lambda dates: cls._quotation_days_live(
                from_date, to_date, dates),
            from_date, to_date)
        quoted = quoted_days.select(
            period_key(quoted_days.date, granularity).as_('key'),
            quoted_days.number, quoted_days.confirmed)
        quotations = quoted.select(
            quoted.key.as_('id'),
            *(zero.as_(n) for n in [
                    'amount', 'quantity', 'number',
                    'amount_previous', 'quantity_previous',
                    'number_previous',
                    'amount_last_year', 'quantity_last_year',
                    'number_last_year', 'margin']),
            Sum(quoted.number).as_('quotations'),
            Sum(quoted.confirmed).as_('quotations_confirmed'),
            group_by=[quoted.key])

        union = Union(part(0, 0), part(1, 1), part(shift, 2), quotations,
            all_=True)
        measures = ['amount', 'quantity', 'number',
            'amount_previous', 'quantity_previous', 'number_previous',
            'amount_last_year', 'quantity_last_year', 'number_last_year',
            'margin', 'quotations', 'quotations_confirmed']
        def total(name):
            value = Sum(getattr(union, name))
            if name.startswith(('amount', 'margin')):
                value = cls.amount.sql_cast(value)
            return value.as_(name)
        return union.select(
            union.id.as_('id'),
            *(total(m) for m in measures),
            where=(union.id >= first) & (union.id <= last),
            group_by=[union.id],
            having=(Sum(union.number) > 0) | (Sum(union.quotations) > 0),
            with_=[periods])

    def get_period(self, name):
        return key_label(self.id, self._granularity())

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

    def get_conversion_rate(self, name):
        if self.quotations:
            return self.quotations_confirmed / self.quotations

    def get_rec_name(self, name):
        return self.period

    @classmethod
    def drill_domain(cls, rows):
        context = Transaction().context
        domain = [
            ('company', '=', context.get('company')),
            ('state', 'in', SALE_STATES),
            ]
        if context.get('owner'):
            domain.append(('party.crm_owner', '=', context['owner']))
        if context.get('team'):
            domain.append(('party.crm_team', '=', context['team']))
        domain.append(['OR'] + [[
                    ('sale_date', '>=', r.start_date),
                    ('sale_date', '<=', r.end_date),
                    ] for r in rows])
        return domain
