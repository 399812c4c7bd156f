"""Time the churn model: training and scoring over many customers.

Usage (the database must not exist yet, or already hold the bench data):

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_churn.py bench_churn [100000]

It creates the database, activates crm_plus, inserts the customers and
about five confirmed sales each over two years (one line each) with bulk
SQL copies of one record made by the ORM, then times the features (the
sales group through crm_plus and the hand-written SQL aggregate of the same
question), the training and the scoring (with the update of every
customer). Prints figures, asserts nothing.
"""
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(__file__))
from bench_forecast import copy_rows, create_database  # noqa: E402
import bench_forecast  # noqa: E402

DB_NAME = sys.argv[1] if len(sys.argv) > 1 else 'bench_churn'
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
bench_forecast.DB_NAME = DB_NAME
TODAY = dt.date.today()

HAND_WRITTEN = '''
SELECT s.party, MAX(s.sale_date),
    COUNT(DISTINCT s.id) FILTER (WHERE s.sale_date >= %(d90)s),
    COUNT(DISTINCT s.id) FILTER (WHERE s.sale_date >= %(d365)s),
    SUM(l.quantity * l.unit_price) FILTER (WHERE s.sale_date >= %(d180)s),
    SUM(l.quantity * l.unit_price) FILTER (
        WHERE s.sale_date >= %(d360)s AND s.sale_date < %(d180)s)
FROM sale_sale s LEFT JOIN sale_line l ON l.sale = s.id AND l.type = 'line'
WHERE s.company = %(company)s
    AND s.state IN ('confirmed', 'processing', 'done')
    AND s.sale_date IS NOT NULL AND s.sale_date < %(date)s
GROUP BY s.party
'''


def generate():
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Party = pool.get('party.party')
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    cursor = Transaction().connection.cursor()
    company = create_company()
    with set_company(company):
        unit, = Uom.search([('symbol', '=', 'u')], limit=1)
        template, = Template.create([{
                    'name': "Product", 'default_uom': unit.id,
                    'salable': True, 'sale_uom': unit.id,
                    'products': [('create', [{}])]}])
        product, = template.products
        party, = Party.create([{'name': "Customer", 'crm_kind': 'enterprise',
                    'crm_lifecycle': 'active'}])
        sale, = Sale.create([{
                    'party': party.id, 'company': company.id,
                    'currency': company.currency.id,
                    'lines': [('create', [{
                                    'type': 'line', 'product': product.id,
                                    'unit': unit.id, 'quantity': 1,
                                    'unit_price': Decimal(1),
                                    'description': "Product"}])]}])
        table = Sale.__table__()
        cursor.execute(*table.update([table.state], ['confirmed'],
                where=table.id == sale.id))
        rand = random.Random(42)
        copy_rows(Party._table, party.id, [{
                    'name': f"客户 {i}", 'code': f'B{i}'}
                for i in range(COUNT)])
        cursor.execute('SELECT id FROM party_party WHERE code LIKE %s',
            ('B%',))
        parties = [i for i, in cursor]
        sales = []
        for party_id in parties:
            rate = rand.uniform(1 / 300, 1 / 60)
            stop = TODAY - dt.timedelta(days=rand.choice([0, 0, 0, 200, 400]))
            day = TODAY - dt.timedelta(days=730)
            while True:
                day += dt.timedelta(days=max(1, int(rand.expovariate(rate))))
                if day >= stop:
                    break
                sales.append({'party': party_id, 'sale_date': day,
                        'number': f'S{len(sales)}'})
        copy_rows(Sale._table, sale.id, sales)
        cursor.execute('SELECT id FROM sale_sale WHERE number LIKE %s',
            ('S%',))
        line, = sale.lines
        copy_rows(Line._table, line.id, [{
                    'sale': i, 'unit_price': Decimal(rand.randrange(100, 5000)),
                    } for i, in cursor])
        return company.id, len(sales)


def main():
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not bench_forecast.database_exists():
        create_database()
    Pool(DB_NAME).init()
    with Transaction().start(DB_NAME, 0):
        Party = Pool().get('party.party')
        generated = Party.search([('code', '=', 'B0')])
    if not generated:
        with Transaction().start(DB_NAME, 0) as transaction:
            start = time.perf_counter()
            _, sales = generate()
            transaction.commit()
            print(f'generated {COUNT} customers and {sales} sales (and '
                f'lines) in {time.perf_counter() - start:.1f} s')
        bench_forecast.vacuum()
    with Transaction().start(DB_NAME, 0) as transaction:
        from trytond.modules.crm_plus.analytics.churn import features
        pool = Pool()
        Company = pool.get('company.company')
        Model = pool.get('crm.churn.model')
        company, = Company.search([], limit=1, order=[('id', 'DESC')])
        cursor = transaction.connection.cursor()
        cutoff = TODAY - dt.timedelta(days=180)
        for run in range(3):
            start = time.perf_counter()
            rows = features(company.id, cutoff, 180)
            crm = time.perf_counter() - start
            start = time.perf_counter()
            cursor.execute(HAND_WRITTEN, {
                    'company': company.id, 'date': cutoff,
                    **{f'd{n}': cutoff - dt.timedelta(days=n)
                        for n in [90, 180, 360, 365]}})
            hand = len(cursor.fetchall())
            sql = time.perf_counter() - start
            print(f'features at the cut-off: crm_plus {crm:.2f} s '
                f'(3 queries, {len(rows)} customers, rows built in Python) '
                f'| hand-written sales SQL {sql:.2f} s ({hand} rows) '
                f'| ratio {crm / sql:.2f}x')
        with Transaction().set_context(company=company.id):
            start = time.perf_counter()
            model = Model.train(company.id, date=TODAY)
            print(f'training: {time.perf_counter() - start:.1f} s, '
                f'{model.rows} rows, {model.positives} churned, '
                f'hold-out AUC {model.auc:.3f}')
            start = time.perf_counter()
            at_risk = model.score(date=TODAY)
            print(f'scoring: {time.perf_counter() - start:.1f} s, '
                f'{len(at_risk)} customers at risk')
        transaction.rollback()


if __name__ == '__main__':
    main()
