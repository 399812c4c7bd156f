import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from ..duplicate import DuplicateWarning, normalize_name, normalize_phone


class NormalizeTestCase(unittest.TestCase):
    "Test the normalisation of names and phones"

    def test_normalize_name(self):
        for name, result in [
                ("北京华为技术有限公司", "北京华为技术"),
                ("华为技术（深圳）股份有限公司", "华为技术"),
                ("阿里巴巴集团", "阿里巴巴"),
                ("ＡＢＣ贸易有限责任公司", "abc贸易"),
                ("Acme Trading Co., Ltd.", "acmetrading"),
                ("Cohen Group", "cohen"),
                ("公司", "公司"),
                ]:
            with self.subTest(name=name):
                self.assertEqual(normalize_name(name), result)

    def test_normalize_phone(self):
        self.assertEqual(normalize_phone('010-6512 3456'), '+861065123456')
        self.assertEqual(
            normalize_phone('+86 138 0013 8000'), '+8613800138000')
        self.assertIsNone(normalize_phone('12345'))


class DuplicateTestCase(unittest.TestCase):
    "Test the duplicate detection of customers"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('crm_plus')

    def create(self, values):
        Party = Pool().get('party.party')
        with Transaction().set_context(_crm_skip_duplicate_check=True):
            party, = Party.create([values])
        return party

    @with_transaction()
    def test_find_duplicates(self):
        "Duplicates share the USCC, a phone, an email or a similar name"
        Party = Pool().get('party.party')
        by_code = self.create({'name': "甲", 'identifiers': [('create', [{
                                'type': 'cn_vat',
                                'code': '91310009167024629D'}])]})
        by_phone = self.create({'name': "乙", 'contact_mechanisms': [
                    ('create', [{'type': 'mobile',
                                'value': '+86 138 0013 8111'}])]})
        by_email = self.create({'name': "丙", 'contact_mechanisms': [
                    ('create', [{'type': 'email',
                                'value': 'Sales@Example.cn'}])]})
        by_name = self.create({'name': "杭州东方电子股份有限公司"})
        self.create({'name': "广州南方食品有限公司",
                'contact_mechanisms': [('create', [{
                                'type': 'phone',
                                'value': '+86 20 8888 0000'}])]})

        party = Party(
            name="杭州东方电子有限公司",
            identifiers=[Pool().get('party.identifier')(
                    type='cn_vat', code='91310009167024629D')],
            contact_mechanisms=[
                Pool().get('party.contact_mechanism')(
                    type='phone', value='13800138111'),
                Pool().get('party.contact_mechanism')(
                    type='email', value='sales@example.cn'),
                ])
        found = party.find_duplicates()

        self.assertEqual(
            {p.name: r for p, r in found.items()}, {
                by_code.name: ['same unified social credit code'],
                by_phone.name: ['same phone'],
                by_email.name: ['same email'],
                by_name.name: ['similar name'],
                })

    @with_transaction()
    def test_threshold(self):
        "The configured threshold decides how similar names must be"
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('crm.configuration')
        self.create({'name': "深圳前海微众科技有限公司"})
        party = Party(name="深圳前海微众银行有限公司")
        self.assertFalse(party.find_duplicates())
        Configuration.write([Configuration(1)], {
                'crm_duplicate_threshold': 0.4})
        self.assertTrue(party.find_duplicates())

    @with_transaction()
    def test_create_warns(self):
        "A user creating a likely duplicate gets a skippable warning"
        Party = Pool().get('party.party')
        existing = self.create({'name': "成都天府软件有限公司"})
        with Transaction().set_context(_check_access=True), \
                self.assertRaises(DuplicateWarning):
            Party.create([{'name': "成都天府软件股份有限公司"}])
        # Server code creating parties is not interrupted
        Party.create([{'name': "成都天府软件(集团)有限公司"}])
        with Transaction().set_context(
                _check_access=True, _skip_warnings=True):
            party, = Party.create([{'name': "成都天府软件股份有限公司"}])
        self.assertIn(existing, party.crm_duplicates)
        with Transaction().set_context(crm_duplicate_of=party.id):
            self.assertEqual(
                Party(existing.id).crm_duplicate_reason, 'similar name')
