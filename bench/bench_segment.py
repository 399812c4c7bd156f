"""Time a dynamic segment over many customers and sale lines.

Usage (the database must not exist yet, or already hold the bench data):

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_segment.py bench_segment [1000000 [10000000]]

The data comes from bench/gen_sales.py (COPY: customers with the CRM
fields and addresses, 20 product categories of 10 products, sales over
three years with 1-5 lines).  It times the seeds' example segment (women
aged 20-40 who bought a product of a category in the last year) through
``segment.query()``, its member count through the ORM (the preview, as
the administrator), and a hand-written SQL of the same question, in the
same run, with the load average.  Prints figures, asserts nothing.
"""
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_sales  # noqa: E402

DB_NAME = sys.argv[1] if len(sys.argv) > 1 else 'bench_segment'
CUSTOMERS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
LINES = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
URI = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')


def best(func, runs=5):
    "The best time of runs calls of func and its last result"
    figures = []
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        figures.append(time.perf_counter() - start)
    return min(figures), result


HAND_SQL = '''
SELECT p.id FROM party_party p
WHERE p.crm_kind IS NOT NULL AND p.active
    AND p.crm_gender = 'female'
    AND p.crm_birthday > %(oldest)s AND p.crm_birthday <= %(youngest)s
    AND EXISTS (
        SELECT 1 FROM sale_sale s
        JOIN sale_line l ON l.sale = s.id
        JOIN product_product pp ON pp.id = l.product
        JOIN "product_template-product_category" tc
            ON tc.template = pp.template
        WHERE s.party = p.id AND s.company = %(company)s
            AND s.state IN ('confirmed', 'processing', 'done')
            AND s.sale_date >= %(since)s
            AND l.type = 'line' AND tc.category = %(category)s)
'''


def main():
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not gen_sales.generated(DB_NAME):
        gen_sales.generate(DB_NAME, CUSTOMERS, LINES,
            log=lambda m: print(m, flush=True))
    Pool(DB_NAME).init()
    from trytond.modules.crm_plus.marketing.segment import years_before
    with Transaction().start(DB_NAME, 0) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Category = pool.get('product.category')
        Segment = pool.get('crm.segment')
        Date = pool.get('ir.date')
        cursor = transaction.connection.cursor()
        company, = Company.search([], limit=1, order=[('id', 'DESC')])
        category, = Category.search([('name', '=', "类别 3")])
        for table in ['party_party', 'sale_sale', 'sale_line']:
            cursor.execute(f'SELECT COUNT(*) FROM {table}')
            print(f'{table}: {cursor.fetchone()[0]} rows')
        with transaction.set_context(company=company.id):
            today = Date.today()
            segment, = Segment.create([{
                        'name': "20-40岁近一年购买类别 3 的女性",
                        'company': company.id,
                        'criteria': [('create', [
                                    {'type': 'gender', 'gender': 'female'},
                                    {'type': 'age', 'age_min': 20,
                                        'age_max': 40},
                                    {'type': 'product_category',
                                        'product_category': category.id,
                                        'days': 365},
                                    ])],
                        }])

            def query():
                cursor.execute(*segment.query())
                return len(cursor.fetchall())

            def preview():
                Party = pool.get('party.party')
                return Party.search_count(segment.member_domain())

            def hand():
                cursor.execute(HAND_SQL, {
                        'oldest': years_before(today, 41),
                        'youngest': years_before(today, 20),
                        'company': company.id,
                        'since': today - dt.timedelta(days=365),
                        'category': category.id,
                        })
                return len(cursor.fetchall())

            query()
            hand()
            t_query, n_query = best(query)
            t_hand, n_hand = best(hand)
            t_preview, n_preview = best(preview)
            print(f'seeds\' example segment over {CUSTOMERS} customers and '
                f'{LINES} sale lines: segment.query() {t_query * 1000:.0f} ms '
                f'({n_query} customers), hand-written SQL '
                f'{t_hand * 1000:.0f} ms ({n_hand} customers): '
                f'{t_query / t_hand:.2f}x; ORM preview count '
                f'{t_preview * 1000:.0f} ms ({n_preview})')
            print('load average: %.2f %.2f %.2f' % os.getloadavg())
            sql, params = segment.query()
            cursor.execute('EXPLAIN ANALYZE ' + sql, params)
            print('\n'.join(r[0] for r in cursor.fetchall()))
        transaction.rollback()


if __name__ == '__main__':
    if not URI.startswith('postgresql'):
        sys.exit('bench_segment needs PostgreSQL (TRYTOND_DATABASE_URI)')
    main()
