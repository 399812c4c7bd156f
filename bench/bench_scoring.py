"""Time predictive lead scoring: training on 100,000 historical leads and
scoring 100,000 open leads.

Usage (the database must not exist yet, or already hold the bench data):

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_scoring.py bench_scoring [100000]

It creates the database, activates crm_plus, makes a few leads through the
ORM and the bulk with SQL copies of one of them: COUNT converted or
disqualified leads with a planted signal (an industry and a click convert
more) and their click events, and COUNT open leads.  It times the feature
extraction of the history (beside a hand-written SQL query of the same
rows), the training (logistic regression, hold-out AUC) and the scoring of
the open leads (rule score, grade, probability, top factors, stored).
Prints figures, asserts nothing.
"""
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time

DB_NAME = sys.argv[1] if len(sys.argv) > 1 else 'bench_scoring'
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
BATCH = 5_000
URI = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
PARAM = '%s' if URI.startswith('postgresql') else '?'


def database_exists():
    from trytond import backend
    database = backend.Database().connect()
    try:
        return DB_NAME in database.list()
    finally:
        database.close()


def create_database():
    if URI.startswith('postgresql'):
        import psycopg
        with psycopg.connect(URI.rstrip('/') + '/postgres',
                autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    else:
        import trytond.config as config
        path = os.path.join(
            config.get('database', 'path'), DB_NAME + '.sqlite')
        open(path, 'a').close()
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write('admin\n')
        passfile.flush()
        env = dict(os.environ, TRYTONPASSFILE=passfile.name)
        subprocess.run([sys.executable, '-m', 'trytond.cli.admin',
                '-d', DB_NAME, '--all', '-u', 'crm_plus',
                '--activate-dependencies'],
            input='\n', text=True, check=True, env=env)


def copy_rows(table_name, template_id, rows):
    "Insert copies of the template row with the values of rows (dicts)"
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute(
        f'SELECT * FROM "{table_name}" WHERE id = {PARAM}', (template_id,))
    columns = [d[0] for d in cursor.description]
    template = dict(zip(columns, cursor.fetchone()))
    del template['id']
    names = list(template)
    sql = (f'INSERT INTO "{table_name}" ('
        + ', '.join(f'"{n}"' for n in names) + ') VALUES ('
        + ', '.join([PARAM] * len(names)) + ')')
    for start in range(0, len(rows), BATCH):
        cursor.executemany(sql, [
                [dict(template, **row)[n] for n in names]
                for row in rows[start:start + BATCH]])


def generate():
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Lead = pool.get('crm.lead')
    Industry = pool.get('crm.industry')
    Source = pool.get('crm.customer.source')
    Rule = pool.get('crm.lead.scoring.rule')
    company = create_company()
    rand = random.Random(42)
    with set_company(company):
        industries = Industry.create(
            [{'name': f"行业 {i}"} for i in range(20)])
        sources = Source.create([{'name': f"来源 {i}"} for i in range(8)])
        Rule.create([
                {'name': "目标行业", 'kind': 'industry',
                    'industry': industries[0].id, 'points': 20},
                {'name': "中型企业", 'kind': 'headcount',
                    'headcount': '51-200', 'points': 10},
                {'name': "打开邮件", 'kind': 'opened', 'points': 5},
                {'name': "点击链接", 'kind': 'clicked', 'points': 15},
                ])
        template, = Lead.create([{'name': "模板", 'state': 'new'}])
        headcounts = ['1-10', '11-50', '51-200', '201-500', '501-1000']
        now = dt.datetime.now().replace(microsecond=0)
        rows = []
        for i in range(2 * COUNT):
            industry = rand.choice(industries)
            clicked = rand.random() < 0.3
            good = industry == industries[0] or clicked
            if i < COUNT:
                state = ('converted'
                    if rand.random() < (0.8 if good else 0.2)
                    else 'disqualified')
            else:
                state = rand.choice(['new', 'working'])
            rows.append({
                    'name': f"B{i}",
                    'company': company.id,
                    'industry': industry.id,
                    'source': rand.choice(sources).id,
                    'headcount': rand.choice(headcounts),
                    'state': state,
                    'utm_content': 'clicked' if clicked else None,
                    'create_date': now - dt.timedelta(
                        seconds=rand.randrange(0, 2 * 365 * 86400)),
                    })
        copy_rows(Lead._table, template.id, rows)
        cursor = Transaction().connection.cursor()
        cursor.execute(
            'INSERT INTO "crm_lead_score_event" '
            '(lead, kind, points, date, create_date, create_uid) '
            "SELECT id, 'clicked', 15, create_date, create_date, 0 "
            "FROM \"crm_lead\" WHERE utm_content = 'clicked'")
        cursor.execute(
            'INSERT INTO "crm_lead_score_event" '
            '(lead, kind, points, date, create_date, create_uid) '
            "SELECT id, 'opened', 5, create_date, create_date, 0 "
            "FROM \"crm_lead\" WHERE id % 3 = 0")
    return company.id


HAND_SQL = '''
SELECT l.id, l.source, l.industry, l.headcount, l.subdivision, l.state,
    COALESCE(SUM(CASE WHEN e.kind = 'opened' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN e.kind = 'clicked' THEN 1 ELSE 0 END), 0)
FROM crm_lead l LEFT JOIN crm_lead_score_event e ON e.lead = l.id
WHERE l.company = %s AND l.state IN ('converted', 'disqualified')
GROUP BY l.id
'''


def main():
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not database_exists():
        create_database()
    Pool(DB_NAME).init()
    with Transaction().start(DB_NAME, 0) as transaction:
        Lead = Pool().get('crm.lead')
        generated = Lead.search([('name', '=', 'B0')])
    if not generated:
        with Transaction().start(DB_NAME, 0) as transaction:
            start = time.perf_counter()
            generate()
            transaction.commit()
            print(f'generated {2 * COUNT} leads in '
                f'{time.perf_counter() - start:.1f} s')
    with Transaction().start(DB_NAME, 0) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Lead = pool.get('crm.lead')
        Model = pool.get('crm.lead.scoring.model')
        cursor = transaction.connection.cursor()
        company, = Company.search([], limit=1, order=[('id', 'DESC')])
        cursor.execute('SELECT state, COUNT(*) FROM crm_lead GROUP BY state')
        print('leads:', dict(cursor.fetchall()))
        with transaction.set_context(company=company.id):
            start = time.perf_counter()
            rows, labels = Lead.scoring_history(company.id)
            t_features = time.perf_counter() - start
            start = time.perf_counter()
            cursor.execute(HAND_SQL.replace('%s', PARAM), (company.id,))
            n_hand = len(cursor.fetchall())
            t_hand = time.perf_counter() - start
            print(f'history features: {len(rows)} rows in '
                f'{t_features:.2f} s (hand-written SQL of the lead and '
                f'behaviour columns: {n_hand} rows in {t_hand:.2f} s)')

            start = time.perf_counter()
            model = Model.train(company.id)
            t_train = time.perf_counter() - start
            print(f'training (features, fit, hold-out AUC, stored): '
                f'{model.rows} rows in {t_train:.2f} s, '
                f'{len(model.fitted["features"])} features, '
                f'hold-out AUC {model.auc:.4f} on {model.holdout_rows} rows')

            # the cron's path: ids, not a search of 100,000 instances (each
            # instance trytond makes checks every id of the list: N²)
            start = time.perf_counter()
            leads = Lead.open_lead_ids()
            Lead.update_scores(leads)
            t_score = time.perf_counter() - start
            print(f'scoring (rules, decay, grade, probability, factors, '
                f'stored): {len(leads)} open leads in {t_score:.2f} s, '
                f'{len(leads) / t_score:.0f}/s')
            industry, = pool.get('crm.industry').search(
                [('name', '=', "行业 0")])
            start = time.perf_counter()
            cursor.execute(
                'UPDATE crm_lead SET score = CASE WHEN industry = '
                f'{PARAM} THEN 20 ELSE 0 END '
                "WHERE state IN ('new', 'working')",
                (industry.id,))
            print(f'hand-written SQL UPDATE of a rule score alone: '
                f'{time.perf_counter() - start:.2f} s')
        transaction.rollback()


if __name__ == '__main__':
    main()
