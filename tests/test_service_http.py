"""The public web form and inbound e-mail of the helpdesk, over HTTP, on
every backend.

The instance has its own trytond.conf: the test's SMTP server (aiosmtpd in
this process) as ``[email] uri``, one proxy in front (``[web]
num_proxies``: each test posts from its own X-Forwarded-For address, so the
rate limit of one does not stop another), a low rate limit and a one second
minimum fill time.  No queue worker: the notice of a new ticket is sent by
the server after the request's commit.
"""
import html
import re
import secrets
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid

from harness import BACKENDS, Instance

from trytond.modules.crm_plus.tests.smtp import SMTPServer

RATE_LIMIT = 3
MIN_SECONDS = 1
TOKEN = re.compile(r'name="token" value="([^"]+)"')
NUMBER = re.compile(r'<strong class="number">([^<]+)</strong>')


class ServiceHttpTest:
    backend = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.smtp = SMTPServer().start()
        cls.inst = Instance(cls.backend, config={
                'email': {
                    'uri': cls.smtp.uri,
                    'from': 'support@crm.example.com',
                    },
                'web': {'num_proxies': 1},
                'crm_service': {
                    'form_rate_limit': RATE_LIMIT,
                    'form_rate_period': 600,
                    'form_min_seconds': MIN_SECONDS,
                    },
                })
        cls.url = f'{cls.inst.url}{cls.inst.database}/crm/service/form'

    @classmethod
    def tearDownClass(cls):
        cls.inst.stop()
        cls.smtp.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # the client address of this test
        self.address = f'2001:db8::{secrets.token_hex(2)}'

    def request(self, method='GET', data=None, url=None):
        "(status, headers, text) of the request from the test's address"
        body = urllib.parse.urlencode(data).encode() if data else None
        request = urllib.request.Request(url or self.url, data=body,
            method=method, headers={'X-Forwarded-For': self.address})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return (response.status, response.headers,
                    response.read().decode('utf-8'))
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode('utf-8')

    def token(self, wait=True):
        status, _, page = self.request()
        self.assertEqual(status, 200)
        token, = TOKEN.findall(page)
        if wait:
            time.sleep(MIN_SECONDS + 0.2)
        return html.unescape(token)

    def submit(self, token=None, **values):
        data = {
            'name': "周杰",
            'phone': '',
            'email': '',
            'subject': "净水器漏水",
            'description': "厨房的净水器漏水",
            'website': '',
            'token': token or self.token(),
            }
        data.update(values)
        return self.request('POST', data)

    def tickets(self, subject):
        return self.inst.rpc().model('crm.ticket').search_read(
            [('subject', '=', subject)], 0, None, None,
            ['number', 'channel', 'party', 'email', 'phone', 'description',
                'state'])

    def wait_mail(self, subject, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.smtp.lock:
                found = [m for m in self.smtp.messages
                    if subject in m['Subject']]
            if found:
                return found
            time.sleep(0.1)
        return []

    def test_form_page(self):
        "The form is a Chinese UTF-8 page without external assets"
        status, headers, page = self.request()
        self.assertEqual(status, 200)
        self.assertEqual(
            headers['Content-Type'], 'text/html; charset=utf-8')
        self.assertIn('lang="zh-CN"', page)
        self.assertIn('联系客服', page)
        for name in ['name', 'phone', 'email', 'subject', 'description',
                'website', 'token']:
            self.assertIn(f'name="{name}"', page)
        self.assertNotRegex(page, r'(src|href)=')
        self.assertNotIn('http', page)
        status, headers, script = self.request(url=self.url + '.js')
        self.assertEqual(status, 200)
        self.assertIn('javascript', headers['Content-Type'])
        self.assertIn(f'"{self.url}"', script)

    def test_success(self):
        "A submission opens a web ticket, thanks with its number and mails"
        subject = "净水器漏水 " + secrets.token_hex(3)
        description = '<script>alert("x")</script> 漏水 & 滴水'
        status, _, page = self.submit(subject=subject,
            email='zhou.jie@example.com', phone='138 1234 5678',
            description=description)
        self.assertEqual(status, 200, page)
        number, = NUMBER.findall(page)
        self.assertIn(html.escape(description), page)
        self.assertNotIn('<script>', page)
        ticket, = self.tickets(subject)
        self.assertEqual(ticket['number'], number)
        self.assertEqual(ticket['channel'], 'web')
        self.assertEqual(ticket['description'], description)
        self.assertEqual(ticket['email'], 'zhou.jie@example.com')
        party, = self.inst.rpc().model('party.party').read(
            [ticket['party']], ['name', 'crm_lifecycle', 'crm_kind'])
        self.assertEqual(party['name'], "周杰")
        self.assertEqual(party['crm_lifecycle'], 'potential')
        self.assertEqual(party['crm_kind'], 'individual')
        mail, = self.wait_mail(number)
        self.assertEqual(mail['Subject'], f'[{number}] {subject}')
        self.assertEqual(mail['To'], 'zhou.jie@example.com')
        text = mail.get_body(('plain',)).get_content()
        self.assertIn('新建', text)  # the status in Chinese
        self.assertIn(description, text)
        self.assertIn(
            html.escape(description), mail.get_body(('html',)).get_content())

        # the same phone finds the customer again
        subject2 = subject + " 二"
        status, _, page = self.submit(subject=subject2, phone='13812345678')
        self.assertEqual(status, 200, page)
        again, = self.tickets(subject2)
        self.assertEqual(again['party'], ticket['party'])

    def test_missing_fields(self):
        "A missing subject or contact is a 400 in Chinese, nothing stored"
        token = self.token()
        subject = "缺少联系方式 " + secrets.token_hex(3)
        status, _, page = self.submit(token, subject=subject)
        self.assertEqual(status, 400)
        self.assertIn('请填写电话号码或电子邮件地址', page)
        self.assertIn(html.escape(subject), page)  # kept for the retry
        status, _, page = self.submit(token, subject='', phone='13812345679')
        self.assertEqual(status, 400)
        self.assertIn('请填写“主题”', page)
        status, _, page = self.submit(token, subject=subject,
            email='不是邮件地址')
        self.assertEqual(status, 400)
        self.assertIn('电子邮件地址无效', page)
        self.assertEqual(self.tickets(subject), [])
        self.assertNotIn('Traceback', page)

    def test_oversized(self):
        "A field over its size is refused with a 413 page"
        subject = "超长 " + secrets.token_hex(3)
        status, _, page = self.submit(subject=subject, phone='13812345670',
            description='长' * 5001)
        self.assertEqual(status, 413)
        self.assertIn('5000', page)
        self.assertEqual(self.tickets(subject), [])

    def test_honeypot(self):
        "A filled honeypot is thanked and nothing is stored"
        subject = "机器人 " + secrets.token_hex(3)
        status, _, page = self.submit(subject=subject, phone='13812345671',
            website='http://spam.example.com/')
        self.assertEqual(status, 200)
        self.assertIn('感谢', page)
        self.assertEqual(NUMBER.findall(page), [])
        self.assertEqual(self.tickets(subject), [])

    def test_too_fast(self):
        "A form sent back before the minimum time is refused"
        subject = "太快 " + secrets.token_hex(3)
        status, _, page = self.submit(self.token(wait=False),
            subject=subject, phone='13812345672')
        self.assertEqual(status, 400)
        self.assertIn('提交过快', page)
        status, _, page = self.submit('1700000000.forged', subject=subject,
            phone='13812345672')
        self.assertEqual(status, 400)
        self.assertEqual(self.tickets(subject), [])

    def test_rate_limit(self):
        "A flood from one address is answered 429 with Retry-After"
        token = self.token()
        subject = "刷单 " + secrets.token_hex(3)
        statuses = []
        for _ in range(RATE_LIMIT + 2):
            status, headers, page = self.submit(token, subject=subject,
                phone='13812345673')
            statuses.append(status)
        self.assertEqual(statuses, [200] * RATE_LIMIT + [429, 429])
        self.assertGreater(int(headers['Retry-After']), 0)
        self.assertIn('提交过于频繁', page)
        self.assertEqual(len(self.tickets(subject)), RATE_LIMIT)

    def test_malformed(self):
        "Bad input never answers a 5xx"
        for data in [{'token': 'x'}, {'name': '\x00', 'token': 'x'},
                {'token': '9' * 50}, {}]:
            status, _, page = self.request('POST', data or {'a': ''})
            self.assertLess(status, 500, data)
            self.assertNotIn('Traceback', page)

    def test_inbound_email(self):
        "A mail posted to the inbox route opens a ticket"
        rpc = self.inst.rpc()
        Inbox = rpc.model('inbound.email.inbox')
        inbox, = Inbox.create([{
                    'name': "客服邮箱",
                    'rules': [('create', [{
                                    'action': 'crm.ticket|from_inbound_email',
                                    }])],
                    }])
        Inbox.new_identifier([inbox])
        identifier, = [i['identifier'] for i in Inbox.read(
                [inbox], ['identifier'])]
        subject = "发票抬头错误 " + secrets.token_hex(3)
        message = EmailMessage()
        message['From'] = '钱七 <qian.qi@example.com>'
        message['To'] = 'support@crm.example.com'
        message['Subject'] = subject
        message['Message-ID'] = make_msgid(domain='example.com')
        message.set_content("发票抬头写错了，请重开。\n> 原邮件")
        request = urllib.request.Request(
            f'{self.inst.url}{self.inst.database}'
            f'/inbound_email/inbox/{identifier}',
            data=message.as_bytes(), method='POST',
            # not a form: the route reads the body as the raw mail
            headers={'Content-Type': 'message/rfc822'})
        with urllib.request.urlopen(request, timeout=30) as response:
            self.assertEqual(response.status, 204)
        ticket, = self.tickets(subject)
        self.assertEqual(ticket['channel'], 'email')
        self.assertEqual(ticket['email'], 'qian.qi@example.com')
        self.assertEqual(ticket['description'], "发票抬头写错了，请重开。\n> 原邮件\n")
        mail, = self.wait_mail(ticket['number'])
        self.assertEqual(mail['In-Reply-To'], message['Message-ID'])


for _backend in BACKENDS:
    _name = f'{_backend.capitalize()}ServiceHttpTest'
    globals()[_name] = type(_name, (ServiceHttpTest, unittest.TestCase),
        {'backend': _backend})
del _backend, _name
