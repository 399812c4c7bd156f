#!/usr/bin/env python3
"""Throughput and latency of the CRM API read path on PostgreSQL (prints
figures only, asserts nothing).

Builds (or with --reuse keeps) a demo instance: ``crm-plus init --demo`` on
PostgreSQL, plus --customers generated customers imported with ``crm-plus
import customers`` (gen_customers.py).  Creates crm_api keys (every scope)
and stock 'rest' keys for ``admin`` and the sales representative ``lina``,
then, for each --workers count, serves the database with gunicorn
(``trytond.modules.crm_plus.wsgi:app``, sync workers) and drives it with
wrk (--connections keep-alive clients on loopback, after a warm-up):

- api get: ``GET /<db>/api/v1/customers/<id>``, one of lina's customers
- api list: ``GET /<db>/api/v1/customers?page_size=50``
- rest get: ``GET /<db>/rest/model/party.party/<id>`` with the fields the
  API answers (``f=`` parameters), the same record
- sql: the party row and its contact mechanisms with psycopg (threads, one
  connection each), the floor of the same question

It prints requests/s (overall and per worker process), p50/p95/p99 latency
in ms, the errors (non-2xx answers and socket errors), the CPU time of the
worker processes per answer (``cpu ms``: what a worker costs when the
machine is shared) and the load average before and after.  The per-key
rate limit is raised so that it is counted but never refuses.  --profile N
instead runs N calls of each API case in this process under pyinstrument
(cProfile without it) and lists the SQL queries of one call.

    python bench/api_bench.py [--reuse] [--workers 1,2,4] [--duration 10]
        [--only api-get,rest-get] [--profile 20]
"""
import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import gen_customers  # noqa: E402

PG_URI = os.environ.get(
    'CRM_PLUS_PG_URI', 'postgresql://root@127.0.0.1:5432/')
VENV_BIN = Path(sys.executable).parent
APP = 'trytond.modules.crm_plus.wsgi:app'
# the API fields of a customer, as party.party fields for the REST call
REST_FIELDS = ['name', 'code', 'crm_kind', 'crm_uscc', 'crm_industry.rec_name',
    'crm_headcount', 'crm_revenue', 'crm_website', 'crm_gender',
    'crm_birthday', 'crm_age', 'crm_id_number', 'crm_lifecycle',
    'crm_source.rec_name', 'crm_level.rec_name', 'categories',
    'crm_owner.rec_name', 'crm_team.rec_name', 'phone', 'mobile', 'email',
    'addresses.full_address', 'create_date', 'write_date']
SQL = """SELECT p.id, p.name, p.code, p.crm_kind, p.crm_lifecycle,
        p.create_date, p.write_date,
        (SELECT json_agg(json_build_object('type', m.type, 'value', m.value)
            ORDER BY m.sequence, m.id)
            FROM party_contact_mechanism m
            WHERE m.party = p.id AND m.active) AS mechanisms
    FROM party_party p WHERE p.id = %s AND p.crm_kind IS NOT NULL"""
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %d %d %d %d %.0f %.0f %.0f %.0f\\n",
    summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def crm_plus(home, *args, **kwargs):
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    return subprocess.run([str(VENV_BIN / 'crm-plus'), '--home', str(home),
            *args], env=env, check=True, **kwargs)


def pg(database='postgres'):
    import psycopg
    return psycopg.connect(PG_URI + database, autocommit=True)


def database_exists(name):
    with pg() as conn:
        return bool(conn.execute('SELECT 1 FROM pg_database '
                'WHERE datname = %s', (name,)).fetchone())


def build(home, database, customers):
    "The demo database with customers generated customers more"
    started = time.monotonic()
    crm_plus(home, 'init', '--demo', '--database-uri', PG_URI,
        '--database', database)
    print(f"demo database built in {time.monotonic() - started:.0f} s",
        flush=True)
    if customers:
        started = time.monotonic()
        with tempfile.NamedTemporaryFile(suffix='.csv') as csv:
            gen_customers.write(csv.name, customers)
            crm_plus(home, 'import', 'customers', csv.name,
                stdout=subprocess.DEVNULL)
        print(f"{customers} customers imported in "
            f"{time.monotonic() - started:.0f} s", flush=True)


def make_keys(home, database):
    """crm_api and rest keys of admin and lina, and the id of one of lina's
    customers: {login: (crm_api secret, rest key)}, id"""
    from trytond.config import update_etc
    update_etc(str(home / 'trytond.conf'))
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0) as transaction:
        User = pool.get('res.user')
        Application = pool.get('res.user.application')
        Party = pool.get('party.party')
        scopes = [s for s, _ in Application.get_scopes()]
        keys = {}
        for login in ['admin', 'lina']:
            user, = User.search([('login', '=', login)])
            secret = 'crm_' + secrets.token_urlsafe(32)
            rest, = Application.create([
                    {'application': 'crm_api', 'key': secret, 'user': user,
                        'name': 'bench', 'scopes': scopes,
                        'state': 'validated'},
                    {'application': 'rest', 'user': user,
                        'state': 'validated'}])[1:]
            keys[login] = (secret, rest.key)
            if login == 'lina':
                party, = Party.search([('crm_owner', '=', user.employee),
                        ('crm_kind', '!=', None)], order=[('id', 'ASC')],
                    limit=1)
        transaction.commit()
    return keys, party.id


class Server:
    "gunicorn serving database with workers sync worker processes"

    def __init__(self, home, database, workers, port):
        self.url = f'http://127.0.0.1:{port}'
        self.log = open(home / f'gunicorn-{workers}.log', 'wb')
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')}
        env.update(TRYTOND_CONFIG=str(home / 'trytond.conf'),
            TRYTOND_DATABASE_NAMES=database,
            # counted, never refusing
            TRYTOND_CRM_API__RATE_LIMIT='1000000000')
        self.process = subprocess.Popen([str(VENV_BIN / 'gunicorn'),
                '--workers', str(workers), '--bind', f'127.0.0.1:{port}',
                '--timeout', '120', '--keep-alive', '30', APP],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, path, headers):
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                request = urllib.request.Request(self.url + path,
                    headers=headers)
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return answer.read()
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited")
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer")

    def cpu(self):
        "CPU seconds used by the worker processes so far"
        pid = self.process.pid
        children = Path(f'/proc/{pid}/task/{pid}/children').read_text()
        total = 0
        for child in children.split():
            fields = Path(f'/proc/{child}/stat').read_text().rsplit(
                ')', 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf('SC_CLK_TCK')

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def wrk(url, headers, connections, duration, threads=2):
    "(requests/s, p50, p95, p99 in ms, errors, requests) of wrk on url"
    with tempfile.NamedTemporaryFile('w', suffix='.lua') as script:
        script.write(WRK_SCRIPT)
        script.flush()
        command = ['wrk', '-t', str(min(threads, connections)),
            '-c', str(connections), '-d', f'{duration}s', '--timeout', '30s',
            '-s', script.name]
        for name, value in headers.items():
            command += ['-H', f'{name}: {value}']
        output = subprocess.run(command + [url], capture_output=True,
            text=True, check=True).stdout
    match = re.search(r'^RESULT (.*)$', output, re.M)
    requests, micros, status, sockets, p50, p95, p99, _ = map(
        float, match.group(1).split())
    return (requests / micros * 1e6, p50 / 1000, p95 / 1000, p99 / 1000,
        int(status + sockets), requests)


def sql_bench(database, party_id, connections, duration):
    "(requests/s, p50, p95, p99 in ms, errors) of SQL on connections threads"
    timings, errors = [], [0]
    stop = time.monotonic() + duration

    def run():
        mine = []
        with pg(database) as conn:
            while time.monotonic() < stop:
                start = time.perf_counter()
                try:
                    if not conn.execute(SQL, (party_id,)).fetchall():
                        errors[0] += 1
                except Exception:
                    errors[0] += 1
                mine.append(time.perf_counter() - start)
        timings.extend(mine)
    threads = [threading.Thread(target=run) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    timings.sort()
    p = [timings[min(len(timings) - 1, int(len(timings) * q))] * 1000
        for q in (0.95, 0.99)]
    return (len(timings) / elapsed, statistics.median(timings) * 1000,
        *p, errors[0], len(timings))


def profile(home, database, requests):
    """pyinstrument (cProfile without it) of requests GET by id and list
    calls in this process, with the SQL queries of one call"""
    from werkzeug.test import Client
    os.environ['TRYTOND_CRM_API__RATE_LIMIT'] = '1000000000'
    os.environ['TRYTOND_CONFIG'] = str(home / 'trytond.conf')
    # before the pool starts its threads (trytond.application checks)
    from trytond.modules.crm_plus.wsgi import app
    from trytond.backend.postgresql import database as pg_database
    keys, party_id = make_keys(home, database)
    client = Client(app)
    queries = []
    execute = pg_database.LoggingCursor.execute

    def counting(self, query, *args, **kwargs):
        queries.append(str(query))
        return execute(self, query, *args, **kwargs)
    pg_database.LoggingCursor.execute = counting
    for login in ['lina', 'admin']:
        headers = {'Authorization': f'Bearer {keys[login][0]}'}
        for path in [f'/{database}/api/v1/customers/{party_id}',
                f'/{database}/api/v1/customers?page_size=50']:
            assert client.get(path, headers=headers).status_code == 200
            del queries[:]
            client.get(path, headers=headers)
            print(f"\n{login} {path}: {len(queries)} SQL queries")
            for query in queries:
                print('   ', ' '.join(query.split())[:160])
            started = time.perf_counter()
            for _ in range(requests):
                client.get(path, headers=headers)
            elapsed = (time.perf_counter() - started) / requests * 1000
            print(f"{elapsed:.2f} ms per request (load {load()})")
            if login != 'lina':
                continue
            try:
                from pyinstrument import Profiler
            except ImportError:
                Profiler = None
            if Profiler:
                profiler = Profiler(interval=0.0002)
                profiler.start()
            else:
                import cProfile
                profiler = cProfile.Profile()
                profiler.enable()
            for _ in range(requests):
                client.get(path, headers=headers)
            if Profiler:
                profiler.stop()
                print(profiler.output_text(unicode=False, color=False,
                        show_all=False))
            else:
                import pstats
                profiler.disable()
                pstats.Stats(profiler).sort_stats('cumulative').print_stats(
                    r'crm_plus|trytond', 45)
    pg_database.LoggingCursor.execute = execute


def load():
    return '%.2f %.2f %.2f' % os.getloadavg()


def line(label, workers, figures, before, cpu=None):
    rps, p50, p95, p99, errors, requests = figures
    per = f'{rps / workers:7.1f}' if workers else '      -'
    cpu = f'{cpu / requests * 1000:6.1f}' if cpu and requests else '     -'
    print(f"{label:<16} {workers or '-':>2} {rps:8.1f} {per}  {p50:6.1f} "
        f"{p95:6.1f} {p99:6.1f} {errors:6d} {cpu}   {before} -> {load()}",
        flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--home', type=Path,
        default=Path(tempfile.gettempdir()) / 'crm-api-bench')
    parser.add_argument('--database', default=os.environ.get(
            'CRM_PLUS_PG_PREFIX', 'crm_') + 'api_bench')
    parser.add_argument('--reuse', action='store_true',
        help="keep the database of a previous run when it exists")
    parser.add_argument('--customers', type=int, default=2000,
        help="generated customers added to the demo ones")
    parser.add_argument('--workers', default='1,2',
        help="comma-separated worker process counts")
    parser.add_argument('--connections', type=int, default=8)
    parser.add_argument('--list-connections', type=int, default=2,
        help="connections of the list calls")
    parser.add_argument('--duration', type=int, default=10,
        help="seconds per measurement")
    parser.add_argument('--port', type=int, default=int(
            os.environ.get('CRM_PLUS_PORTS', '8600').split('-')[0]))
    parser.add_argument('--only', help="comma-separated subset of: "
        "api-get,api-list,rest-get,sql")
    parser.add_argument('--profile', type=int, metavar='N',
        help="only profile N requests of each in this process (cProfile)")
    args = parser.parse_args()
    home = args.home.resolve()
    if not (args.reuse and database_exists(args.database)
            and (home / 'trytond.conf').exists()):
        if database_exists(args.database):
            with pg() as conn:
                conn.execute(
                    f'DROP DATABASE "{args.database}" WITH (FORCE)')
        subprocess.run(['rm', '-rf', str(home)], check=True)
        build(home, args.database, args.customers)
    if args.profile:
        return profile(home, args.database, args.profile)
    keys, party_id = make_keys(home, args.database)
    with pg(args.database) as conn:
        (count,), = conn.execute('SELECT COUNT(*) FROM party_party '
            'WHERE crm_kind IS NOT NULL').fetchall()
    only = set(args.only.split(',')) if args.only else None
    print(f"{count} customers; customer id {party_id}; {args.connections} "
        f"keep-alive connections (wrk), "
        f"{args.duration} s each after a warm-up; {os.cpu_count()} cores")
    print(f"{'':<16} {'w':>2} {'req/s':>8} {'/worker':>7}  {'p50':>6} "
        f"{'p95':>6} {'p99':>6} {'errors':>6} {'cpu ms':>6}   "
        "load before -> after")
    db = args.database
    rest_fields = '&'.join(f'f={f}' for f in REST_FIELDS)
    for workers in [int(w) for w in args.workers.split(',')]:
        server = Server(home, db, workers, args.port)
        try:
            for login in ['admin', 'lina']:
                api = {'Authorization': f'Bearer {keys[login][0]}'}
                rest = {'Authorization': f'bearer {keys[login][1]}'}
                cases = {
                    'api-get': (f'/{db}/api/v1/customers/{party_id}', api),
                    'api-list': (f'/{db}/api/v1/customers?page_size=50',
                        api),
                    'rest-get': (f'/{db}/rest/model/party.party/{party_id}'
                        f'?{rest_fields}', rest),
                    }
                for name, (path, headers) in cases.items():
                    if only and name not in only:
                        continue
                    server.wait(path, headers)
                    url = server.url + path
                    connections = (args.list_connections
                        if name == 'api-list' else args.connections)
                    wrk(url, headers, connections, 3)
                    before, cpu = load(), server.cpu()
                    figures = wrk(url, headers, connections, args.duration)
                    line(f'{name} {login}', workers, figures, before,
                        server.cpu() - cpu)
        finally:
            server.stop()
    if not only or 'sql' in only:
        before = load()
        line('sql', 0, sql_bench(db, party_id, args.connections,
                args.duration), before)


if __name__ == '__main__':
    main()
