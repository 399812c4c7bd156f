"""Test runner behind ``crm-plus test``: module tests, then system tests.

It prints one closing line ``N passed, N failed, N skipped`` for CI.
"""
import os
import sys
import time
import unittest
from pathlib import Path

from .sources import cache_dir, module_hash


class _CountingResult(unittest.TextTestResult):
    """Counts the passed tests and the seconds spent per test class (from
    the end of the previous test: its set-up included) to show where CI
    time goes"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0
        self.class_seconds = {}
        self._last = time.monotonic()

    def stopTest(self, test):
        super().stopTest(test)
        now = time.monotonic()
        name = f'{type(test).__module__}.{type(test).__qualname__}'
        self.class_seconds[name] = (
            self.class_seconds.get(name, 0) + now - self._last)
        self._last = now

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def _default_db_cache():
    "A cache folder keyed by the module sources, so a change never reuses it"
    uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
    kind = uri.split(':', 1)[0]
    return str(cache_dir() / 'db_cache' / f'{kind}-{module_hash()[:16]}')


def run_tests(paths=(), verbosity=1):
    os.environ.setdefault('DB_CACHE', _default_db_cache())
    if os.environ.get('TRYTOND_DATABASE_URI', '').startswith('postgresql'):
        os.environ.setdefault('DB_NAME', 'test_crm_plus')
    module_root = Path(__file__).parent
    top = module_root.parent.parent.parent  # the folder holding trytond/
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    suite.addTests(loader.discover(
            str(module_root), pattern='test_*.py', top_level_dir=str(top)))
    for path in paths:
        path = Path(path).resolve()
        suite.addTests(loader.discover(
                str(path), pattern='test_*.py',
                top_level_dir=str(path.parent)))
    runner = unittest.TextTestRunner(
        verbosity=verbosity, resultclass=_CountingResult, stream=sys.stdout)
    start = time.monotonic()
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors) + len(
        result.unexpectedSuccesses)
    slowest = sorted(result.class_seconds.items(), key=lambda i: -i[1])
    print("slowest test classes:")
    for name, seconds in slowest[:15]:
        print(f"  {seconds:7.0f} s  {name}")
    print(f"({time.monotonic() - start:.0f} s, DB_CACHE={os.environ['DB_CACHE']})")
    # the failures again, one line each, where a log's tail shows them
    for kind, problems in (('FAILED', result.failures),
            ('ERROR', result.errors)):
        for test, trace in problems:
            last = trace.strip().splitlines()[-1] if trace.strip() else ''
            print(f"{kind}: {test.id()}: {last[:300]}")
    for test in result.unexpectedSuccesses:
        print(f"UNEXPECTED SUCCESS: {test.id()}")
    print(f"{result.passed} passed, {failed} failed, "
        f"{len(result.skipped)} skipped", flush=True)
    if failed or not result.testsRun:
        return 1
    return 0
