"""Production serving on PostgreSQL: ``crm-plus serve --workers`` (gunicorn
WSGI workers, a trytond-worker and the trytond-cron under supervisord) and
a second server process on the same database.

A change made through one process is seen through the other at once (a
record, a cached configuration value, a translation, a user's new group:
Tryton's caches are invalidated across processes by LISTEN/NOTIFY with
``[cache] clean_timeout = 0``), and a queue task submitted through the
supervised server is run by its trytond-worker, not by the web process.
"""
import secrets
import subprocess
import time
import unittest

from harness import BACKENDS, VENV, Instance, RpcError
from test_api_webhooks import Receiver

EN = {'language': 'en'}


@unittest.skipUnless('postgresql' in BACKENDS, "PostgreSQL is not reachable")
class MultiProcessTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.supervised = Instance('postgresql',
            serve_args=['--workers', '2'])
        cls.addClassCleanup(cls.supervised.stop)
        cls.other = cls.supervised.another_server()
        cls.addClassCleanup(cls.other.stop)
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.stop)

    def supervisorctl(self, *args):
        process = subprocess.run([str(VENV / 'bin' / 'supervisorctl'), '-c',
                str(self.supervised.home / 'supervisord.conf'), *args],
            capture_output=True, text=True, timeout=60)
        return process.stdout

    def test_processes(self):
        "The web, queue and cron processes run under supervisord"
        status = self.supervisorctl('status')
        for program in ['web', 'queue', 'cron']:
            self.assertRegex(status, rf'{program}\s+RUNNING', status)
        for name in ['web', 'queue', 'cron']:
            self.assertTrue(
                (self.supervised.home / 'log' / f'{name}.log').exists())

    def test_record(self):
        "A customer created through one process is read through the other"
        name = f"多进程客户{secrets.token_hex(3)}"
        party, = self.supervised.rpc().model('party.party').create(
            [{'name': name, 'crm_kind': 'enterprise'}])
        found = self.other.rpc().model('party.party').search(
            [('name', '=', name)], 0, None, None)
        self.assertEqual(found, [party])

    def test_configuration(self):
        """Team sharing switched on through one process widens at once what
        a representative sees through the other (a cached value)"""
        Configuration = self.supervised.rpc().model('crm.configuration')
        self.addCleanup(Configuration.write, [1], {'crm_team_sharing': False})
        Configuration.write([1], {'crm_team_sharing': False})
        self.other.password('lina')
        Party = self.other.rpc('lina').model('party.party')
        before = Party.search_count([('crm_kind', '!=', None)])
        Configuration.write([1], {'crm_team_sharing': True})
        self.assertGreater(Party.search_count([('crm_kind', '!=', None)]),
            before)

    def test_translation(self):
        """A type renamed in English (a translation: the database speaks
        Chinese) through one process is read in its new name through the
        other, which had the old one cached"""
        zh = {'language': 'zh_CN'}
        Type = self.supervised.rpc().model('crm.ticket.type')
        type_, = Type.create([{'name': "备件"}], context=zh)
        Type.write([type_], {'name': "Spare Parts"}, context=EN)
        Other = self.other.rpc().model('crm.ticket.type')
        self.assertEqual(Other.read([type_], ['name'], context=EN)[0]['name'],
            "Spare Parts")
        Type.write([type_], {'name': "Spares"}, context=EN)
        self.assertEqual(Other.read([type_], ['name'], context=EN)[0]['name'],
            "Spares")
        self.assertEqual(Other.read([type_], ['name'], context=zh)[0]['name'],
            "备件")

    def test_group(self):
        "A user given a group through one process has its rights in the other"
        login = f'ops{secrets.token_hex(3)}'
        self.supervised.user(login, [])
        Ticket = self.other.rpc(login).model('crm.ticket')
        with self.assertRaises(RpcError):
            Ticket.search_count([], context=EN)
        User = self.supervised.rpc().model('res.user')
        user, = User.search([('login', '=', login)], 0, None, None)
        User.write([user], {'groups': [('add', [self.supervised.ref(
                            'crm_plus.group_service_agent')])]})
        self.assertGreaterEqual(Ticket.search_count([], context=EN), 0)

    def test_queue_worker(self):
        """A webhook delivery queued through the supervised server is sent
        by its trytond-worker: nothing while the worker is stopped"""
        key = self.supervised.api_key('admin')
        path = self.receiver.path()
        status, _, webhook = self.supervised.api('POST', 'webhooks', key,
            json={'name': 'queue test', 'url': self.receiver.url + path,
                'events': ['customer.created']})
        self.assertEqual(status, 201, webhook)
        self.assertIn('queue: stopped', self.supervisorctl('stop', 'queue'))
        self.addCleanup(self.supervisorctl, 'start', 'queue')
        status, _, customer = self.supervised.api('POST', 'customers', key,
            json={'kind': 'enterprise', 'name': "队列测试客户"})
        self.assertEqual(status, 201, customer)
        time.sleep(3)
        self.assertEqual(self.receiver.received(path, 1, 0), [])
        self.assertGreaterEqual(self.supervised.count('ir_queue',
                'finished_at IS NULL'), 1)
        self.assertIn('queue: started', self.supervisorctl('start', 'queue'))
        self.assertEqual(len(self.receiver.received(path, 1, 30)), 1)


if __name__ == '__main__':
    unittest.main()
