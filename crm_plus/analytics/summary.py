"""Daily totals of the sales reports, kept inside the database, so that the
company-wide reports over millions of sale lines read thousands of rows.

``crm.analytics.sale.summary`` holds, per company, report dimension
(product, category, owner, team, industry, province, city, district,
period, quotations) and day, the figures the reports sum: the same
``_days_live`` query each report runs over the lines, stored.  A report
reads it (``days``) only when it would count every sale of the company:
no record rule limits the user's sales (a Sales Manager's team, a
representative's own customers) and no owner or team is chosen; otherwise
it reads the lines, which are then a team's or a representative's share.

The figures stay exact between refreshes: every change of a sale, a sale
line, the owner, team or industry of a customer, or the region of an
address marks its days dirty (``crm.analytics.sale.summary.dirty``, in the
same transaction), and the reports read the dirty days from the lines.
The cron refreshes the dirty days every ten minutes and rebuilds
everything once a day, which also takes in what is not tracked: cost
prices (the margin), currency rates and product categories.
"""
import datetime as dt
import time

from sql import Literal, Table, Union
from sql.aggregate import Max

from trytond import backend
from trytond.model import Index, ModelSQL, fields
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .common import owned_parties

#: the day columns of the summary, in the order of ``_days_live``
MEASURES = ['amount', 'quantity', 'number', 'cost']
OTHERS = ['province', 'city', 'district']
QUOTATION = 'quotation'
#: more dirty dates than this are read by the reports in a subquery
DIRTY_DATES_LISTED = 100
#: a rebuild a day takes in the changes no day is marked for
REBUILD_AFTER = dt.timedelta(days=1)
#: the temporary table of the lines of a refresh
LINES_TABLE = 'crm_analytics_summary_lines'


class SaleSummary(ModelSQL):
    "Daily totals of the sales reports"
    __name__ = 'crm.analytics.sale.summary'
    __string__ = "Sales Analytics Summary"
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    dimension = fields.Char("Dimension", required=True)
    date = fields.Date("Date", required=True)
    key = fields.Integer("Key")
    province = fields.Integer("Province")
    city = fields.Integer("City")
    district = fields.Integer("District")
    amount = fields.Numeric("Amount")
    quantity = fields.Float("Quantity")
    number = fields.Integer("Number")
    cost = fields.Numeric("Cost")
    confirmed = fields.Integer("Confirmed")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.company, Index.Equality()),
                (t.dimension, Index.Equality()),
                (t.date, Index.Range())))

    @classmethod
    def _reports(cls):
        "The (report, context) of each dimension the summary holds"
        from .sales import SalesReportMixin
        for _, Report in Pool().iterobject():
            if issubclass(Report, SalesReportMixin) and Report._summarized:
                for context in Report._summary_contexts():
                    yield Report, context

    @classmethod
    def answers(cls):
        """Whether the summary may give the reports' figures in the current
        context: built for the company, and the user's report would count
        every sale of the company"""
        pool = Pool()
        State = pool.get('crm.analytics.sale.summary.state')
        context = Transaction().context
        company = context.get('company')
        if (context.get('crm_analytics_live') or owned_parties() is not None
                or not State.built(company)):
            return False
        return cls._reads_all_sales(company)

    @classmethod
    def _reads_all_sales(cls, company):
        """Whether the user may read every sale of company: read access,
        a rule group of theirs without rules (or none at all), and global
        rules on the sale's company only, which company passes"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        ModelAccess = pool.get('ir.model.access')
        Company = pool.get('company.company')
        if not Transaction().check_access:
            return True
        if not ModelAccess.check('sale.sale', 'read', raise_exception=False):
            return False
        clause, clause_global = Rule.get('sale.sale', mode='read')
        if clause and [] not in clause.values():
            return False
        for domain in clause_global.values():
            try:
                domain = _on_company(domain)
            except ValueError:
                return False
            with without_check_access():
                if not Company.search(
                        [('id', '=', company), domain], count=True):
                    return False
        return True

    @classmethod
    def days(cls, dimension, live, start, end):
        """The day rows of dimension from start to end: the summary's for
        the clean days and live(dirty dates) for the others when the
        summary answers, else live(None)"""
        if not cls.answers():
            return live(None)
        pool = Pool()
        Dirty = pool.get('crm.analytics.sale.summary.dirty')
        company = Transaction().context.get('company')
        summary = cls.__table__()
        dirty = Dirty.__table__()
        cursor = Transaction().connection.cursor()
        if backend.name == 'postgresql':
            # the rate subqueries per line cost the live part high enough
            # for PostgreSQL to JIT-compile the query: 1.8 s of a 2 s
            # report with a week dirty, 0.7 s without
            cursor.execute('SET LOCAL jit = off')
        # read first: a handful of dates lets the database plan the
        # lines of those days by the index on the sale date
        cursor.execute(*dirty.select(dirty.date,
                where=(dirty.company == company)
                & (dirty.date >= start) & (dirty.date <= end),
                group_by=[dirty.date]))
        dates = sorted(d for d, in cursor)
        if len(dates) > DIRTY_DATES_LISTED:
            dates = dirty.select(dirty.date, where=dirty.company == company)
        # without a dirty date, only the columns of the live rows are used
        rows = live(dates or None)
        where = ((summary.company == company)
            & (summary.dimension == dimension)
            & (summary.date >= start) & (summary.date <= end))
        if dates:
            where &= ~summary.date.in_(dates)
        clean = summary.select(
            *(getattr(summary, c.output_name).as_(c.output_name)
                for c in rows.columns),
            where=where)
        if not dates:
            return clean
        return Union(clean, rows, all_=True)

    @classmethod
    def _store(cls, company, dimension, rows):
        "Insert the day rows of dimension"
        cursor = Transaction().connection.cursor()
        summary = cls.__table__()
        names = [c.output_name for c in rows.columns]
        cursor.execute(*summary.insert(
                [summary.company, summary.dimension]
                + [getattr(summary, n) for n in names],
                rows.select(Literal(company), Literal(dimension),
                    *(getattr(rows, n) for n in names))))

    @classmethod
    def _materialize(cls, query):
        """A temporary table of the rows of query: the lines are selected
        once for all the dimensions"""
        cursor = Transaction().connection.cursor()
        sql, params = tuple(query)
        cursor.execute(
            'CREATE TEMPORARY TABLE "%s" AS %s' % (LINES_TABLE, sql), params)
        if backend.name == 'postgresql':
            # no statistics else: autovacuum does not analyze them
            cursor.execute('ANALYZE "%s"' % LINES_TABLE)
        return Table(LINES_TABLE)

    @classmethod
    def refresh(cls, companies=None, rebuild=False):
        """Compute again the dirty days of the companies (all without), or
        every day with rebuild.  One refresh at a time: trytond starts the
        transaction again with the table locked (NOWAIT), so a second one
        fails, and the cron retries it, instead of inserting the same days
        twice"""
        from .sales import sale_lines
        pool = Pool()
        Company = pool.get('company.company')
        State = pool.get('crm.analytics.sale.summary.state')
        Dirty = pool.get('crm.analytics.sale.summary.dirty')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        summary = cls.__table__()
        dirty = Dirty.__table__()
        cls.lock()
        if companies is None:
            companies = Company.search([])
        for company in companies:
            start = time.perf_counter()
            cursor.execute(*dirty.select(Max(dirty.id),
                    where=dirty.company == company.id))
            last, = cursor.fetchone()
            if rebuild:
                dates = None
                where = summary.company == company.id
            elif last is None:
                continue
            else:
                dates = dirty.select(dirty.date,
                    where=(dirty.company == company.id) & (dirty.id <= last))
                where = (summary.company == company.id) & summary.date.in_(
                    dates)
            cursor.execute(*summary.delete(where=where))
            context = {'company': company.id, 'owner': None, 'team': None}
            with transaction.set_user(0), without_check_access(), \
                    transaction.set_context(context):
                lines = cls._materialize(
                    sale_lines(dt.date.min, dt.date.max, dates))
                try:
                    for Report, report_context in cls._reports():
                        with transaction.set_context(report_context):
                            cls._store(company.id,
                                Report._summary_dimension(),
                                Report._days_live(dt.date.min, dt.date.max,
                                    dates, lines=lines))
                finally:
                    cursor.execute('DROP TABLE "%s"' % LINES_TABLE)
                Period = pool.get('crm.analytics.sale.period')
                cls._store(company.id, QUOTATION,
                    Period._quotation_days_live(
                        dt.date.min, dt.date.max, dates))
            if last is not None:
                cursor.execute(*dirty.delete(
                        where=(dirty.company == company.id)
                        & (dirty.id <= last)))
            if rebuild and backend.name == 'postgresql':
                # the planner's estimates of the new rows
                cursor.execute('ANALYZE "%s"' % cls._table)
            State.done(company, rebuild, time.perf_counter() - start)

    @classmethod
    def refresh_cron(cls):
        "Refresh the dirty days; rebuild what was rebuilt a day ago or never"
        pool = Pool()
        Company = pool.get('company.company')
        State = pool.get('crm.analytics.sale.summary.state')
        now = dt.datetime.now()
        states = {s.company: s for s in State.search([])}
        stale, current = [], []
        for company in Company.search([]):
            state = states.get(company)
            if (state is None or state.rebuilt is None
                    or now - state.rebuilt >= REBUILD_AFTER):
                stale.append(company)
            else:
                current.append(company)
        if stale:
            cls.refresh(stale, rebuild=True)
        if current:
            cls.refresh(current)

    @classmethod
    def mark(cls, pairs):
        """Mark dirty the (company, date) pairs of the companies whose
        summary is built"""
        pool = Pool()
        State = pool.get('crm.analytics.sale.summary.state')
        Dirty = pool.get('crm.analytics.sale.summary.dirty')
        pairs = {(c, d) for c, d in pairs if c is not None and d is not None}
        if not pairs:
            return
        built = State.built_companies()
        values = [[c, d] for c, d in sorted(pairs) if c in built]
        if values:
            dirty = Dirty.__table__()
            Transaction().connection.cursor().execute(*dirty.insert(
                    [dirty.company, dirty.date], values))

    @classmethod
    def mark_sales(cls, field, ids):
        "Mark dirty the sale and quotation dates of the sales of field in ids"
        Sale = Pool().get('sale.sale')
        sale = Sale.__table__()
        cursor = Transaction().connection.cursor()
        pairs = set()
        for column in [sale.sale_date, sale.quotation_date]:
            cursor.execute(*sale.select(sale.company, column,
                    where=SQL_OPERATORS['in'](getattr(sale, field), ids)
                    & (column != None),  # noqa: E711
                    group_by=[sale.company, column]))
            pairs.update(cursor)
        cls.mark(pairs)


def _on_company(domain):
    """The domain of sales on their company as a domain of companies;
    ValueError when it tests another field"""
    if domain and isinstance(domain[0], str) and domain[0] not in {
            'AND', 'OR'}:
        name, *rest = domain
        if name == 'company':
            return ['id', *rest]
        if name.startswith('company.'):
            return [name[len('company.'):], *rest]
        raise ValueError(name)
    return [d if isinstance(d, str) else _on_company(d) for d in domain]


class SaleSummaryDirty(ModelSQL):
    "The days whose summary changed since its refresh"
    __name__ = 'crm.analytics.sale.summary.dirty'
    __string__ = "Sales Analytics Summary Dirty Day"
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.company, Index.Equality()), (t.date, Index.Range())))


class SaleSummaryState(ModelSQL):
    "When the summary of a company was refreshed and rebuilt, and how long"
    __name__ = 'crm.analytics.sale.summary.state'
    __string__ = "Sales Analytics Summary State"
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    refreshed = fields.Timestamp("Refreshed")
    refresh_seconds = fields.Float("Refresh Seconds")
    rebuilt = fields.Timestamp("Rebuilt")
    rebuild_seconds = fields.Float("Rebuild Seconds")

    @classmethod
    def built_companies(cls):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.company,
                where=table.rebuilt != None))  # noqa: E711
        return {c for c, in cursor}

    @classmethod
    def built(cls, company):
        return company in cls.built_companies()

    @classmethod
    def done(cls, company, rebuild, seconds):
        now = dt.datetime.now()
        state, = cls.search([('company', '=', company)]) or [
            cls(company=company)]
        state.refreshed = now
        state.refresh_seconds = seconds
        if rebuild:
            state.rebuilt = now
            state.rebuild_seconds = seconds
        state.save()


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def on_write(cls, sales, values):
        callbacks = super().on_write(sales, values)
        # the dates before the write
        _mark_sales(sales)
        return callbacks

    @classmethod
    def on_modification(cls, mode, sales, field_names=None):
        super().on_modification(mode, sales, field_names=field_names)
        _mark_sales(sales)


def _mark_sales(sales):
    pairs = set()
    for sale in sales:
        company = sale.company.id if sale.company else None
        pairs.add((company, sale.sale_date))
        pairs.add((company, sale.quotation_date))
    Pool().get('crm.analytics.sale.summary').mark(pairs)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        _mark_sales({l.sale for l in lines if l.sale})


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def on_write(cls, parties, values):
        callbacks = super().on_write(parties, values)
        if values.keys() & {'crm_owner', 'crm_team', 'crm_industry'}:
            Pool().get('crm.analytics.sale.summary').mark_sales(
                'party', [p.id for p in parties])
        return callbacks


class Address(metaclass=PoolMeta):
    __name__ = 'party.address'

    @classmethod
    def on_write(cls, addresses, values):
        callbacks = super().on_write(addresses, values)
        if values.keys() & {'subdivision', 'crm_city', 'crm_district'}:
            Pool().get('crm.analytics.sale.summary').mark_sales(
                'shipment_address', [a.id for a in addresses])
        return callbacks


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.analytics.sale.summary|refresh_cron',
                "Refresh the Sales Analytics Summary"))
