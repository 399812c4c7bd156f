"""Load test on loopback: locust (bench/locustfile.py, a mix of login,
customer search, customer form with timeline, opportunity pipeline and
logging an interaction) with CRM_PLUS_LOAD_USERS concurrent users against
``crm-plus serve --workers CRM_PLUS_LOAD_WORKERS`` on PostgreSQL, for
CRM_PLUS_LOAD_SECONDS. It prints requests/s and the p95 of each call and
asserts that no call failed (the figures are the benchmark's part)."""
import csv
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

from harness import BACKENDS, REPO, VENV, Instance

WORKERS = int(os.environ.get('CRM_PLUS_LOAD_WORKERS', 2))
USERS = int(os.environ.get('CRM_PLUS_LOAD_USERS', 4))
SECONDS = int(os.environ.get('CRM_PLUS_LOAD_SECONDS', 20))
CALLS = ['login', 'customer search', 'customer form', 'customer timeline',
    'opportunity pipeline', 'log interaction']


@unittest.skipUnless('postgresql' in BACKENDS, "PostgreSQL is not reachable")
class LoadTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance('postgresql',
            serve_args=['--workers', str(WORKERS)])
        cls.addClassCleanup(cls.inst.stop)

    def test_mix_without_errors(self):
        users = ','.join(f'{login}:{self.inst.password(login)}'
            for login in ['lina', 'zhangwei', 'liuyang', 'wangjianhua'])
        with tempfile.TemporaryDirectory() as folder:
            prefix = Path(folder) / 'load'
            process = subprocess.run([str(VENV / 'bin' / 'locust'), '-f',
                    str(REPO / 'bench' / 'locustfile.py'), '--headless',
                    '-u', str(USERS), '-r', str(USERS), '-t', f'{SECONDS}s',
                    '--host', self.inst.url.rstrip('/'), '--csv',
                    str(prefix), '--only-summary', '--loglevel', 'WARNING'],
                env={**os.environ, 'LOAD_DATABASE': self.inst.database,
                    'LOAD_USERS': users},
                capture_output=True, text=True, timeout=SECONDS + 120)
            with open(f'{prefix}_stats.csv', newline='') as stats:
                rows = {r['Name']: r for r in csv.DictReader(stats)}
        print(f"\nload: {USERS} users, {WORKERS} workers, {SECONDS} s")
        print(f"{'call':22} {'requests':>8} {'req/s':>7} {'p95 ms':>7} "
            f"{'failures':>8}")
        for name in [*CALLS, 'Aggregated']:
            row = rows.get(name)
            if row:
                print(f"{name:22} {row['Request Count']:>8} "
                    f"{float(row['Requests/s']):7.1f} {row['95%']:>7} "
                    f"{row['Failure Count']:>8}")
        output = process.stdout[-3000:] + process.stderr[-3000:]
        self.assertGreater(int(rows['Aggregated']['Request Count']), 0,
            output)
        self.assertEqual(int(rows['Aggregated']['Failure Count']), 0, output)
        for name in CALLS:
            self.assertGreater(int(rows[name]['Request Count']), 0, name)


if __name__ == '__main__':
    unittest.main()
