"""API keys of the CRM API over the running server: the Create API Key
wizard as a representative and as the administrator, the key stored hashed
and shown once, revocation, expiry and the last-used time."""
import datetime as dt
import hashlib
import json
import unittest
import urllib.error
import urllib.request

from harness import BACKENDS, RpcError, instance

REP, OTHER = 'lina', 'zhangwei'


def create_key(rpc, user_id, scopes, expires=None):
    "Run the Create API Key wizard as rpc's user, return the secret shown"
    session, _, _ = rpc('wizard.crm.api.key.create.create')
    try:
        rpc('wizard.crm.api.key.create.execute', session, {}, 'start')
        result = rpc('wizard.crm.api.key.create.execute', session, {
                'start': {'name': 'test', 'user': user_id, 'scopes': scopes,
                    'expires': expires}}, 'create_')
    finally:
        rpc('wizard.crm.api.key.create.delete', session)
    return result['view']['defaults']['key']


def get(inst, path, secret):
    request = urllib.request.Request(
        f'{inst.url}{inst.database}/api/v1/{path}',
        headers={'Authorization': f'Bearer {secret}'})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class ApiKeyTestMixin:
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.inst = instance(cls.backend)
        cls.admin = cls.inst.rpc()
        cls.rep = cls.inst.rpc(REP, cls.inst.password(REP))
        User = cls.admin.model('res.user')
        (cls.rep_id,), (cls.other_id,) = (
            User.search([('login', '=', login)], 0, None, None)
            for login in (REP, OTHER))

    def stored(self, secret):
        "The (key, key_prefix, user) rows stored for secret's digest"
        return self.inst.sql('SELECT key, key_prefix, "user" FROM '
            'res_user_application WHERE application = ? AND key = ?',
            ('crm_api', hashlib.sha256(secret.encode()).hexdigest()))

    def test_own_key_shown_once_stored_hashed(self):
        "A representative's key works, is stored as its digest only"
        secret = create_key(self.rep, self.rep_id, ['customers:read'])
        self.assertTrue(secret.startswith('crm_'))
        (key, prefix, user), = self.stored(secret)
        self.assertEqual(user, self.rep_id)
        self.assertEqual(prefix, secret[:10])
        self.assertEqual(self.inst.count('res_user_application',
                'key = ?', (secret,)), 0, "the secret is stored")
        Application = self.rep.model('res.user.application')
        keys = Application.search_read([('key_prefix', '=', prefix)],
            0, None, None, ['key'])
        self.assertEqual(len(keys), 1)
        self.assertNotEqual(keys[0]['key'], secret)
        status, body = get(self.inst, 'customers?page_size=1', secret)
        self.assertEqual(status, 200, body)

    def test_rep_key_for_other_user_refused(self):
        "A representative cannot make a key acting as another user"
        before = self.inst.count('res_user_application',
            '"user" = ?', (self.other_id,))
        with self.assertRaises(RpcError) as context:
            create_key(self.rep, self.other_id, ['customers:read'])
        self.assertIn('管理员', context.exception.message)
        self.assertEqual(self.inst.count('res_user_application',
                '"user" = ?', (self.other_id,)), before)
        # nor by changing the user of their own key
        secret = create_key(self.rep, self.rep_id, ['customers:read'])
        Application = self.rep.model('res.user.application')
        key, = Application.search(
            [('key_prefix', '=', secret[:10])], 0, None, None)
        with self.assertRaises(RpcError):
            Application.write([key], {'user': self.other_id})
        (_, _, user), = self.stored(secret)
        self.assertEqual(user, self.rep_id)

    def test_admin_key_for_rep(self):
        "The administrator's key for a representative acts as them"
        secret = create_key(self.admin, self.rep_id, ['customers:read'])
        status, body = get(self.inst, 'customers?page_size=100', secret)
        self.assertEqual(status, 200, body)
        rep_ids = set(self.rep.model('party.party').search(
                [('crm_kind', '!=', None)], 0, None, None))
        self.assertLessEqual({c['id'] for c in body['data']}, rep_ids)

    def test_scope(self):
        "A key without the scope of a resource gets 403"
        secret = create_key(self.rep, self.rep_id, ['customers:read'])
        status, body = get(self.inst, 'opportunities', secret)
        self.assertEqual(status, 403)
        self.assertEqual(body['error']['code'], 'insufficient_scope')

    def test_revoked_and_expired(self):
        "A cancelled or expired key is refused with 401"
        Application = self.rep.model('res.user.application')
        secret = create_key(self.rep, self.rep_id, ['customers:read'])
        key, = Application.search(
            [('key_prefix', '=', secret[:10])], 0, None, None)
        Application.cancel([key])
        status, body = get(self.inst, 'customers', secret)
        self.assertEqual(status, 401)
        self.assertEqual(body['error']['code'], 'unauthorized')

        expired = create_key(self.rep, self.rep_id, ['customers:read'],
            expires=dt.datetime.utcnow() - dt.timedelta(minutes=1))
        self.assertEqual(get(self.inst, 'customers', expired)[0], 401)

    def test_revoked_after_use(self):
        """A key that answered is refused by the very next call once revoked
        or its user deactivated: nothing of a key is cached between calls"""
        Application = self.rep.model('res.user.application')
        secret = create_key(self.rep, self.rep_id, ['customers:read'])
        self.assertEqual(get(self.inst, 'customers', secret)[0], 200)
        key, = Application.search(
            [('key_prefix', '=', secret[:10])], 0, None, None)
        Application.cancel([key])
        status, body = get(self.inst, 'customers', secret)
        self.assertEqual(status, 401)
        self.assertEqual(body['error']['code'], 'unauthorized')

        # a key of a user deactivated after a call
        User = self.admin.model('res.user')
        rep, = User.read([self.rep_id], ['groups', 'company', 'companies'])
        user_id, = User.create([{'name': "Temp", 'login': 'apitemp_'
                    + hashlib.sha256(secret.encode()).hexdigest()[:8],
                    'groups': [('add', rep['groups'])],
                    'companies': [('add', rep['companies'])],
                    'company': rep['company']}])
        other = create_key(self.admin, user_id, ['customers:read'])
        self.assertEqual(get(self.inst, 'customers', other)[0], 200)
        User.write([user_id], {'active': False})
        self.assertEqual(get(self.inst, 'customers', other)[0], 401)

    def test_last_used(self):
        "The last use of a key is recorded"
        secret = create_key(self.rep, self.rep_id, ['customers:read'])
        self.assertEqual(get(self.inst, 'customers', secret)[0], 200)
        (used,), = self.inst.sql('SELECT last_used FROM '
            'res_user_application WHERE key = ?',
            (hashlib.sha256(secret.encode()).hexdigest(),))
        self.assertIsNotNone(used)


for _backend in BACKENDS:
    _name = f'ApiKey{_backend.capitalize()}Test'
    globals()[_name] = type(_name, (ApiKeyTestMixin, unittest.TestCase),
        {'backend': _backend})
del _backend, _name
