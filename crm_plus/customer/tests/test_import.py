import csv
import os
import tempfile
import unittest
import uuid

from trytond.modules.company.tests import create_company, create_employee
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, USER, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from ..importer import Importer

USCC = [
    '91310009167024629D', '91310003280387012X', '91310001095513148Q',
    '91310006225516707R', '913100070935378197', '91310003387541014M']


class ImportTestCase(unittest.TestCase):
    "Test the bulk import of customers"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('crm_plus')
        cls.tag = uuid.uuid4().hex[:6]
        with Transaction().start(DB_NAME, USER) as transaction:
            pool = Pool()
            User = pool.get('res.user')
            company = create_company()
            employee = create_employee(company, "Wang Fang " + cls.tag)
            User.write([User(USER)], {
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    })
            cls.employee = employee.id
            transaction.commit()

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def write_csv(self, header, rows):
        path = os.path.join(self.folder.name, uuid.uuid4().hex + '.csv')
        with open(path, 'w', newline='', encoding='utf-8') as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    def read_report(self, path):
        with open(path, encoding='utf-8-sig') as file:
            rows = list(csv.reader(file))
        return {int(r[0]): r[1] for r in rows[1:]}

    def counts(self):
        with Transaction().start(DB_NAME, USER, readonly=True):
            pool = Pool()
            Party = pool.get('party.party')
            Mechanism = pool.get('party.contact_mechanism')
            Identifier = pool.get('party.identifier')
            return (
                Party.search_count([]),
                Mechanism.search_count([]),
                Identifier.search_count([]))

    def name(self, name):
        return '%s %s' % (name, self.tag)

    def create_existing(self, name, uscc, phone):
        with Transaction().start(DB_NAME, USER) as transaction:
            Party = Pool().get('party.party')
            with Transaction().set_context(_crm_skip_duplicate_check=True):
                party, = Party.create([{
                            'name': name,
                            'identifiers': [('create', [{
                                            'type': 'cn_vat',
                                            'code': uscc,
                                            }])],
                            'contact_mechanisms': [('create', [{
                                            'type': 'phone',
                                            'value': phone,
                                            }])],
                            }])
            transaction.commit()
            return party.id

    def test_import_good_and_bad_rows(self):
        "Good rows are imported, bad rows reported with line and reason"
        existing = self.name("上海既有贸易有限公司")
        self.create_existing(existing, USCC[5], '+86 21 6888 0001')
        header = ['客户名称', '统一社会信用代码', '电话', '手机', '邮箱',
            '省份', '城市', '地址', '负责人', '标签']
        rows = [
            # 2: good
            [self.name("北京华信机械有限公司"), USCC[0], '010 6512 3456',
                '13800138000', 'Sales@HuaXin.cn', '', '北京', '朝阳区1号',
                'Wang Fang ' + self.tag, '重点客户，制造业'],
            # 3: invalid USCC
            [self.name("坏税号公司"), '91310000123456789A', '', '', '',
                '', '', '', '', ''],
            # 4: bad phone
            [self.name("坏电话公司"), '', '12345', '', '', '', '', '', '',
                ''],
            # 5: bad email
            [self.name("坏邮箱公司"), '', '', '', 'not-an-email', '', '',
                '', '', ''],
            # 6: missing name
            ['', USCC[1], '', '', '', '', '', '', '', ''],
            # 7: duplicate of the existing customer (same USCC)
            [self.name("另一个名字"), USCC[5], '', '', '', '', '', '', '',
                ''],
            # 8: good
            [self.name("深圳前海科技股份有限公司"), USCC[2], '',
                '139 0013 9000', '', '', '深圳', '', '', '制造业'],
            # 9: duplicate of line 2 within the file (same mobile)
            [self.name("完全不同"), '', '', '+86 138-0013-8000', '', '',
                '', '', '', ''],
            # 10: unknown owner
            [self.name("无主公司"), '', '', '', '', '', '', '', 'nobody',
                ''],
            ]
        path = self.write_csv(header, rows)
        report = os.path.join(self.folder.name, 'report.csv')
        before = self.counts()

        summary = Importer(DB_NAME, 'customers', batch_size=3).run(
            path, report=report)

        self.assertEqual(
            (summary.read, summary.imported, summary.rejected), (9, 2, 7))
        after = self.counts()
        self.assertEqual(after[0] - before[0], 2)
        # 2 phones + 1 email, 1 mobile
        self.assertEqual(after[1] - before[1], 4)
        self.assertEqual(after[2] - before[2], 2)
        rejected = self.read_report(report)
        self.assertEqual(sorted(rejected), [3, 4, 5, 6, 7, 9, 10])
        self.assertIn('91310000123456789A', rejected[3])
        self.assertIn('12345', rejected[4])
        self.assertIn('not-an-email', rejected[5])
        self.assertIn('name', rejected[6])
        self.assertIn(existing, rejected[7])
        self.assertIn('line 2', rejected[9])
        self.assertIn('nobody', rejected[10])

        with Transaction().start(DB_NAME, USER, readonly=True):
            Party = Pool().get('party.party')
            party, = Party.search([('name', '=', rows[0][0])])
            self.assertEqual(party.tax_identifier.code_compact, USCC[0])
            self.assertEqual(party.crm_owner.id, self.employee)
            self.assertEqual(
                sorted(c.name for c in party.categories),
                ['制造业', '重点客户'])
            self.assertEqual(
                sorted((m.type, m.value_compact)
                    for m in party.contact_mechanisms),
                [('email', 'sales@huaxin.cn'),
                    ('mobile', '+8613800138000'),
                    ('phone', '+861065123456')])
            self.assertEqual(party.addresses[0].city, '北京')

    def test_import_english_headers(self):
        "English headers are recognised"
        header = ['Name', 'USCC', 'Phone', 'Email', 'City', 'Tags']
        path = self.write_csv(header, [
                [self.name("Acme Trading Co., Ltd."), USCC[3],
                    '+86 755 2345 6789', 'info@acme.example.cn', 'Shenzhen',
                    'VIP'],
                ])
        before = self.counts()
        summary = Importer(DB_NAME, 'customers').run(path)
        self.assertEqual((summary.imported, summary.rejected), (1, 0))
        self.assertEqual(self.counts()[0] - before[0], 1)
        with Transaction().start(DB_NAME, USER, readonly=True):
            Party = Pool().get('party.party')
            party, = Party.search([('name', '=', self.name(
                            "Acme Trading Co., Ltd."))])
            self.assertEqual(party.phone, '+86 755 2345 6789')
            self.assertEqual(party.email, 'info@acme.example.cn')

    def test_failing_batch_not_half_written(self):
        "A batch failing on a database constraint is rolled back whole"
        with Transaction().start(DB_NAME, USER) as transaction:
            Party = Pool().get('party.party')
            code = 'IMP-' + self.tag
            with Transaction().set_context(_crm_skip_duplicate_check=True):
                Party.create([{'name': self.name("Holder"), 'code': code}])
            transaction.commit()
        header = ['name', 'code', 'mobile']
        rows = [
            [self.name("Alpha"), '', '13700000001'],
            [self.name("Bravo"), code, '13700000002'],  # unique code
            [self.name("Charlie"), '', '13700000003'],
            ]
        path = self.write_csv(header, rows)
        report = os.path.join(self.folder.name, 'report.csv')
        before = self.counts()

        summary = Importer(DB_NAME, 'customers', batch_size=10).run(
            path, report=report)

        self.assertEqual((summary.imported, summary.rejected), (2, 1))
        after = self.counts()
        self.assertEqual(after[0] - before[0], 2)
        self.assertEqual(after[1] - before[1], 2)
        self.assertEqual(list(self.read_report(report)), [3])
        with Transaction().start(DB_NAME, USER, readonly=True):
            Mechanism = Pool().get('party.contact_mechanism')
            self.assertFalse(Mechanism.search(
                    [('value_compact', '=', '+8613700000002')]))

    def test_import_contacts(self):
        "Contacts become named contact mechanisms of their customer"
        customer = self.name("杭州联系人测试有限公司")
        self.create_existing(customer, USCC[4], '+86 571 8888 0001')
        header = ['客户名称', '联系人', '职务', '手机', '邮箱']
        path = self.write_csv(header, [
                [customer, '李雷', '采购经理', '13600000001',
                    'lilei@example.cn'],
                ['不存在的客户 ' + self.tag, '韩梅梅', '', '13600000002', ''],
                ])
        summary = Importer(DB_NAME, 'contacts').run(path)
        self.assertEqual((summary.imported, summary.rejected), (1, 1))
        with Transaction().start(DB_NAME, USER, readonly=True):
            Party = Pool().get('party.party')
            party, = Party.search([('name', '=', customer)])
            self.assertEqual(
                sorted((m.name, m.type, m.comment)
                    for m in party.contact_mechanisms if m.name),
                [('李雷', 'email', '采购经理'), ('李雷', 'mobile', '采购经理')])

    def test_not_available(self):
        "An unknown kind of import is refused with the available ones"
        from trytond.exceptions import UserError
        with self.assertRaises(UserError) as context:
            Importer(DB_NAME, 'nothing')
        self.assertIn('customers', context.exception.message)


class CsvImportTestCase(unittest.TestCase):
    "Tryton's CSV import keeps working for customers"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('crm_plus')

    @with_transaction()
    def test_import_data(self):
        "import_data creates parties with identifiers and contacts"
        Party = Pool().get('party.party')
        fields_names = [
            'name', 'identifiers/type', 'identifiers/code',
            'contact_mechanisms/type', 'contact_mechanisms/value']
        data = [
            ['CSV Customer A', 'cn_vat', USCC[0], 'phone', '+86 10 6512 3456'],
            ['', '', '', 'email', 'a@example.cn'],
            ['CSV Customer B', '', '', 'mobile', '+86 139 0013 9001'],
            ]
        with Transaction().set_context(_skip_warnings=True):
            count = Party.import_data(fields_names, data)
        self.assertEqual(count, 2)
        party, = Party.search([('name', '=', 'CSV Customer A')])
        self.assertEqual(party.tax_identifier.code_compact, USCC[0])
        self.assertEqual(
            sorted(m.type for m in party.contact_mechanisms),
            ['email', 'phone'])
