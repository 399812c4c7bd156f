"""Time the analytics reports over many customers and sale lines.

Usage (the database must not exist yet, or already hold the bench data):

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_analytics.py bench_analytics [1000000 [10000000]] \\
        [--rebuild] [--summary-only] [--others [--others-live]]

--rebuild rebuilds a summary already built; --summary-only skips the
reports from the lines; --others also times the other reports through the
model (no hand-written SQL beside them), --others-live each also from the
lines (the context crm_analytics_live).

The data comes from bench/gen_sales.py.  It times the rebuild of the
sales summary (crm.analytics.sale.summary), then for each report what the
web client does to show it (``search`` then ``read`` of the rows, through
the reporting model with its context: the last twelve months, compared
with the twelve before and last year), from the lines and from the
summary, each beside a hand-written SQL aggregate answering the same
question on the same data (the lines, the summary's day rows), in the same
run; then the report with a week of sales marked dirty, and the refresh of
that week.  Prints figures and the load average, asserts nothing.
"""
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_sales  # noqa: E402

FLAGS = {a for a in sys.argv[1:] if a.startswith('--')}
ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
DB_NAME = ARGS[0] if ARGS else 'bench_analytics'
CUSTOMERS = int(ARGS[1]) if len(ARGS) > 1 else 1_000_000
LINES = int(ARGS[2]) if len(ARGS) > 2 else 10_000_000
URI = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')

# The same question by hand: the lines of the orders of the two years
# before to_date, converted at the sale date's rate, per group and period
HAND_SQL = '''
WITH lines AS (
    SELECT {key} AS key, s.sale_date AS date, s.id AS sale,
        ROUND(COALESCE(l.actual_quantity, l.quantity)::numeric * l.unit_price
            * CASE WHEN s.currency = c.currency THEN 1 ELSE (
                SELECT r.rate FROM currency_currency_rate r
                WHERE r.currency = c.currency AND r.date <= s.sale_date
                ORDER BY r.date DESC LIMIT 1) / (
                SELECT r.rate FROM currency_currency_rate r
                WHERE r.currency = s.currency AND r.date <= s.sale_date
                ORDER BY r.date DESC LIMIT 1) END, 2) AS amount
    FROM sale_line l JOIN sale_sale s ON s.id = l.sale
    JOIN company_company c ON c.id = s.company
    {join}
    WHERE s.company = %(company)s
        AND s.state IN ('confirmed', 'processing', 'done')
        AND s.sale_date BETWEEN %(start)s AND %(end)s AND l.type = 'line')
SELECT key,
    SUM(CASE WHEN date >= %(from)s THEN amount ELSE 0 END),
    COUNT(DISTINCT CASE WHEN date >= %(from)s THEN sale END),
    SUM(CASE WHEN date < %(from)s THEN amount ELSE 0 END),
    COUNT(DISTINCT CASE WHEN date < %(from)s THEN sale END)
FROM lines GROUP BY key
HAVING MAX(CASE WHEN date >= %(from)s THEN 1 ELSE 0 END) = 1
'''
# The same question on the summary's day rows
SUMMARY_SQL = '''
SELECT {key},
    SUM(CASE WHEN date >= %(from)s THEN amount ELSE 0 END),
    SUM(CASE WHEN date >= %(from)s THEN number ELSE 0 END),
    SUM(CASE WHEN date < %(from)s THEN amount ELSE 0 END),
    SUM(CASE WHEN date < %(from)s THEN number ELSE 0 END)
FROM crm_analytics_sale_summary
WHERE company = %(company)s AND dimension = %(dimension)s
    AND date BETWEEN %(start)s AND %(end)s
GROUP BY 1
HAVING MAX(CASE WHEN date >= %(from)s THEN 1 ELSE 0 END) = 1
'''
# model, key and join of HAND_SQL, dimension and key of SUMMARY_SQL
REPORTS = [
    ('crm.analytics.sale.region', 'a.subdivision',
        'LEFT JOIN party_address a ON a.id = s.shipment_address',
        'crm.analytics.sale.region:province', 'key'),
    ('crm.analytics.sale.product', 'l.product', '',
        'crm.analytics.sale.product', 'key'),
    ('crm.analytics.sale.owner', 'p.crm_owner',
        'JOIN party_party p ON p.id = s.party',
        'crm.analytics.sale.owner', 'key'),
    ('crm.analytics.sale.period', "date_trunc('month', s.sale_date)", '',
        'crm.analytics.sale.period', "date_trunc('month', date)"),
    ]
FIELDS = ['rec_name', 'amount', 'amount_previous', 'amount_last_year',
    'amount_change', 'number', 'margin']


def best(func, runs=3):
    "The best time of runs calls of func and its last result"
    figures = []
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        figures.append(time.perf_counter() - start)
    return min(figures), result


# the other reports, through the model only: their first page as the web
# client reads it (1,000 rows), all their stored fields and rec_name
OTHERS = [
    ('crm.analytics.sale.category', {}),
    ('crm.analytics.sale.team', {}),
    ('crm.analytics.sale.industry', {}),
    ('crm.analytics.sale.region', {'region_level': 'city'}),
    ('crm.analytics.sale.region', {'region_level': 'district'}),
    ('crm.analytics.sale.customer', {}),
    ('crm.analytics.customer.distribution', {'dimension': 'province'}),
    ('crm.analytics.customer.period', {}),
    ('crm.analytics.customer.inactive', {'inactive_days': 90}),
    ('crm.analytics.customer.cohort', {}),
    ('crm.analytics.customer.rfm', {}),
    ('crm.analytics.leaderboard.employee', {}),
    ('crm.analytics.leaderboard.team', {}),
    ]


def others(pool, transaction, context):
    from trytond.model import fields
    for model, extra in OTHERS:
        Report = pool.get(model)
        names = ['rec_name'] + [n for n, f in Report._fields.items()
            if not isinstance(f, fields.Function) and n not in {
                'create_uid', 'write_uid', 'create_date', 'write_date'}]

        def orm(**live):
            with transaction.set_context(context, **extra, **live):
                rows = Report.search([], limit=1000)
                Report.read([r.id for r in rows], names)
                return len(rows)
        t_orm, n_orm = best(orm, runs=2)
        print(f'{model} {extra or ""}: search + read {t_orm * 1000:.0f} ms '
            f'({n_orm} rows, through the model only)', flush=True)
        if '--others-live' in FLAGS:
            t_live, _ = best(lambda: orm(crm_analytics_live=True), runs=2)
            print(f'    from the lines: {t_live * 1000:.0f} ms', flush=True)


def main():
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not gen_sales.generated(DB_NAME):
        gen_sales.generate(DB_NAME, CUSTOMERS, LINES,
            log=lambda m: print(m, flush=True))
    Pool(DB_NAME).init()
    # a refresh locks the summary table (at the start of the transaction)
    lock = {'_lock_tables': ['crm_analytics_sale_summary']}
    with Transaction().start(DB_NAME, 0, **lock) as transaction:
        pool = Pool()
        Summary = pool.get('crm.analytics.sale.summary')
        Company = pool.get('company.company')
        company, = Company.search([], limit=1, order=[('id', 'DESC')])
        State = pool.get('crm.analytics.sale.summary.state')
        if '--rebuild' in FLAGS or not State.built(company.id):
            start = time.perf_counter()
            Summary.refresh([company], rebuild=True)
            transaction.commit()
            rebuild = time.perf_counter() - start
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT COUNT(*) FROM crm_analytics_sale_summary')
            print(f'summary rebuilt in {rebuild:.1f} s: '
                f'{cursor.fetchone()[0]} day rows', flush=True)
    with Transaction().start(DB_NAME, 0, readonly=True) as transaction:
        pool = Pool()
        Date = pool.get('ir.date')
        cursor = transaction.connection.cursor()
        for table in ['party_party', 'sale_sale', 'sale_line']:
            cursor.execute(f'SELECT COUNT(*) FROM {table}')
            print(f'{table}: {cursor.fetchone()[0]} rows')
        to_date = Date.today()
        from_date = to_date.replace(day=1).replace(year=to_date.year - 1)
        context = {'company': company.id, 'from_date': from_date,
            'to_date': to_date, 'period': 'month', 'language': 'zh_CN'}
        parameters = {'company': company.id,
            'start': from_date - dt.timedelta(
                days=(to_date - from_date).days + 1),
            'end': to_date, 'from': from_date}
        for model, key, join, dimension, summary_key in REPORTS:
            Report = pool.get(model)

            def orm(**extra):
                with transaction.set_context(context, **extra):
                    rows = Report.search([])
                    Report.read([r.id for r in rows], FIELDS)
                    return len(rows)

            def hand():
                cursor.execute(HAND_SQL.format(key=key, join=join),
                    parameters)
                return len(cursor.fetchall())

            def hand_summary():
                cursor.execute(SUMMARY_SQL.format(key=summary_key),
                    {**parameters, 'dimension': dimension})
                return len(cursor.fetchall())

            if '--summary-only' in FLAGS:
                t_live = n_live = t_hand = n_hand = float('nan')
            else:
                t_live, n_live = best(lambda: orm(crm_analytics_live=True))
                t_hand, n_hand = best(hand)
            t_orm, n_orm = best(orm, runs=5)
            t_sum, n_sum = best(hand_summary, runs=5)
            print(f'{model}: from the lines: search + read '
                f'{t_live * 1000:.0f} ms ({n_live} rows), hand-written SQL '
                f'{t_hand * 1000:.0f} ms ({n_hand} rows): '
                f'{t_live / t_hand:.2f}x; from the summary: search + read '
                f'{t_orm * 1000:.0f} ms ({n_orm} rows), hand-written SQL '
                f'{t_sum * 1000:.0f} ms ({n_sum} rows): '
                f'{t_orm / t_sum:.2f}x; against the SQL on the lines '
                f'{t_orm / t_hand:.3f}x', flush=True)
        if '--others' in FLAGS:
            others(pool, transaction, context)
    # a day of changes: the report reads it from the lines until the
    # refresh
    with Transaction().start(DB_NAME, 0, **lock) as transaction:
        pool = Pool()
        Summary = pool.get('crm.analytics.sale.summary')
        Sale = pool.get('sale.sale')
        Report = pool.get('crm.analytics.sale.product')
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT COUNT(*) FROM sale_sale WHERE sale_date = %s',
            (to_date - dt.timedelta(days=3),))
        day_sales, = cursor.fetchone()
        sales = Sale.search([('sale_date', '>=', to_date - dt.timedelta(
                        days=6))])
        Summary.mark_sales('id', [s.id for s in sales])

        def dirty():
            with transaction.set_context(context):
                rows = Report.search([])
                Report.read([r.id for r in rows], FIELDS)
                return len(rows)
        t_dirty, _ = best(dirty)
        start = time.perf_counter()
        Summary.refresh([company])
        t_refresh = time.perf_counter() - start
        transaction.rollback()
        print(f'7 days dirty ({len(sales)} sales, {day_sales} a day): '
            f'sales by product in {t_dirty * 1000:.0f} ms, refreshed in '
            f'{t_refresh * 1000:.0f} ms', flush=True)
        print('load average: %.2f %.2f %.2f' % os.getloadavg())


if __name__ == '__main__':
    if not URI.startswith('postgresql'):
        sys.exit('bench_analytics needs PostgreSQL (TRYTOND_DATABASE_URI)')
    main()
