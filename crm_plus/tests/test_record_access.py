"""Record rules on every path that reads or writes for a user.

Each test acts as a user through RPC (access rights and record rules
checked) with two representatives A and B of one team who own a customer
each, and checks a path that read or stored B's records for A."""
import datetime as dt
import re
import unittest
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from trytond.model.exceptions import AccessError
from trytond.modules import crm_plus
from trytond.modules.account.tests import create_chart
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.modules.crm_plus.tests.tools import CrmPlusDatabase
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


class RecordAccessTestCase(CrmPlusDatabase, unittest.TestCase):
    "Test the record rules on export, on_change, chat, history, creation"

    def _setup(self, company):
        "Representatives A and B with a customer, a contact, a sale each"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Sale = pool.get('sale.sale')
        Opportunity = pool.get('sale.opportunity')
        Interaction = pool.get('crm.interaction')
        Team = pool.get('crm.team')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = {
            'a': 'group_sales_rep', 'b': 'group_sales_rep',
            'manager': 'group_sales_manager'}
        self.users, self.employees = {}, {}
        for login, group in groups.items():
            employee = create_employee(company, login)
            self.employees[login] = employee
            self.users[login], = User.create([{
                        'login': f'rules_{login}',
                        'name': login,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        'groups': [('add', [
                                    ModelData.get_id('crm_plus', group)])],
                        }])
        Team.create([{
                    'name': "East",
                    'company': company.id,
                    'manager': self.employees['manager'].id,
                    'members': [('add', [
                                self.employees['a'].id,
                                self.employees['b'].id])],
                    }])
        self.customers, self.persons, self.sales = {}, {}, {}
        self.opportunities, self.interactions = {}, {}
        for login in ['a', 'b']:
            customer, = Party.create([{
                        'name': f"Customer of {login}",
                        'crm_kind': 'enterprise',
                        'crm_owner': self.employees[login].id,
                        'addresses': [('create', [{
                                        'street': f"{login} street"}])],
                        }])
            self.customers[login] = customer
            contact, = Contact.create([{
                        'enterprise': customer.id,
                        'person_name': f"Person of {login}",
                        'birthday': dt.date(1980, 1, 2),
                        }])
            self.persons[login] = contact.person
            self.sales[login], = Sale.create([{'party': customer.id}])
            self.opportunities[login], = Opportunity.create([{
                        'party': customer.id,
                        'employee': self.employees[login].id,
                        'description': f"Deal of {login}",
                        }])
            self.interactions[login], = Interaction.create([{
                        'party': customer.id,
                        'type': 'call',
                        'subject': f"Call of {login}",
                        }])

    @contextmanager
    def _as_user(self, login, check_access=True):
        "Act as the user through RPC: access rights and rules are checked"
        user = self.users[login]
        Pool().get('res.user')._get_employees_cache.clear()
        transaction = Transaction()
        with transaction.set_user(user.id), transaction.set_context(
                _check_access=check_access, company=user.company.id):
            yield

    def _rpc(self, Model, method, inst, *args):
        "Call an instance RPC method as the dispatcher does"
        rpc = Model.__rpc__[method]
        return rpc.decorate(getattr(Model, method))(inst, *args)

    @with_transaction()
    def test_export_data_obeys_rules(self):
        "export_data of B's records (dotted and __access__ rules) refused"
        pool = Pool()
        company = create_company()
        with set_company(company):
            self._setup(company)
            b_customer = self.customers['b']
            self.interactions['a'].contacts = [self.persons['b']]
            self.interactions['a'].save()
            cases = [
                ('crm.interaction', self.interactions['b'], ['subject']),
                ('sale.opportunity', self.opportunities['b'],
                    ['description']),
                ('sale.sale', self.sales['b'], ['party']),
                ('party.address', b_customer.addresses[0], ['street']),
                ('crm.contact', b_customer.crm_contacts[0], ['person']),
                # Through a relation of A's own record
                ('crm.interaction', self.interactions['a'],
                    ['contacts/name']),
                ]
            with self._as_user('a'):
                for model, record, names in cases:
                    Model = pool.get(model)
                    with self.subTest(model=model):
                        with self.assertRaises(AccessError):
                            Model.export_data([Model(record.id)], names)
                # B's records are out of an "all ids" export
                Interaction = pool.get('crm.interaction')
                self.assertEqual(
                    Interaction.export_data_domain([], ['subject']),
                    [["Call of a"]])
                self.assertEqual(pool.get('party.party').export_data(
                        [self.customers['a']], ['name']),
                    [["Customer of a"]])

    @with_transaction()
    def test_person_contacts_of_others(self):
        "The persons who are contacts of B's customers are B's"
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            self._setup(company)
            a_person, b_person = self.persons['a'], self.persons['b']
            with self._as_user('a'):
                self.assertEqual(
                    Party.search([('id', 'in', [a_person.id, b_person.id])]),
                    [a_person])
                with self.assertRaises(AccessError):
                    Party.read([b_person.id], ['name'])
                # No oracle through the enterprise of a contact
                for clause in [
                        ('crm_contact_of.enterprise.name', '=',
                            "Customer of b"),
                        ('crm_contact_of.enterprise', '=',
                            self.customers['b'].id),
                        ]:
                    self.assertEqual(Party.search([clause]), [])
                    self.assertEqual(Party.search_count([clause]), 0)
            with self._as_user('manager'):
                self.assertEqual(len(Party.search(
                            [('id', 'in', [a_person.id, b_person.id])])), 2)

    @with_transaction()
    def test_invoice_shipment_of_others(self):
        "Invoices and shipments of B's customers are out of A's reach"
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Location = pool.get('stock.location')
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        Account = pool.get('account.account')
        company = create_company()
        with set_company(company):
            self._setup(company)
            create_chart(company)
            receivable, = Account.search([('type.receivable', '=', True)],
                limit=1)
            revenue, = Account.search([
                    ('type.revenue', '=', True), ('childs', '=', None)],
                limit=1)
            invoices = {}
            for login in ['a', 'b']:
                invoices[login], = Invoice.create([{
                            'type': 'out',
                            'party': self.customers[login].id,
                            'invoice_address': (
                                self.customers[login].addresses[0].id),
                            'account': receivable.id,
                            'company': company.id,
                            'currency': company.currency.id,
                            'lines': [('create', [{
                                            'account': revenue.id,
                                            'quantity': 1,
                                            'unit_price': Decimal(10),
                                            'description': login,
                                            }])],
                            }])
            lines = {login: list(invoices[login].lines)
                for login in invoices}
            warehouse, = Location.search([('type', '=', 'warehouse')])
            shipments = {}
            for login in ['a', 'b']:
                customer = self.customers[login]
                shipments[login], = Shipment.create([{
                            'customer': customer.id,
                            'delivery_address': customer.addresses[0].id,
                            'warehouse': warehouse.id,
                            'warehouse_output': warehouse.output_location.id,
                            'warehouse_storage': (
                                warehouse.storage_location.id),
                            'company': company.id,
                            }])
            with self._as_user('a'):
                self.assertEqual(Shipment.search([]), [shipments['a']])
                with self.assertRaises(AccessError):
                    Shipment.read([shipments['b'].id], ['number'])
                # Invoices and their lines are restricted by the same
                # owner path (invoice lines do not follow their invoice)
                self.assertEqual(
                    Invoice.search([]), [invoices['a']])
                self.assertEqual(InvoiceLine.search([]), lines['a'])
                self.assertEqual(InvoiceLine.search_count([]), 1)
                for Model, record in [
                        (Invoice, invoices['b']), (InvoiceLine, lines['b'][0])]:
                    with self.assertRaises(AccessError):
                        Model.read([record.id], ['id'])

    @with_transaction()
    def test_chat_of_others(self):
        "Chat on B's sale or opportunity is refused to A"
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        company = create_company()
        with set_company(company):
            self._setup(company)
            # As the RPC of chat (check_access=False): the channel checks
            with self._as_user('a', check_access=False):
                for record in [self.sales['b'], self.opportunities['b']]:
                    with self.subTest(record=str(record)):
                        with self.assertRaises(AccessError):
                            Channel.get(str(record))
                        with self.assertRaises(AccessError):
                            Channel.post(str(record), "Hello")
                Channel.get(str(self.opportunities['a']))
            # Messages are read only through their channel
            Channel.post(str(self.sales['b']), "Of B")
            with self._as_user('a'):
                with self.assertRaises(AccessError):
                    pool.get('ir.chat.message').search([])

    @with_transaction()
    def test_history_of_others(self):
        "History revisions of B's sale and opportunity are refused to A"
        pool = Pool()
        company = create_company()
        with set_company(company):
            self._setup(company)
            with self._as_user('a'):
                for record in [self.sales['b'], self.opportunities['b']]:
                    Model = pool.get(record.__name__)
                    with self.subTest(model=Model.__name__):
                        with self.assertRaises(AccessError):
                            Model.history_revisions([record.id])
                self.assertTrue(pool.get('sale.sale').history_revisions(
                        [self.sales['a'].id]))

    @with_transaction()
    def test_on_change_with_others_party(self):
        "on_change of a new sale or contact given B's party is refused"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Contact = pool.get('crm.contact')
        company = create_company()
        with set_company(company):
            self._setup(company)
            with self._as_user('a'):
                sale = Sale(party=self.customers['b'].id)
                with self.assertRaises(AccessError):
                    self._rpc(Sale, 'on_change', sale, ['party'])
                contact = Contact(person=self.persons['b'].id)
                with self.assertRaises(AccessError):
                    self._rpc(Contact, 'on_change', contact, ['person'])
                # Own party: the addresses come back
                sale = Sale(party=self.customers['a'].id)
                changes = self._rpc(Sale, 'on_change', sale, ['party'])
                self.assertTrue(changes)
            self.assertIsInstance(Sale.__rpc__['on_change'], RPC)

    @with_transaction()
    def test_create_under_others_customer(self):
        "A cannot create an opportunity, interaction, follow-up or sale "
        "under B's customer, even as its salesman or responsible"
        pool = Pool()
        company = create_company()
        with set_company(company):
            self._setup(company)
            b_customer = self.customers['b']
            a_employee = self.employees['a']
            a_user = self.users['a']
            cases = [
                ('sale.opportunity', {
                        'party': b_customer.id, 'employee': a_employee.id}),
                ('crm.interaction', {
                        'party': b_customer.id, 'type': 'call',
                        'subject': "Intrusion", 'user': a_user.id}),
                ('crm.follow_up', {
                        'party': b_customer.id, 'user': a_user.id,
                        'due_date': dt.date.today(),
                        'description': "Intrusion"}),
                ('sale.sale', {'party': b_customer.id}),
                ]
            # (The RPC transaction is rolled back: nothing is stored)
            for model, values in cases:
                Model = pool.get(model)
                with self._as_user('a'), self.subTest(model=model):
                    with self.assertRaises(AccessError):
                        Model.create([values])
            with self._as_user('a'):
                pool.get('sale.opportunity').create([{
                            'party': self.customers['a'].id}])

    @with_transaction()
    def test_sensitive_fields(self):
        "Birthdays and ID numbers: managers and administrators only"
        pool = Pool()
        Contact = pool.get('crm.contact')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            self._setup(company)
            contact = self.customers['a'].crm_contacts[0]
            with self._as_user('a'):
                with self.assertRaises(AccessError):
                    Contact.read([contact.id], ['birthday'])
                self.assertNotIn('birthday', Contact.fields_get())
                with self.assertRaises(AccessError):
                    Party.read([self.persons['a'].id], ['crm_id_number'])
                Contact.read([contact.id], ['position'])
            with self._as_user('manager'):
                [row] = Contact.read([contact.id], ['birthday'])
                self.assertEqual(row['birthday'], dt.date(1980, 1, 2))

    @with_transaction()
    def test_follow_rows_are_tryton_access(self):
        "Each ^field row of the security model is the __access__ of its "
        "model: no rule is generated for it, Tryton applies the parent's"
        pool = Pool()
        text = (Path(crm_plus.__file__).parent / 'security.xml').read_text(
            encoding='utf-8')
        rows = re.findall(r'<!-- ([\w.-]+): \^(\w+) -->', text)
        self.assertIn(('sale.line', 'sale'), rows)
        for model, field in rows:
            if field != 'resource':
                with self.subTest(model=model):
                    self.assertIn(field, pool.get(model).__access__)

    @with_transaction()
    def test_read_only_queries_refuse_changes(self):
        "Creating, writing or deleting rows of the SQL-view models is "
        "refused by the model access, not by a server error"
        pool = Pool()
        Timeline = pool.get('crm.customer.timeline')
        company = create_company()
        with set_company(company):
            self._setup(company)
            with self._as_user('a'):
                rows = Timeline.search(
                    [('party', '=', self.customers['a'].id)])
                self.assertTrue(rows)
                for name in [
                        'crm.customer.timeline', 'crm.pipeline.stage.report',
                        'crm.sale.forecast']:
                    with self.subTest(model=name):
                        with self.assertRaises(AccessError):
                            pool.get(name).create([{}])
                with self.assertRaises(AccessError):
                    Timeline.write(rows, {'description': "Changed"})
                with self.assertRaises(AccessError):
                    Timeline.delete(rows)
