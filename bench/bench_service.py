"""Time tickets and the service efficiency report over many tickets.

Usage (the database must not exist yet, or already hold the bench data):

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_service.py bench_service [100000]

It creates the database, activates crm_plus, creates tickets through the
ORM (timed: the creation rate, the service level due dates when the SLA
code is there), runs a few hundred through their workflow with replies,
then inserts the bulk of the tickets with SQL copies of an ORM-made one and
their messages and transitions with INSERT ... SELECT.  It times the
service report per agent (the ORM search and read, and its query alone)
against a hand-written SQL aggregate of the same figures, as the
administrator and as a service agent (whose rows go through the ticket
rules).  Prints figures, asserts nothing.
"""
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time


DB_NAME = sys.argv[1] if len(sys.argv) > 1 else 'bench_service'
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
ORM_COUNT = 500
BATCH = 5_000
URI = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
PARAM = '%s'


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


def rate(label, count, seconds):
    print(f'{label}: {count} in {seconds:.1f} s, {count / seconds:.1f}/s, '
        f'{seconds / count * 1000:.1f} ms each')


def generate():
    """Create the base records and the timed ORM tickets; return the ids
    of the company and of a service agent user"""
    from trytond.modules.company.tests import (
        create_company, create_employee, set_company)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Ticket = pool.get('crm.ticket')
    Message = pool.get('crm.ticket.message')
    Type = pool.get('crm.ticket.type')
    Party = pool.get('party.party')
    Team = pool.get('crm.team')
    Template = pool.get('product.template')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    company = create_company()
    rand = random.Random(42)
    with set_company(company):
        employees = [create_employee(company, f"Agent {i}")
            for i in range(20)]
        teams = Team.create([{
                    'name': f"Service {t}", 'company': company.id,
                    'members': [('add', [e.id for e in employees[t::4]])],
                    } for t in range(4)])
        agent, = User.create([{
                    'login': 'bench_agent', 'name': "Bench Agent",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employees[0].id])],
                    'employee': employees[0].id,
                    'groups': [('add', [ModelData.get_id(
                                    'crm_plus', 'group_service_agent')])],
                    }])
        parties = Party.create([{'name': f"客户 {i}"} for i in range(300)])
        uom = ModelData.get_id('product', 'uom_unit')
        templates = Template.create([{
                    'name': f"产品 {i}", 'default_uom': uom,
                    'products': [('create', [{}])],
                    } for i in range(20)])
        products = [t.products[0] for t in templates]
        types = Type.search([])
        members = [(t, e) for t in teams for e in t.members]

        def values(i):
            team, employee = rand.choice(members)
            return {
                'party': rand.choice(parties).id,
                'subject': f"打印机无法开机 {i}",
                'description': "昨天还能用，今天按了没反应。",
                'type': rand.choice(types).id,
                'priority': rand.choice(['low', 'normal', 'high', 'urgent']),
                'team': team.id,
                'assignee': employee.id,
                'product': rand.choice(products).id,
                }

        start = time.perf_counter()
        orm = [Ticket.create([values(i)])[0] for i in range(ORM_COUNT)]
        rate('ticket creation through the ORM (one per call)', ORM_COUNT,
            time.perf_counter() - start)

        start = time.perf_counter()
        Ticket.create([values(i) for i in range(ORM_COUNT)])
        rate('ticket creation through the ORM (one call)', ORM_COUNT,
            time.perf_counter() - start)

        # A few hundred through the workflow, with a reply each
        start = time.perf_counter()
        worked = orm[:300]
        Ticket.start(worked)
        Message.create([{
                    'ticket': t.id, 'kind': 'reply',
                    'body': "您好，我们正在处理。"} for t in worked])
        for ticket in worked:
            ticket.resolution = "已更换电源适配器。"
        Ticket.save(worked)
        Ticket.resolve(worked)
        rate('workflow through the ORM (start, reply, resolve)',
            len(worked), time.perf_counter() - start)

        # The bulk: copies of an ORM ticket
        now = dt.datetime.now().replace(microsecond=0)
        rows = []
        states = ['new', 'assigned', 'in_progress', 'waiting',
            'resolved', 'closed', 'closed', 'closed', 'cancelled']
        for i in range(COUNT - 2 * ORM_COUNT):
            team, employee = rand.choice(members)
            created = now - dt.timedelta(
                seconds=rand.randrange(0, 365 * 24 * 3600))
            state = rand.choice(states)
            response = (created + dt.timedelta(
                    minutes=rand.randrange(5, 48 * 60))
                if state != 'new' else None)
            resolved = (created + dt.timedelta(
                    minutes=rand.randrange(30, 14 * 24 * 60))
                if state in {'resolved', 'closed'} else None)
            with_sla = rand.random() < 0.6
            rows.append({
                    'number': f'B{i}',
                    'create_date': created,
                    'party': rand.choice(parties).id,
                    'type': rand.choice(types).id,
                    'team': team.id if rand.random() < 0.95 else None,
                    'assignee': employee.id if state != 'new' else None,
                    'product': (rand.choice(products).id
                        if rand.random() < 0.3 else None),
                    'state': state,
                    'first_response_date': response,
                    'resolved_date': resolved,
                    'closed_date': resolved if state == 'closed' else None,
                    'first_response_due': (created + dt.timedelta(hours=8)
                        if with_sla else None),
                    'resolution_due': (created + dt.timedelta(days=3)
                        if with_sla else None),
                    'reopen_count': 1 if rand.random() < 0.05 else 0,
                    })
        copy_rows(Ticket._table, orm[-1].id, rows)

        # Their conversation and history from the tickets, in SQL
        cursor = Transaction().connection.cursor()
        like = "'B%%'"
        cursor.execute(
            'INSERT INTO "crm_ticket_message" '
            '(ticket, kind, body, author, date, create_date, create_uid) '
            "SELECT id, 'incoming', description, NULL, create_date, "
            'create_date, 0 FROM "crm_ticket" '
            f'WHERE number LIKE {like}')
        cursor.execute(
            'INSERT INTO "crm_ticket_message" '
            '(ticket, kind, body, author, date, create_date, create_uid) '
            "SELECT id, 'reply', 'reply', 1, first_response_date, "
            'first_response_date, 1 FROM "crm_ticket" '
            f'WHERE number LIKE {like} AND first_response_date IS NOT NULL')
        cursor.execute(
            'INSERT INTO "crm_ticket_transition" '
            '(ticket, from_state, to_state, "user", date, create_date, '
            'create_uid) '
            "SELECT id, NULL, 'new', 1, create_date, create_date, 1 "
            f'FROM "crm_ticket" WHERE number LIKE {like} '
            'UNION ALL '
            "SELECT id, 'new', 'in_progress', 1, first_response_date, "
            'first_response_date, 1 FROM "crm_ticket" '
            f'WHERE number LIKE {like} AND first_response_date IS NOT NULL '
            'UNION ALL '
            "SELECT id, 'in_progress', 'resolved', 1, resolved_date, "
            'resolved_date, 1 FROM "crm_ticket" '
            f'WHERE number LIKE {like} AND resolved_date IS NOT NULL')
        return company.id, agent.id


def time_sla(pool):
    "Time the service level due dates of the ORM-made tickets (rolled back)"
    from trytond.transaction import Transaction
    Ticket = pool.get('crm.ticket')
    try:
        pool.get('crm.sla.policy')
    except KeyError:
        print('service level due dates: skipped: no SLA')
        return
    with Transaction().new_transaction() as transaction:
        tickets = Ticket.search([('number', 'not like', 'B%')], limit=1000)
        start = time.perf_counter()
        Ticket._sla_compute(tickets)
        rate('service level due dates (policy, business hours)',
            len(tickets), time.perf_counter() - start)
        transaction.rollback()


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
SELECT assignee, COUNT(*),
    AVG(EXTRACT(EPOCH FROM first_response_date - create_date)) / 3600,
    AVG(EXTRACT(EPOCH FROM resolved_date - create_date)) / 3600,
    COUNT(*) FILTER (WHERE resolved_date IS NOT NULL
        AND (first_response_due IS NOT NULL OR resolution_due IS NOT NULL)),
    COUNT(*) FILTER (WHERE resolved_date IS NOT NULL
        AND (first_response_due IS NOT NULL OR resolution_due IS NOT NULL)
        AND (first_response_due IS NULL
            OR first_response_date <= first_response_due)
        AND (resolution_due IS NULL OR resolved_date <= resolution_due)),
    COUNT(*) FILTER (WHERE state IN ('resolved', 'closed')),
    COUNT(*) FILTER (WHERE reopen_count > 0),
    COUNT(*) FILTER (WHERE resolved_date IS NOT NULL OR reopen_count > 0),
    COUNT(*) FILTER (WHERE state IN %(open)s),
    COUNT(*) FILTER (WHERE state IN %(open)s
        AND create_date > %(d1)s),
    COUNT(*) FILTER (WHERE state IN %(open)s
        AND create_date <= %(d1)s AND create_date > %(d3)s),
    COUNT(*) FILTER (WHERE state IN %(open)s
        AND create_date <= %(d3)s AND create_date > %(d7)s),
    COUNT(*) FILTER (WHERE state IN %(open)s AND create_date <= %(d7)s)
FROM crm_ticket
WHERE company = %(company)s AND state != 'cancelled'
    AND create_date >= %(start)s AND create_date < %(end)s
    %(extra)s
GROUP BY assignee
'''


def main():
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not database_exists():
        create_database()
    Pool(DB_NAME).init()
    with Transaction().start(DB_NAME, 0) as transaction:
        Ticket = Pool().get('crm.ticket')
        generated = Ticket.search([('number', '=', 'B0')])
    if not generated:
        with Transaction().start(DB_NAME, 0) as transaction:
            start = time.perf_counter()
            generate()
            transaction.commit()
            print(f'generated {COUNT} tickets in '
                f'{time.perf_counter() - start:.1f} s')
        vacuum()
    with Transaction().start(DB_NAME, 0, readonly=True) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Ticket = pool.get('crm.ticket')
        Report = pool.get('crm.ticket.report.agent')
        User = pool.get('res.user')
        Team = pool.get('crm.team')
        cursor = transaction.connection.cursor()
        company, = Company.search([], limit=1, order=[('id', 'DESC')])
        agent, = User.search([('login', '=', 'bench_agent')])
        cursor.execute('SELECT COUNT(*) FROM crm_ticket')
        tickets, = cursor.fetchone()
        cursor.execute('SELECT COUNT(*) FROM crm_ticket_message')
        messages, = cursor.fetchone()
        cursor.execute('SELECT COUNT(*) FROM crm_ticket_transition')
        transitions, = cursor.fetchone()
        print(f'tickets: {tickets}, messages: {messages}, '
            f'transitions: {transitions}')
        today = dt.date.today()
        context = {
            'company': company.id,
            'from_date': today - dt.timedelta(days=365),
            'to_date': today,
            }
        fields = ['assignee', 'number', 'first_response_time',
            'resolution_time', 'sla_compliance', 'resolution_rate',
            'reopen_rate', 'backlog', 'backlog_1d', 'backlog_3d',
            'backlog_7d', 'backlog_older']

        def orm(user=0):
            with transaction.set_user(user), transaction.set_context(
                    context, _check_access=bool(user)):
                rows = Report.search([])
                Report.read([r.id for r in rows], fields)
                return len(rows)

        def query(user=0):
            with transaction.set_user(user), transaction.set_context(
                    context, _check_access=bool(user)):
                cursor.execute(*Report.table_query())
                return len(cursor.fetchall())

        now = Ticket._now()
        teams = [t.id for t in Team.search([
                    ('members', 'in', [e.id for e in agent.employees])])]

        def hand(agent_rules=False):
            extra = ''
            if agent_rules:
                # the agent's rule by hand: their teams, the pool (no
                # team), their tickets, their customers
                extra = (
                    'AND (team IN (%s) OR team IS NULL OR assignee IN (%s) '
                    'OR party IN '
                    '(SELECT id FROM party_party WHERE crm_owner IN (%s)))'
                    % (','.join(map(str, teams)),
                        ','.join(str(e.id) for e in agent.employees),
                        ','.join(str(e.id) for e in agent.employees)))
            sql = HAND_SQL % {
                'open': "('new', 'assigned', 'in_progress', 'waiting')",
                'd1': '%(d1)s', 'd3': '%(d3)s', 'd7': '%(d7)s',
                'company': '%(company)s', 'start': '%(start)s',
                'end': '%(end)s', 'extra': extra}
            cursor.execute(sql, {
                    'company': company.id,
                    'start': dt.datetime.combine(
                        context['from_date'], dt.time()),
                    'end': dt.datetime.combine(
                        context['to_date'] + dt.timedelta(days=1),
                        dt.time()),
                    'd1': now - dt.timedelta(days=1),
                    'd3': now - dt.timedelta(days=3),
                    'd7': now - dt.timedelta(days=7),
                    })
            return len(cursor.fetchall())

        time_sla(pool)
        orm()
        for label, user, agent_rules in [
                ('administrator', 0, False),
                ('service agent', agent.id, True)]:
            t_orm, n_orm = best(lambda: orm(user))
            t_query, n_query = best(lambda: query(user))
            t_hand, n_hand = best(lambda: hand(agent_rules))
            print(f'service report per agent, one year, {label}: '
                f'ORM search+read {t_orm * 1000:.0f} ms ({n_orm} rows), '
                f'its query {t_query * 1000:.0f} ms ({n_query} rows), '
                f'hand-written SQL {t_hand * 1000:.0f} ms ({n_hand} rows): '
                f'ORM {t_orm / t_hand:.2f}x, query {t_query / t_hand:.2f}x')
        for model in ['team', 'type', 'product', 'month']:
            Model = pool.get(f'crm.ticket.report.{model}')

            def other():
                with transaction.set_context(context):
                    rows = Model.search([])
                    Model.read([r.id for r in rows], fields[1:])
                    return len(rows)
            t_orm, n_orm = best(other)
            print(f'service report per {model}, one year, administrator: '
                f'ORM search+read {t_orm * 1000:.0f} ms ({n_orm} rows)')


if __name__ == '__main__':
    if not URI.startswith('postgresql'):
        sys.exit('bench_service needs PostgreSQL (TRYTOND_DATABASE_URI)')
    main()
