#!/usr/bin/env python3
"""Backup and restore time of a database with 100,000 customers (prints
figures only, asserts nothing).

Serves the demo instance of the system-test harness (tests/harness.py) on
each backend, adds --customers customers with a phone each by SQL (copies
of a demo customer), then times, on the running instance:

- ``crm-plus backup DIR`` (database, attachments, manifest and checksums)
  beside the bare copy it wraps: SQLite's online backup API in this
  process, or ``pg_dump -Fc`` alone;
- ``crm-plus restore DIR`` into a new home beside the bare restore (a
  file copy, or ``createdb`` + ``pg_restore``).

    python bench/backup_bench.py [--customers 100000] [--backends sqlite,postgresql]

The environment of the system tests applies (CRM_PLUS_CACHE,
CRM_PLUS_PG_PREFIX, CRM_PLUS_PORTS).
"""
import argparse
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'tests'))

from harness import (  # noqa: E402
    PG_PREFIX, PG_URI, VENV, Instance, _pg_connect, instance_env)


def crm_plus(home, *args):
    start = time.monotonic()
    subprocess.run([str(VENV / 'bin' / 'crm-plus'), '--home', str(home),
            *args], env=instance_env(home), check=True,
        stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def columns(inst, table):
    if inst.backend == 'sqlite':
        return [r[1] for r in inst.sql(f'PRAGMA table_info("{table}")')]
    return [r[0] for r in inst.sql(
            'SELECT column_name FROM information_schema.columns '
            'WHERE table_name = ? ORDER BY ordinal_position', (table,))]


def numbers(inst, count):
    "A FROM clause of the numbers 1..count as n(i)"
    if inst.backend == 'sqlite':
        return (f'(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 '
            f'FROM s WHERE i < {count}) SELECT i FROM s) AS n')
    return f'generate_series(1, {count}) AS n(i)'


def run_sql(inst, statements):
    if inst.backend == 'sqlite':
        conn = sqlite3.connect(inst.home / 'db' / f'{inst.database}.sqlite',
            timeout=60)
        with conn:
            for statement in statements:
                conn.execute(statement)
        conn.close()
    else:
        with _pg_connect(inst.database) as conn:
            for statement in statements:
                conn.execute(statement)


def add_customers(inst, count):
    "count copies of a demo enterprise customer, each with a phone"
    (party,), = inst.sql("SELECT MIN(id) FROM party_party "
        "WHERE crm_kind = 'enterprise'")
    (mechanism,), = inst.sql('SELECT MIN(id) FROM party_contact_mechanism')
    concat = "'%s' || CAST(n.i AS VARCHAR)"
    party_cols = [c for c in columns(inst, 'party_party') if c != 'id']
    values = {'name': concat % '基准客户', 'code': concat % 'BENCH-',
        'crm_name_normalized': concat % '基准客户'}
    select = ', '.join(values.get(c, f'p."{c}"') for c in party_cols)
    (first,), = inst.sql('SELECT MAX(id) FROM party_party')
    mech_cols = [c for c in columns(inst, 'party_contact_mechanism')
        if c != 'id']
    mech_values = {
        'party': f'{first} + n.i',
        'value': concat % '1380000',
        'value_compact': concat % '1380000',
        'type': "'phone'",
        }
    mech_select = ', '.join(mech_values.get(c, f'm."{c}"') for c in mech_cols)
    quoted = ', '.join(f'"{c}"' for c in party_cols)
    mech_quoted = ', '.join(f'"{c}"' for c in mech_cols)
    statements = [
        f'INSERT INTO party_party ({quoted}) SELECT {select} FROM '
        f'party_party AS p, {numbers(inst, count)} WHERE p.id = {party} '
        f'ORDER BY n.i',
        f'INSERT INTO party_contact_mechanism ({mech_quoted}) SELECT '
        f'{mech_select} FROM party_contact_mechanism AS m, '
        f'{numbers(inst, count)} WHERE m.id = {mechanism}',
        ]
    if inst.backend == 'postgresql':
        statements += [
            "SELECT setval('party_party_id_seq', "
            "(SELECT MAX(id) FROM party_party))",
            "SELECT setval('party_contact_mechanism_id_seq', "
            "(SELECT MAX(id) FROM party_contact_mechanism))",
            'VACUUM ANALYZE']
    start = time.monotonic()
    run_sql(inst, statements)
    return time.monotonic() - start


def size(path):
    return sum(p.stat().st_size for p in Path(path).rglob('*')
        if p.is_file())


def bench(backend, count):
    inst = Instance(backend)
    tmp = Path(tempfile.mkdtemp(prefix='crm-backup-bench-'))
    restored = None
    try:
        seconds = add_customers(inst, count)
        parties = inst.count('party_party')
        print(f"\n{backend}: {parties:,} parties "
            f"({count:,} added by SQL in {seconds:.1f} s)")
        backup = tmp / 'backup'
        seconds = crm_plus(inst.home, 'backup', str(backup))
        print(f"  crm-plus backup:          {seconds:6.1f} s, "
            f"{size(backup) / 1e6:7.1f} MB")
        start = time.monotonic()
        if backend == 'sqlite':
            source = sqlite3.connect(
                inst.home / 'db' / f'{inst.database}.sqlite')
            target = sqlite3.connect(tmp / 'bare.sqlite')
            with target:
                source.backup(target)
            source.close()
            target.close()
            bare = tmp / 'bare.sqlite'
            label = 'sqlite3 backup API'
        else:
            bare = tmp / 'bare.dump'
            subprocess.run(['pg_dump', '-Fc', '--no-owner', '--no-acl',
                    '-f', str(bare), '-d', PG_URI + inst.database],
                check=True)
            label = 'pg_dump -Fc alone'
        print(f"  {label + ':':25} {time.monotonic() - start:6.1f} s, "
            f"{bare.stat().st_size / 1e6:7.1f} MB")
        home = tmp / 'restored'
        args = []
        if backend == 'postgresql':
            restored = f'{PG_PREFIX}bench_{secrets.token_hex(3)}'
            args = ['--database-uri', PG_URI, '--database', restored]
        seconds = crm_plus(home, 'restore', str(backup), *args)
        print(f"  crm-plus restore:         {seconds:6.1f} s")
        start = time.monotonic()
        if backend == 'sqlite':
            shutil.copy(bare, tmp / 'copy.sqlite')
            label = 'file copy'
        else:
            bare_db = f'{PG_PREFIX}bench_bare_{secrets.token_hex(3)}'
            with _pg_connect() as conn:
                conn.execute(f'CREATE DATABASE "{bare_db}"')
            subprocess.run(['pg_restore', '--no-owner', '--no-acl',
                    '-d', PG_URI + bare_db, str(bare)], check=True)
            label = 'createdb + pg_restore'
            with _pg_connect() as conn:
                conn.execute(f'DROP DATABASE "{bare_db}" WITH (FORCE)')
        print(f"  {label + ':':25} {time.monotonic() - start:6.1f} s")
    finally:
        inst.stop()
        if restored:
            with _pg_connect() as conn:
                conn.execute(
                    f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--customers', type=int, default=100000)
    parser.add_argument('--backends', default='sqlite,postgresql')
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    for backend in args.backends.split(','):
        bench(backend, args.customers)


if __name__ == '__main__':
    main()
