"""The machinery every CRM report shares (one implementation, reused by the
sales, customer, pipeline, marketing and service reports):

- ``AnalyticsContextMixin``: the context form (company, period, team,
  owner, granularity) and ``report_range()``, the dates a report covers;
- ``previous_range`` / ``last_year_range``: the comparison periods;
- ``period_key`` / ``key_start`` / ``key_label``: bucketing of dates into
  days, ISO weeks, months, quarters and years as integer keys, the same in
  SQL (both backends) and in Python;
- ``rule_scope``: the record rules of a model applied to a report's own
  table, as Tryton's search applies them, so that a report holds only the
  figures of the records the user could list;
- ``change``: the change in % of a figure against its comparison;
- ``date_of`` / ``company_amount``: the date of a timestamp column and an
  amount converted to the company's currency, on both backends;
- ``owned_parties``: the customers of the context's owner and team;
- ``DrillDown``: the wizard opening the records behind selected rows.
"""
import datetime as dt

from dateutil.relativedelta import relativedelta
from sql import Cast, Literal, Null
from sql.conditionals import Case
from sql.functions import AtTimeZone, Extract, Function, Round

from trytond import backend

from trytond.model import fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.tools.timezone import get_tzinfo
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

PERIODS = [
    ('day', "Day"),
    ('week', "Week"),
    ('month', "Month"),
    ('quarter', "Quarter"),
    ('year', "Year"),
    ]
#: how many buckets of a granularity make a year (the same period last
#: year of a day or a week is the same weekday 52 weeks before)
BUCKETS_PER_YEAR = {'day': 364, 'week': 52, 'month': 12, 'quarter': 4,
    'year': 1}
EPOCH = dt.date(1970, 1, 1)


def report_range(context=None):
    """The (from_date, to_date) of the context, both included: by default
    the twelve months up to today"""
    pool = Pool()
    Date = pool.get('ir.date')
    if context is None:
        context = Transaction().context
    to_date = context.get('to_date') or Date.today()
    from_date = context.get('from_date') or (
        to_date.replace(day=1) - relativedelta(months=11))
    return from_date, to_date


def previous_range(from_date, to_date):
    "The range of the same length just before"
    days = (to_date - from_date).days + 1
    return (from_date - dt.timedelta(days=days),
        from_date - dt.timedelta(days=1))


def last_year_range(from_date, to_date):
    "The same range a year before"
    return (from_date - relativedelta(years=1),
        to_date - relativedelta(years=1))


def change(value, reference):
    "The change of value against reference as a ratio, None without one"
    if not reference or value is None:
        return None
    return float((value - reference) / abs(reference))


def period_key(column, period):
    "The SQL integer key of the period of the date column"
    # PostgreSQL's EXTRACT gives a numeric: the quarter needs an integer
    # division
    year = Cast(Extract('YEAR', column), 'INTEGER')
    month = Cast(Extract('MONTH', column), 'INTEGER')
    if period in {'day', 'week'}:
        days = _epoch_days(column)
        if period == 'day':
            return days
        # 1970-01-01 is a Thursday: ISO weeks start 3 days before
        return Cast((days + 3) / 7, 'INTEGER')
    if period == 'quarter':
        return Cast(year * 4 + (month - 1) / 3, 'INTEGER')
    if period == 'year':
        return Cast(year, 'INTEGER')
    return Cast(year * 12 + month - 1, 'INTEGER')


class _JulianDay(Function):
    __slots__ = ()
    _function = 'JULIANDAY'


def _epoch_days(column):
    "The SQL number of days from 1970-01-01 to the date column"
    if backend.name == 'sqlite':
        return Cast(_JulianDay(column) - 2440587.5, 'INTEGER')
    return column - Cast(Literal(EPOCH.isoformat()), 'DATE')


def date_key(date, period):
    "The key of the period of date, as period_key computes it"
    if period == 'day':
        return (date - EPOCH).days
    if period == 'week':
        return ((date - EPOCH).days + 3) // 7
    if period == 'quarter':
        return date.year * 4 + (date.month - 1) // 3
    if period == 'year':
        return date.year
    return date.year * 12 + date.month - 1


def key_start(key, period):
    "The first day of the period of key"
    if period == 'day':
        return EPOCH + dt.timedelta(days=key)
    if period == 'week':
        return EPOCH + dt.timedelta(days=key * 7 - 3)
    if period == 'quarter':
        return dt.date(key // 4, key % 4 * 3 + 1, 1)
    if period == 'year':
        return dt.date(key, 1, 1)
    return dt.date(key // 12, key % 12 + 1, 1)


def key_end(key, period):
    "The last day of the period of key"
    return key_start(key + 1, period) - dt.timedelta(days=1)


def key_label(key, period, language=None):
    "The period of key as people write it: 2026-12, 2026年12月, 2026 Q4..."
    if language is None:
        language = Transaction().language or ''
    chinese = language.startswith('zh')
    start = key_start(key, period)
    if period == 'day':
        return start.isoformat()
    if period == 'week':
        year, week, _ = start.isocalendar()
        return f'{year}年第{week}周' if chinese else f'{year}-W{week:02d}'
    if period == 'quarter':
        quarter = key % 4 + 1
        return (f'{start.year}年第{quarter}季度' if chinese
            else f'{start.year} Q{quarter}')
    if period == 'year':
        return f'{key}年' if chinese else str(key)
    return (f'{start.year}年{start.month}月' if chinese
        else f'{start.year}-{start.month:02d}')


def date_of(column):
    """The SQL date of the UTC timestamp column in the time zone of the
    context's company (the day its users lived it; UTC without one), as
    period_key and date comparisons expect it on both backends"""
    zone = company_zone()
    if backend.name == 'sqlite':
        # SQLite knows no time zones: the zone's offset of today (China
        # keeps no daylight saving time)
        offset = zone.utcoffset(dt.datetime.now()) if zone else None
        if not offset:
            return _Date(column)
        return _Date(column, f'{int(offset.total_seconds() // 60):+d} minutes')
    if zone:
        return Cast(AtTimeZone(AtTimeZone(column, 'UTC'), zone.key), 'DATE')
    return Cast(column, 'DATE')


def company_zone():
    "The time zone of the context's company, None without one"
    company = Transaction().context.get('company')
    if company:
        name = Pool().get('company.company')(company).timezone
        if name:
            return get_tzinfo(name)


class _Date(Function):
    __slots__ = ()
    _function = 'DATE'


def company_amount(from_, amount, currency, date, company):
    """The FROM joined to the company's currency and rates and the amount
    (in currency at date) converted to the currency of company (a column),
    rounded to its digits"""
    pool = Pool()
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    company_t = Company.__table__()
    currency_t = Currency.__table__()
    rate_from = Currency.currency_rate_sql()
    rate_to = Currency.currency_rate_sql()
    from_ = from_.join(company_t, condition=company_t.id == company)
    from_ = from_.join(
        currency_t, condition=currency_t.id == company_t.currency)
    for rate, column in [(rate_from, currency), (rate_to, currency_t.id)]:
        from_ = from_.join(rate, 'LEFT', condition=(rate.currency == column)
            & (rate.start_date <= date)
            & ((rate.end_date == Null) | (rate.end_date > date)))
    factor = Case((currency == company_t.currency, 1),
        else_=rate_to.rate / rate_from.rate)
    return from_, Round(amount * factor, currency_t.digits)


def owned_parties():
    """The SQL query of the ids of the customers of the context's owner and
    team, None without either"""
    context = Transaction().context
    if not context.get('owner') and not context.get('team'):
        return None
    Party = Pool().get('party.party')
    party = Party.__table__()
    where = Literal(True)
    if context.get('owner'):
        where &= party.crm_owner == context['owner']
    if context.get('team'):
        where &= party.crm_team == context['team']
    return party.select(party.id, where=where)


def rule_scope(Model, table, tables=None):
    """The FROM and the WHERE that limit table (of Model) to the records the
    user may read: the record rules of Model (``ir.rule.domain_get``)
    converted on the report's own table as Tryton's search converts them
    (``search_domain``), so that no report shows a figure of a record its
    user could not list; none at all without read access to Model"""
    pool = Pool()
    Rule = pool.get('ir.rule')
    ModelAccess = pool.get('ir.model.access')
    if tables is None:
        tables = {None: (table, None)}
    rule_domain = Rule.domain_get(Model.__name__, mode='read')
    where = None
    if (Transaction().check_access
            and not ModelAccess.check(
                Model.__name__, 'read', raise_exception=False)):
        where = Literal(False)
    elif rule_domain:
        tables, where = Model.search_domain(
            rule_domain, active_test=False, tables=tables)
    return convert_from(None, tables), where, tables


class AnalyticsContextMixin:
    """The context form of the reports: company, period, granularity, team
    and owner"""
    __slots__ = ()
    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
    period = fields.Selection(PERIODS, "Period", required=True,
        help="The length of the periods the figures are grouped by.")
    team = fields.Many2One(
        'crm.team', "Team", domain=[('company', '=', Eval('company', -1))])
    # not 'employee': the session context of every user holds their own
    owner = fields.Many2One(
        'company.employee', "Owner",
        domain=[('company', '=', Eval('company', -1))],
        help="Only the customers of this representative.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        return report_range(context)[0]

    @classmethod
    def default_to_date(cls):
        context = Transaction().context
        if 'to_date' in context:
            return context['to_date']
        return report_range(context)[1]

    @classmethod
    def default_period(cls):
        return Transaction().context.get('period', 'month')

    @classmethod
    def default_team(cls):
        return Transaction().context.get('team')

    @classmethod
    def default_owner(cls):
        return Transaction().context.get('owner')


class DrillDownMixin:
    """A report whose rows open the records behind them: ``_drill_model``
    names the model and ``drill_domain(rows)`` gives their domain in the
    current context"""
    __slots__ = ()
    _drill_model = None

    @classmethod
    def drill_domain(cls, rows):
        raise NotImplementedError


class DrillDown(Wizard):
    "Open the records behind the selected report rows"
    __name__ = 'crm.analytics.drill'
    start_state = 'open'
    open = StateAction('crm_plus.act_analytics_drill')

    def do_open(self, action):
        pool = Pool()
        context = Transaction().context
        Model = pool.get(context['active_model'])
        if not issubclass(Model, DrillDownMixin):
            return None
        rows = Model.browse(context.get('active_ids') or [])
        Target = pool.get(Model._drill_model)
        action['res_model'] = Target.__name__
        action['name'] = Target.__names__()['model']
        action['pyson_domain'] = PYSONEncoder().encode(
            Model.drill_domain(rows))
        names = ', '.join(r.rec_name for r in rows[:3] if r.rec_name)
        if names:
            action['name'] += f' ({names})'
        return action, {}
