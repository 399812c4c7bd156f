"""Automation rules on stage entry, with a real SMTP server.

No queue worker is configured in tests, so ``__queue__`` calls only append
the task id to ``Transaction().tasks`` (trytond.ir.queue_.Queue.push). The
e-mails go out when the transaction that logs them commits, so ``run_tasks``
commits the test transaction and runs each task in a transaction of its own
as trytond.worker.run_task does. The committed records stay in the database
(dropped with the class): setUp detaches the employee of the administrator
and the repeated names skip the duplicate warnings.
"""
import datetime
import shutil
import subprocess
import tempfile
import unittest
import unittest.mock
from decimal import Decimal

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond import backend
from trytond.modules.crm_plus.tests.smtp import SMTPServer
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction, TransactionError

CUSTOMER = "上海明远科技有限公司"
EMAIL = 'purchase@mingyuan.example.com'
# The committed records of the previous tests repeat the names
CONTEXT = {'_skip_warnings': True}


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
        # The tests commit: the employee of the previous test belongs to
        # another company
        with Transaction().start(DB_NAME, 1):
            User = Pool().get('res.user')
            admin = User(1)
            User.write([admin], {
                    'employee': None,
                    'employees': [('remove', [e.id for e in admin.employees])],
                    })

    def run_tasks(self):
        """Commit, then run the queued tasks each in its own transaction
        and commit it, as the dispatcher and the worker do"""
        transaction = Transaction()
        transaction.commit()
        ran = []
        while transaction.tasks:
            task_id = transaction.tasks.pop(0)
            self.run_task(task_id)
            ran.append(task_id)
        return ran

    def run_task(self, task_id):
        "Run the task in a new transaction as trytond.worker.run_task does"
        Queue = Pool().get('ir.queue')
        tasks = Transaction().tasks
        queued = len(tasks)
        extras = {}
        while True:
            with Transaction().new_transaction(**extras) as transaction:
                try:
                    Queue(task_id).run()
                except TransactionError as e:
                    transaction.rollback()
                    del tasks[queued:]
                    e.fix(extras)
                    continue
            break

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

    def move_without_tasks(self, opportunity, xml_id):
        Opportunity = Pool().get('sale.opportunity')
        Opportunity.write([opportunity], {'stage': self.stage(xml_id).id})

    def move(self, opportunity, xml_id):
        self.move_without_tasks(opportunity, xml_id)
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

    @with_transaction(context=CONTEXT)
    def test_proposal_quotes_emails_and_follows_up(self):
        "Entering the proposal stage quotes, e-mails once and follows up"
        pool = Pool()
        Date = pool.get('ir.date')
        Opportunity = pool.get('sale.opportunity')
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
            for task_id in tasks:
                self.run_task(task_id)
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

    @with_transaction(context=CONTEXT)
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

    @with_transaction(context=CONTEXT)
    def test_failure_after_send_rolls_back_the_email(self):
        "A transaction failing after the e-mail is prepared sends nothing"
        pool = Pool()
        Action = pool.get('crm.automation.action')
        company = create_company()
        with set_company(company):
            opportunity = self.setup_opportunity(company)

            # The follow-up runs after the e-mail in the same task
            execute_follow_up = Action._execute_follow_up
            calls = []

            def fail_once(action, log):
                calls.append(log)
                if len(calls) == 1:
                    raise backend.DatabaseOperationalError("simulated")
                return execute_follow_up(action, log)

            self.move_without_tasks(opportunity, 'stage_proposal')
            Transaction().commit()
            task_id, = Transaction().tasks
            Transaction().tasks.clear()
            with unittest.mock.patch.object(
                    Action, '_execute_follow_up', fail_once):
                with self.assertRaises(backend.DatabaseOperationalError):
                    self.run_task(task_id)
                self.assertEqual(len(calls), 1)
                self.assertEqual(self.smtp.messages, [])
                records = self.records(opportunity)
                self.assertEqual(
                    {l.state for l in records['logs']}, {'pending'})
                self.assertEqual(records['interactions'], [])
                self.assertEqual(records['sales'], [])

                # The retry of the worker sends it once
                self.run_task(task_id)
            # A new snapshot to see the task's commit on PostgreSQL
            Transaction().commit()
            self.assertEqual(len(calls), 2)
            message, = self.smtp.messages
            self.assertIn(opportunity.rec_name, message['Subject'])
            records = self.records(opportunity)
            self.assertEqual(
                {l.state for l in records['logs']}, {'done'})
            self.assertEqual(len(records['interactions']), 1)
            self.assertEqual(len(records['follow_ups']), 1)

            self.run_task(task_id)
            self.assertEqual(len(self.smtp.messages), 1)

    @with_transaction(context=CONTEXT)
    def test_send_failure_at_commit_retries(self):
        "An e-mail the server refuses after the commit is retried"
        pool = Pool()
        Log = pool.get('crm.automation.log')
        company = create_company()
        with set_company(company):
            opportunity = self.setup_opportunity(company)
            self.smtp.refuse = True
            try:
                with self.assertLogs(
                        'trytond.modules.crm_plus.sales.automation',
                        'ERROR'):
                    self.move(opportunity, 'stage_proposal')
            finally:
                self.smtp.refuse = False
            self.assertEqual(self.smtp.messages, [])
            records = self.records(opportunity)
            logs = {l.action.type: l for l in records['logs']}
            self.assertEqual(logs['email'].state, 'error')
            self.assertTrue(logs['email'].error)
            self.assertIsNone(logs['email'].result)
            self.assertEqual(records['interactions'], [])

            Log.retry([logs['email']])
            self.run_tasks()
            self.assertEqual(len(self.smtp.messages), 1)
            records = self.records(opportunity)
            self.assertEqual(
                {l.state for l in records['logs']}, {'done'})
            self.assertEqual(len(records['interactions']), 1)

    @with_transaction(context=CONTEXT)
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

    @with_transaction(context=CONTEXT)
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

    @with_transaction(context=CONTEXT)
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
            # Past the first stage, not converted
            self.assertEqual(opportunity.state, 'opportunity')
            self.assertEqual(self.smtp.messages, [])

    @with_transaction(context=CONTEXT)
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

