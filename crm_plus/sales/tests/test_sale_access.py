import unittest
from contextlib import contextmanager

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction


class SaleAccessTestCase(unittest.TestCase):
    "Test the record rules of sales"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    def _setup(self, company):
        "Two reps with a customer and a sale each, their manager, an admin"
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Team = pool.get('crm.team')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        employees = {
            name: create_employee(company, name)
            for name in ['manager', 'rep_a', 'rep_b', 'admin', 'sale_admin']}
        Team.create([{
                    'name': "East",
                    'company': company.id,
                    'manager': employees['manager'].id,
                    'members': [('add', [
                                employees['rep_a'].id,
                                employees['rep_b'].id])],
                    }])
        groups = {
            'manager': 'crm_plus.group_sales_manager',
            'rep_a': 'crm_plus.group_sales_rep',
            'rep_b': 'crm_plus.group_sales_rep',
            'admin': 'crm_plus.group_crm_admin',
            'sale_admin': 'sale.group_sale_admin',
            }
        users = {}
        for login, employee in employees.items():
            group_id = ModelData.get_id(*groups[login].split('.'))
            users[login], = User.create([{
                        'login': f'crm_{login}',
                        'name': login,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        'groups': [('add', [group_id])],
                        }])
        customers = {}
        for login in ['rep_a', 'rep_b']:
            customers[login], = Party.create([{
                        'name': f"Customer of {login}",
                        'crm_kind': 'enterprise',
                        'crm_owner': employees[login].id,
                        }])
        sales = {
            login: Sale(party=customer) for login, customer in
            customers.items()}
        Sale.save(list(sales.values()))
        return employees, users, sales

    @contextmanager
    def _as_user(self, user):
        "Act as the user through RPC: access rights and rules are checked"
        Pool().get('res.user')._get_employees_cache.clear()
        transaction = Transaction()
        with transaction.set_user(user.id), transaction.set_context(
                _check_access=True, company=user.company.id):
            yield

    @with_transaction()
    def test_rep_sees_own_customer_sales(self):
        "A representative reads the sales of their customers only"
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        company = create_company()
        with set_company(company):
            employees, users, sales = self._setup(company)
            line, = SaleLine.create([{
                        'sale': sales['rep_b'].id,
                        'type': 'comment',
                        'description': "Secret",
                        }])

            with self._as_user(users['rep_a']):
                self.assertEqual(Sale.search([]), [sales['rep_a']])
                self.assertEqual(
                    Sale.search([('party', '=', sales['rep_b'].party.id)]),
                    [])
                with self.assertRaises(AccessError):
                    Sale.read([sales['rep_b'].id], ['number', 'party'])
                self.assertEqual(SaleLine.search([]), [])
                with self.assertRaises(AccessError):
                    SaleLine.read([line.id], ['description'])
                # Own sales stay readable
                self.assertEqual(
                    Sale.read([sales['rep_a'].id], ['id']),
                    [{'id': sales['rep_a'].id}])

            # Without the check, as server-side code, everything is read
            self.assertEqual(len(Sale.search([])), 2)

    @with_transaction()
    def test_rep_sees_sales_of_own_opportunities(self):
        "A representative reads the sales of the opportunities they own"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Opportunity = pool.get('sale.opportunity')
        company = create_company()
        with set_company(company):
            employees, users, sales = self._setup(company)
            opportunity, = Opportunity.create([{
                        'party': sales['rep_b'].party.id,
                        'employee': employees['rep_a'].id,
                        }])
            Sale.write([sales['rep_b']], {'origin': str(opportunity)})

            with self._as_user(users['rep_a']):
                self.assertEqual(
                    Sale.search([], order=[('id', 'ASC')]),
                    sorted(sales.values(), key=lambda s: s.id))

    @with_transaction()
    def test_manager_and_admins_see_all(self):
        "Managers see their team's sales, administrators all sales"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            employees, users, sales = self._setup(company)
            other = create_employee(company, "Other")
            outsider, = Party.create([{
                        'name': "Customer of another team",
                        'crm_kind': 'individual',
                        'crm_owner': other.id,
                        }])
            outsider_sale, = Sale.create([{'party': outsider.id}])
            team_sales = sorted(sales.values(), key=lambda s: s.id)

            for login, expected in [
                    ('manager', team_sales),
                    ('admin', team_sales + [outsider_sale]),
                    ('sale_admin', team_sales + [outsider_sale]),
                    ]:
                with self._as_user(users[login]):
                    self.assertEqual(
                        Sale.search([], order=[('id', 'ASC')]), expected,
                        msg=login)

