"""A refused save stores nothing: over HTTP, on every backend.

Each test calls a running server (tests/harness.py) with a create, write or
delete that the server refuses (validation, warning declined, access) and
counts the rows with SQL before and after.  The REST test checks that a
Sales Representative's key cannot borrow groups through X-Tryton-Context.
"""
import base64
import json
import secrets
import unittest

from harness import BACKENDS, RpcError, instance

REP_GROUP = 'crm_plus.group_sales_rep'


def unique(label):
    return f'{label} {secrets.token_hex(4)}'


class AtomicityTest(unittest.TestCase):

    def backends(self):
        "The instance of each backend, in a subTest"
        for backend in BACKENDS:
            with self.subTest(backend=backend):
                try:
                    yield instance(backend)
                except GeneratorExit:  # the loop body failed
                    return

    def assertRefused(self, call, *args, type='UserError'):
        with self.assertRaises(RpcError) as cm:
            call(*args)
        self.assertEqual(cm.exception.type, type, cm.exception.data)
        return cm.exception

    def assertUnchanged(self, inst, tables, action):
        "Run action and check the row counts of tables did not change"
        before = {t: inst.count(t) for t in tables}
        action()
        self.assertEqual({t: inst.count(t) for t in tables}, before,
            f"a refused call stored rows ({inst.backend})")

    def customer(self, inst):
        "An enterprise customer of the demo data with a sale"
        (party,), = inst.sql('SELECT party FROM sale_sale ORDER BY id LIMIT 1')
        return party

    def test_party_invalid_values(self):
        "A customer with an invalid USCC, phone or e-mail is not stored"
        invalid = {
            'USCC': {'identifiers': [('create', [
                                {'type': 'cn_vat', 'code': '91350100M000100Y4'}
                                ])]},
            'phone': {'contact_mechanisms': [('create', [
                                {'type': 'phone', 'value': '+86 12'}])]},
            'e-mail': {'contact_mechanisms': [('create', [
                                {'type': 'email', 'value': 'not an e-mail'}
                                ])]},
            }
        tables = ['party_party', 'party_identifier',
            'party_contact_mechanism', 'party_address']
        for inst in self.backends():
            Party = inst.rpc().model('party.party')
            for label, values in invalid.items():
                with self.subTest(value=label):
                    name = unique(f'Refused {label}')
                    self.assertUnchanged(inst, tables,
                        lambda: self.assertRefused(
                            Party.create, [{'name': name, **values}]))
                    self.assertEqual(
                        inst.count('party_party', 'name = ?', (name,)), 0)

    def test_contact_invalid_values(self):
        "A contact person with a bad phone or e-mail is not stored"
        for inst in self.backends():
            Contact = inst.rpc().model('crm.contact')
            enterprise = self.customer(inst)
            for field, value in [('phone', '12x'), ('email', 'nobody@')]:
                with self.subTest(field=field):
                    self.assertUnchanged(inst,
                        ['crm_contact', 'party_party'],
                        lambda: self.assertRefused(Contact.create, [{
                                    'enterprise': enterprise,
                                    'person_name': unique('Refused contact'),
                                    field: value,
                                    }]))

    def test_duplicate_declined(self):
        "A duplicate warning not confirmed stores nothing, retries neither"
        for inst in self.backends():
            Party = inst.rpc().model('party.party')
            (name,), = inst.sql(
                'SELECT name FROM party_party WHERE id = ?',
                (self.customer(inst),))
            before = inst.count('party_party')
            for attempt in range(4):
                with self.subTest(attempt=attempt):
                    self.assertRefused(Party.create,
                        [{'name': name, 'crm_kind': 'enterprise'}],
                        type='UserWarning')
                    self.assertEqual(inst.count('party_party'), before)
            self.assertEqual(inst.count('party_party', 'name = ?', (name,)), 1)

    def test_uom_incompatible_factor_rate(self):
        "A stock model: a unit with incompatible factor and rate"
        for inst in self.backends():
            admin = inst.rpc()
            category = inst.ref('product.uom_cat_unit')
            self.assertUnchanged(inst, ['product_uom'],
                lambda: self.assertRefused(
                    admin.model('product.uom').create, [{
                            'name': unique('Refused unit'), 'symbol': 'ru',
                            'category': category,
                            'factor': 2, 'rate': 0.3,
                            }]))

    def test_access_error(self):
        """A representative renaming their customer and creating a tag (only
        managers may): the rename is undone too"""
        for inst in self.backends():
            rep = inst.rpc('rep_atomic', inst.user('rep_atomic', [REP_GROUP]))
            Party = rep.model('party.party')
            party, = Party.create([{'name': unique('Rep customer')}])
            (name,), = inst.sql('SELECT name FROM party_party WHERE id = ?',
                (party,))
            self.assertUnchanged(inst, ['party_party', 'party_category'],
                lambda: self.assertRefused(Party.write, [party], {
                        'name': unique('Renamed'),
                        'categories': [('create', [{'name': unique('Tag')}])],
                        }))
            self.assertEqual(inst.sql(
                    'SELECT name FROM party_party WHERE id = ?', (party,)),
                [(name,)])

    def test_refused_delete(self):
        "Deleting a customer that has sales deletes none of its rows"
        for inst in self.backends():
            party = self.customer(inst)
            tables = ['party_party', 'party_address',
                'party_contact_mechanism', 'crm_contact']
            self.assertUnchanged(inst, tables, lambda: self.assertRefused(
                    inst.rpc().model('party.party').delete, [party]))


class RestPrivateContextTest(unittest.TestCase):
    "X-Tryton-Context cannot carry _groups (or any private key) over REST"

    def test_groups_not_borrowed(self):
        for backend in BACKENDS:
            with self.subTest(backend=backend):
                inst = instance(backend)
                key = inst.rest_key('lina')
                admin_groups = [g for g, in inst.sql(
                        'SELECT "group" FROM "res_user-res_group" '
                        'WHERE "user" = ?', (inst.rpc().user_id,))]
                borrowed = {'X-Tryton-Context': base64.urlsafe_b64encode(
                        json.dumps({'_groups': admin_groups,
                                '_check_access': False}).encode()).decode()}
                plain = inst.rest('GET', 'model/res.user', key,
                    params={'f': ['login']})
                forged = inst.rest('GET', 'model/res.user', key,
                    params={'f': ['login']}, headers=borrowed)
                self.assertEqual(forged, plain)
                # Renaming another user is for administrators
                (name,), = inst.sql(
                    'SELECT name FROM res_user WHERE login = ?', ('admin',))
                admin_id = inst.rpc().user_id
                for headers in [{}, borrowed]:
                    status, body = inst.rest('PUT',
                        f'model/res.user/{admin_id}', key,
                        json={'name': 'Renamed by lina'}, headers=headers)
                    self.assertGreaterEqual(status, 400, body)
                self.assertEqual(inst.sql(
                        'SELECT name FROM res_user WHERE login = ?',
                        ('admin',)), [(name,)])
                # Customers: what lina sees alone
                plain = inst.rest('GET', 'model/party.party', key,
                    params={'f': ['name']})
                forged = inst.rest('GET', 'model/party.party', key,
                    params={'f': ['name']}, headers=borrowed)
                self.assertEqual(plain[0], 200, plain)
                self.assertEqual(forged, plain)
                # Ordinary context keys still work
                status, body = inst.rest('GET', 'model/party.party', key,
                    params={'f': ['name'], 's': 1},
                    headers={'X-Tryton-Context': base64.urlsafe_b64encode(
                            b'{"language": "en"}').decode()})
                self.assertEqual(status, 200, body)
