"""The framework seam (crm_plus/framework.py): what it relies on in trytond,
and that it keeps a refused save from being stored on SQLite."""
import base64
import datetime as dt
import inspect
import json
import os
import sqlite3
import tempfile
import shutil
import unittest
from contextlib import contextmanager
from unittest.mock import patch

import trytond.config as config
from trytond import backend
from trytond.cache import Cache
from trytond.exceptions import UserError
from trytond.modules.crm_plus import framework
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module
from trytond.transaction import Transaction


@contextmanager
def configured(section, option, value):
    "trytond configured with option set to value (it has a default)"
    old = config.get(section, option)
    config.set(section, option, value)
    try:
        yield
    finally:
        config.set(section, option, old)


def _source(function):
    return inspect.getsource(inspect.unwrap(function))


class FrameworkInternalsTestCase(unittest.TestCase):
    "The trytond internals the seam changes are still the ones it knows"

    @classmethod
    def setUpClass(cls):
        framework.install()
        # Applied at the first transaction when installed before trytond
        # was configured
        with Transaction().start(None, 0, close=True):
            pass

    def test_sqlite_get_connection(self):
        "SQLite hands out one connection per Database, isolation set on it"
        from trytond.backend.sqlite.database import Database
        self.assertTrue(hasattr(Database.get_connection, '__wrapped__'),
            "the seam is not installed on the SQLite backend")
        original = inspect.unwrap(Database.get_connection)
        self.assertEqual(
            list(inspect.signature(original).parameters),
            ['self', 'autocommit', 'readonly', 'statement_timeout'])
        self.assertEqual(
            list(inspect.signature(
                    inspect.unwrap(Database.put_connection)).parameters),
            ['self', 'connection'])
        self.assertIn('_conn', vars(Database))
        source = _source(Database.get_connection)
        self.assertIn('self._conn.isolation_level = None', source)
        self.assertIn("self._conn.isolation_level = 'IMMEDIATE'", source)

    def test_cache_asks_autocommit(self):
        "Cache.sync and Cache.commit ask the transaction's Database"
        for method in [Cache.sync, Cache.commit]:
            with self.subTest(method=method.__name__):
                source = _source(method)
                self.assertIn('database = transaction.database', source)
                self.assertIn('database.get_connection(', source)
                self.assertIn('autocommit=True', source)
                self.assertIn('database.put_connection(', source)

    def test_transaction_start_sync_after_connection(self):
        source = _source(Transaction.start)
        self.assertLess(source.index('database.get_connection('),
            source.index('Cache.sync(self)'))

    def test_rpc_private_keys(self):
        "JSON-RPC still drops the private keys the seam drops over REST"
        from trytond import rpc
        source = inspect.getsource(rpc.RPC.convert)
        self.assertIn("key.startswith('_') and key != '_datetime'", source)
        self.assertEqual(framework.PRIVATE_KEPT, {'_datetime'})

    def test_rest_routes_dispatched_without_private_keys(self):
        "The application dispatches the REST routes through the seam"
        import trytond.protocols.rest as rest
        from trytond.wsgi import TrytondWSGI, app
        self.assertIn("request.headers.get('X-Tryton-Context')",
            inspect.getsource(rest.rest))
        self.assertEqual(framework.CONTEXT_HEADER, 'HTTP_X_TRYTON_CONTEXT')
        self.assertIn('self.dispatch_request(request)',
            inspect.getsource(TrytondWSGI.wsgi_app))
        self.assertIn('dispatch_request', vars(app))
        self.assertTrue(hasattr(app.dispatch_request, '__wrapped__'))
        rules = [r for r in app.url_map.iter_rules()
            if r.rule.startswith('/<database_name>/rest/')]
        self.assertGreaterEqual(len(rules), 7)
        for rule in rules:
            with self.subTest(rule=rule.rule):
                self.assertEqual(rule.endpoint.__module__,
                    framework.REST_MODULE)

    def test_search_checks_user_domains(self):
        "ModelStorage.search walks the domain of user calls only"
        from trytond.model import ModelSQL, ModelStorage
        search = inspect.unwrap(ModelStorage.search.__func__)
        self.assertEqual(list(inspect.signature(search).parameters),
            ['cls', 'domain', 'offset', 'limit', 'order', 'count'])
        source = inspect.getsource(search)
        self.assertIn('if transaction.user and transaction.check_access:',
            source)
        self.assertIn('field = cls._fields[local]', source)
        self.assertIn('super().search(', _source(ModelSQL.search))
        self.assertEqual(ModelStorage.search.__func__.__name__, 'search')
        self.assertTrue(hasattr(ModelStorage.search.__func__, '__wrapped__'))

    def test_strip_private_keys(self):
        def encode(value):
            return base64.urlsafe_b64encode(json.dumps(value).encode())

        def decode(header):
            return json.loads(base64.urlsafe_b64decode(header))

        header = framework.strip_private_keys(encode({
                    '_groups': [1], '_check_access': False,
                    '_datetime': {'__class__': 'datetime', 'year': 2024},
                    'language': 'zh_CN', 'company': 1}))
        self.assertEqual(decode(header), {
                '_datetime': {'__class__': 'datetime', 'year': 2024},
                'language': 'zh_CN', 'company': 1})
        for bad in [b'not base64!', encode([1, 2])]:
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    framework.strip_private_keys(bad)


@unittest.skipUnless(backend.name == 'sqlite', "the defect is SQLite's")
class SQLiteRefusedSaveTestCase(unittest.TestCase):
    """A refused save stores nothing on a file SQLite database with
    clean_timeout = 0 (what crm-plus init wrote before)"""

    database = 'crm_plus_seam'

    @classmethod
    def setUpClass(cls):
        activate_module('crm_plus')
        framework.install()
        cls.folder = tempfile.mkdtemp(prefix='crm-plus-seam-')
        path = os.path.join(cls.folder, cls.database + '.sqlite')
        # A file copy of the test database (in memory or a file)
        with Transaction().start(DB_NAME, 0) as transaction:
            target = sqlite3.connect(path)
            transaction.connection.backup(target)
            target.close()
        path = configured('database', 'path', cls.folder)
        path.__enter__()
        cls.addClassCleanup(path.__exit__, None, None, None)
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        cls.addClassCleanup(Pool.stop, cls.database)
        Pool(cls.database).init()

    def refused_create(self, name):
        "Create a party with an invalid USCC, return how many are stored"
        with configured('cache', 'clean_timeout', '0'):
            Cache._clean_last = Cache._clean_last or dt.datetime.now()
            with self.assertRaises(UserError):
                with Transaction().start(self.database, 0):
                    Party = Pool().get('party.party')
                    Party.create([{
                                'name': name,
                                'identifiers': [('create', [{
                                                'type': 'cn_vat',
                                                'code': '91350100M000100Y4',
                                                }])],
                                }])
        with Transaction().start(self.database, 0, readonly=True):
            Party = Pool().get('party.party')
            return Party.search([('name', '=', name)], count=True)

    def test_refused_create_stores_nothing(self):
        self.assertEqual(self.refused_create("Seam refused party"), 0)

    def test_defect_without_seam(self):
        "Without the seam the refused party is stored: the seam is needed"
        from trytond.backend.sqlite.database import Database
        with patch.object(Database, 'get_connection',
                    inspect.unwrap(Database.get_connection)), \
                patch.object(Database, 'put_connection',
                    inspect.unwrap(Database.put_connection)):
            self.assertEqual(self.refused_create("Unpatched party"), 1,
                "trytond no longer stores a refused save on SQLite: "
                "the SQLite part of crm_plus/framework.py can go")
