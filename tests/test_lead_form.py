"""Lead capture over HTTP, on every backend: the public lead form (good and
bad input, injection stored as text, origins, the rate limit), inbound
e-mail, CSV import, the API, and the representatives' view of the leads
through each read path.

The instance has its own trytond.conf: one proxy in front (``[web]
num_proxies``: each test posts from its own X-Forwarded-For address), a low
rate limit, a one second minimum fill time and one allowed origin.
"""
import html
import json
import re
import secrets
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from harness import BACKENDS, Instance, _crm_plus

RATE_LIMIT = 3
MIN_SECONDS = 2
ORIGIN = 'https://www.partner.example'
TOKEN = re.compile(r'name="token" value="([^"]+)"')


class LeadFormTest:
    backend = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inst = Instance(cls.backend, config={
                'web': {'num_proxies': 1},
                'crm_lead': {
                    'origins': f'{ORIGIN} https://shop.partner.example',
                    'form_rate_limit': RATE_LIMIT,
                    'form_rate_period': 600,
                    'form_min_seconds': MIN_SECONDS,
                    },
                })
        cls.url = f'{cls.inst.url}{cls.inst.database}/crm/lead/form'

    @classmethod
    def tearDownClass(cls):
        cls.inst.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.address = f'2001:db8::{secrets.token_hex(2)}'

    def request(self, method='GET', data=None, url=None, headers=None):
        "(status, headers, text) of the request from the test's address"
        body = urllib.parse.urlencode(data).encode() if data else None
        request = urllib.request.Request(url or self.url, data=body,
            method=method, headers={'X-Forwarded-For': self.address,
                **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return (response.status, response.headers,
                    response.read().decode('utf-8'))
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode('utf-8')

    def token(self, wait=True, query=''):
        status, _, page = self.request(url=self.url + query)
        self.assertEqual(status, 200)
        token, = TOKEN.findall(page)
        if wait:
            time.sleep(MIN_SECONDS + 0.2)
        return html.unescape(token), page

    def submit(self, token=None, headers=None, **values):
        data = {
            'name': "周杰",
            'organization': "上海星辰贸易有限公司",
            'phone': '',
            'email': '',
            'description': "想了解数控车床报价",
            'website': '',
            'token': token or self.token()[0],
            }
        data.update(values)
        return self.request('POST', data, headers=headers)

    def leads(self, **domain):
        return self.inst.rpc().model('crm.lead').search_read(
            [(k, '=', v) for k, v in domain.items()], 0, None, None,
            ['name', 'organization', 'phone', 'email', 'description',
                'source', 'campaign', 'utm_source', 'utm_medium',
                'utm_campaign', 'state', 'owner', 'company'])

    def test_form_page(self):
        "The form is a Chinese page; the URL's UTM and campaign carried"
        status, headers, page = self.request(
            url=self.url + '?utm_source=baidu&campaign=12&utm_medium=cpc')
        self.assertEqual(status, 200)
        self.assertEqual(headers['Content-Type'], 'text/html; charset=utf-8')
        self.assertIn('lang="zh-CN"', page)
        self.assertIn('联系我们', page)
        self.assertIn('name="utm_source" value="baidu"', page)
        self.assertIn('name="campaign" value="12"', page)
        self.assertIn('name="website"', page)
        self.assertNotIn('http://', page.replace(self.inst.url, ''))
        self.assertIn("default-src 'none'", headers['Content-Security-Policy'])

    def test_good_submission(self):
        "A lead with its source, campaign and UTM parameters"
        rpc = self.inst.rpc()
        campaign, = rpc.model('crm.campaign').create([{
                    'name': "秋季推广 " + secrets.token_hex(3)}])
        phone = '+86 138 %04d %04d' % (
            secrets.randbelow(10000), secrets.randbelow(10000))
        token, page = self.token(query=(
                f'?campaign={campaign}&utm_source=baidu&utm_medium=cpc'
                '&utm_campaign=autumn'))
        hidden = dict(re.findall(
                r'<input type="hidden" name="(\w+)" value="([^"]*)"/>', page))
        name = "钱" + secrets.token_hex(3)
        status, _, page = self.submit(token, name=name, phone=phone,
            **{k: v for k, v in hidden.items() if k != 'token'})
        self.assertEqual(status, 200, page)
        self.assertIn('谢谢', page)
        lead, = self.leads(name=name)
        self.assertEqual(lead['organization'], "上海星辰贸易有限公司")
        self.assertEqual(lead['phone'], phone)
        self.assertEqual(lead['source'],
            self.inst.ref('crm_plus.source_website_form'))
        self.assertEqual(lead['campaign'], campaign)
        self.assertEqual((lead['utm_source'], lead['utm_medium'],
                lead['utm_campaign']), ('baidu', 'cpc', 'autumn'))
        self.assertEqual((lead['state'], lead['owner']), ('new', None))

    def test_unknown_campaign_ignored(self):
        "A campaign id that is none is dropped, the lead kept"
        name = "孙" + secrets.token_hex(3)
        status, _, _ = self.submit(name=name, email=f'{name}@example.com',
            campaign='987654')
        self.assertEqual(status, 200)
        lead, = self.leads(name=name)
        self.assertIsNone(lead['campaign'])

    def test_missing_fields(self):
        "No name, or neither phone nor e-mail: 400, nothing stored"
        marker = "缺少 " + secrets.token_hex(3)
        status, _, page = self.submit(name='', email='a@example.com',
            description=marker)
        self.assertEqual(status, 400)
        self.assertIn('role="alert"', page)
        status, _, page = self.submit(description=marker)
        self.assertEqual(status, 400)
        self.assertIn('电话号码或电子邮件', page)
        status, _, _ = self.submit(email='not-an-address',
            description=marker)
        self.assertEqual(status, 400)
        # past the rate limit of one address
        self.address = f'2001:db8::{secrets.token_hex(2)}'
        status, _, _ = self.submit(phone='12', description=marker)
        self.assertEqual(status, 400)
        self.assertEqual(self.leads(description=marker), [])

    def test_oversized(self):
        "A field over its size: 413, nothing stored, nothing echoed"
        name = "超长" + secrets.token_hex(3)
        status, _, page = self.submit(name=name, email='big@example.com',
            description='长' * 5001)
        self.assertEqual(status, 413)
        self.assertNotIn('长' * 100, page)
        status, _, _ = self.submit(name='名' * 101, email='big@example.com')
        self.assertEqual(status, 413)
        # the whole body over the limit
        status, _, _ = self.submit(name=name, email='big@example.com',
            utm_term='x' * 70000)
        self.assertEqual(status, 413)
        self.assertEqual(self.leads(name=name), [])

    def test_script_injection(self):
        "Markup is stored as the text typed and escaped on the page"
        tag = secrets.token_hex(3)
        name = f'<script>alert("{tag}")</script>'
        description = f'<img src=x onerror=alert(1)> {tag}'
        status, _, page = self.submit(name=name, email='x@example.com',
            description=description, utm_source='<b>x</b>')
        self.assertEqual(status, 200)
        self.assertNotIn('<script>', page)
        self.assertNotIn('<img', page)
        self.assertIn(html.escape(description), page)
        lead, = self.leads(name=name)
        self.assertEqual(lead['description'], description)

    def test_origins(self):
        "Another site's browser is refused unless its origin is allowed"
        name = "跨域" + secrets.token_hex(3)
        status, headers, page = self.submit(name=name,
            email='o@example.com', headers={'Origin': 'https://evil.example'})
        self.assertEqual(status, 403)
        self.assertNotIn('Access-Control-Allow-Origin', headers)
        self.assertEqual(self.leads(name=name), [])
        status, _, _ = self.request('OPTIONS',
            headers={'Origin': 'https://evil.example'})
        self.assertEqual(status, 403)
        # the allowed origin, preflight then a JSON post
        status, headers, _ = self.request('OPTIONS', headers={
                'Origin': ORIGIN,
                'Access-Control-Request-Method': 'POST'})
        self.assertEqual(status, 204)
        self.assertEqual(headers['Access-Control-Allow-Origin'], ORIGIN)
        status, headers, body = self.submit(name=name,
            email='o@example.com', headers={
                'Origin': ORIGIN, 'Accept': 'application/json'})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {'status': 'ok'})
        self.assertEqual(headers['Access-Control-Allow-Origin'], ORIGIN)
        self.assertEqual(len(self.leads(name=name)), 1)
        # the server's own pages (the iframe) are the same origin
        status, _, _ = self.submit(name=name + "2", email='p@example.com',
            headers={'Origin': self.inst.url.rstrip('/')})
        self.assertEqual(status, 200)

    def test_honeypot_and_timing(self):
        "A robot is thanked and ignored; too fast or a forged token: 400"
        name = "机器" + secrets.token_hex(3)
        status, _, page = self.submit(name=name, email='r@example.com',
            website='http://spam.example')
        self.assertEqual(status, 200)
        self.assertEqual(self.leads(name=name), [])
        token, _ = self.token(wait=False)
        status, _, _ = self.submit(token, name=name, email='r@example.com')
        self.assertEqual(status, 400)
        stamp, _, _ = token.partition('.')
        forged = f'{int(stamp) - 60}.{"0" * 32}'
        status, _, _ = self.submit(forged, name=name, email='r@example.com')
        self.assertEqual(status, 400)
        self.assertEqual(self.leads(name=name), [])

    def test_flood(self):
        "Past the rate limit of the client address: 429 with Retry-After"
        token, _ = self.token()
        name = "洪水" + secrets.token_hex(3)
        statuses = [self.submit(token, name=name,
                email=f'f{i}@example.com')[0] for i in range(RATE_LIMIT)]
        self.assertEqual(statuses, [200] * RATE_LIMIT)
        status, headers, page = self.submit(token, name=name,
            email='late@example.com')
        self.assertEqual(status, 429)
        self.assertGreater(int(headers['Retry-After']), 0)
        self.assertEqual(len(self.leads(name=name)), RATE_LIMIT)
        # another address is not limited
        self.address = f'2001:db8::{secrets.token_hex(2)}'
        status, _, _ = self.submit(token, name=name, email='o@example.com')
        self.assertEqual(status, 200)

    def test_embed_script(self):
        "form.js embeds the form in an iframe with the page's parameters"
        status, headers, script = self.request(url=self.url + '.js')
        self.assertEqual(status, 200)
        self.assertIn('application/javascript', headers['Content-Type'])
        self.assertIn(json.dumps(self.url), script)
        self.assertIn('"utm_source"', script)
        self.assertIn('iframe', script)

    def test_inbound_email(self):
        "A mail to the inbox becomes a lead of the sender, once"
        rpc = self.inst.rpc()
        Inbox = rpc.model('inbound.email.inbox')
        inbox, = Inbox.create([{
                    'name': "销售邮箱",
                    'rules': [('create', [{
                                    'action': 'crm.lead|from_inbound_email',
                                    }])],
                    }])
        Inbox.new_identifier([inbox])
        identifier, = [i['identifier'] for i in Inbox.read(
                [inbox], ['identifier'])]
        subject = "询价：注塑机 " + secrets.token_hex(3)
        message = EmailMessage()
        message['From'] = '林峰 <lin.feng@example.com>'
        message['To'] = 'sales@crm.example.com'
        message['Subject'] = subject
        message['Message-ID'] = make_msgid(domain='example.com')
        message.set_content("请报价两台注塑机。")
        for _ in range(2):
            request = urllib.request.Request(
                f'{self.inst.url}{self.inst.database}'
                f'/inbound_email/inbox/{identifier}',
                data=message.as_bytes(), method='POST',
                headers={'Content-Type': 'message/rfc822'})
            with urllib.request.urlopen(request, timeout=30) as response:
                self.assertEqual(response.status, 204)
        lead, = [l for l in self.leads(email='lin.feng@example.com')
            if subject in (l['description'] or '')]
        self.assertEqual(lead['name'], '林峰')
        self.assertEqual(lead['source'], self.inst.ref('crm_plus.source_email'))
        self.assertEqual(lead['description'], f"{subject}\n\n请报价两台注塑机。\n")

    def test_import(self):
        "crm-plus import leads: per-row results in the report"
        tag = secrets.token_hex(3)
        folder = Path(tempfile.mkdtemp())
        path = folder / 'leads.csv'
        path.write_text(
            '姓名,公司,手机,邮箱,来源,负责人,utm source\n'
            f'甲{tag},甲公司{tag},+86 137 0000 {secrets.randbelow(9000) + 1000},'
            f',展会,zhangwei,expo\n'
            f'乙{tag},,,yi{tag}@example.com,网站表单,,\n'
            f'丙{tag},,,,,,\n'
            f'丁{tag},,,yi{tag}@example.com,,,\n'
            f'戊{tag},,,wu{tag}@example.com,没有这个来源,,\n',
            encoding='utf-8')
        report = folder / 'report.csv'
        result = _crm_plus(self.inst.home, 'import', 'leads', str(path),
            '--report', str(report), capture_output=True, text=True,
            timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('imported: 2', result.stdout)
        self.assertIn('rejected: 3', result.stdout)
        text = report.read_text(encoding='utf-8-sig')
        self.assertEqual(text.count('\n'), 6, text)
        first, = self.leads(name=f'甲{tag}')
        self.assertEqual(first['utm_source'], 'expo')
        self.assertEqual(first['source'],
            self.inst.ref('crm_plus.source_trade_show'))
        zhangwei, = self.inst.rpc().model('res.user').search_read(
            [('login', '=', 'zhangwei')], 0, None, None, ['employee'])
        self.assertEqual(first['owner'], zhangwei['employee'])
        self.assertEqual(len(self.leads(name=f'乙{tag}')), 1)
        for name in ['丙', '丁', '戊']:
            self.assertEqual(self.leads(name=f'{name}{tag}'), [])

    def test_representatives(self):
        "A representative reads only their leads: search, export, API"
        admin = self.inst.rpc()
        employees = {u['login']: u['employee'] for u in
            admin.model('res.user').search_read(
                [('login', 'in', ['zhangwei', 'lina'])], 0, None, None,
                ['login', 'employee'])}
        total = admin.model('crm.lead').search_count([])
        for login, employee in employees.items():
            rpc = self.inst.rpc(login, self.inst.password(login))
            Lead = rpc.model('crm.lead')
            ids = Lead.search([], 0, None, None)
            self.assertTrue(ids)
            self.assertLess(len(ids), total)
            owners = {r['owner'] for r in Lead.read(ids, ['owner'])}
            self.assertEqual(owners, {employee})
            exported = Lead.export_data_domain([], ['name', 'owner/id'])
            self.assertEqual(len(exported), len(ids))
            others = admin.model('crm.lead').search(
                [('owner', '!=', employee)], 0, 1, None)
            with self.assertRaises(Exception):
                Lead.read(others, ['name'])
            with self.assertRaises(Exception):
                Lead.export_data(others, ['name'])
            key = self.inst.api_key(login)
            status, _, body = self.inst.api('GET', 'leads', key,
                params={'page_size': 100})
            self.assertEqual(status, 200, body)
            self.assertEqual({r['owner_id'] for r in body['data']},
                {employee})
            status, _, _ = self.inst.api('GET', f'leads/{others[0]}', key)
            self.assertEqual(status, 404)

    def test_api_qualify_convert(self):
        "Through the API a lead is created, qualified, converted"
        key = self.inst.api_key('admin')
        tag = secrets.token_hex(3)
        status, _, lead = self.inst.api('POST', 'leads', key, json={
                'name': f'黄{tag}', 'organization': f'黄氏机电{tag}',
                'email': f'huang{tag}@example.com'})
        self.assertEqual(status, 201, lead)
        status, _, body = self.inst.api('POST',
            f'leads/{lead["id"]}/convert', key, json={})
        self.assertIn(status, {400, 409, 422}, body)
        status, _, body = self.inst.api('POST',
            f'leads/{lead["id"]}/qualify', key, json={})
        self.assertEqual(status, 200, body)
        status, _, body = self.inst.api('POST',
            f'leads/{lead["id"]}/convert', key, json={})
        self.assertEqual(status, 200, body)
        status, _, lead = self.inst.api('GET', f'leads/{lead["id"]}', key)
        self.assertEqual(lead['state'], 'converted')
        self.assertTrue(lead['customer_id'] and lead['contact_id']
            and lead['opportunity_id'])


for _backend in BACKENDS:
    _name = f'{_backend.capitalize()}LeadFormTest'
    globals()[_name] = type(_name, (LeadFormTest, unittest.TestCase),
        {'backend': _backend})
del _backend, _name
