"""Leads: normalised keys, assignment (least loaded, absent members
skipped, the first matching rule), the representative's notice by e-mail
through a real SMTP server, inbound e-mail, conversion of an individual.

No queue worker is configured in tests: ``__queue__`` calls append the
task to ``Transaction().tasks``; run_tasks commits and runs each in a
transaction of its own as the worker does.
"""
import unittest
from email.message import EmailMessage
from email.utils import make_msgid

from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.tests.smtp import SMTPServer
from trytond.modules.crm_plus.tests.tools import run_task
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction


class LeadTestCase(unittest.TestCase):
    "Test leads"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')
        cls.smtp = SMTPServer().start()
        cls._smtp_config = cls.smtp.configure(
            from_='销售中心 <sales@crm.example.com>')
        cls._smtp_config.__enter__()
        with Transaction().start(DB_NAME, 0):
            create_company()
            Transaction().commit()

    @classmethod
    def tearDownClass(cls):
        cls._smtp_config.__exit__(None, None, None)
        cls.smtp.stop()
        super().tearDownClass()
        drop_db()

    def setUp(self):
        super().setUp()
        self.smtp.clear()

    def run_tasks(self):
        transaction = Transaction()
        transaction.commit()
        while transaction.tasks:
            run_task(transaction.tasks.pop(0))

    def company(self):
        return Pool().get('company.company').search([])[0]

    def employees(self, company, *names, email=None):
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        User = pool.get('res.user')
        result = []
        for name in names:
            party, = Party.create([{'name': name}])
            employee, = Employee.create([{
                        'party': party.id, 'company': company.id}])
            User.create([{
                        'name': name, 'login': f'{name}-{employee.id}',
                        'email': email and f'{employee.id}.{email}',
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        }])
            result.append(employee)
        return result

    def team(self, company, members):
        Team = Pool().get('crm.team')
        team, = Team.create([{
                    'name': 'Team %d' % members[0].id,
                    'company': company.id,
                    'members': [('add', [m.id for m in members])],
                    }])
        return team

    def lead(self, company, **values):
        Lead = Pool().get('crm.lead')
        values.setdefault('name', "客户")
        lead, = Lead.create([dict(company=company.id, **values)])
        return lead

    @with_transaction()
    def test_normalized_keys(self):
        "Phones are kept in E.164, e-mails in lower case, USCC compact"
        company = self.company()
        with set_company(company):
            lead = self.lead(company, phone='138 0013 8000',
                email='Li.Na@Example.COM', uscc='91330100ma2cfd6x1w')
        self.assertEqual(lead.phone_compact, '+8613800138000')
        self.assertEqual(lead.email_compact, 'li.na@example.com')
        self.assertEqual(lead.uscc, '91330100MA2CFD6X1W')
        with set_company(company), self.assertRaises(UserError):
            self.lead(company, uscc='91330100MA2CFD6X1Q')

    @with_transaction()
    def test_assignment(self):
        """The first matching rule's team; least loaded among the members
        present; without a member present, the next rule"""
        pool = Pool()
        Lead = pool.get('crm.lead')
        Rule = pool.get('crm.lead.assignment.rule')
        Industry = pool.get('crm.industry')
        company = self.company()
        machinery, = Industry.create([{'name': "机械"}])
        with set_company(company):
            ann, ben, cat = self.employees(company, "Ann", "Ben", "Cat")
            dan, = self.employees(company, "Dan")
            eve, = self.employees(company, "Eve")
            Rule.create([{
                        'name': "Machinery", 'sequence': 10,
                        'industry': machinery.id,
                        'team': self.team(company, [ann, ben, cat]).id,
                        'strategy': 'least_loaded',
                        }, {
                        'name': "Absent", 'sequence': 20,
                        'team': self.team(company, [eve]).id,
                        }, {
                        'name': "Rest", 'sequence': 30,
                        'team': self.team(company, [dan]).id,
                        }])
            cat.crm_absent = True
            cat.save()
            eve.crm_absent = True
            eve.save()
            # Ann has two open leads, one closed
            for state in ['new', 'working', 'disqualified']:
                Lead.write([self.lead(company, owner=ann.id)],
                    {'state': state})
            leads = [self.lead(company, name=f"L{i}",
                    industry=machinery.id) for i in range(4)]
            Lead.qualify(leads)
            owners = [Lead(l.id).owner for l in leads]
            self.assertEqual(owners[:2], [ben, ben])
            self.assertNotIn(cat, owners)
            self.assertEqual(owners.count(ann) + owners.count(ben), 4)
            other = self.lead(company, name="Other")
            Lead.qualify([other])
            self.assertEqual(other.owner, dan)
            self.assertEqual(other.state, 'qualified')
            self.assertIsNotNone(other.qualified_date)

    @with_transaction()
    def test_owner_notified_by_mail(self):
        "The representative gets a notification and an e-mail"
        pool = Pool()
        Lead = pool.get('crm.lead')
        Rule = pool.get('crm.lead.assignment.rule')
        Notification = pool.get('res.notification')
        company = self.company()
        with set_company(company):
            rep, = self.employees(company, "Rep", email='rep@example.com')
            Rule.create([{'name': "All", 'sequence': 1,
                        'team': self.team(company, [rep]).id}])
            lead = self.lead(company, name="孙浩", phone='+86 138 0000 1234')
            Lead.qualify([lead])
            self.assertEqual(lead.owner, rep)
            notification, = Notification.search([
                    ('model', '=', 'crm.lead'),
                    ('records', '=', '[%d]' % lead.id)])
            self.assertEqual(notification.user.employee, rep)
            self.run_tasks()
        message, = self._wait_mail()
        self.assertEqual(message['To'], f'{rep.id}.rep@example.com')
        self.assertIn("孙浩", message.get_body().get_content())

    def _wait_mail(self, timeout=10):
        import time
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.smtp.lock:
                if self.smtp.messages:
                    return list(self.smtp.messages)
            time.sleep(0.1)
        return []

    @with_transaction()
    def test_inbound_email(self):
        "A mail becomes one lead; posted again or automatic, nothing more"
        pool = Pool()
        Lead = pool.get('crm.lead')
        Inbox = pool.get('inbound.email.inbox')
        Email = pool.get('inbound.email')
        company = self.company()
        inbox, = Inbox.create([{'name': "Sales"}])

        def mail(auto=False):
            message = EmailMessage()
            message['From'] = '林峰 <Lin.Feng@Example.com>'
            message['Subject'] = "询价"
            message['Message-ID'] = make_msgid(domain='example.com')
            if auto:
                message['Auto-Submitted'] = 'auto-replied'
            message.set_content("请报价。")
            email, = Email.create([{
                        'inbox': inbox.id, 'data': message.as_bytes(),
                        'data_type': 'raw'}])
            return email
        with set_company(company):
            email = mail()
            lead = Lead.from_inbound_email(email, None)
            self.assertEqual(lead.name, '林峰')
            self.assertEqual(lead.email, 'Lin.Feng@example.com')
            self.assertEqual(lead.description, "询价\n\n请报价。\n")
            self.assertEqual(Lead.from_inbound_email(email, None), lead)
            self.assertIsNone(Lead.from_inbound_email(mail(True), None))
            self.assertEqual(
                Lead.search_count([('email_compact', '=',
                            'lin.feng@example.com')]), 1)

    @with_transaction()
    def test_convert_individual(self):
        """A lead without organization becomes an individual customer with
        its phone and e-mail, and an opportunity; not before qualified"""
        pool = Pool()
        Lead = pool.get('crm.lead')
        company = self.company()
        with set_company(company):
            rep, = self.employees(company, "Seller")
            lead = self.lead(company, name="韩雪", phone='+86 139 0000 0008',
                email='hanxue@example.com', owner=rep.id,
                description="想买两台")
            with self.assertRaises(UserError):
                Lead.convert_leads([lead])
            Lead.qualify([lead])
            opportunity, = Lead.convert_leads([lead])
            party = lead.party
            self.assertEqual(
                (party.name, party.crm_kind, party.crm_owner),
                ("韩雪", 'individual', rep))
            self.assertEqual(
                sorted(m.type for m in party.contact_mechanisms),
                ['email', 'mobile'])
            self.assertIsNone(lead.contact)
            self.assertEqual(opportunity.party, party)
            self.assertEqual(opportunity.comment, "想买两台")
            self.assertEqual(lead.state, 'converted')
            # disqualify / reopen on another lead
            other = self.lead(company, name="Other", owner=rep.id)
            with self.assertRaises(UserError):
                Lead.disqualify([other])
            other.disqualify_reason = 'spam'
            other.save()
            Lead.disqualify([other])
            self.assertEqual(other.state, 'disqualified')
            Lead.working([other])
            self.assertEqual(
                (other.state, other.disqualify_reason), ('working', None))

