"""Ticket notices by e-mail and inbound e-mail, with a real SMTP server.

No queue worker is configured in tests: ``__queue__`` calls append the task
to ``Transaction().tasks``; ``run_tasks`` commits and runs each task in a
transaction of its own as trytond.worker.run_task does, so the mails go out
when that transaction commits.  The committed records stay in the database
(dropped with the class).
"""
import datetime
import unittest
from email.message import EmailMessage
from email.utils import make_msgid

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus.tests.smtp import SMTPServer
from trytond.modules.crm_plus.tests.tools import run_task
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

CUSTOMER_EMAIL = 'li.na@kunlun.example.com'


class MailTestCase(unittest.TestCase):
    "Test ticket notices and inbound e-mail"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')
        cls.smtp = SMTPServer().start()
        cls._smtp_config = cls.smtp.configure(
            from_='客服中心 <support@crm.example.com>')
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
        "Commit, then run the queued tasks as the worker does"
        transaction = Transaction()
        transaction.commit()
        ran = 0
        while transaction.tasks:
            run_task(transaction.tasks.pop(0))
            ran += 1
        return ran

    def company(self):
        return Pool().get('company.company').search([])[0]

    def customer(self, email=CUSTOMER_EMAIL, name="昆仑贸易有限公司"):
        Party = Pool().get('party.party')
        party, = Party.create([{
                    'name': name,
                    'crm_kind': 'enterprise',
                    'contact_mechanisms': [('create', [{
                                    'type': 'email', 'value': email}])],
                    }])
        return party

    def ticket(self, party, subject="打印机卡纸", **values):
        Ticket = Pool().get('crm.ticket')
        ticket, = Ticket.create([{
                    'company': self.company().id,
                    'party': party.id,
                    'subject': subject,
                    'description': "第三台打印机每天卡纸 <b>三次</b>",
                    **values}])
        return ticket

    @with_transaction()
    def test_notices(self):
        "Opening, a public reply and the resolution each mail the customer"
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        Message = pool.get('crm.ticket.message')
        Notice = pool.get('crm.ticket.notice')
        Interaction = pool.get('crm.interaction')
        with set_company(self.company()):
            party = self.customer()
            ticket = self.ticket(party)
            self.run_tasks()

            created, = self.smtp.messages
            self.assertEqual(created['To'], CUSTOMER_EMAIL)
            self.assertEqual(
                created['Subject'], f'[{ticket.number}] 打印机卡纸')
            self.assertIn('support@crm.example.com', created['From'])
            html = created.get_body(('html',)).get_content()
            self.assertIn(ticket.number, html)
            self.assertIn('New', html)  # the status
            self.assertIn('&lt;b&gt;三次&lt;/b&gt;', html)
            self.assertNotIn('<b>三次', html)
            notice, = Notice.search([('ticket', '=', ticket.id)])
            self.assertEqual(notice.state, 'sent')
            self.assertEqual(notice.event, 'created')
            self.assertEqual(created['Message-ID'], notice.message_id)
            self.assertEqual(notice.email.message_id, notice.message_id)

            Message.create([{
                        'ticket': ticket.id, 'kind': 'note',
                        'body': "内部备注：客户是老客户"}])
            reply, = Message.create([{
                        'ticket': ticket.id, 'kind': 'reply',
                        'body': "请清理进纸辊。\n> 引用的原文"}])
            self.run_tasks()
            sent, = self.smtp.messages[1:]
            self.assertEqual(sent['Subject'], f'[{ticket.number}] 打印机卡纸')
            self.assertIn('请清理进纸辊', sent.get_body(('plain',)).get_content())
            self.assertNotIn('内部备注', sent.as_string())
            self.assertEqual(sent['In-Reply-To'], notice.message_id)
            self.assertIn(notice.message_id, sent['References'])
            self.assertEqual(Message(reply.id).message_id, sent['Message-ID'])

            ticket = Ticket(ticket.id)
            ticket.resolution = "更换了进纸辊"
            ticket.save()
            Ticket.resolve([ticket])
            self.run_tasks()
            # the resolution may also send a satisfaction survey (survey.py)
            resolved_notice, = Notice.search([
                    ('ticket', '=', ticket.id), ('event', '=', 'resolved')])
            resolved, = [m for m in self.smtp.messages[2:]
                if m['Message-ID'] == resolved_notice.message_id]
            text = resolved.get_body(('plain',)).get_content()
            self.assertIn('更换了进纸辊', text)
            self.assertIn('Resolved', text)

            notices = Notice.search([('ticket', '=', ticket.id)])
            self.assertEqual(
                [n.event for n in notices], ['created', 'reply', 'resolved'])
            interactions = Interaction.search([
                    ('origin', '=', str(ticket)),
                    ], order=[('id', 'ASC')])
            self.assertEqual(len(interactions), 3)
            self.assertEqual({i.type for i in interactions}, {'email'})
            self.assertEqual({i.party for i in interactions}, {party})
            self.assertEqual(
                [i.subject for i in interactions],
                [f'[{ticket.number}] 打印机卡纸'] * 3)

    @with_transaction()
    def test_retry_no_duplicate(self):
        "A notice task run twice mails once"
        pool = Pool()
        Notice = pool.get('crm.ticket.notice')
        Queue = pool.get('ir.queue')
        with set_company(self.company()):
            ticket = self.ticket(self.customer(email='wang@retry.example.com'))
            transaction = Transaction()
            task_id, = transaction.tasks
            transaction.tasks.clear()
            transaction.commit()
            run_task(task_id)
            # the worker died before recording the task finished: again
            Queue.write([Queue(task_id)], {'finished_at': None})
            # committed: the task's transaction waits for the row otherwise
            # (a deadlock on PostgreSQL)
            transaction.commit()
            run_task(task_id)
            Notice.process(Notice.search([('ticket', '=', ticket.id)]))
            transaction.commit()
            self.assertEqual(len(self.smtp.messages), 1)
            notice, = Notice.search([('ticket', '=', ticket.id)])
            self.assertEqual(notice.state, 'sent')
            # a second notice of the same event is refused
            self.assertIsNone(Notice.notify(ticket, 'created'))

    @with_transaction()
    def test_smtp_down(self):
        "A notice whose mail cannot be sent stays pending"
        pool = Pool()
        Notice = pool.get('crm.ticket.notice')
        with set_company(self.company()):
            ticket = self.ticket(self.customer(email='down@smtp.example.com'))
            transaction = Transaction()
            task_id, = transaction.tasks
            transaction.tasks.clear()
            transaction.commit()
            self.smtp.stop()
            try:
                with self.assertRaises(OSError):
                    run_task(task_id)
            finally:
                self.smtp.start()
            notice, = Notice.search([('ticket', '=', ticket.id)])
            self.assertEqual(notice.state, 'pending')
            # the cron sends it once it is due
            Notice.send_pending()
            transaction.commit()
            self.assertEqual(self.smtp.messages, [])
            table = Notice.__table__()
            transaction.connection.cursor().execute(*table.update(
                    [table.create_date],
                    [datetime.datetime.now() - datetime.timedelta(minutes=6)],
                    where=table.id == notice.id))
            Notice.send_pending()
            transaction.commit()
            self.assertEqual(len(self.smtp.messages), 1)
            self.assertEqual(Notice(notice.id).state, 'sent')
            run_task(task_id)
            self.assertEqual(len(self.smtp.messages), 1)

    def inbox(self):
        pool = Pool()
        Inbox = pool.get('inbound.email.inbox')
        inbox, = Inbox.create([{
                    'name': "Support",
                    'rules': [('create', [{
                                    'action': 'crm.ticket|from_inbound_email',
                                    }])],
                    }])
        return inbox

    def receive(self, inbox, message):
        Email = Pool().get('inbound.email')
        email, = Email.from_webhook(inbox, message.as_bytes(), 'raw')
        inbox.process(email)
        email.save()
        return email

    def mail(self, subject, body, sender, **headers):
        message = EmailMessage()
        message['From'] = sender
        message['To'] = 'support@crm.example.com'
        message['Subject'] = subject
        message['Message-ID'] = make_msgid(domain='customer.example.com')
        for name, value in headers.items():
            message[name.replace('_', '-')] = value
        message.set_content(body)
        return message

    @with_transaction()
    def test_inbound(self):
        "A mail opens a ticket, replies thread by number and by References"
        pool = Pool()
        Ticket = pool.get('crm.ticket')
        Party = pool.get('party.party')
        Attachment = pool.get('ir.attachment')
        Notice = pool.get('crm.ticket.notice')
        with set_company(self.company()):
            inbox = self.inbox()
            party = self.customer(email='buyer@jade.example.com',
                name="玉泉机械有限公司")
            first = self.mail("空压机漏油", "空压机从昨天开始漏油。",
                '采购部 <Buyer@jade.example.com>')
            first.add_attachment(b'%PDF-1.4 photo', maintype='application',
                subtype='pdf', filename='照片.pdf')
            email = self.receive(inbox, first)
            ticket = email.result
            self.assertEqual(ticket.__name__, 'crm.ticket')
            self.assertEqual(ticket.party, party)
            self.assertEqual(ticket.channel, 'email')
            self.assertEqual(ticket.subject, "空压机漏油")
            self.assertIn("空压机从昨天开始漏油", ticket.description)
            self.assertEqual(ticket.email_message_id, first['Message-ID'])
            attachment, = Attachment.search(
                [('resource', '=', str(ticket))])
            self.assertEqual(attachment.name, '照片.pdf')
            self.assertEqual(attachment.data, b'%PDF-1.4 photo')
            # the same mail posted again opens nothing
            self.assertEqual(self.receive(inbox, first).result, ticket)
            self.assertEqual(
                Ticket.search_count([('subject', '=', "空压机漏油")]), 1)

            Ticket.write([ticket], {'state': 'waiting'})
            self.run_tasks()
            notice, = Notice.search([('ticket', '=', ticket.id)])
            acknowledgement, = self.smtp.messages
            self.assertEqual(acknowledgement['In-Reply-To'],
                first['Message-ID'])

            by_number = self.mail(f"回复：[{ticket.number}] 空压机漏油",
                "型号是 XK-200。\n\n> 空压机从昨天开始漏油。",
                'buyer@jade.example.com')
            message = self.receive(inbox, by_number).result
            self.assertEqual(message.__name__, 'crm.ticket.message')
            self.assertEqual(message.ticket, ticket)
            self.assertEqual(message.kind, 'incoming')
            self.assertEqual(message.body,
                "型号是 XK-200。\n\n> 空压机从昨天开始漏油。\n")
            self.assertEqual(message.address, 'buyer@jade.example.com')
            self.assertEqual(Ticket(ticket.id).state, 'in_progress')

            # another sender quoting the number opens a ticket of its own
            stranger = self.receive(inbox, self.mail(
                    f"[{ticket.number}] 空压机漏油", "我也要",
                    '赵六 <zhao@other.example.com>')).result
            self.assertEqual(stranger.__name__, 'crm.ticket')
            self.assertNotEqual(stranger, ticket)
            self.assertEqual(stranger.party.name, "赵六")
            self.assertEqual(stranger.party.crm_lifecycle, 'potential')
            self.assertEqual(stranger.party.crm_kind, 'individual')
            self.assertEqual(stranger.party.email, 'zhao@other.example.com')

            by_references = self.mail("Re: 没有编号的主题", "补充：照片见附件",
                'colleague@jade.example.com',
                In_Reply_To=notice.message_id,
                References=f'{first["Message-ID"]} {notice.message_id}')
            message = self.receive(inbox, by_references).result
            self.assertEqual(message.ticket, ticket)
            self.assertEqual(message.message_id, by_references['Message-ID'])
            self.assertEqual(
                len(Ticket(ticket.id).messages), 2)
            self.assertEqual(
                Party.search_count([('name', '=', "赵六")]), 1)

            auto = self.mail("自动回复", "我休假了", 'buyer@jade.example.com',
                Auto_Submitted='auto-replied')
            self.assertIsNone(self.receive(inbox, auto).result)

