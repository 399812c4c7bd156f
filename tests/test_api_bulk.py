"""System tests of POST /<db>/api/v1/<resource>/bulk and of the
documentation page GET /<db>/api/v1/docs, over HTTP against a served demo
instance of each backend (harness.instance).

The rows are checked as ``crm-plus import`` checks them: invalid codes,
phones and e-mails rejected naming the field, duplicates of the database
and of the rows before refused, a representative's record rules obeyed.
The counts are read with SQL.
"""
import json
import os
import random
import re
import secrets
import string
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from harness import BACKENDS, instance
from test_system import CHROMEDRIVER, CHROMIUM, has_chromium

# Where ./crm installs the documentation viewer, for the instances that
# crm-plus init configures (./crm exports it)
os.environ.setdefault('CRM_PLUS_API_DOCS',
    str(Path(__file__).resolve().parent.parent / '.api-docs'))

USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'


def uscc():
    "A valid random unified social credit code"
    from stdnum.cn import uscc as module
    while True:
        code = '911101' + ''.join(random.choices(USCC_CHARS, k=11))
        code += module.calc_check_digit(code)
        if module.is_valid(code):
            return code


def mobile():
    return '139' + ''.join(random.choices(string.digits, k=8))


def unique(prefix):
    return f'{prefix} {secrets.token_hex(4)}'


class BulkCase:
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.inst = instance(cls.backend)
        cls.keys = {}

    def key(self, login):
        "An API key of login with every scope"
        if login not in self.keys:
            rpc = self.inst.rpc()
            user, = rpc.model('res.user').search(
                [('login', '=', login)], 0, None, None)
            secret = 'crm_' + secrets.token_urlsafe(32)
            scopes = rpc('model.res.user.application.get_scopes')
            rpc.model('res.user.application').create([{
                        'application': 'crm_api', 'key': secret,
                        'user': user, 'name': 'bulk test',
                        'scopes': [s for s, _ in scopes],
                        'state': 'validated'}])
            self.keys[login] = secret
        return self.keys[login]

    def call(self, method, path, login='admin', body=None, headers=None):
        "(status, headers, body) of the API call, JSON decoded"
        url = f'{self.inst.url}{self.inst.database}/api/v1/{path}'
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, method=method, data=data,
            headers={'Authorization': f'Bearer {self.key(login)}',
                'Content-Type': 'application/json',
                'Accept-Language': 'en', **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, info, content = (
                    response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            status, info, content = error.code, error.headers, error.read()
        if 'json' in info.get('Content-Type', ''):
            content = json.loads(content)
        return status, info, content

    def bulk(self, resource, rows, login='admin'):
        status, _, body = self.call('POST', f'{resource}/bulk', login,
            {'rows': rows})
        self.assertEqual(status, 200, body)
        self.assertEqual(len(body['results']), len(rows), body)
        self.assertEqual([r['index'] for r in body['results']],
            list(range(len(rows))))
        for status in ['created', 'updated', 'rejected']:
            self.assertEqual(body[status], sum(
                    r['status'] == status for r in body['results']), body)
        return body['results']

    def customers(self, where='1=1', params=()):
        return self.inst.count('party_party',
            f'crm_kind IS NOT NULL AND {where}', params)

    def employee(self, login):
        (employee,), = self.inst.sql('SELECT employee FROM res_user '
            'WHERE login = ?', (login,))
        return employee

    def assertRejected(self, result, field):
        self.assertEqual(result['status'], 'rejected', result)
        self.assertIsNone(result['id'])
        self.assertIn(field, [e['field'] for e in result['errors']], result)
        self.assertTrue(all(e['reason'] for e in result['errors']), result)

    # Customers -----------------------------------------------------------
    def test_customers_created(self):
        "Valid rows are created with their codes, phones and e-mails"
        before = self.customers()
        code = uscc()
        rows = [
            {'name': unique('北京测试科技有限公司'), 'uscc': code,
                'mobile': mobile(), 'email': f'{secrets.token_hex(4)}@ex.cn',
                'city': '北京', 'tags': ['API']},
            {'name': unique('上海测试贸易有限公司'), 'phone': '021 6888 1234',
                'kind': 'enterprise'},
            {'name': unique('张三'), 'kind': 'individual',
                'mobile': mobile()},
            ]
        results = self.bulk('customers', rows)
        self.assertEqual([r['status'] for r in results], ['created'] * 3,
            results)
        self.assertEqual(self.customers(), before + 3)
        for row, result in zip(rows, results):
            (name,), = self.inst.sql(
                'SELECT name FROM party_party WHERE id = ?', (result['id'],))
            self.assertEqual(name, row['name'])
        self.assertEqual(self.inst.count('party_identifier',
                'party = ? AND code = ?', (results[0]['id'], code)), 1)
        self.assertEqual(self.inst.count('party_contact_mechanism',
                'party = ? AND type = ?', (results[0]['id'], 'email')), 1)
        self.assertEqual(self.inst.count('party_address',
                'party = ? AND city = ?', (results[0]['id'], '北京')), 1)
        status, _, record = self.call('GET', f'customers/{results[2]["id"]}')
        self.assertEqual((status, record['kind']), (200, 'individual'))

    def test_invalid_values_rejected(self):
        "An invalid USCC, phone or e-mail rejects the row naming the field"
        before = self.customers()
        name = unique('无效公司')
        results = self.bulk('customers', [
                {'name': name, 'uscc': '91110000ABC'},
                {'name': unique('无效电话公司'), 'mobile': '123'},
                {'name': unique('无效邮箱公司'), 'email': 'not an e-mail'},
                {'name': unique('未知字段公司'), 'colour': 'red'},
                {'name': 42},
                {'uscc': uscc()},
                {'name': '长' * 300},
                'not an object',
                {'name': unique('有效公司')},
                ])
        for result, field in zip(results, [
                    'uscc', 'mobile', 'email', 'colour', 'name', 'name',
                    'name', None]):
            self.assertRejected(result, field)
        self.assertEqual(results[-1]['status'], 'created', results)
        self.assertEqual(self.customers(), before + 1)
        self.assertEqual(self.customers('name = ?', (name,)), 0)

    def test_duplicates_rejected(self):
        "Duplicates of the database and of a row before are refused"
        code, phone = uscc(), mobile()
        first = self.bulk('customers', [
                {'name': unique('重复测试公司'), 'uscc': code}])
        self.assertEqual(first[0]['status'], 'created', first)
        before = self.customers()
        results = self.bulk('customers', [
                # the USCC of the customer created before
                {'name': unique('另一家公司'), 'uscc': code},
                {'name': unique('甲公司'), 'mobile': phone},
                # the mobile of the row before
                {'name': unique('乙公司'), 'mobile': phone},
                ])
        self.assertRejected(results[0], 'uscc')
        self.assertIn('Duplicate', results[0]['errors'][0]['reason'])
        self.assertEqual(results[1]['status'], 'created', results)
        self.assertRejected(results[2], 'mobile')
        self.assertIn('index 1', results[2]['errors'][0]['reason'])
        self.assertEqual(self.customers(), before + 1)
        self.assertEqual(self.inst.count('party_identifier',
                'code_compact = ?', (code,)), 1)

    def test_update_by_id(self):
        "A row with id changes the record as PATCH does"
        created, = self.bulk('customers', [{'name': unique('待更新公司')}])
        name = unique('已更新公司')
        results = self.bulk('customers', [
                {'id': created['id'], 'name': name, 'website': 'ex.cn'},
                {'id': created['id'], 'email': 'bad'},
                {'id': 2 ** 31 - 1, 'name': unique('不存在')},
                ])
        self.assertEqual(results[0], {'index': 0, 'status': 'updated',
                'id': created['id'], 'errors': []})
        self.assertRejected(results[1], 'email')
        self.assertRejected(results[2], 'id')
        self.assertEqual(self.customers('id = ? AND name = ?',
                (created['id'], name)), 1)

    def test_representative_rules(self):
        "A representative cannot change nor give another's customers"
        (other,), = self.inst.sql('SELECT id FROM party_party '
            'WHERE crm_owner = ? ORDER BY id LIMIT 1',
            (self.employee('zhangwei'),))
        (name,), = self.inst.sql(
            'SELECT name FROM party_party WHERE id = ?', (other,))
        before = self.customers()
        own_name = unique('丽娜的客户')
        results = self.bulk('customers', [
                {'id': other, 'name': unique('改名')},
                {'name': unique('给张伟的客户'),
                    'owner_id': self.employee('zhangwei')},
                {'name': own_name, 'owner_id': self.employee('lina')},
                ], login='lina')
        self.assertRejected(results[0], 'id')
        # the answer of a GET of the record: not found
        status, _, body = self.call('GET', f'customers/{other}', 'lina')
        self.assertEqual(status, 404, body)
        self.assertEqual(results[0]['errors'],
            [{'field': 'id', 'reason': body['error']['message']}])
        self.assertRejected(results[1], 'owner_id')
        self.assertEqual(results[2]['status'], 'created', results)
        self.assertEqual(self.customers(), before + 1)
        self.assertEqual(self.customers('id = ? AND name = ?',
                (other, name)), 1)
        self.assertEqual(self.customers('name = ? AND crm_owner = ?',
                (own_name, self.employee('lina'))), 1)

    def test_hidden_duplicate_not_named(self):
        "A duplicate of a customer the user cannot see is not named"
        code = uscc()
        name = unique('张伟的保密客户')
        created, = self.bulk('customers', [{'name': name, 'uscc': code,
                    'owner_id': self.employee('zhangwei')}])
        self.assertEqual(created['status'], 'created', created)
        result, = self.bulk('customers', [
                {'name': unique('丽娜的新客户'), 'uscc': code}],
            login='lina')
        self.assertRejected(result, 'uscc')
        self.assertNotIn(name, json.dumps(result, ensure_ascii=False))

    def test_limits(self):
        "More than 500 rows, or not a list of rows, is refused whole"
        before = self.customers()
        status, _, body = self.call('POST', 'customers/bulk', body={
                'rows': [{'name': unique('超限')}] * 501})
        self.assertEqual(status, 413, body)
        self.assertEqual(body['error']['code'], 'too_many_rows')
        for bad in [[], {'rows': {}}, {'rows': [], 'other': 1}]:
            status, _, body = self.call('POST', 'customers/bulk', body=bad)
            self.assertEqual(status, 400, body)
        self.assertEqual(self.customers(), before)
        status, _, body = self.call('POST', 'interactions/bulk',
            body={'rows': []})
        self.assertEqual(status, 405, body)

    def test_idempotent(self):
        "A retry with the same Idempotency-Key replays the first answer"
        before = self.customers()
        body = {'rows': [{'name': unique('幂等公司')}]}
        headers = {'Idempotency-Key': secrets.token_hex(8)}
        first = self.call('POST', 'customers/bulk', body=body,
            headers=headers)
        second = self.call('POST', 'customers/bulk', body=body,
            headers=headers)
        self.assertEqual(first[0], 200, first[2])
        self.assertEqual(second[2], first[2])
        self.assertEqual(second[1]['Idempotent-Replayed'], 'true')
        self.assertEqual(self.customers(), before + 1)

    def test_create_failure_isolated(self):
        """A row failing in the database is rejected alone: the batch is
        undone to its savepoint and saved again without it"""
        if self.backend != 'postgresql':
            self.skipTest("SQLite stores a NUL character")
        before = self.customers()
        names = [unique('批次公司') for _ in range(3)]
        results = self.bulk('customers', [
                {'name': names[0], 'tags': ['VIP']},
                # PostgreSQL refuses a NUL character in a text: the tag,
                # which the import does not check, fails at the insert
                {'name': names[1], 'tags': ['坏\x00标签']},
                {'name': names[2]},
                ])
        self.assertEqual([r['status'] for r in results],
            ['created', 'rejected', 'created'], results)
        self.assertEqual(self.customers(), before + 2)
        self.assertEqual(self.customers('name = ?', (names[1],)), 0)
        # the request's transaction went on: the ids answered exist
        for result in [results[0], results[2]]:
            self.assertEqual(self.customers('id = ?', (result['id'],)), 1)

    # Contacts ------------------------------------------------------------
    def test_contacts(self):
        "Contacts of an enterprise by id, checked as the import does"
        enterprise, = self.bulk('customers', [{'name': unique('联系人公司')}])
        before = self.inst.count('crm_contact')
        phone = mobile()
        results = self.bulk('contacts', [
                {'customer_id': enterprise['id'], 'name': '王五',
                    'mobile': phone, 'position': '经理'},
                {'customer_id': enterprise['id'], 'name': '王五',
                    'mobile': phone},
                {'customer_id': enterprise['id'], 'name': '赵六',
                    'email': 'bad e-mail'},
                {'customer_id': 2 ** 31 - 1, 'name': '钱七',
                    'mobile': mobile()},
                ])
        self.assertEqual(results[0]['status'], 'created', results)
        self.assertRejected(results[1], 'mobile')
        self.assertRejected(results[2], 'email')
        self.assertRejected(results[3], 'customer_id')
        self.assertEqual(self.inst.count('crm_contact'), before + 1)
        self.assertEqual(self.inst.count('crm_contact',
                'id = ? AND enterprise = ?',
                (results[0]['id'], enterprise['id'])), 1)

    # Documentation -------------------------------------------------------
    def get(self, path, accept_language='zh-CN'):
        request = urllib.request.Request(
            f'{self.inst.url}{self.inst.database}/api/v1/{path}',
            headers={'Accept-Language': accept_language})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def test_docs_page(self):
        "The page references the local Swagger UI, served by the route"
        status, headers, content = self.get('docs')
        self.assertEqual(status, 200)
        self.assertIn('text/html', headers['Content-Type'])
        page = content.decode()
        self.assertIn('lang="zh-CN"', page)
        self.assertIn('接口文档', page)
        docs = f'/{self.inst.database}/api/v1/docs'
        self.assertIn(f'src="{docs}/swagger-ui-bundle.js"', page,
            "the viewer is missing: ./crm install installs it")
        self.assertIn(f'href="{docs}/swagger-ui.css"', page)
        # every URL of the page is of this server
        self.assertEqual(re.findall(r'(?:src|href)="(?:https?:)?//', page), [])
        self.assertIn(f'/{self.inst.database}/api/v1/openapi.json', page)
        status, headers, content = self.get('docs/swagger-ui-bundle.js')
        self.assertEqual(status, 200)
        self.assertIn('javascript', headers['Content-Type'])
        self.assertIn(b'SwaggerUIBundle', content)
        self.assertGreater(len(content), 100_000)
        status, headers, content = self.get('docs/swagger-ui.css')
        self.assertEqual((status, headers['Content-Type'].split(';')[0]),
            (200, 'text/css'))
        for path in ['docs/package.json', 'docs/../../trytond.conf',
                'docs/x/swagger-ui.css']:
            self.assertEqual(self.get(path)[0], 404, path)
        status, _, content = self.get('docs', 'en')
        self.assertIn('API Reference', content.decode())

    @unittest.skipUnless(has_chromium(), "Chromium is not installed")
    def test_docs_rendered(self):
        "Chromium renders the page: the resources shown, no console error"
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        import shutil
        import tempfile
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        profile = tempfile.mkdtemp(prefix='crm-systest-chromium-')
        self.addCleanup(shutil.rmtree, profile, ignore_errors=True)
        for argument in ['--headless=new', '--no-sandbox', '--disable-gpu',
                '--no-first-run', '--disable-background-networking',
                '--lang=zh-CN', f'--user-data-dir={profile}',
                '--window-size=1400,900']:
            options.add_argument(argument)
        # a Chinese user's browser
        options.add_experimental_option(
            'prefs', {'intl.accept_languages': 'zh-CN,zh'})
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        driver = webdriver.Chrome(
            options=options, service=Service(executable_path=CHROMEDRIVER))
        self.addCleanup(driver.quit)
        driver.get(f'{self.inst.url}{self.inst.database}/api/v1/docs')
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(
                By.CSS_SELECTOR, '.opblock-tag'))
        tags = [e.text for e in driver.find_elements(
                By.CSS_SELECTOR, '.opblock-tag')]
        for name in ['customers', 'contacts', 'opportunities', 'products']:
            self.assertTrue(any(t.startswith(name) for t in tags), tags)
        text = driver.find_element(By.TAG_NAME, 'body').text
        self.assertIn('CRM Plus API', text)
        self.assertIn('接口文档', text)
        self.assertIn('/customers/bulk', text)
        errors = [entry for entry in driver.get_log('browser')
            if entry['level'] == 'SEVERE']
        self.assertEqual(errors, [])


@unittest.skipUnless('sqlite' in BACKENDS, "SQLite not among CRM_PLUS_BACKENDS")
class SqliteBulkTest(BulkCase, unittest.TestCase):
    backend = 'sqlite'


@unittest.skipUnless('postgresql' in BACKENDS, "PostgreSQL not reachable")
class PostgresqlBulkTest(BulkCase, unittest.TestCase):
    backend = 'postgresql'


if __name__ == '__main__':
    unittest.main()
