"""Campaigns end to end: a real SMTP server, a local SMS gateway over HTTP,
opens, clicks and unsubscriptions through the real public routes, a batch
interrupted by the SMTP server and run again, consent skips.

No queue worker is configured in tests: the queued tasks are run by
``run_tasks`` after a commit, each in a transaction of its own, as
trytond.worker does; the routes run theirs after their commit.
"""
import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import unittest
from contextlib import contextmanager
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import quote, urlsplit

from aiosmtpd.controller import Controller
from werkzeug.test import Client

import trytond.config as config
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_plus import import_routes
from trytond.modules.crm_plus.marketing import campaign as campaign_module
from trytond.modules.crm_plus.tests.smtp import SMTPServer, _Handler
from trytond.modules.crm_plus.tests.tools import run_task
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

ACCESS_SECRET = 'gateway-secret'
CALLBACK_SECRET = 'callback-secret'


class _LimitedHandler(_Handler):
    "Answers 421 (try later) once the server holds ``limit`` messages"

    async def handle_DATA(self, smtp, session, envelope):
        limit = self.server.limit
        if limit is not None and len(self.server.messages) >= limit:
            return '421 4.3.2 Service not available, try again later'
        return await super().handle_DATA(smtp, session, envelope)


class LimitedSMTPServer(SMTPServer):
    limit = None

    def start(self):
        if self._controller is None:
            self._controller = Controller(
                _LimitedHandler(self), hostname=self.host, port=self.port)
            self._controller.start()
        return self


class Gateway(ThreadingHTTPServer):
    "A local SMS gateway checking the signature of each request"

    def __init__(self):
        super().__init__(('127.0.0.1', 0), GatewayHandler)
        self.requests = []
        self.refused_numbers = set()
        self.lock = threading.Lock()

    @property
    def url(self):
        return 'http://127.0.0.1:%d/sms/send' % self.server_address[1]


class GatewayHandler(BaseHTTPRequestHandler):

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        params = json.loads(body.decode('utf-8'))
        signature = params.pop('Signature')

        def enc(v):
            return quote(str(v), safe='-_.~')
        query = '&'.join(
            f'{enc(k)}={enc(v)}' for k, v in sorted(params.items()))
        expected = base64.b64encode(hmac.new(
                ACCESS_SECRET.encode(),
                f'POST&{enc(urlsplit(self.path).path)}&{enc(query)}'
                .encode(), hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(signature, expected):
            answer = {'Code': 'SignatureDoesNotMatch'}
        elif params['PhoneNumbers'] in self.server.refused_numbers:
            answer = {'Code': 'isv.MOBILE_NUMBER_ILLEGAL'}
        else:
            with self.server.lock:
                self.server.requests.append(params)
                n = len(self.server.requests)
            answer = {'Code': 'OK', 'BizId': f'biz{n}'}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class CampaignTestCase(unittest.TestCase):
    "Test campaigns"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')
        import_routes()
        cls.smtp = LimitedSMTPServer().start()
        cls._smtp_config = cls.smtp.configure(
            from_='华东机械 <news@crm.example.com>')
        cls._smtp_config.__enter__()
        cls.gateway = Gateway()
        threading.Thread(target=cls.gateway.serve_forever, daemon=True
            ).start()
        cls._previous = {o: config.get('crm_sms', o, default='') if
            config.has_section('crm_sms') else '' for o in [
                'url', 'access_key', 'access_secret', 'signature',
                'callback_secret']}
        if not config.has_section('crm_sms'):
            config.add_section('crm_sms')
        for option, value in [
                ('url', cls.gateway.url),
                ('access_key', 'key-id'),
                ('access_secret', ACCESS_SECRET),
                ('signature', '华东机械'),
                ('callback_secret', CALLBACK_SECRET)]:
            config.set('crm_sms', option, value)
        with Transaction().start(DB_NAME, 0):
            create_company()
            Transaction().commit()

    @classmethod
    def tearDownClass(cls):
        cls._smtp_config.__exit__(None, None, None)
        cls.smtp.stop()
        cls.gateway.shutdown()
        cls.gateway.server_close()
        for option, value in cls._previous.items():
            config.set('crm_sms', option, value or '')
        super().tearDownClass()
        drop_db()

    def setUp(self):
        super().setUp()
        self.smtp.clear()
        self.smtp.limit = None

    def run_tasks(self):
        "Commit, then run the queued tasks as the worker does"
        transaction = Transaction()
        transaction.commit()
        ran = 0
        while transaction.tasks:
            run_task(transaction.tasks.pop(0))
            ran += 1
        return ran

    def started_wave(self, prefix, person, list_name, name):
        """The e-mails of five people on a new list, and a campaign of one
        wave to the list, scheduled and started: its batch task queued"""
        pool = Pool()
        Campaign = pool.get('crm.campaign')
        Wave = pool.get('crm.campaign.wave')
        emails = [f'{prefix}{i}@example.com' for i in range(5)]
        for i, email in enumerate(emails):
            self.person(f"{person}{i}", email)
        audience = self.email_list(list_name, emails)
        campaign, = Campaign.create([{
                    'name': name,
                    'email_lists': [('add', [audience.id])],
                    'waves': [('create', [{
                                    'sequence': 1, 'name': "一",
                                    'subject': "你好 ${name}",
                                    'body': '<p>${name}</p>',
                                    }])],
                    }])
        wave, = campaign.waves
        Campaign.schedule([campaign])
        Wave.start_due()
        return emails, campaign, wave

    def company(self):
        return Pool().get('company.company').search([])[0]

    @contextmanager
    def transaction(self):
        "A transaction of the company, committed (the routes run outside)"
        with Transaction().start(DB_NAME, 0) as transaction:
            with set_company(self.company()):
                yield transaction
            transaction.commit()

    def person(self, name, email=None, mobile=None, lang=None,
            consent=('email',)):
        pool = Pool()
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        Consent = pool.get('crm.consent')
        mechanisms = []
        if email:
            mechanisms.append({'type': 'email', 'value': email})
        if mobile:
            mechanisms.append({'type': 'mobile', 'value': mobile})
        values = {'name': name, 'contact_mechanisms': [
                ('create', mechanisms)]}
        if lang:
            values['lang'], = Lang.search([('code', '=', lang)])
        party, = Party.create([values])
        for channel in consent:
            Consent.record([party], channel, 'granted', 'web form')
        return party

    def email_list(self, name, emails):
        pool = Pool()
        List = pool.get('marketing.email.list')
        Lang = pool.get('ir.lang')
        lang, = Lang.search([('code', '=', 'zh_CN')])
        list_, = List.create([{
                    'name': name, 'language': lang.id,
                    'emails': [('create', [{'email': e} for e in emails])],
                    }])
        return list_

    def client(self):
        return Client(app)

    def path(self, url):
        parts = urlsplit(url)
        return parts.path

    def test_email_campaign(self):
        "Two waves by e-mail: tracking, unsubscribe honoured, the report"
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
        Campaign = pool.get('crm.campaign')
        Wave = pool.get('crm.campaign.wave')
        Recipient = pool.get('crm.campaign.recipient')
        Consent = pool.get('crm.consent')
        Lead = pool.get('crm.lead')
        Report = pool.get('crm.campaign.report')
        MarketingCampaign = pool.get('marketing.campaign')
        Opportunity = pool.get('sale.opportunity')
        with self.transaction():
            wang = self.person("王芳", 'wang.fang@example.com', lang='zh_CN')
            john = self.person("John Smith", 'john@example.com', lang='en')
            zhao = self.person("赵磊", 'zhao@example.com', consent=())
            qian = self.person("钱敏", 'qian@example.com')
            Consent.record([qian], 'email', 'withdrawn', 'call')
            sun = self.person("孙丽", 'sun@example.com')
            zhou = self.person("周杰", 'zhou@example.com')
            audience = self.email_list("展会客户", [
                    'wang.fang@example.com', 'JOHN@example.com',
                    'zhao@example.com', 'qian@example.com',
                    'sun@example.com', 'zhou@example.com'])
            suppression = self.email_list("黑名单", ['sun@example.com'])
            utm, = MarketingCampaign.create([{'name': 'spring-2027'}])
            campaign, = Campaign.create([{
                        'name': "春季新品",
                        'channel': 'email',
                        'marketing_campaign': utm.id,
                        'email_lists': [('add', [audience.id])],
                        'suppression_lists': [('add', [suppression.id])],
                        'cost': Decimal('1000'),
                        'budget': Decimal('1500'),
                        'waves': [('create', [{
                                        'sequence': 1,
                                        'name': "首轮",
                                        'subject': "${name}，春季新品发布",
                                        'body': '<p>尊敬的 ${name}：</p>'
                                        '<p><a href="https://shop.example.com'
                                        '/new?a=1&amp;b=2">查看新品</a></p>',
                                        'subject_en': "New for ${name}",
                                        'body_en': '<p>Dear ${name},</p>'
                                        '<p><a href="https://shop.example.com'
                                        '/en">See</a></p>',
                                        }, {
                                        'sequence': 2,
                                        'name': "未点击提醒",
                                        'audience': 'non_clickers',
                                        'delay_days': 3,
                                        'subject': "${name}，别错过",
                                        'body': '<p>${name}，优惠即将结束'
                                        '</p>',
                                        }])],
                        }])
            first, second = campaign.waves

            # the preview with a real customer's data
            first.preview_party = john
            self.assertEqual(
                first.on_change_with_preview_subject(), "New for John Smith")
            self.assertIn("Dear John Smith",
                first.on_change_with_preview_body())

            Campaign.schedule([campaign])
            # the send records written two people at a time
            with patch.object(campaign_module, 'WRITE_SLICE', 2):
                Wave.start_due()
            self.assertEqual(campaign.state, 'running')
            self.assertEqual(first.state, 'running')
            self.assertEqual(second.state, 'waiting')
            rows = {r.party: r for r in first.recipients}
            self.assertEqual(len(rows), 6)
            self.assertEqual(rows[zhao].state, 'skipped')
            self.assertEqual(rows[zhao].reason, 'no_consent')
            self.assertEqual(rows[qian].reason, 'no_consent')
            self.assertEqual(rows[sun].reason, 'suppressed')
            self.assertEqual(rows[john].address.lower(), 'john@example.com')
            self.run_tasks()

            self.assertEqual(len(self.smtp.messages), 3)
            messages = {m['To'].addresses[0].addr_spec.lower(): m
                for m in self.smtp.messages}
            self.assertEqual(set(messages), {
                    'wang.fang@example.com', 'john@example.com',
                    'zhou@example.com'})
            chinese = messages['wang.fang@example.com']
            self.assertEqual(chinese['Subject'], "王芳，春季新品发布")
            self.assertEqual(messages['john@example.com']['Subject'],
                "New for John Smith")
            self.assertEqual(chinese['List-Unsubscribe-Post'],
                'List-Unsubscribe=One-Click')
            html = chinese.get_body(('html',)).get_content()
            self.assertNotIn('shop.example.com', html)
            links = re.findall(r'href="([^"]+)"', html)
            unsubscribe_url = chinese['List-Unsubscribe'].strip('<>')
            self.assertIn(unsubscribe_url, links)
            tracked = [l for l in links if '/s/' in l]
            self.assertEqual(len(tracked), 1)
            pixel, = re.findall(r'src="([^"]+\.gif)"', html)
            for recipient in first.recipients:
                if recipient.party in {wang, john, zhou}:
                    self.assertEqual(recipient.state, 'sent')
                    self.assertTrue(recipient.sent_at)

            campaign_id, first_id, second_id = (
                campaign.id, first.id, second.id)
            parties = wang.id, john.id, zhou.id
            Transaction().commit()

        # open, click and unsubscribe through the real routes
        if True:
            client = self.client()
            response = client.get(self.path(pixel))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.headers['Content-Type'], 'image/gif')
            response = client.get(self.path(pixel).replace('/o/', '/u/'))
            self.assertEqual(response.status_code, 404)
            response = client.get(self.path(tracked[0]))
            self.assertEqual(response.status_code, 301)
            self.assertEqual(response.headers['Location'],
                'https://shop.example.com/new?a=1&b=2')
            english = messages['john@example.com']
            response = client.get(self.path(
                    english['List-Unsubscribe'].strip('<>')))
            self.assertEqual(response.status_code, 200)
            self.assertIn('unsubscribed', response.text)
            response = client.get(self.path(
                    english['List-Unsubscribe'].strip('<>'))[:-3] + 'abc')
            self.assertEqual(response.status_code, 404)

        with self.transaction():
            wang, john, zhou = Pool().get('party.party').browse(parties)
            first, second = Wave.browse([first_id, second_id])
            campaign = Campaign(campaign_id)
            rows = {r.party: r for r in Recipient.search(
                    [('wave', '=', first.id)])}
            self.assertTrue(rows[wang].opened_at)
            self.assertTrue(rows[wang].clicked_at)
            self.assertFalse(rows[john].opened_at)
            self.assertTrue(rows[john].unsubscribed_at)
            self.assertNotIn(john.id, Consent.granted([john], 'email'))
            self.assertEqual(Wave(first.id).state, 'done')

            # the second wave: due 3 days after the first
            Wave.start_due()
            self.assertEqual(Wave(second.id).state, 'waiting')
            Wave.write([Wave(first.id)], {
                    'started_at': dt.datetime.now() - dt.timedelta(days=4)})
            Wave.start_due()
            rows = {r.party: r for r in Wave(second.id).recipients}
            # wang clicked; john unsubscribed
            self.assertEqual(set(rows), {john, zhou})
            self.assertEqual(rows[john].state, 'skipped')
            self.assertEqual(rows[john].reason, 'unsubscribed')
            self.smtp.clear()
            self.run_tasks()
            message, = self.smtp.messages
            self.assertEqual(message['Subject'], "周杰，别错过")
            self.assertEqual(Campaign(campaign.id).state, 'done')

            # attribution and the report
            Lead.create([{'name': "王芳", 'campaign': campaign.id,
                        'company': self.company().id}])
            Opportunity.create([{'party': wang.id,
                        'company': self.company().id,
                        'marketing_campaign': utm.id,
                        'employee': None}])
            report, = Report.search([('campaign', '=', campaign.id)])
            self.assertEqual(report.recipients, 8)
            self.assertEqual(report.sent, 4)
            self.assertEqual(report.skipped, 4)
            self.assertEqual(report.opened, 1)
            self.assertEqual(report.clicked, 1)
            self.assertEqual(report.unsubscribed, 1)
            self.assertEqual(report.responses, 1)
            self.assertAlmostEqual(report.open_rate, 0.25)
            self.assertAlmostEqual(report.click_rate, 0.25)
            self.assertEqual(report.leads, 1)
            self.assertAlmostEqual(report.conversion_rate, 0.25)
            self.assertEqual(report.opportunities, 1)
            self.assertEqual(report.cost_per_lead, Decimal('1000'))
            self.assertAlmostEqual(report.roi, -1.0)

    @with_transaction()
    def test_interrupted_batch(self):
        "A batch cut by the SMTP server, then run again: nobody twice"
        pool = Pool()
        Campaign = pool.get('crm.campaign')
        Wave = pool.get('crm.campaign.wave')
        Recipient = pool.get('crm.campaign.recipient')
        Queue = pool.get('ir.queue')
        with set_company(self.company()):
            emails, campaign, wave = self.started_wave(
                'buyer', "客户", "采购", "中断测试")
            transaction = Transaction()
            transaction.commit()
            task, = transaction.tasks
            transaction.tasks.clear()

            self.smtp.limit = 2
            run_task(task)
            self.assertEqual(len(self.smtp.messages), 2)
            states = sorted(r.state for r in Recipient.search(
                    [('wave', '=', wave.id)]))
            self.assertEqual(states, ['pending'] * 3 + ['sent'] * 2)
            # the same task run again sends the rest, nobody twice
            self.smtp.limit = None
            transaction.commit()
            run_task(task)
            received = [m['To'].addresses[0].addr_spec
                for m in self.smtp.messages]
            self.assertEqual(sorted(received), sorted(emails))
            # the retry queued by the interrupted run finds nothing to send
            transaction.commit()
            tasks = Queue.search([('finished_at', '=', None)])
            self.assertEqual(len(tasks), 1)
            for other in tasks:
                run_task(other.id)
            self.assertEqual(len(self.smtp.messages), 5)
            self.assertTrue(all(r.state == 'sent' for r in Recipient.search(
                        [('wave', '=', wave.id)])))
            self.assertEqual(Wave(wave.id).state, 'done')
            self.assertEqual(Campaign(campaign.id).state, 'done')

            # a task of the finished wave sends nothing more
            self.smtp.clear()
            run_task(task)
            self.assertEqual(self.smtp.messages, [])

    def test_sms_campaign(self):
        "SMS through the gateway, receipts, replies and STOP"
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
        Campaign = pool.get('crm.campaign')
        Wave = pool.get('crm.campaign.wave')
        Recipient = pool.get('crm.campaign.recipient')
        Consent = pool.get('crm.consent')
        with self.transaction():
            li = self.person("李强", 'li@example.com', '13800138000',
                consent=('sms', 'email'))
            he = self.person("何静", 'he@example.com', '13900139000',
                consent=('sms', 'email'))
            bad = self.person("错号", 'bad@example.com', '13700137000',
                consent=('sms', 'email'))
            mail_only = self.person("邮件", 'mail@example.com',
                '13600136000', consent=('email',))
            self.gateway.refused_numbers = {'+8613700137000'}
            audience = self.email_list("短信", [
                    'li@example.com', 'he@example.com', 'bad@example.com',
                    'mail@example.com'])
            campaign, = Campaign.create([{
                        'name': "短信促销",
                        'channel': 'sms',
                        'email_lists': [('add', [audience.id])],
                        'waves': [('create', [{
                                        'sequence': 1, 'name': "短信",
                                        'sms_template': 'SMS_1234',
                                        'sms_params': json.dumps({
                                                'name': '${name}',
                                                'url': '${link}'}),
                                        'sms_link':
                                        'https://shop.example.com/sms',
                                        }])],
                        }])
            wave, = campaign.waves
            Campaign.schedule([campaign])
            Wave.start_due()
            self.run_tasks()

            requests = {r['PhoneNumbers']: r for r in self.gateway.requests}
            self.assertEqual(set(requests),
                {'+8613800138000', '+8613900139000'})
            request = requests['+8613800138000']
            self.assertEqual(request['TemplateCode'], 'SMS_1234')
            self.assertEqual(request['SignName'], '华东机械')
            params = json.loads(request['TemplateParam'])
            self.assertEqual(params['name'], "李强")
            self.assertIn('/s/', params['url'])
            rows = {r.party: r for r in Recipient.search(
                    [('wave', '=', wave.id)])}
            self.assertEqual(rows[li].state, 'sent')
            self.assertEqual(rows[bad].state, 'failed')
            self.assertEqual(rows[bad].reason, 'refused')
            self.assertEqual(rows[mail_only].reason, 'no_consent')

            rows = {p.id: (r.id, r.provider_id) for p, r in rows.items()}
            li, he = li.id, he.id

        if True:
            client = self.client()
            base = f'/{DB_NAME}/crm/campaign/sms'

            def post(path, data, secret=CALLBACK_SECRET):
                body = json.dumps(data).encode()
                signature = hmac.new(
                    secret.encode(), body, hashlib.sha256).hexdigest()
                return client.post(base + path, data=body,
                    headers={'X-CRM-Signature': signature,
                        'Content-Type': 'application/json'})
            receipts = [
                {'out_id': rows[li][0], 'biz_id': rows[li][1],
                    'success': True},
                {'out_id': rows[he][0], 'biz_id': rows[he][1],
                    'success': False, 'err_code': 'MOBILE_OFF'},
                ]
            self.assertEqual(
                post('/receipt', receipts, 'wrong').status_code, 403)
            response = post('/receipt', receipts)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.json, {'updated': 2})
            response = post('/inbound', [
                    {'phone': '13800138000', 'content': ' 退订 '},
                    {'phone': '+86 139 0013 9000', 'content': "请给我打电话"},
                    ])
            self.assertEqual(response.json,
                {'unsubscribed': 1, 'replied': 1})
            self.assertEqual(
                client.post(base + '/inbound', data=b'[]', headers={
                        'Content-Type': 'application/json'}).status_code,
                403)

        with self.transaction():
            Party = pool.get('party.party')
            li, he = Party.browse([li, he])
            rows = {Party(p): Recipient(r) for p, (r, _) in rows.items()}
            self.assertEqual(rows[li].state, 'delivered')
            self.assertEqual(rows[he].state, 'bounced')
            self.assertTrue(rows[li].unsubscribed_at)
            self.assertTrue(rows[he].replied_at)
            self.assertEqual(rows[he].reply, "请给我打电话")
            self.assertNotIn(li.id, Consent.granted([li], 'sms'))
            self.assertIn(li.id, Consent.granted([li], 'email'))
            self.assertIn(he.id, Consent.granted([he], 'sms'))

    @with_transaction()
    def test_invalid_template(self):
        "A template that does not compile is refused"
        pool = Pool()
        Campaign = pool.get('crm.campaign')
        from trytond.model.exceptions import ValidationError
        with set_company(self.company()):
            with self.assertRaises(ValidationError):
                Campaign.create([{
                            'name': "坏模板",
                            'waves': [('create', [{
                                            'sequence': 1, 'name': "一",
                                            'body': '<p>${name</p>',
                                            }])],
                            }])

    @with_transaction()
    def test_stalled_wave(self):
        """A worker dead with its task: the cron fails the claimed
        recipients (outcome unknown) and sends the pending ones once"""
        pool = Pool()
        Wave = pool.get('crm.campaign.wave')
        Recipient = pool.get('crm.campaign.recipient')
        Queue = pool.get('ir.queue')
        with set_company(self.company()):
            emails, campaign, wave = self.started_wave(
                'stalled', "停滞", "停滞", "停滞测试")
            transaction = Transaction()
            task, = Queue.browse(transaction.tasks)
            transaction.tasks.clear()
            # a task waiting for a worker is alive: nothing to resume
            Wave.resume_stalled()
            self.assertEqual(transaction.tasks, [])

            # the worker took the task, claimed two recipients and died
            long_ago = dt.datetime.now() - dt.timedelta(hours=2)
            Queue.write([task], {'dequeued_at': long_ago})
            claimed = Recipient.search([('wave', '=', wave.id)],
                order=[('id', 'ASC')], limit=2)
            table = Recipient.__table__()
            cursor = transaction.connection.cursor()
            cursor.execute(*table.update(
                    [table.state, table.write_date], ['sending', long_ago],
                    where=table.id.in_([r.id for r in claimed])))
            Wave.resume_stalled()
            self.assertEqual(len(transaction.tasks), 1)
            self.assertEqual(self.run_tasks(), 1)
            self.assertEqual(sorted(
                    m['To'].addresses[0].addr_spec
                    for m in self.smtp.messages),
                sorted(set(emails) - {r.address for r in claimed}))
            self.assertEqual(
                {r.id: (r.state, r.reason) for r in Recipient.browse(
                        claimed)},
                {r.id: ('failed', 'interrupted') for r in claimed})
            self.assertEqual(Wave(wave.id).state, 'done')
            # nothing left: the cron sends nobody twice
            Wave.resume_stalled()
            self.assertEqual(self.run_tasks(), 0)
            self.assertEqual(len(self.smtp.messages), 3)

    @with_transaction()
    def test_pace(self):
        "The batches are spaced to keep the messages per minute"
        pool = Pool()
        Campaign = pool.get('crm.campaign')
        Wave = pool.get('crm.campaign.wave')
        Queue = pool.get('ir.queue')
        with set_company(self.company()):
            emails = [f'pace{i}@example.com' for i in range(5)]
            for i, email in enumerate(emails):
                self.person(f"节奏{i}", email)
            audience = self.email_list("节奏", emails)
            campaign, = Campaign.create([{
                        'name': "节奏",
                        'rate': 2,
                        'email_lists': [('add', [audience.id])],
                        'waves': [('create', [{
                                        'sequence': 1, 'name': "一",
                                        'subject': "你好",
                                        'body': '<p>${name}</p>',
                                        }])],
                        }])
            Campaign.schedule([campaign])
            Wave.start_due()
            tasks = Queue.browse(Transaction().tasks)
            self.assertEqual(
                [len(t.data['args'][0]) for t in tasks], [2, 2, 1])
            self.assertIsNone(tasks[0].scheduled_at)
            self.assertAlmostEqual(
                (tasks[2].scheduled_at - tasks[1].scheduled_at
                    ).total_seconds(), 60, delta=1)
