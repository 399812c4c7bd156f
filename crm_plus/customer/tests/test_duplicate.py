import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from ..duplicate import DuplicateWarning
from ..normalize import (
    InvalidValue, complete_uscc, distinct_names, email_key, normalize_code,
    normalize_name, normalize_phone, normalize_uscc, validate_email)

USCC_A = '91310009167024629D'
USCC_B = '91110000600037341L'
RIC = '11010519491231002X'


class NormalizeTestCase(unittest.TestCase):
    "Test the normalisation of names, e-mails and codes"

    def test_normalize_name(self):
        for name, result in [
                ("北京华为技术有限公司", "北京华为技术"),
                ("华为技术（深圳）股份有限公司", "华为技术"),
                ("阿里巴巴集团", "阿里巴巴"),
                ("成都天府软件(集团)有限公司", "成都天府软件"),
                ("成都天府软件股份有限公司", "成都天府软件"),
                ("ＡＢＣ贸易有限责任公司", "abc贸易"),
                ("ABC 贸易 有限公司", "abc贸易"),
                ("Acme Trading Co., Ltd.", "acmetrading"),
                ("Cohen Group", "cohen"),
                ("公司", "公司"),
                ("", ""),
                (None, ""),
                # Branches keep their designation after the enterprise
                ("华为技术有限公司北京分公司", "华为技术北京分公司"),
                ("华为技术北京分公司", "华为技术北京分公司"),
                ("华为技术有限公司（北京分公司）", "华为技术北京分公司"),
                ("某某有限公司一分公司", "某某一分公司"),
                ("某某贸易有限公司上海办事处", "某某贸易上海办事处"),
                ("上海某某机械集团有限公司第二分厂", "上海某某机械第二分厂"),
                ("Acme Co Ltd Shanghai Branch", "acmeshanghaibranch"),
                ]:
            with self.subTest(name=name):
                self.assertEqual(normalize_name(name), result)

    def test_distinct_names(self):
        for a, b, result in [
                ("某某一分公司", "某某二分公司", True),
                ("华为技术北京分公司", "华为技术上海分公司", True),
                ("华为技术", "华为技术北京分公司", True),
                ("某某贸易上海办事处", "某某贸易北京办事处", True),
                ("上海建工一建", "上海建工二建", True),
                ("employee1", "employee2", True),
                ("acme2000", "acme200", True),
                ("华为技术北京分公司", "华为技术北京分公司", False),
                ("成都天府软件", "成都天府软件", False),
                ("杭州东方电子", "杭州东方电子科技", False),
                ("三一重工", "三一重工机械", False),
                ]:
            with self.subTest(a=a, b=b):
                self.assertEqual(distinct_names(a, b), result)
                self.assertEqual(distinct_names(b, a), result)

    def test_validate_email(self):
        for value, result in [
                ('Sales@Example.CN', 'sales@example.cn'),
                ('Info@HuaXin.Example.CN', 'info@huaxin.example.cn'),
                (' info@huaxin.example.cn', InvalidValue),
                ('李雷@例子.中国', '李雷@例子.中国'),
                ('not an email', InvalidValue),
                ('a@b', InvalidValue),
                ('a@@example.cn', InvalidValue),
                ]:
            with self.subTest(value=value):
                if result is InvalidValue:
                    with self.assertRaises(InvalidValue):
                        validate_email(value)
                else:
                    self.assertEqual(validate_email(value), result)

    def test_email_key(self):
        for value, result in [
                ('Sales@Example.CN ', 'sales@example.cn'),
                ('sales@example.cn', 'sales@example.cn'),
                ('', None),
                (None, None),
                ]:
            with self.subTest(value=value):
                self.assertEqual(email_key(value), result)

    def test_normalize_uscc(self):
        for value, result in [
                (USCC_A, USCC_A),
                ('9131 0009 1670 2462 9d', USCC_A),
                ('91310009-16702462-9D', USCC_A),
                ('91310000123456789A', InvalidValue),  # check digit
                ('9131000916702462', InvalidValue),  # too short
                ('', InvalidValue),
                ]:
            with self.subTest(value=value):
                if result is InvalidValue:
                    with self.assertRaises(InvalidValue):
                        normalize_uscc(value)
                else:
                    self.assertEqual(normalize_uscc(value), result)

    def test_complete_uscc(self):
        for value, result in [
                ('9131 0009 1670 2462 9D', USCC_A),
                ('9131000916702462', None),
                ('91310000123456789A', None),
                (None, None),
                ]:
            with self.subTest(value=value):
                self.assertEqual(complete_uscc(value), result)

    def test_normalize_code(self):
        for type_, value, result in [
                ('cn_ric', '11010519491231002x', RIC),
                ('cn_ric', '110105194912310021', InvalidValue),
                ('cn_vat', USCC_A.lower(), USCC_A),
                ('unknown', 'X', InvalidValue),
                ]:
            with self.subTest(type_=type_, value=value):
                if result is InvalidValue:
                    with self.assertRaises(InvalidValue):
                        normalize_code(type_, value)
                else:
                    self.assertEqual(normalize_code(type_, value), result)


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
        "Create a party as server code, without the duplicate check"
        Party = Pool().get('party.party')
        values.setdefault('crm_kind', 'enterprise')
        with Transaction().set_context(_crm_skip_duplicate_check=True):
            party, = Party.create([values])
        return party

    def rpc_create(self, values):
        "Create a party as an RPC call of a user does"
        Party = Pool().get('party.party')
        with Transaction().set_context(_check_access=True):
            party, = Party.create([values])
        return party

    @classmethod
    def phone(cls, value, type_='phone'):
        return [('create', [{'type': type_, 'value': value}])]

    @classmethod
    def identifier(cls, code, type_='cn_vat'):
        return [('create', [{'type': type_, 'code': code}])]

    def set_phone_region(self, region):
        Configuration = Pool().get('crm.configuration')
        Configuration.write([Configuration(1)], {
                'contact_phone_region': region})

    @with_transaction()
    def test_normalize_phone(self):
        "Phones are read in the given regions, then the configured one"
        for value, regions, result in [
                ('010-6512 3456', (), '+861065123456'),
                ('+86 138 0013 8000', (), '+8613800138000'),
                ('13800138000', (), '+8613800138000'),
                ('02 9876 5432', ('AU',), '+61298765432'),
                ('+61 2 9876 5432', (), '+61298765432'),
                ('02 9876 5432', (), None),
                ('12345', (), None),
                ('', (), None),
                (None, (), None),
                ]:
            with self.subTest(value=value, regions=regions):
                self.assertEqual(normalize_phone(value, regions), result)

        self.set_phone_region('AU')
        for value, result in [
                ('02 9876 5432', '+61298765432'),
                ('13800138000', None),
                ('+86 138 0013 8000', '+8613800138000'),
                ]:
            with self.subTest(value=value, region='AU'):
                self.assertEqual(normalize_phone(value), result)

        self.set_phone_region(None)
        self.assertIsNone(normalize_phone('13800138000'))
        self.assertEqual(
            normalize_phone('+86 138 0013 8000'), '+8613800138000')

    @with_transaction()
    def test_find_duplicates(self):
        "Duplicates share the USCC, a phone, an email or a similar name"
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        ContactMechanism = pool.get('party.contact_mechanism')
        by_code = self.create({'name': "甲",
                'identifiers': self.identifier(USCC_A)})
        by_phone = self.create({'name': "乙",
                'contact_mechanisms': self.phone(
                    '+86 138 0013 8111', 'mobile')})
        by_email = self.create({'name': "丙", 'contact_mechanisms': [
                    ('create', [{'type': 'email',
                                'value': 'Sales@Example.cn'}])]})
        by_name = self.create({'name': "杭州东方电子股份有限公司"})
        self.create({'name': "广州南方食品有限公司",
                'contact_mechanisms': self.phone('+86 20 8888 0000')})
        # Not customers: never duplicates
        self.create({'name': "杭州东方电子有限公司", 'crm_kind': None,
                'identifiers': self.identifier(USCC_A),
                'contact_mechanisms': self.phone('13800138111')})

        party = Party(
            name="杭州东方电子有限公司",
            crm_kind='enterprise',
            identifiers=[Identifier(type='cn_vat', code=USCC_A)],
            contact_mechanisms=[
                ContactMechanism(type='phone', value='13800138111'),
                ContactMechanism(type='email', value='sales@example.cn'),
                ])
        found = party.find_duplicates()

        self.assertEqual(
            {p.name: r for p, r in found.items()}, {
                by_code.name: ['same unified social credit code'],
                by_phone.name: ['same phone'],
                by_email.name: ['same email'],
                by_name.name: ['similar name'],
                })

        party.crm_kind = None
        self.assertEqual(party.find_duplicates(), {})

    @with_transaction()
    def test_threshold(self):
        "The configured threshold decides how similar names must be"
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('crm.configuration')
        self.create({'name': "深圳前海微众科技有限公司"})
        party = Party(name="深圳前海微众银行有限公司", crm_kind='enterprise')
        self.assertFalse(party.find_duplicates())
        Configuration.write([Configuration(1)], {
                'crm_duplicate_threshold': 0.4})
        self.assertTrue(party.find_duplicates())

    @with_transaction()
    def test_create_warns(self):
        "A user creating a likely duplicate gets a skippable warning"
        Party = Pool().get('party.party')
        existing = self.create({'name': "成都天府软件有限公司"})
        with self.assertRaises(DuplicateWarning):
            self.rpc_create({
                    'name': "成都天府软件股份有限公司",
                    'crm_kind': 'enterprise'})
        # Server code creating parties is not interrupted
        Party.create([{
                    'name': "成都天府软件(集团)有限公司",
                    'crm_kind': 'enterprise'}])
        with Transaction().set_context(_skip_warnings=True):
            party = self.rpc_create({
                    'name': "成都天府软件股份有限公司",
                    'crm_kind': 'enterprise'})
        self.assertIn(existing, party.crm_duplicates)
        with Transaction().set_context(crm_duplicate_of=party.id):
            self.assertEqual(
                Party(existing.id).crm_duplicate_reason, 'similar name')

    @with_transaction()
    def test_no_warning_other_parties(self):
        "Employees, suppliers and other non-customers are not checked"
        self.rpc_create({'name': "Employee 1"})
        self.rpc_create({'name': "Employee 2"})
        self.rpc_create({'name': "Employee 2"})
        self.rpc_create({'name': "上海宝钢供应有限公司",
                'contact_mechanisms': self.phone('021 2000 0001'),
                'identifiers': self.identifier(USCC_B)})
        self.rpc_create({'name': "上海宝钢供应股份有限公司",
                'contact_mechanisms': self.phone('+86 21 2000 0001'),
                'identifiers': self.identifier(USCC_B)})
        # A customer sharing the phone of a supplier
        self.rpc_create({'name': "苏州新客户有限公司", 'crm_kind': 'enterprise',
                'contact_mechanisms': self.phone('021-2000-0001')})

    @with_transaction()
    def test_no_warning_numbered_customers(self):
        "Customers whose names differ by a number are not duplicates"
        for name in ["Employee 1", "Employee 2", "上海建工一建集团有限公司",
                "上海建工二建集团有限公司", "Acme 2000 Ltd", "Acme 200 Ltd"]:
            with self.subTest(name=name):
                self.rpc_create({'name': name, 'crm_kind': 'enterprise'})

    @with_transaction()
    def test_no_warning_branches(self):
        "Branches are other customers than their enterprise and each other"
        for name in ["某某机械有限公司", "某某机械有限公司一分公司",
                "某某机械有限公司二分公司", "某某机械有限公司北京分公司",
                "某某机械有限公司上海分公司", "某某机械有限公司上海办事处",
                "某某机械有限公司苏州分厂"]:
            with self.subTest(name=name):
                self.rpc_create({'name': name, 'crm_kind': 'enterprise'})
        # The same branch written differently is a duplicate
        with self.assertRaises(DuplicateWarning):
            self.rpc_create({'name': "某某机械股份有限公司（北京分公司）",
                    'crm_kind': 'enterprise'})

    @with_transaction()
    def test_persons(self):
        "Persons are duplicates by phone, email or ID number, not by name"
        zhang = self.rpc_create({'name': "张伟", 'crm_kind': 'individual',
                'contact_mechanisms': [('create', [
                            {'type': 'mobile', 'value': '13800138001'},
                            {'type': 'email', 'value': 'zhangwei@example.cn'},
                            ])],
                'identifiers': self.identifier(RIC, 'cn_ric')})
        self.rpc_create({'name': "张伟", 'crm_kind': 'individual',
                'contact_mechanisms': self.phone('13800138002', 'mobile')})
        self.rpc_create({'name': "张伟", 'crm_kind': 'individual'})
        # Neither by the name of an enterprise
        self.create({'name': "王芳"})
        self.rpc_create({'name': "王芳", 'crm_kind': 'individual'})

        for values, reason in [
                ({'contact_mechanisms': self.phone(
                                '+86 138-0013-8001', 'mobile')},
                    'same phone'),
                ({'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': 'ZhangWei@Example.cn'}])]},
                    'same email'),
                ({'identifiers': self.identifier(RIC.lower(), 'cn_ric')},
                    'same ID number'),
                ]:
            with self.subTest(reason=reason):
                with self.assertRaises(DuplicateWarning) as cm:
                    self.rpc_create(dict(
                            values, name="张伟", crm_kind='individual'))
                self.assertIn(
                    '%s (%s)' % (zhang.rec_name, reason),
                    cm.exception.message)

    @with_transaction()
    def test_real_duplicates_warn(self):
        "Enterprises sharing a code, phone, email or normalised name warn"
        self.create({'name': "北京华信机械有限公司",
                'identifiers': self.identifier(USCC_A),
                'contact_mechanisms': [('create', [
                            {'type': 'phone', 'value': '010 6512 3456'},
                            {'type': 'email', 'value': 'info@huaxin.cn'},
                            ])]})
        self.create({'name': "ＡＢＣ贸易有限公司"})
        self.create({'name': "成都天府软件（集团）有限公司"})
        for values, reason in [
                ({'name': "甲", 'identifiers': self.identifier(
                                '9131 0009 1670 2462 9D')},
                    'same unified social credit code'),
                ({'name': "乙", 'contact_mechanisms': self.phone(
                                '+86 10-6512-3456')},
                    'same phone'),
                ({'name': "丙", 'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': 'Info@HuaXin.cn'}])]},
                    'same email'),
                ({'name': "ABC 贸易 股份有限公司"}, 'similar name'),
                ({'name': "成都天府软件股份有限公司"}, 'similar name'),
                ({'name': "北京华信机械(集团)股份有限公司"}, 'similar name'),
                ]:
            with self.subTest(values=values):
                with self.assertRaises(DuplicateWarning) as cm:
                    self.rpc_create(dict(values, crm_kind='enterprise'))
                self.assertIn(reason, cm.exception.message)

    @with_transaction()
    def test_normalize_stored_names(self):
        "Names stored with older rules are normalised again on update"
        Party = Pool().get('party.party')
        party = self.create({'name': "某某机械有限公司北京分公司"})
        other = self.create({'name': "某某机械有限公司"})
        table = Party.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.crm_name_normalized], ['某某机械有限公司北京'],
                where=table.id == party.id))
        Party._crm_normalize_names()
        cursor.execute(*table.select(
                table.id, table.crm_name_normalized,
                where=table.id.in_([party.id, other.id]),
                order_by=[table.id]))
        self.assertEqual(cursor.fetchall(), [
                (party.id, "某某机械北京分公司"), (other.id, "某某机械")])

    @with_transaction()
    def test_phone_region(self):
        "The configured region reads the phones compared for duplicates"
        self.set_phone_region('AU')
        self.create({'name': "Sydney Traders Pty",
                'contact_mechanisms': self.phone('02 9876 5432')})
        with self.assertRaises(DuplicateWarning) as cm:
            self.rpc_create({
                    'name': "Harbour Imports", 'crm_kind': 'enterprise',
                    'contact_mechanisms': self.phone('(02) 9876-5432')})
        self.assertIn('same phone', cm.exception.message)
