import csv
import datetime as dt
import os
import tempfile
import unittest
import uuid
from unittest.mock import patch

from sql import Column, Null

from trytond.model import fields
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
        "Return {line: reason} of the rejected rows of the report"
        return {line: reason
            for line, (status, reason, _) in self.read_statuses(path).items()
            if status == 'Rejected'}

    def read_statuses(self, path):
        "Return {line: (status, reason, cells)} of the report"
        with open(path, encoding='utf-8-sig') as file:
            rows = list(csv.reader(file))
        self.assertEqual(rows[0][:3], ['line', 'status', 'reason'])
        return {int(r[0]): (r[1], r[2], r[3:]) for r in rows[1:]}

    def write_text(self, text, encoding='utf-8'):
        path = os.path.join(self.folder.name, uuid.uuid4().hex + '.csv')
        with open(path, 'wb') as file:
            file.write(text.encode(encoding) if encoding else text)
        return path

    def names(self):
        with Transaction().start(DB_NAME, USER, readonly=True):
            Party = Pool().get('party.party')
            return {p.name for p in Party.search(
                    [('name', 'like', '%' + self.tag + '%')])}

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

    def create_existing(self, name, uscc, phone, kind='enterprise'):
        with Transaction().start(DB_NAME, USER) as transaction:
            Party = Pool().get('party.party')
            with Transaction().set_context(_crm_skip_duplicate_check=True):
                party, = Party.create([{
                            'name': name,
                            'crm_kind': kind,
                            'identifiers': [('create', [{
                                            'type': 'cn_vat',
                                            'code': uscc,
                                            }] if uscc else [])],
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

    def test_bulk_create_as_orm(self):
        "The bulk insert stores, reads and validates as Party.create"
        from ..importer import Row
        data = {'name': "Bulk", 'uscc': USCC[3],
            'phone': '010 6512 3456', 'mobile': '13900000123',
            'fax': '010 6512 3457', 'email': 'Info@Bulk.Example.CN',
            'website': 'https://bulk.example.cn', 'city': '北京',
            'street': '朝阳区1号', 'postal_code': '100000',
            'owner': 'Wang Fang ' + self.tag, 'tags': '重点客户，批量'}
        importer = Importer(DB_NAME, 'customers')
        with Transaction().start(DB_NAME, USER, context=importer.context
                ) as transaction:
            pool = Pool()
            Party = pool.get('party.party')
            schema = importer.schema
            schema.prepare()
            created = {}
            for bulk, code in [(False, 'ORM'), (True, 'BULK')]:
                row = Row(2, dict(data, code=code + self.tag), [])
                schema.validate(row)
                schema.bulk = bulk
                schema.create([row])
                party, = Party.search([('code', '=', code + self.tag)])
                created[bulk] = party.id
            orm, bulk = created[False], created[True]

            # The same rows in every table
            cursor = transaction.connection.cursor()
            for Model in schema.bulk_models() + [
                    pool.get('crm.customer.owner_history')]:
                table = Model.__table__()
                column = table.id if Model == Party else table.party
                names = sorted(n for n, f in Model._fields.items()
                    if not hasattr(f, 'set')
                    and not isinstance(f, fields.Function)
                    and n not in {'id', 'create_date', 'write_date'})
                rows = {}
                for party_id in [orm, bulk]:
                    cursor.execute(*table.select(
                            *[Column(table, n) for n in names],
                            table.write_date != Null,
                            where=column == party_id,
                            order_by=[table.id]))
                    rows[party_id] = [
                        {n: v for n, v in zip(names + ['written'], r)
                            if n not in {'party', 'code', 'code_alnum',
                                'code_digit'}}
                        for r in cursor]
                if Model in schema.bulk_models()[:5]:
                    self.assertTrue(rows[orm], Model.__name__)
                self.assertEqual(rows[bulk], rows[orm], Model.__name__)

            # The same read, search and validation
            names = [n for n in Party._fields
                if n not in {'id', 'code', 'code_alnum', 'code_digit',
                    'rec_name', 'create_date', 'write_date',
                    'full_name', 'tax_identifier', 'crm_duplicates',
                    'crm_duplicate_reason', 'marketing_party'}]
            x2many = [n for n in names
                if Party._fields[n]._type in {'one2many', 'many2many'}]

            def read(party_id):
                values, = Party.read([party_id], names)
                values.pop('id')
                for name in x2many:
                    values[name] = len(values[name])
                return values
            self.maxDiff = None
            orm_values, bulk_values = read(orm), read(bulk)
            self.assertEqual(
                {k: v for k, v in bulk_values.items() if v != orm_values[k]},
                {})
            self.assertEqual(
                Party(bulk).tax_identifier.code,
                Party(orm).tax_identifier.code)
            self.assertEqual(
                list(Party(bulk).crm_duplicates), [Party(orm)])
            for domain in [
                    [('name', 'ilike', 'bulk')],
                    [('contact_mechanisms.value_compact', '=',
                            '+8613900000123')],
                    [('identifiers.code_compact', '=', USCC[3])],
                    [('rec_name', 'ilike', '%bulk.example%')],
                    ]:
                self.assertEqual(
                    sorted(p.id for p in Party.search(domain)),
                    sorted([orm, bulk]), domain)
            Party._validate(Party.browse([orm, bulk]))
            for Model in schema.bulk_models():
                Model._validate(Model.search([]))
            transaction.rollback()

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

    def contact_counts(self):
        with Transaction().start(DB_NAME, USER, readonly=True):
            pool = Pool()
            Party = pool.get('party.party')
            Contact = pool.get('crm.contact')
            Mechanism = pool.get('party.contact_mechanism')
            return (
                Party.search_count([]),
                Contact.search_count([]),
                Mechanism.search_count([]))

    def test_import_contacts(self):
        "Contacts become persons of their enterprise, shared by mobile"
        customer = self.name("杭州联系人测试有限公司")
        customer_id = self.create_existing(
            customer, USCC[4], '+86 571 8888 0001')
        other = self.name("宁波第二联系人有限公司")
        self.create_existing(other, '91330200MA2AFUQ02D', '+86 574 8888 0002')
        individual = self.name("个人客户")
        self.create_existing(
            individual, '', '+86 574 8888 0003', kind='individual')
        header = ['客户名称', '统一社会信用代码', '联系人', '职务', '部门',
            '决策角色', '手机', '电话', '邮箱', '生日']
        rows = [
            # 2: good, by name
            [customer, '', '李雷', '采购经理', '采购部', '决策者',
                '13600000001', '0571 8888 0009', 'LiLei@Example.cn',
                '1985-03-02'],
            # 3: unknown customer
            ['不存在的客户 ' + self.tag, '', '韩梅梅', '', '', '',
                '13600000002', '', '', ''],
            # 4: the same person for another enterprise, by USCC
            ['', '91330200MA2AFUQ02D', '李雷', '顾问', '', 'Influencer',
                '136 0000 0001', '', '', ''],
            # 5: invalid mobile
            [customer, '', '王五', '', '', '', '12345', '', '', ''],
            # 6: not an enterprise
            [individual, '', '赵六', '', '', '', '13600000006', '', '', ''],
            # 7: the mobile of Li Lei for someone else
            [other, '', '钱七', '', '', '', '13600000001', '', '', ''],
            # 8: unknown decision role and invalid birthday
            [customer, '', '孙八', '', '', '老板', '13600000008', '', '',
                '1985-13-02'],
            # 9: twice the same person for the customer in the file
            [customer, '', '李雷', '', '', '', '+8613600000001', '', '', ''],
            ]
        path = self.write_csv(header, rows)
        report = os.path.join(self.folder.name, 'report.csv')
        before = self.contact_counts()

        summary = Importer(DB_NAME, 'contacts', batch_size=3).run(
            path, report=report)

        self.assertEqual((summary.imported, summary.rejected), (2, 6))
        after = self.contact_counts()
        # One person, two contacts, the landline of the person
        self.assertEqual(
            tuple(a - b for a, b in zip(after, before)), (1, 2, 1))
        rejected = self.read_report(report)
        self.assertEqual(sorted(rejected), [3, 5, 6, 7, 8, 9], rejected)
        self.assertIn('不存在的客户', rejected[3])
        self.assertIn('12345', rejected[5])
        self.assertIn('enterprise customers', rejected[6])
        self.assertIn('李雷', rejected[7])
        self.assertIn('老板', rejected[8])
        self.assertIn('1985-13-02', rejected[8])
        self.assertIn('line 2', rejected[9])
        with Transaction().start(DB_NAME, USER, readonly=True):
            pool = Pool()
            Party = pool.get('party.party')
            Contact = pool.get('crm.contact')
            first, second = Contact.search([
                    ('person.name', '=', '李雷'),
                    ('enterprise.name', 'in', [customer, other]),
                    ], order=[('id', 'ASC')])
            self.assertEqual(first.enterprise.id, customer_id)
            self.assertEqual(first.person, second.person)
            self.assertEqual(
                (first.position, first.department, first.decision_role,
                    first.phone_compact, first.email, first.birthday),
                ('采购经理', '采购部', 'decision_maker', '+8613600000001',
                    'LiLei@example.cn', dt.date(1985, 3, 2)))
            self.assertEqual(
                (second.position, second.decision_role),
                ('顾问', 'influencer'))
            self.assertEqual(
                [(m.type, m.value_compact)
                    for m in first.person.contact_mechanisms],
                [('phone', '+8657188880009')])
            # Nothing added to the enterprise itself
            party = Party(customer_id)
            self.assertEqual(len(party.contact_mechanisms), 1)

    def test_contacts_failing_batch_not_half_written(self):
        "A batch of contacts failing on a constraint is rolled back whole"
        customer = self.name("苏州整批回滚有限公司")
        uscc = '91320500MA1MXXXX0X'
        self.create_existing(customer, uscc, '+86 512 8888 0001')
        header = ['客户名称', '统一社会信用代码', '联系人', '手机']
        rows = [
            [customer, '', '周九', '13500000009'],
            # The same enterprise and person, found by the USCC: only the
            # contact constraint sees the duplicate
            ['', uscc, '周九', '13500000009'],
            ]
        path = self.write_csv(header, rows)
        report = os.path.join(self.folder.name, 'report.csv')
        before = self.contact_counts()

        summary = Importer(DB_NAME, 'contacts', batch_size=10).run(
            path, report=report)

        self.assertEqual((summary.imported, summary.rejected), (1, 1))
        after = self.contact_counts()
        self.assertEqual(
            tuple(a - b for a, b in zip(after, before)), (1, 1, 0))
        self.assertIn('周九', self.read_report(report)[3])

    def interaction_rows(self, customer, uscc):
        return [
            # 2: good, by USCC, Chinese labels, follow-up
            ['', uscc, '拜访', '2026-11-20 14:30', '呼出', '45',
                '产品演示 ' + self.tag, '演示了新设备', '积极', '2026-11-27',
                'admin'],
            # 3: good, by name, English labels, date only
            [customer, '', 'Call', '2026/11/21', 'Inbound', '1:30',
                'Price question ' + self.tag, '', 'No Answer', '', ''],
            # 4: unknown customer
            ['不存在 ' + self.tag, '', 'call', '2026-11-21', '', '',
                'Unknown', '', '', '', ''],
            # 5: unknown type, invalid date
            [customer, '', '传真', '2026-02-30', '', '', 'Fax', '', '', '',
                ''],
            # 6: unknown responsible, invalid duration
            [customer, '', 'note', '2026-11-22 09:00', '', 'long',
                'Note ' + self.tag, '', '', '2026-11-30', 'nobody'],
            # 7: duplicate of line 2 in the file
            ['', uscc, 'visit', '2026-11-20 14:30', '', '',
                '产品演示 ' + self.tag, '', '', '', ''],
            ]

    def test_import_interactions(self):
        "Interactions land on their customer, bad rows are reported"
        customer = self.name("广州互动测试有限公司")
        uscc = '91440101MA59TA8Q3W'
        customer_id = self.create_existing(
            customer, uscc, '+86 20 8888 0001')
        header = ['客户名称', '统一社会信用代码', '类型', '日期', '方向',
            '时长', '主题', '内容', '结果', '跟进日期', '跟进人']
        path = self.write_csv(header, self.interaction_rows(customer, uscc))
        report = os.path.join(self.folder.name, 'report.csv')

        summary = Importer(DB_NAME, 'interactions', batch_size=2).run(
            path, report=report)

        self.assertEqual((summary.imported, summary.rejected), (2, 4))
        rejected = self.read_report(report)
        self.assertEqual(sorted(rejected), [4, 5, 6, 7], rejected)
        self.assertIn('不存在', rejected[4])
        self.assertIn('传真', rejected[5])
        self.assertIn('2026-02-30', rejected[5])
        self.assertIn('nobody', rejected[6])
        self.assertIn('long', rejected[6])
        self.assertIn('line 2', rejected[7])
        with Transaction().start(DB_NAME, USER, readonly=True):
            pool = Pool()
            Interaction = pool.get('crm.interaction')
            visit, call = Interaction.search([
                    ('party', '=', customer_id),
                    ], order=[('date', 'ASC')])
            self.assertEqual(
                (visit.type, visit.date, visit.direction, visit.duration,
                    visit.summary, visit.outcome, visit.follow_up_date,
                    visit.follow_up_user.id, visit.user.id),
                ('visit', dt.datetime(2026, 11, 20, 14, 30), 'outbound',
                    dt.timedelta(minutes=45), '演示了新设备', 'positive',
                    dt.date(2026, 11, 27), USER, USER))
            follow_up, = visit.follow_ups
            self.assertEqual(follow_up.due_date, dt.date(2026, 11, 27))
            self.assertEqual(
                (call.type, call.date, call.direction, call.duration,
                    call.outcome, call.follow_ups),
                ('call', dt.datetime(2026, 11, 21), 'inbound',
                    dt.timedelta(hours=1, minutes=30), 'no_answer', ()))

        # Imported again, the interactions exist already
        report = os.path.join(self.folder.name, 'again.csv')
        summary = Importer(DB_NAME, 'interactions').run(path, report=report)
        self.assertEqual(summary.imported, 0)
        rejected = self.read_report(report)
        self.assertIn(customer, rejected[2])
        self.assertIn('already exists', rejected[3])

    def test_interactions_failing_batch_not_half_written(self):
        "A batch of interactions failing on save is rolled back whole"
        pool = Pool(DB_NAME)
        Interaction = pool.get('crm.interaction')
        customer = self.name("佛山失败批次有限公司")
        uscc = '91440600MA4UQ1N13P'
        customer_id = self.create_existing(
            customer, uscc, '+86 757 8888 0001')
        header = ['客户名称', '类型', '日期', '主题', '跟进日期']
        path = self.write_csv(header, [
                [customer, 'call', '2026-11-02', 'One', '2026-11-09'],
                [customer, 'call', '2026-11-03', 'Boom', '2026-11-10'],
                [customer, 'call', '2026-11-04', 'Three', '2026-11-11'],
                ])
        report = os.path.join(self.folder.name, 'report.csv')
        sync = Interaction._sync_follow_ups.__func__

        def failing_sync(cls, interactions):
            # After the interactions are inserted, as a constraint would
            sync(cls, interactions)
            if any(i.subject == 'Boom' for i in interactions):
                raise ValueError("boom")

        with patch.object(Interaction, '_sync_follow_ups',
                classmethod(failing_sync)):
            summary = Importer(DB_NAME, 'interactions', batch_size=10).run(
                path, report=report)

        self.assertEqual((summary.imported, summary.rejected), (2, 1))
        self.assertIn('boom', self.read_report(report)[3])
        with Transaction().start(DB_NAME, USER, readonly=True):
            FollowUp = Pool().get('crm.follow_up')
            interactions = Interaction.search([('party', '=', customer_id)])
            self.assertEqual(
                sorted(i.subject for i in interactions), ['One', 'Three'])
            self.assertEqual(
                len(FollowUp.search([('party', '=', customer_id)])), 2)

    def test_not_available(self):
        "An unknown kind of import is refused with the available ones"
        from trytond.exceptions import UserError
        with self.assertRaises(UserError) as context:
            Importer(DB_NAME, 'nothing')
        self.assertIn('customers', context.exception.message)

    def test_encoding_refused(self):
        "A file neither UTF-8 nor GB18030 is refused naming the encoding"
        from trytond.exceptions import UserError
        name = self.name("Société Générale")
        before = self.counts()
        for encoding, expected in [
                ('latin-1', 'line 2'),
                ('utf-16', 'UTF-16'),
                ('utf-16-le', 'UTF-16'),
                ]:
            with self.subTest(encoding=encoding):
                path = self.write_text(
                    "name,city\n%s, Paris\n" % name, encoding)
                with self.assertRaises(UserError) as context:
                    Importer(DB_NAME, 'customers').run(path)
                self.assertIn('UTF-8', context.exception.message)
                self.assertIn(expected, context.exception.message)
        self.assertEqual(self.counts(), before)
        self.assertNotIn(name, self.names())

    def test_cli_encoding_exit(self):
        "crm-plus import exits non-zero with the encoding message"
        from ...cli import main
        path = self.write_text("name\n%s\n" % self.name("Ünïcode"), 'utf-16')
        report = os.path.join(self.folder.name, 'report.csv')
        with self.assertRaises(SystemExit) as context:
            main(['--home', self.folder.name, 'import', 'customers', path,
                    '--database', DB_NAME, '--report', report])
        self.assertIsInstance(context.exception.code, str)
        self.assertIn('UTF-16', context.exception.code)
        self.assertFalse(os.path.exists(report))

    def test_truncated_last_line(self):
        "A last line cut short is reported, not imported as a cut row"
        complete, cut = self.name("Complete"), self.name("Cut Quote")
        path = self.write_text(
            'name,mobile,city\n%s,13700000021,Beijing\n"%s,13700000022,Bei'
            % (complete, cut))
        report = os.path.join(self.folder.name, 'report.csv')
        summary = Importer(DB_NAME, 'customers').run(path, report=report)
        self.assertEqual((summary.imported, summary.rejected), (1, 1))
        self.assertIn('quoted', self.read_report(report)[3])

        short, last = self.name("Short"), self.name("Last Short")
        path = self.write_text(
            'name,mobile,city\n%s,13700000023,Beijing\n%s,1370000'
            % (short, last))
        summary = Importer(DB_NAME, 'customers').run(path, report=report)
        self.assertEqual((summary.imported, summary.rejected), (1, 1))
        self.assertIn('2 of 3 columns', self.read_report(report)[3])

        # A complete last line without its line end is a row
        ended = self.name("No Line End")
        path = self.write_text(
            'name,mobile,city\n%s,13700000024,Beijing' % ended)
        summary = Importer(DB_NAME, 'customers').run(path)
        self.assertEqual((summary.imported, summary.rejected), (1, 0))
        names = self.names()
        self.assertEqual(
            {complete, short, ended, cut, last} & names,
            {complete, short, ended})
        self.assertFalse([n for n in names if 'Cut Quote' in n])

    def test_oversized_cell(self):
        "A 10 MB cell rejects its row, the others are imported"
        huge = "x" * 10_000_000
        before, after = self.name("Before Huge"), self.name("After Huge")
        path = self.write_csv(['name', 'city'], [
                [before, 'Beijing'],
                [self.name("Huge"), huge],
                [after, huge[:100]],
                ])
        report = os.path.join(self.folder.name, 'report.csv')
        summary = Importer(DB_NAME, 'customers').run(path, report=report)
        self.assertEqual((summary.imported, summary.rejected), (2, 1))
        status, reason, cells = self.read_statuses(report)[3]
        self.assertEqual(status, 'Rejected')
        self.assertIn('"city"', reason)
        self.assertIn('10000000', reason)
        # The report keeps the start of the cell
        self.assertLess(len(cells[1]), 2000)
        self.assertTrue(cells[1].startswith('xxx'))
        self.assertTrue({before, after} <= self.names())

    def test_texts_of_rows(self):
        "A row with a too long name is rejected with the model's reason"
        path = self.write_csv(['name', 'mobile'], [
                [self.name("Fine"), '13700000031'],
                [self.name("Long" * 100), '13700000032'],
                ])
        report = os.path.join(self.folder.name, 'report.csv')
        summary = Importer(DB_NAME, 'customers').run(path, report=report)
        self.assertEqual((summary.imported, summary.rejected), (1, 1))
        self.assertIn('too long', self.read_report(report)[3])

    def test_stopped_run_reported(self):
        "A run stopped mid-way reports which rows were imported or not"
        from trytond.exceptions import UserError
        from ..importer import CustomerSchema
        rows = [[self.name("Stop %s" % i), '1370000004%s' % i]
            for i in range(6)]
        path = self.write_csv(['name', 'mobile'], rows)
        report = os.path.join(self.folder.name, 'report.csv')
        validate = CustomerSchema.validate

        def failing_validate(schema, row):
            if row.line == 5:
                raise RuntimeError("disk on fire")
            return validate(schema, row)

        with patch.object(CustomerSchema, 'validate', failing_validate):
            with self.assertRaises(UserError) as context:
                Importer(DB_NAME, 'customers', batch_size=2).run(
                    path, report=report)
        message = context.exception.message
        self.assertIn('disk on fire', message)
        self.assertIn('line 4', message)
        self.assertIn('2 rows were imported', message)
        self.assertIn('4 not imported', message)
        statuses = self.read_statuses(report)
        self.assertEqual(
            {line: status for line, (status, _, _) in statuses.items()},
            {2: 'Imported', 3: 'Imported', 4: 'Not imported',
                5: 'Not imported', 6: 'Not imported', 7: 'Not imported'})
        names = self.names()
        self.assertEqual(
            [r[0] in names for r in rows],
            [True, True, False, False, False, False])

    def create_rep(self, login):
        "Create a sales representative user with their employee"
        with Transaction().start(DB_NAME, USER) as transaction:
            pool = Pool()
            User = pool.get('res.user')
            Group = pool.get('res.group')
            ModelData = pool.get('ir.model.data')
            admin = User(USER)
            employee = create_employee(admin.company, login)
            group = Group(ModelData.get_id('crm_plus', 'group_sales_rep'))
            User.create([{
                        'login': login, 'name': login,
                        'groups': [('add', [group.id])],
                        'companies': [('add', [admin.company.id])],
                        'company': admin.company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        }])
            transaction.commit()
            return employee.id

    def test_import_obeys_owner_rules(self):
        "A representative cannot import customers owned by another one"
        rep_a, rep_b = 'rep_a_' + self.tag, 'rep_b_' + self.tag
        employee_a = self.create_rep(rep_a)
        employee_b = self.create_rep(rep_b)
        path = self.write_csv(['name', 'mobile', 'owner'], [
                [self.name("Own"), '13700000051', rep_a],
                [self.name("Other's"), '13700000052', rep_b],
                [self.name("Pool"), '13700000053', ''],
                ])
        report = os.path.join(self.folder.name, 'report.csv')
        before = self.counts()
        for bulk in [True, False]:
            with self.subTest(bulk=bulk), \
                    patch('trytond.modules.crm_plus.customer.importer'
                        '.CustomerSchema.bulk', bulk):
                summary = Importer(DB_NAME, 'customers', user=rep_a).run(
                    path, report=report)
                if bulk:
                    self.assertEqual(
                        (summary.imported, summary.rejected), (2, 1))
                    self.assertEqual(self.counts()[0] - before[0], 2)
                self.assertIn(rep_b, self.read_report(report)[3])
                self.assertIn('owner', self.read_report(report)[3])
        with Transaction().start(DB_NAME, USER, readonly=True):
            Party = Pool().get('party.party')
            self.assertEqual(
                {p.crm_owner.id if p.crm_owner else None
                    for p in Party.search([
                            ('name', 'in', [self.name("Own"),
                                    self.name("Pool")])])},
                {employee_a, None})
            self.assertFalse(Party.search(
                    [('crm_owner', '=', employee_b)]))

    def test_hidden_duplicate_not_named(self):
        "A duplicate of a customer the user cannot see is not named"
        rep_c, rep_d = 'rep_c_' + self.tag, 'rep_d_' + self.tag
        self.create_rep(rep_c)
        employee_d = self.create_rep(rep_d)
        hidden = self.name("隐藏的客户有限公司")
        party_id = self.create_existing(
            hidden, '91310115MA1H7GXJ12', '+86 21 6888 0099')
        with Transaction().start(DB_NAME, USER) as transaction:
            Party = Pool().get('party.party')
            Party.write([Party(party_id)], {'crm_owner': employee_d})
            transaction.commit()
        path = self.write_csv(['name', 'uscc', 'phone'], [
                [self.name("Renamed"), '91310115MA1H7GXJ12', ''],
                [self.name("Other Name"), '', '021 6888 0099'],
                [hidden, '', ''],
                ])
        report = os.path.join(self.folder.name, 'report.csv')
        summary = Importer(DB_NAME, 'customers', user=rep_c).run(
            path, report=report)
        self.assertEqual((summary.imported, summary.rejected), (0, 3))
        rejected = self.read_report(report)
        for line in [2, 3]:
            self.assertIn('cannot see', rejected[line])
            self.assertNotIn(hidden, rejected[line])
        # The name typed in the file is the user's own
        self.assertIn('cannot see', rejected[4])

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
