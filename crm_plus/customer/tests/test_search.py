import unittest

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

USCC_A = '91110000600037341L'
USCC_B = '91350100M000100Y43'


class SearchTestCase(unittest.TestCase):
    "Test the customer searches by name, phone and USCC"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('crm_plus')
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def create_customers(self):
        Party = Pool().get('party.party')
        with Transaction().set_context(_crm_skip_duplicate_check=True):
            return Party.create([{
                        'name': "北京华信达机械有限公司",
                        'crm_kind': 'enterprise',
                        'crm_uscc': USCC_A,
                        'contact_mechanisms': [('create', [
                                    {'type': 'mobile',
                                        'value': '13912345678'},
                                    {'type': 'email',
                                        'value': 'sales@huaxin.example.cn'},
                                    ])],
                        }, {
                        'name': "上海瑞丰贸易有限公司",
                        'crm_kind': 'enterprise',
                        'crm_uscc': USCC_B,
                        'contact_mechanisms': [('create', [
                                    {'type': 'phone',
                                        'value': '021 2000 0001'},
                                    ])],
                        }])

    def search(self, text):
        Party = Pool().get('party.party')
        return Party.search([('rec_name', 'ilike', '%' + text + '%')])

    @with_transaction()
    def test_name_fragment(self):
        "Customers are found by a fragment of their name"
        huaxin, ruifeng = self.create_customers()
        self.assertEqual(self.search("华信达"), [huaxin])
        self.assertEqual(self.search("有限公司"), sorted(
                [huaxin, ruifeng], key=lambda p: p.name))
        self.assertEqual(self.search("不存在"), [])

    @with_transaction()
    def test_phone(self):
        "Customers are found by a complete or partial phone number"
        huaxin, ruifeng = self.create_customers()
        self.assertEqual(self.search("13912345678"), [huaxin])
        self.assertEqual(self.search("+86 139 1234 5678"), [huaxin])
        self.assertEqual(self.search("139 1234"), [huaxin])
        self.assertEqual(self.search("12345678"), [huaxin])
        self.assertEqual(self.search("021 2000 0001"), [ruifeng])
        self.assertEqual(self.search("13912345679"), [])

    @with_transaction()
    def test_email(self):
        "Customers are found by their email"
        huaxin, _ = self.create_customers()
        self.assertEqual(self.search("huaxin.example"), [huaxin])

    @with_transaction()
    def test_uscc(self):
        "Customers are found by a complete or partial USCC"
        Party = Pool().get('party.party')
        huaxin, ruifeng = self.create_customers()
        self.assertEqual(self.search(USCC_A), [huaxin])
        self.assertEqual(self.search(USCC_A.lower()), [huaxin])
        self.assertEqual(self.search(USCC_B[:10]), [ruifeng])
        self.assertEqual(
            Party.search([('crm_uscc', 'ilike', '%' + USCC_B + '%')]),
            [ruifeng])
        self.assertEqual(
            Party.search([('crm_uscc', 'ilike', '%' + USCC_B[2:9] + '%')]),
            [ruifeng])
        self.assertEqual(Party.search([('crm_uscc', '=', USCC_A)]), [huaxin])
        # The USCC is not a contact mechanism of another customer
        self.assertEqual(self.search(USCC_A[:-1] + '0'), [])

    @with_transaction()
    def test_not_operators(self):
        "The negative operators exclude the matching customers"
        Party = Pool().get('party.party')
        huaxin, ruifeng = self.create_customers()
        found = Party.search([
                ('rec_name', 'not ilike', '%华信达%'),
                ('id', 'in', [huaxin.id, ruifeng.id]),
                ])
        self.assertEqual(found, [ruifeng])

    @with_transaction()
    def test_record_rules(self):
        "Sales representatives find only the customers they may read"
        pool = Pool()
        Employee = pool.get('company.employee')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        Party = pool.get('party.party')
        User = pool.get('res.user')

        company = create_company()
        with set_company(company):
            huaxin, ruifeng = self.create_customers()
            rep_party, other_party = Party.create([
                    {'name': "Rep"}, {'name': "Other Rep"}])
            rep_employee, other_employee = Employee.create([
                    {'party': rep_party.id, 'company': company.id},
                    {'party': other_party.id, 'company': company.id},
                    ])
            Party.write([huaxin], {'crm_owner': rep_employee.id})
            Party.write([ruifeng], {'crm_owner': other_employee.id})
            rep_group = Group(ModelData.get_id('crm_plus', 'group_sales_rep'))
            user, = User.create([{
                        'login': 'rep', 'name': "Rep",
                        'groups': [('add', [rep_group.id])],
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [rep_employee.id])],
                        'employee': rep_employee.id,
                        }])
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(self.search("有限公司"), [huaxin])
                self.assertEqual(self.search("021 2000 0001"), [])
                self.assertEqual(self.search(USCC_B), [])
                self.assertEqual(
                    Party.search([('crm_uscc', 'ilike', '%' + USCC_A + '%')]),
                    [huaxin])
