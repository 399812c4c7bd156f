"""Automation rules on stage entry, with a real SMTP server.

No queue worker is configured in tests, so ``__queue__`` calls only append
the task id to ``Transaction().tasks`` (trytond.ir.queue_.Queue.push); the
dispatcher runs them after the commit. Here the tasks run in the test
transaction with ``Queue(id).run()``, as trytond's own tests do.
"""
import datetime
import shutil
import subprocess
import tempfile
import unittest
from decimal import Decimal

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.modules.crm_plus.tests.smtp import SMTPServer
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

CUSTOMER = "上海明远科技有限公司"
EMAIL = 'purchase@mingyuan.example.com'


def pdf_text(data):
    "The text of a PDF through pdftotext, or None when it is not installed"
    if not shutil.which('pdftotext'):
        return None
    with tempfile.NamedTemporaryFile(suffix='.pdf') as pdf:
        pdf.write(data)
        pdf.flush()
        return subprocess.run(
            ['pdftotext', '-enc', 'UTF-8', pdf.name, '-'],
            check=True, capture_output=True).stdout.decode('utf-8')


class AutomationTestCase(unittest.TestCase):
    "Test sales automation"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')
        cls.smtp = SMTPServer().start()
        cls._smtp_config = cls.smtp.configure()
        cls._smtp_config.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls._smtp_config.__exit__(None, None, None)
        cls.smtp.stop()
        super().tearDownClass()
        drop_db()

    def setUp(self):
        super().setUp()
        self.smtp.start()
        self.smtp.clear()

    def run_tasks(self):
        "Run the queued tasks as the dispatcher would after the commit"
        Queue = Pool().get('ir.queue')
        transaction = Transaction()
        ran = []
        while transaction.tasks:
            task = Queue(transaction.tasks.pop(0))
            task.run()
            ran.append(task)
        return ran

    def setup_opportunity(self, company, amount=Decimal('1200')):
        pool = Pool()
        Party = pool.get('party.party')
        Uom = pool.get('product.uom')
        Template = pool.get('product.template')
        Category = pool.get('product.category')
        Opportunity = pool.get('sale.opportunity')
        User = pool.get('res.user')

        employee = create_employee(company, "王伟")
        User.write([User(Transaction().user)], {
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                })
        customer, = Party.create([{
                    'name': CUSTOMER,
                    'addresses': [('create', [{
                                    'street': "浦东新区张江路 88 号",
                                    'city': "上海",
                                    }])],
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': EMAIL,
                                    }])],
                    }])
        unit, = Uom.search([('name', '=', 'Unit')])
        category, = Category.create([{
                    'name': "Account Category",
                    'accounting': True,
                    }])
        template, = Template.create([{
                    'name': "工业路由器 R200",
                    'default_uom': unit.id,
                    'sale_uom': unit.id,
                    'account_category': category.id,
                    'type': 'service',
                    'salable': True,
                    'list_price': amount,
                    'products': [('create', [{}])],
                    }])
        product, = template.products
        opportunity, = Opportunity.create([{
                    'party': customer.id,
                    'company': company.id,
                    'employee': employee.id,
                    'description': "R200 项目",
                    'amount': amount,
                    'lines': [('create', [{
                                    'product': product.id,
                                    'quantity': 1,
                                    'unit': unit.id,
                                    }])],
                    }])
        self.run_tasks()
        return opportunity

    def stage(self, xml_id):
        ModelData = Pool().get('ir.model.data')
        Stage = Pool().get('crm.pipeline.stage')
        return Stage(ModelData.get_id('crm_plus', xml_id))

    def move(self, opportunity, xml_id):
        Opportunity = Pool().get('sale.opportunity')
        Opportunity.write([opportunity], {'stage': self.stage(xml_id).id})
        return self.run_tasks()

    def records(self, opportunity):
        pool = Pool()
        Sale = pool.get('sale.sale')
        FollowUp = pool.get('crm.follow_up')
        Interaction = pool.get('crm.interaction')
        Log = pool.get('crm.automation.log')
        origin = str(opportunity)
        return {
            'sales': Sale.search([('origin', '=', origin)]),
            'follow_ups': FollowUp.search([('origin', '=', origin)]),
            'interactions': Interaction.search([
                    ('origin', '=', origin),
                    ('type', '=', 'email'),
                    ]),
            'logs': Log.search([('opportunity', '=', opportunity.id)]),
            }

    @with_transaction()
    def test_proposal_quotes_emails_and_follows_up(self):
        "Entering the proposal stage quotes, e-mails once and follows up"
        pool = Pool()
        Date = pool.get('ir.date')
        Opportunity = pool.get('sale.opportunity')
        Queue = pool.get('ir.queue')
        company = create_company()
        with set_company(company):
            opportunity = self.setup_opportunity(company)
            self.assertEqual(self.records(opportunity)['logs'], [])

            tasks = self.move(opportunity, 'stage_proposal')

            records = self.records(opportunity)
            sale, = records['sales']
            self.assertEqual(sale.state, 'quotation')
            message, = self.smtp.messages
            to, = message['To'].addresses
            self.assertEqual(to.addr_spec, EMAIL)
            self.assertEqual(to.display_name, CUSTOMER)
            self.assertIn("报价单", message['Subject'])
            self.assertIn(opportunity.rec_name, message['Subject'])
            body = message.get_body(('plain',)).get_content()
            self.assertIn(CUSTOMER, body)
            self.assertIn("工业路由器 R200", body)
            attachment, = message.iter_attachments()
            self.assertEqual(attachment.get_content_type(), 'application/pdf')
            self.assertTrue(attachment.get_filename().endswith('.pdf'))
            pdf = attachment.get_content()
            self.assertTrue(pdf.startswith(b'%PDF'))
            text = pdf_text(pdf)
            if text is not None:
                self.assertIn(CUSTOMER, text.replace(' ', ''))
            follow_up, = records['follow_ups']
            self.assertEqual(
                follow_up.due_date, Date.today() + datetime.timedelta(3))
            self.assertEqual(follow_up.user.id, Transaction().user)
            self.assertEqual(follow_up.party, opportunity.party)
            interaction, = records['interactions']
            self.assertEqual(interaction.party, opportunity.party)
            self.assertEqual(interaction.subject, message['Subject'])
            self.assertEqual(
                [l.state for l in records['logs']], ['done'] * 3)
            self.assertEqual(
                {str(l.result) for l in records['logs']}, {
                    str(sale), str(follow_up),
                    str(next(l.result for l in records['logs']
                            if l.action.type == 'email'))})

            # Running the task again (a retry) or saving again does nothing
            for task in tasks:
                Queue(task.id).run()
            Opportunity.write([opportunity], {'comment': "客户已收到"})
            self.assertEqual(self.run_tasks(), [])
            self.assertEqual(len(self.smtp.messages), 1)
            again = self.records(opportunity)
            for key in ['sales', 'follow_ups', 'interactions', 'logs']:
                self.assertEqual(len(again[key]), len(records[key]), key)

            # Leaving and entering again is a new stage entry
            self.move(opportunity, 'stage_negotiation')
            self.move(opportunity, 'stage_proposal')
            self.assertEqual(len(self.smtp.messages), 2)
            records = self.records(opportunity)
            self.assertEqual(records['sales'], [sale])
            self.assertEqual(len(records['follow_ups']), 2)
            self.assertEqual(len(records['interactions']), 2)
            self.assertEqual(len(records['logs']), 6)
            self.assertEqual(
                len({l.stage_entry for l in records['logs']}), 2)

    @with_transaction()
    def test_smtp_down_then_retry(self):
        "An SMTP failure leaves the log in error until a retry succeeds"
        pool = Pool()
        Log = pool.get('crm.automation.log')
        company = create_company()
        with set_company(company):
            opportunity = self.setup_opportunity(company)
            self.smtp.stop()
            self.move(opportunity, 'stage_proposal')

            logs = {l.action.type: l for l in self.records(opportunity)['logs']}
            self.assertEqual(logs['quotation'].state, 'done')
            self.assertEqual(logs['email'].state, 'error')
            self.assertTrue(logs['email'].error)
            self.assertEqual(logs['email'].attempts, 1)
            # The follow-up waits for the e-mail it follows up
            self.assertEqual(logs['follow_up'].state, 'pending')
            records = self.records(opportunity)
            self.assertEqual(records['interactions'], [])
            self.assertEqual(records['follow_ups'], [])

            # Not due yet for the cron
            Log.retry_failed()
            self.assertEqual(self.run_tasks(), [])

            self.smtp.start()
            Log.retry([logs['email']])
            self.run_tasks()
            logs = {l.action.type: l for l in self.records(opportunity)['logs']}
            self.assertEqual(
                {t: l.state for t, l in logs.items()},
                {'quotation': 'done', 'email': 'done', 'follow_up': 'done'})
            self.assertEqual(logs['email'].attempts, 2)
            self.assertIsNone(logs['email'].error)
            self.assertEqual(len(self.smtp.messages), 1)
            records = self.records(opportunity)
            self.assertEqual(len(records['interactions']), 1)
            self.assertEqual(len(records['follow_ups']), 1)

            # Retrying a done action does nothing
            Log.retry([logs['email']])
            self.assertEqual(self.run_tasks(), [])

    @with_transaction()
    def test_retry_failed_after_delay(self):
        "The cron queues failed actions again after the retry delay"
        pool = Pool()
        Log = pool.get('crm.automation.log')
        company = create_company()
        with set_company(company):
            opportunity = self.setup_opportunity(company)
            self.smtp.stop()
            self.move(opportunity, 'stage_proposal')
            email, = [l for l in self.records(opportunity)['logs']
                if l.state == 'error']
            self.smtp.start()
            Log.write([email], {
                    'date': datetime.datetime.now() - Log.retry_delay,
                    })
            Log.retry_failed()
            self.assertEqual(len(self.run_tasks()), 1)
            self.assertEqual(len(self.smtp.messages), 1)
            self.assertEqual(
                {l.state for l in self.records(opportunity)['logs']},
                {'done'})

    @with_transaction()
    def test_condition_and_notify(self):
        "Rules fire only for matching opportunities; notify a group's users"
        pool = Pool()
        Rule = pool.get('crm.automation.rule')
        Group = pool.get('res.group')
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        with set_company(company):
            manager, = User.create([{
                        'login': 'manager',
                        'name': "李经理",
                        'groups': [('add', [ModelData.get_id(
                                        'crm_plus', 'group_sales_manager')])],
                        }])
            group = Group(ModelData.get_id('crm_plus', 'group_sales_manager'))
            Rule.create([{
                        'name': "大单提醒",
                        'stage': self.stage('stage_negotiation').id,
                        'condition': '[["amount", ">=", 10000]]',
                        'actions': [('create', [{
                                        'type': 'notify',
                                        'notify_group': group.id,
                                        'description': (
                                            "大单 ${record.rec_name} "
                                            "进入谈判"),
                                        }])],
                        }])
            small = self.setup_opportunity(company)
            # The same customer and employee names again on purpose
            with Transaction().set_context(_skip_warnings=True):
                big = self.setup_opportunity(
                    company, amount=Decimal('50000'))
            self.move(small, 'stage_negotiation')
            self.move(big, 'stage_negotiation')

            self.assertEqual(self.records(small)['logs'], [])
            log, = self.records(big)['logs']
            self.assertEqual(log.state, 'done')
            notifications = Notification.search([('user', '=', manager.id)])
            notification, = notifications
            self.assertEqual(notification.label, "大单提醒")
            self.assertIn(big.rec_name, notification.description)
            self.assertEqual(notification.model, 'sale.opportunity')
            self.assertEqual(self.smtp.messages, [])

    @with_transaction()
    def test_failed_quotation_converts_nothing(self):
        "A quotation that cannot be made leaves the opportunity as it was"
        pool = Pool()
        OpportunityLine = pool.get('sale.opportunity.line')
        company = create_company()
        with set_company(company):
            opportunity = self.setup_opportunity(company)
            OpportunityLine.delete(list(opportunity.lines))
            self.move(opportunity, 'stage_proposal')
            records = self.records(opportunity)
            logs = {l.action.type: l.state for l in records['logs']}
            self.assertEqual(logs, {
                    'quotation': 'error', 'email': 'pending',
                    'follow_up': 'pending'})
            self.assertEqual(records['sales'], [])
            self.assertEqual(opportunity.state, 'lead')
            self.assertEqual(self.smtp.messages, [])

    @with_transaction()
    def test_invalid_condition(self):
        "A condition must be a domain on opportunities"
        pool = Pool()
        Rule = pool.get('crm.automation.rule')
        with self.assertRaises(Exception):
            Rule.create([{
                        'name': "Bad",
                        'stage': self.stage('stage_proposal').id,
                        'condition': '[["no_such_field", "=", 1]]',
                        }])

