"""Customer import and search speed of crm_plus (prints figures only).

Creates a fresh database with crm_plus activated (trytond-admin), writes N
customers to a CSV file (gen_customers.py), imports them with the customer
importer and times Party.search by name fragment, phone and unified social
credit code.

    TRYTOND_DATABASE_URI=postgresql://root@127.0.0.1:5432/ \\
        python bench/bench_customers.py [--rows N | --million] [--keep]
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import gen_customers  # noqa: E402


def configure(folder):
    "Write the trytond.conf of folder for TRYTOND_DATABASE_URI and load it"
    from trytond import config
    uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
    conf = Path(folder) / 'trytond.conf'
    conf.write_text("[database]\nuri = %s\npath = %s\n" % (uri, folder))
    config.update_etc(str(conf))
    return conf


def create_database(name, folder):
    "Create the database and activate crm_plus with trytond-admin"
    from trytond import backend
    from trytond.transaction import Transaction
    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        database = transaction.database
        if name in database.list():
            database.drop(transaction.connection, name)
        database.create(transaction.connection, name)
    backend.Database.clear_cache()
    update_database(name, folder, activate=True)


def update_database(name, folder, activate=False):
    "Update crm_plus (activate it and its dependencies) with trytond-admin"
    password = Path(folder) / 'password'
    password.write_text('admin')
    # The running interpreter: console scripts of a copied venv may point
    # at another one
    command = [sys.executable, '-m', 'trytond.cli.admin',
        '-c', str(Path(folder) / 'trytond.conf'), '-d', name, '-u', 'crm_plus']
    if activate:
        command.append('--activate-dependencies')
    # No admin e-mail: --email checks the domain in DNS, failing offline
    subprocess.run(command, input='\n', text=True,
        env=dict(os.environ, TRYTONPASSFILE=str(password)), check=True)


def percentiles(timings):
    "The median and the 95th percentile of timings, in ms"
    timings = sorted(timings)
    p95 = timings[max(0, int(round(len(timings) * 0.95)) - 1)]
    return statistics.median(timings) * 1000, p95 * 1000


def time_searches(name, domains, repeat):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    Party = pool.get('party.party')
    User = pool.get('res.user')
    with Transaction().start(name, 0, readonly=True):
        admin, = User.search([('login', '=', 'admin')])
    results = {}
    for label, make in domains.items():
        timings = []
        found = 0
        for i in range(repeat):
            with Transaction().start(name, admin.id, readonly=True,
                    context={'_check_access': True}):
                # normalize_phone reads the default region
                domain = make(i)
                start = time.perf_counter()
                parties = Party.search(domain, limit=20)
                timings.append(time.perf_counter() - start)
                found += bool(parties)
        results[label] = percentiles(timings) + (found, repeat)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--rows', type=int, default=100_000)
    parser.add_argument('--million', action='store_true',
        help="1,000,000 customers")
    parser.add_argument('--batch-size', type=int, default=1000)
    parser.add_argument('--database', default='bench_crm_plus')
    parser.add_argument('--repeat', type=int, default=200,
        help="searches of each kind")
    parser.add_argument('--reuse', action='store_true',
        help="import into the existing database instead of a fresh one")
    args = parser.parse_args()
    rows = 1_000_000 if args.million else args.rows

    folder = tempfile.mkdtemp(prefix='bench-crm-')
    started = time.monotonic()
    if args.reuse:
        from trytond import config
        config.update_etc(None)
    else:
        configure(folder)
        create_database(args.database, folder)
        print(f"database created in {time.monotonic() - started:.0f} s")

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from trytond.modules.crm_plus.customer.importer import Importer
    path = Path(folder) / 'customers.csv'
    started = time.monotonic()
    gen_customers.write(path, rows)
    print(f"{rows} rows generated in {time.monotonic() - started:.0f} s")

    Pool(args.database).init()
    importer = Importer(args.database, 'customers',
        batch_size=args.batch_size)
    summary = importer.run(path, report=Path(folder) / 'report.csv')
    print(f"import: {summary}")

    with Transaction().start(args.database, 0) as transaction:
        database = transaction.database
        if hasattr(database, 'has_extension'):
            cursor = transaction.connection.cursor()
            cursor.execute('ANALYZE')
            print("pg_trgm:", database.has_extension('pg_trgm'))

    rng = random.Random(1)
    sample = [gen_customers.customer(rng.randrange(rows))
        for _ in range(args.repeat)]
    from trytond.modules.crm_plus.customer.normalize import (
        normalize_phone, normalize_uscc)
    domains = {
        'name fragment': lambda i: [
            ('name', 'ilike', '%' + sample[i][0][:5] + '%')],
        'phone': lambda i: [
            ('contact_mechanisms.value_compact', '=',
                normalize_phone(sample[i][3]))],
        'uscc': lambda i: [
            ('identifiers.code_compact', '=', normalize_uscc(sample[i][1]))],
        }
    for label, (p50, p95, found, total) in time_searches(
            args.database, domains, args.repeat).items():
        print(f"search by {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
            f"({found}/{total} found)")


if __name__ == '__main__':
    main()
