"""Time the analytics reports over many customers and sale lines.

Usage (the database must not exist yet, or already hold the bench data):

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_analytics.py bench_analytics [1000000 [10000000]]

The data comes from bench/gen_sales.py.  For each report it times what the
web client does to show it (``search`` then ``read`` of the rows, through
the reporting model with its context: the last twelve months, compared
with the twelve before and last year) beside a hand-written SQL aggregate
answering the same question on the same data, in the same run, with the
load average.  Prints figures, asserts nothing.
"""
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_sales  # noqa: E402

DB_NAME = sys.argv[1] if len(sys.argv) > 1 else 'bench_analytics'
CUSTOMERS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
LINES = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
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
REPORTS = [
    ('crm.analytics.sale.region', 'a.subdivision',
        'LEFT JOIN party_address a ON a.id = s.shipment_address'),
    ('crm.analytics.sale.product', 'l.product', ''),
    ('crm.analytics.sale.owner', 'p.crm_owner',
        'JOIN party_party p ON p.id = s.party'),
    ('crm.analytics.sale.period', "date_trunc('month', s.sale_date)", ''),
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


def main():
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not gen_sales.generated(DB_NAME):
        gen_sales.generate(DB_NAME, CUSTOMERS, LINES,
            log=lambda m: print(m, flush=True))
    Pool(DB_NAME).init()
    with Transaction().start(DB_NAME, 0, readonly=True) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        cursor = transaction.connection.cursor()
        company, = Company.search([], limit=1, order=[('id', 'DESC')])
        for table in ['party_party', 'sale_sale', 'sale_line']:
            cursor.execute(f'SELECT COUNT(*) FROM {table}')
            print(f'{table}: {cursor.fetchone()[0]} rows')
        to_date = Date.today()
        from_date = to_date.replace(day=1).replace(year=to_date.year - 1)
        context = {'company': company.id, 'from_date': from_date,
            'to_date': to_date, 'period': 'month', 'language': 'zh_CN'}
        for model, key, join in REPORTS:
            Report = pool.get(model)

            def orm():
                with transaction.set_context(context):
                    rows = Report.search([])
                    Report.read([r.id for r in rows], FIELDS)
                    return len(rows)

            def hand():
                cursor.execute(HAND_SQL.format(key=key, join=join), {
                        'company': company.id,
                        'start': from_date - dt.timedelta(
                            days=(to_date - from_date).days + 1),
                        'end': to_date, 'from': from_date})
                return len(cursor.fetchall())

            t_orm, n_orm = best(orm)
            t_hand, n_hand = best(hand)
            print(f'{model}: search + read {t_orm * 1000:.0f} ms '
                f'({n_orm} rows), hand-written SQL {t_hand * 1000:.0f} ms '
                f'({n_hand} rows): {t_orm / t_hand:.2f}x', flush=True)
        print('load average: %.2f %.2f %.2f' % os.getloadavg())


if __name__ == '__main__':
    if not URI.startswith('postgresql'):
        sys.exit('bench_analytics needs PostgreSQL (TRYTOND_DATABASE_URI)')
    main()
