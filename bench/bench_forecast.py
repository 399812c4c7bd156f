"""Time the sales forecast and the pipeline report over many opportunities.

Usage (the database must not exist yet, or already hold the bench data):

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_forecast.py bench_forecast [100000]

It creates the database, activates crm_plus, inserts the opportunities (and
a tenth as many confirmed sales) with bulk SQL copies of one record made by
the ORM, then reads crm.sale.forecast for a year and the pipeline report.
Prints figures, asserts nothing.
"""
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time

import trytond.config as config

DB_NAME = sys.argv[1] if len(sys.argv) > 1 else 'bench_forecast'
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
BATCH = 5_000


def database_exists():
    from trytond import backend
    Database = backend.Database
    database = Database().connect()
    try:
        return DB_NAME in database.list()
    finally:
        database.close()


def create_database():
    uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
    if uri.startswith('postgresql'):
        import psycopg
        with psycopg.connect(uri.rstrip('/') + '/postgres',
                autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    else:
        path = config.get('database', 'path')
        os.makedirs(path, exist_ok=True)
        open(os.path.join(path, DB_NAME + '.sqlite'), 'a').close()
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write('admin\n')
        passfile.flush()
        env = dict(os.environ, TRYTONPASSFILE=passfile.name)
        # The interpreter's module, not the console script: a copied venv
        # keeps scripts pointing at the original one. No admin email: its
        # validation checks deliverability through DNS.
        subprocess.run([sys.executable, '-m', 'trytond.cli.admin',
                '-d', DB_NAME, '--all', '-u', 'crm_plus',
                '--activate-dependencies'],
            input='\n', text=True, check=True, env=env)


def copy_rows(table_name, template_id, rows):
    "Insert copies of the template row with the values of rows (dicts)"
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute(f'SELECT * FROM "{table_name}" WHERE id = %s'
        if 'postgresql' in os.environ.get('TRYTOND_DATABASE_URI', '')
        else f'SELECT * FROM "{table_name}" WHERE id = ?', (template_id,))
    columns = [d[0] for d in cursor.description]
    template = dict(zip(columns, cursor.fetchone()))
    del template['id']
    names = list(template)
    param = ('%s' if 'postgresql' in os.environ.get(
                'TRYTOND_DATABASE_URI', '') else '?')
    sql = (f'INSERT INTO "{table_name}" ('
        + ', '.join(f'"{n}"' for n in names) + ') VALUES ('
        + ', '.join([param] * len(names)) + ')')
    for start in range(0, len(rows), BATCH):
        values = []
        for row in rows[start:start + BATCH]:
            record = dict(template, **row)
            values.append([record[n] for n in names])
        cursor.executemany(sql, values)


def generate():
    from trytond.modules.company.tests import (
        create_company, create_employee, set_company)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Opportunity = pool.get('sale.opportunity')
    Sale = pool.get('sale.sale')
    Party = pool.get('party.party')
    Stage = pool.get('crm.pipeline.stage')
    company = create_company()
    with set_company(company):
        employees = [create_employee(company, f"Rep {i}") for i in range(50)]
        parties = Party.create([{'name': f"Customer {i}"} for i in range(500)])
        stages = Stage.search([])
        template, = Opportunity.create([{
                    'party': parties[0].id, 'employee': employees[0].id,
                    'amount': 1, 'end_date': dt.date.today()}])
        sale, = Sale.create([{
                    'party': parties[0].id, 'sale_date': dt.date.today(),
                    'invoice_method': 'manual'}])
        # A confirmed sale without the address checks of the workflow
        table = Sale.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.state, table.untaxed_amount_cache],
                ['confirmed', 1], where=table.id == sale.id))
        today = dt.date.today()
        rand = random.Random(42)
        rows = []
        for i in range(COUNT):
            stage = rand.choice(stages)
            state = {'won': 'won', 'lost': 'lost'}.get(
                stage.kind, rand.choice(['lead', 'opportunity']))
            rows.append({
                    'number': f'B{i}',
                    'party': rand.choice(parties).id,
                    'employee': rand.choice(employees).id,
                    'amount': rand.randrange(1000, 100000),
                    'end_date': today + dt.timedelta(
                        days=rand.randrange(-365, 365)),
                    'state': state,
                    'stage': stage.id,
                    'conversion_probability': stage.probability,
                    })
        copy_rows(Opportunity._table, template.id, rows)
        rows = [{
                'number': f'S{i}',
                'party': rand.choice(parties).id,
                'sale_date': today - dt.timedelta(
                    days=rand.randrange(0, 730)),
                'untaxed_amount_cache': rand.randrange(1000, 100000),
                } for i in range(COUNT // 10)]
        copy_rows(Sale._table, sale.id, rows)
        return company.id


def vacuum():
    """Statistics and visibility map as autovacuum leaves them on a live
    database (index-only scans need the latter)"""
    uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
    if uri.startswith('postgresql'):
        import psycopg
        with psycopg.connect(uri.rstrip('/') + '/' + DB_NAME,
                autocommit=True) as conn:
            conn.execute('VACUUM ANALYZE')


def timed(label, func, runs=3):
    figures = []
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        figures.append(time.perf_counter() - start)
    print(f'{label}: ' + ', '.join(f'{f:.3f} s' for f in figures)
        + f' ({result})')


def main():
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not database_exists():
        create_database()
    Pool(DB_NAME).init()
    with Transaction().start(DB_NAME, 0) as transaction:
        Opportunity = Pool().get('sale.opportunity')
        generated = Opportunity.search([('number', '=', 'B0')])
    if not generated:
        with Transaction().start(DB_NAME, 0) as transaction:
            start = time.perf_counter()
            generate()
            transaction.commit()
            print(f'generated {COUNT} opportunities and {COUNT // 10} sales '
                f'in {time.perf_counter() - start:.1f} s')
        vacuum()
    with Transaction().start(DB_NAME, 0, readonly=True):
        pool = Pool()
        Company = pool.get('company.company')
        Opportunity = pool.get('sale.opportunity')
        company, = Company.search([], limit=1, order=[('id', 'DESC')])
        print('opportunities:', Opportunity.search_count([]))
        today = dt.date.today()
        context = {
            'company': company.id,
            'from_date': today.replace(day=1),
            'to_date': today.replace(day=1).replace(year=today.year + 1)
            - dt.timedelta(days=1),
            }
        fields = ['month', 'weighted', 'committed', 'forecast', 'target',
            'last_year', 'run_rate']

        def forecast(**extra):
            with Transaction().set_context(context, **extra):
                Forecast = pool.get('crm.sale.forecast')
                rows = Forecast.read(
                    [f.id for f in Forecast.search([])], fields)
                return f'{len(rows)} months'

        def report(**extra):
            with Transaction().set_context(context, **extra):
                Report = pool.get('crm.pipeline.stage.report')
                rows = Report.read([r.id for r in Report.search([])],
                    ['stage', 'number', 'amount', 'weighted_amount'])
                return f'{len(rows)} stages'

        employee = pool.get('company.employee').search([], limit=1)[0]
        timed('forecast, one year, company', forecast)
        timed('forecast, one year, one employee',
            lambda: forecast(employee=employee.id))
        timed('pipeline report, company', report)


if __name__ == '__main__':
    main()
