"""The login history over HTTP: every login to the running server, failed
or successful, is recorded with the client address, for the CRM
administrators only; Tryton's login rate limit answers 429 and is
recorded as refused."""
import secrets
import unittest

from harness import BACKENDS, RpcError, instance

EN = {'language': 'en'}


class LoginHistoryCase:
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.inst = instance(cls.backend)
        cls.admin = cls.inst.rpc()

    def history(self, login):
        History = self.admin.model('crm.login.history')
        ids = History.search([('login', '=', login)], 0, None,
            [('id', 'ASC')], context=EN)
        return History.read(ids, ['result', 'ip_address', 'user'],
            context=EN)

    def test_failed_and_successful(self):
        login = f'hist{secrets.token_hex(3)}'
        self.inst.user(login, ['crm_plus.group_sales_rep'])
        with self.assertRaises(RpcError):
            self.inst.rpc(login, 'wrong password')
        rpc = self.inst.rpc(login)
        rows = self.history(login)
        self.assertEqual([r['result'] for r in rows], ['failed', 'success'])
        self.assertEqual({r['ip_address'] for r in rows}, {'127.0.0.1'})
        self.assertEqual(rows[1]['user'], rpc.user_id)
        self.assertIsNone(rows[0]['user'])
        # representatives do not read it
        with self.assertRaises(RpcError):
            rpc.model('crm.login.history').search([], 0, 1, None,
                context=EN)

    def test_unknown_login_refused_after_attempts(self):
        "An unknown login is recorded; past the limit Tryton answers 429"
        login = f'nobody{secrets.token_hex(3)}'
        statuses = []
        for _ in range(7):
            try:
                self.inst.rpc(login, 'guess')
            except RpcError as error:
                statuses.append(error.status)
        self.assertIn(429, statuses)
        results = [r['result'] for r in self.history(login)]
        self.assertEqual(len(results), 7)
        self.assertIn('failed', results)
        self.assertIn('refused', results)


for _backend in BACKENDS:
    _name = f'{_backend.capitalize()}LoginHistoryTest'
    globals()[_name] = type(_name, (LoginHistoryCase, unittest.TestCase),
        {'backend': _backend})
del _backend, _name
