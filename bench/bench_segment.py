"""Time a dynamic segment over many customers and sale lines.

Usage (the database must not exist yet, or already hold the bench data):

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_segment.py bench_segment [1000000 [10000000]]

It creates the database, activates crm_plus, makes the company, 20
product categories of 10 products, one customer and one sale through the
ORM, then COPYs the customers (half women, birthdays over 60 years) and
inserts the sales (two lines each, over three years, 90 % done) with
INSERT ... SELECT FROM generate_series copies of the ORM-made rows.  It
times the seeds' example segment (women aged 20-40 who bought a product of
a category in the last year) through ``segment.query()``, its member count
through the ORM (the preview, as the administrator), and a hand-written
SQL of the same question.  Prints figures, asserts nothing.
"""
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time

DB_NAME = sys.argv[1] if len(sys.argv) > 1 else 'bench_segment'
CUSTOMERS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
LINES = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
URI = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
CATEGORIES, PRODUCTS = 20, 10


def database_exists():
    from trytond import backend
    database = backend.Database().connect()
    try:
        return DB_NAME in database.list()
    finally:
        database.close()


def create_database():
    import psycopg
    with psycopg.connect(URI.rstrip('/') + '/postgres',
            autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write('admin\n')
        passfile.flush()
        env = dict(os.environ, TRYTONPASSFILE=passfile.name)
        subprocess.run([sys.executable, '-m', 'trytond.cli.admin',
                '-d', DB_NAME, '--all', '-u', 'crm_plus',
                '--activate-dependencies'],
            input='\n', text=True, check=True, env=env)


def template_row(cursor, table, id_):
    cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', (id_,))
    columns = [d[0] for d in cursor.description]
    row = dict(zip(columns, cursor.fetchone()))
    del row['id']
    return row


def insert_select(cursor, table, template, expressions, count):
    """INSERT count copies of template with the SQL expressions of
    expressions (of g, the generate_series number)"""
    names = list(template)
    values, params = [], []
    for name in names:
        if name in expressions:
            values.append(expressions[name])
        else:
            values.append('%s')
            params.append(template[name])
    cursor.execute(f'INSERT INTO "{table}" ('
        + ', '.join(f'"{n}"' for n in names) + ') SELECT '
        + ', '.join(values) + f' FROM generate_series(1, {count}) AS g',
        params)


def generate():
    "Create the bench data; return the id of the company"
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from decimal import Decimal
    pool = Pool()
    Party = pool.get('party.party')
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    Sale = pool.get('sale.sale')
    ModelData = pool.get('ir.model.data')
    cursor = Transaction().connection.cursor()
    company = create_company()
    uom = ModelData.get_id('product', 'uom_unit')
    categories = Category.create([{'name': f"类别 {i}"}
            for i in range(CATEGORIES)])
    templates = Template.create([{
                'name': f"产品 {c}-{i}", 'default_uom': uom,
                'sale_uom': uom, 'salable': True,
                'categories': [('add', [category.id])],
                'products': [('create', [{}])],
                } for c, category in enumerate(categories)
            for i in range(PRODUCTS)])
    products = [t.products[0].id for t in templates]
    party, = Party.create([{'name': "模板客户", 'crm_kind': 'individual',
                'crm_gender': 'female',
                'crm_birthday': dt.date(1990, 1, 1)}])
    with set_company(company):
        sale, = Sale.create([{
                    'party': party.id, 'company': company.id,
                    'currency': company.currency.id,
                    'lines': [('create', [{
                                    'type': 'line', 'product': products[0],
                                    'unit': uom, 'quantity': 1,
                                    'unit_price': Decimal('100'),
                                    'description': "产品",
                                    }])],
                    }])
    line = sale.lines[0]

    start = time.perf_counter()
    template = template_row(cursor, 'party_party', party.id)
    names = list(template)
    rng = random.Random(42)
    base = dt.date.today() - dt.timedelta(days=365 * 78)
    with cursor.copy('COPY "party_party" ('
            + ', '.join(f'"{n}"' for n in names) + ') FROM STDIN') as copy:
        for i in range(CUSTOMERS):
            row = dict(template,
                name=f'客户 {i}', code=f'B{i}',
                crm_gender='female' if i % 2 else 'male',
                crm_birthday=base + dt.timedelta(
                    days=rng.randrange(60 * 365)))
            copy.write_row([row[n] for n in names])
    cursor.execute("SELECT MIN(id), MAX(id) FROM party_party "
        "WHERE code LIKE 'B%%'")
    first_party, last_party = cursor.fetchone()
    print(f'{CUSTOMERS} customers copied in '
        f'{time.perf_counter() - start:.1f} s', flush=True)

    start = time.perf_counter()
    sales = LINES // 2
    template = template_row(cursor, 'sale_sale', sale.id)
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM sale_sale")
    first_sale, = cursor.fetchone()
    insert_select(cursor, 'sale_sale', dict(template, id=None), {
            'id': f'{first_sale} + g',
            'number': "'B' || g",
            'party': f'{first_party} + (g::bigint * 7919) %% {CUSTOMERS}',
            'sale_date': "CURRENT_DATE - (random() * 1095)::int",
            'state': "CASE WHEN g %% 20 = 0 THEN 'draft' "
            "WHEN g %% 20 = 1 THEN 'cancelled' ELSE 'done' END",
            }, sales)
    cursor.execute("SELECT setval('sale_sale_id_seq', "
        "(SELECT MAX(id) FROM sale_sale))")
    print(f'{sales} sales inserted in {time.perf_counter() - start:.1f} s',
        flush=True)

    start = time.perf_counter()
    template = template_row(cursor, 'sale_line', line.id)
    array = 'ARRAY[' + ','.join(map(str, products)) + ']'
    insert_select(cursor, 'sale_line', template, {
            'sale': f'{first_sale} + (g + 1) / 2',
            'product': f'({array})[1 + floor(random() * {len(products)})]',
            'quantity': '1 + floor(random() * 5)',
            'unit_price': '(10 + floor(random() * 500))::numeric',
            }, LINES)
    print(f'{LINES} sale lines inserted in '
        f'{time.perf_counter() - start:.1f} s', flush=True)
    return company.id


def vacuum():
    import psycopg
    with psycopg.connect(URI.rstrip('/') + '/' + DB_NAME,
            autocommit=True) as conn:
        conn.execute('VACUUM ANALYZE')


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
    if not database_exists():
        create_database()
    Pool(DB_NAME).init()
    with Transaction().start(DB_NAME, 0) as transaction:
        Party = Pool().get('party.party')
        generated = Party.search([('code', '=', 'B0')])
    if not generated:
        with Transaction().start(DB_NAME, 0) as transaction:
            start = time.perf_counter()
            generate()
            transaction.commit()
            print(f'generated in {time.perf_counter() - start:.1f} s',
                flush=True)
        start = time.perf_counter()
        vacuum()
        print(f'vacuum analyze in {time.perf_counter() - start:.1f} s')
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
            sql, params = segment.query()
            cursor.execute('EXPLAIN ANALYZE ' + sql, params)
            print('\n'.join(r[0] for r in cursor.fetchall()))
        transaction.rollback()


if __name__ == '__main__':
    if not URI.startswith('postgresql'):
        sys.exit('bench_segment needs PostgreSQL (TRYTOND_DATABASE_URI)')
    main()
