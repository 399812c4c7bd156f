"""The CRM API (/<db>/api/v1) over HTTP, on every backend.

Against the served demo instance: lists (pagination, filters, sorting,
field selection, updated_since), reads, creations, changes, deletions and
actions of every resource; the payload formats; the error statuses with
their JSON bodies and stable codes; idempotency keys; ETags; and the
object-level authorization of a Sales Representative's key, which sees
exactly what the representative sees over JSON-RPC and nothing of another
representative's customers.
"""
import datetime as dt
import decimal
import json
import secrets
import unittest
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from stdnum.cn import uscc as stdnum_uscc

from harness import BACKENDS, Instance, instance

RESOURCES = ['customers', 'contacts', 'interactions', 'follow-ups',
    'opportunities', 'sales', 'products', 'tickets']
MODELS = {
    'customers': ('party.party', [('crm_kind', '!=', None)]),
    'contacts': ('crm.contact', []),
    'interactions': ('crm.interaction', []),
    'follow-ups': ('crm.follow_up', []),
    'opportunities': ('sale.opportunity', []),
    'sales': ('sale.sale', []),
    'products': ('product.product', [('salable', '=', True)]),
    'tickets': ('crm.ticket', []),
    }
# The customer of each resource hanging off a customer
CUSTOMER_OF = ['contacts', 'interactions', 'follow-ups', 'opportunities',
    'sales']
MANAGER_ONLY = {'customers': ['id_number', 'birthday', 'age'],
    'contacts': ['birthday']}


def new_uscc():
    "A valid unified social credit code nobody has"
    base = '91320500' + secrets.token_hex(5).upper()[:9]
    return base + stdnum_uscc.calc_check_digit(base)


class ApiCase:
    "The tests, run on the instance of backend"
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.inst = instance(cls.backend)
        cls.admin = cls.inst.rpc()
        cls.key = cls.inst.api_key('admin')
        for login in ['lina', 'zhangwei', 'wangjianhua']:
            cls.inst.password(login)
        cls.lina = cls.inst.api_key('lina')
        cls.zhangwei = cls.inst.api_key('zhangwei')
        cls.manager = cls.inst.api_key('wangjianhua')
        User = cls.admin.model('res.user')
        cls.employee = {}
        for login in ['lina', 'zhangwei']:
            user, = User.search([('login', '=', login)], 0, None, None)
            cls.employee[login], = [u['employee'] for u in User.read(
                    [user], ['employee'])]
        # a customer of zhangwei's that lina does not see, one of lina's
        cls.his = cls._customer(cls.employee['zhangwei'])
        cls.hers = cls._customer(cls.employee['lina'])
        cls._records_of(cls.his['id'])

    @classmethod
    def _records_of(cls, customer):
        "Give the customer a record of each resource hanging off it"
        today = dt.date.today().isoformat()
        for resource, values in [
                ('contacts', {'name': "郑丽"}),
                ('interactions', {'type': 'visit', 'subject': "拜访"}),
                ('follow-ups', {'description': "回访", 'due_date': today,
                        'user_id': cls.admin.user_id}),
                ('opportunities', {'title': "生产线改造"}),
                ('sales', {'description': "报价"}),
                ]:
            status, _, body = cls.inst.api('POST', resource, cls.key,
                json=dict(values, customer_id=customer))
            assert status == 201, body

    @classmethod
    def _customer(cls, employee):
        Party = cls.admin.model('party.party')
        ids = Party.search([('crm_owner', '=', employee)], 0, None,
            [('id', 'ASC')])
        return Party.read(ids[:1], ['name', 'crm_uscc'])[0]

    # Helpers ---------------------------------------------------------------
    def call(self, method, path, key=None, **kwargs):
        status, headers, body = self.inst.api(
            method, path, self.key if key is None else key, **kwargs)
        self.assertLess(status, 500, (method, path, kwargs, body))
        return status, headers, body

    def ok(self, method, path, key=None, status=200, **kwargs):
        result, headers, body = self.call(method, path, key, **kwargs)
        self.assertEqual(result, status, body)
        return body, headers

    def error(self, status, code, method, path, key=None, **kwargs):
        result, headers, body = self.call(method, path, key, **kwargs)
        self.assertEqual(result, status, body)
        self.assertTrue(headers['Content-Type'].startswith(
                'application/json'), headers)
        self.assertEqual(body['error']['code'], code, body)
        self.assertTrue(body['error']['message'])
        self.assertNotIn('Traceback', json.dumps(body))
        return body['error'], headers

    def all_pages(self, path, key=None, params=None):
        "The records of every page, following next"
        params = dict(params or {}, page_size=100)
        records = []
        while True:
            body, _ = self.ok('GET', path, key, params=params)
            records += body['data']
            if not body['next']:
                self.assertEqual(len(records), body['total'])
                return records
            params = {k: v[0] for k, v in parse_qs(
                    urlsplit(body['next']).query).items()}

    def rpc_ids(self, login, resource):
        model, domain = MODELS[resource]
        return set(self.inst.rpc(login).model(model).search(
                domain, 0, None, None))

    def first(self, resource, key=None, **params):
        body, _ = self.ok('GET', resource, key,
            params=dict(params, page_size=1))
        self.assertTrue(body['data'], (resource, params))
        return body['data'][0]

    def of_customer(self, resource, customer, key=None):
        body, _ = self.ok('GET', resource, key,
            params={'customer_id': customer, 'page_size': 100})
        return body['data']

    def new_customer(self, key=None, **values):
        name = values.pop('name', None) or f"测试客户{secrets.token_hex(4)}有限公司"
        body, _ = self.ok('POST', 'customers', key, status=201, json={
                'kind': 'enterprise', 'name': name, **values})
        return body

    # Lists -----------------------------------------------------------------
    def test_list_pagination(self):
        "page, page_size up to its maximum and next walk every record"
        for resource in RESOURCES:
            with self.subTest(resource=resource):
                body, _ = self.ok('GET', resource, params={'page_size': 2})
                self.assertEqual(body['page'], 1)
                self.assertEqual(body['page_size'], 2)
                self.assertLessEqual(len(body['data']), 2)
                self.assertGreater(body['total'], 2)
                self.assertIn('page=2', body['next'])
                second, _ = self.ok('GET', resource,
                    params={'page_size': 2, 'page': 2})
                self.assertFalse({r['id'] for r in body['data']}
                    & {r['id'] for r in second['data']})
                records = self.all_pages(resource)
                ids = [r['id'] for r in records]
                self.assertEqual(len(ids), len(set(ids)))
                self.assertEqual(set(ids), self.rpc_ids('admin', resource))
                last, _ = self.ok('GET', resource, params={
                        'page_size': 100, 'page': 1000})
                self.assertEqual(last['data'], [])
                self.assertIsNone(last['next'])
        body, _ = self.ok('GET', 'customers', params={'page_size': 100})
        self.assertEqual(body['page_size'], 100)
        for params in [{'page_size': 101}, {'page_size': 0},
                {'page': 0}, {'page': -1}, {'page': 'abc'},
                {'page_size': '1.5'}, {'page': 10 ** 20}]:
            with self.subTest(params=params):
                error, _ = self.error(400, 'invalid_parameter', 'GET',
                    'customers', params=params)
                self.assertEqual(error['details'][0]['field'],
                    next(iter(params)))

    def test_list_filters(self):
        "Every documented equality filter gives the records of that value"
        document = self.openapi()
        for resource in RESOURCES:
            parameters = document['paths'][f'/{resource}']['get'][
                'parameters']
            names = [p['name'] for p in parameters if p['name'] not in {
                    'page', 'page_size', 'sort', 'fields', 'updated_since'}]
            self.assertTrue(names, resource)
            records = self.all_pages(resource)
            for name in names:
                if '__' in name:
                    continue
                values = [r[name] for r in records if r.get(name) is not None]
                if not values:
                    continue
                value = values[0]
                param = str(value).lower() if isinstance(value, bool) \
                    else value
                with self.subTest(resource=resource, filter=name):
                    found = self.all_pages(resource,
                        params={name: param})
                    self.assertEqual({r['id'] for r in found},
                        {r['id'] for r in records if r[name] == value})

    def test_list_filter_operators(self):
        customers = self.all_pages('customers')
        word = next(c['name'] for c in customers if len(c['name']) > 6)[2:5]
        found = self.all_pages('customers', params={'name__contains': word})
        self.assertEqual({c['id'] for c in found},
            {c['id'] for c in customers if word in c['name']})
        # the wildcards of LIKE are plain characters
        self.assertEqual(self.all_pages('customers',
                params={'name__contains': '%'}), [])
        opportunities = self.all_pages('opportunities')
        found = self.all_pages('opportunities', params={
                'amount__gte': '500000', 'amount__lte': '2000000.5'})
        self.assertEqual({o['id'] for o in found}, {
                o['id'] for o in opportunities if o['amount'] is not None
                and 500000 <= decimal.Decimal(o['amount']) <= 2000000.5})
        self.assertTrue(found)
        found = self.all_pages('opportunities', params={
                'start_date__gte': '2026-09-01'})
        self.assertEqual({o['id'] for o in found}, {
                o['id'] for o in opportunities
                if o['start_date'] >= '2026-09-01'})
        for path, params in [
                ('customers', {'owner_id': 'abc'}),
                ('customers', {'kind': 'company'}),
                ('customers', {'birthday': '2020-13-01'}),
                ('follow-ups', {'overdue': 'yes'}),
                ('opportunities', {'amount__gte': 'many'}),
                ('opportunities', {'amount__gte': 'NaN'}),
                ('customers', {'updated_since': 'yesterday'}),
                ('customers', {'owner_id': str(2 ** 40)}),
                ]:
            with self.subTest(path=path, params=params):
                error, _ = self.error(400, 'invalid_filter', 'GET', path,
                    params=params)
                self.assertEqual(error['details'][0]['field'],
                    next(iter(params)))

    def test_list_updated_since(self):
        customer = self.new_customer()
        since = customer['updated_at']
        found = self.all_pages('customers', params={'updated_since': since})
        self.assertIn(customer['id'], {c['id'] for c in found})
        self.assertTrue(all(c['updated_at'] >= since for c in found))
        future = (dt.datetime.now(dt.timezone.utc)
            + dt.timedelta(days=1)).isoformat()
        body, _ = self.ok('GET', 'customers',
            params={'updated_since': future})
        self.assertEqual(body['total'], 0)

    def test_list_sort(self):
        for resource in RESOURCES:
            with self.subTest(resource=resource):
                ids = [r['id'] for r in self.all_pages(
                        resource, params={'sort': '-id'})]
                self.assertEqual(ids, sorted(ids, reverse=True))
        # a lifecycle sorts in the order of its stages (of the enum)
        order = self.openapi()['components']['schemas']['Customers'][
            'properties']['lifecycle']['enum']
        customers = self.all_pages('customers', params={'sort': 'lifecycle'})
        lifecycles = [order.index(c['lifecycle']) for c in customers]
        self.assertEqual(lifecycles, sorted(lifecycles))
        self.assertGreater(len(set(lifecycles)), 1)
        customers = self.all_pages('customers',
            params={'sort': '-lifecycle,-id'})
        keys = [(order.index(c['lifecycle']), c['id']) for c in customers]
        self.assertEqual(keys, sorted(keys, reverse=True))
        dates = [o['start_date'] for o in self.all_pages(
                'opportunities', params={'sort': '-start_date'})]
        self.assertEqual(dates, sorted(dates, reverse=True))
        for sort in ['website', 'nothing', '-', 'name,,']:
            with self.subTest(sort=sort):
                self.error(400, 'invalid_sort', 'GET', 'customers',
                    params={'sort': sort})

    def test_fields(self):
        body, _ = self.ok('GET', 'customers',
            params={'fields': 'name,uscc', 'page_size': 5})
        for record in body['data']:
            self.assertEqual(set(record), {'id', 'name', 'uscc'})
        record, _ = self.ok('GET', f'customers/{self.his["id"]}',
            params={'fields': 'owner'})
        self.assertEqual(set(record), {'id', 'owner'})
        error, _ = self.error(400, 'invalid_fields', 'GET', 'customers',
            params={'fields': 'name,nope'})
        self.assertEqual(error['details'], [
                {'field': 'nope', 'reason': error['details'][0]['reason']}])

    # Records ---------------------------------------------------------------
    def test_read(self):
        for resource in RESOURCES:
            with self.subTest(resource=resource):
                record = self.first(resource)
                body, headers = self.ok('GET', f'{resource}/{record["id"]}')
                self.assertEqual(body, record)
                etag = headers['ETag']
                self.assertTrue(etag.startswith('"'))
                status, headers, body = self.call('GET',
                    f'{resource}/{record["id"]}',
                    headers={'If-None-Match': etag})
                self.assertEqual(status, 304)
                self.assertEqual(headers['ETag'], etag)
                unknown, _ = self.error(404, 'not_found', 'GET',
                    f'{resource}/{2 ** 31 - 1}')
                for path in [f'{resource}/0', f'{resource}/-3',
                        f'{resource}/abc', f'{resource}/{2 ** 40}',
                        f'{resource}/1.5']:
                    error, _ = self.error(404, 'not_found', 'GET', path)
                    self.assertEqual(error, unknown)
        self.error(404, 'not_found', 'GET', 'no_such_resource')
        self.error(404, 'not_found', 'GET', '')
        self.error(404, 'not_found', 'GET', 'customers/1/nothing')
        self.error(404, 'not_found', 'POST', 'customers/1/nothing', json={})

    def test_customer_lifecycle(self):
        "Create, read, change and delete a customer; payload formats"
        code = new_uscc()
        name = f"苏州新测精密仪器有限公司{secrets.token_hex(3)}"
        count = self.inst.count('party_party')
        body, headers = self.ok('POST', 'customers', status=201, json={
                'kind': 'enterprise', 'name': name, 'uscc': code,
                'website': 'https://新测.example.com', 'size': '11-50'})
        self.assertEqual(self.inst.count('party_party'), count + 1)
        self.assertEqual(body['name'], name)
        self.assertEqual(body['uscc'], code)
        self.assertEqual(body['kind'], 'enterprise')
        self.assertTrue(headers['Location'].endswith(
                f'/api/v1/customers/{body["id"]}'))
        self.assertIn('ETag', headers)
        self.assertIn('charset=utf-8', headers['Content-Type'])
        self.assertRegex(body['created_at'],
            r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$')
        (stored,), = self.inst.sql(
            'SELECT name FROM party_party WHERE id = ?', (body['id'],))
        self.assertEqual(stored, name)
        read, read_headers = self.ok('GET', f'customers/{body["id"]}')
        self.assertEqual(read, body)
        self.assertEqual(read_headers['ETag'], headers['ETag'])

        changed, patch_headers = self.ok('PATCH', f'customers/{body["id"]}',
            json={'name': name + "（苏州）", 'phone': '+86 512 6688 1234'},
            headers={'If-Match': headers['ETag']})
        self.assertEqual(changed['name'], name + "（苏州）")
        self.assertEqual(changed['phone'], '+86 512 6688 1234')
        self.assertNotEqual(patch_headers['ETag'], headers['ETag'])
        # a stale If-Match changes nothing
        self.error(412, 'precondition_failed', 'PATCH',
            f'customers/{body["id"]}', json={'name': "旧"},
            headers={'If-Match': headers['ETag']})
        (stored,), = self.inst.sql(
            'SELECT name FROM party_party WHERE id = ?', (body['id'],))
        self.assertEqual(stored, name + "（苏州）")
        self.error(412, 'precondition_failed', 'DELETE',
            f'customers/{body["id"]}', headers={'If-Match': headers['ETag']})
        self.ok('DELETE', f'customers/{body["id"]}', status=204,
            headers={'If-Match': patch_headers['ETag']})
        self.assertEqual(self.inst.count('party_party', 'id = ?',
                (body['id'],)), 0)
        self.error(404, 'not_found', 'GET', f'customers/{body["id"]}')

    def test_contact_interaction_follow_up(self):
        customer = self.new_customer()
        contact, _ = self.ok('POST', 'contacts', status=201, json={
                'customer_id': customer['id'], 'name': "陈静",
                'position': "采购经理", 'email': 'chen.jing@example.com',
                'decision_role': 'decision_maker', 'birthday': '1988-03-15'})
        self.assertEqual(contact['customer_id'], customer['id'])
        self.assertEqual(contact['birthday'], '1988-03-15')
        contact, _ = self.ok('PATCH', f'contacts/{contact["id"]}',
            json={'department': "采购部", 'primary': True})
        self.assertEqual(contact['department'], "采购部")
        self.assertIs(contact['primary'], True)

        # a datetime with an offset is stored in UTC, answered in the
        # company's timezone (Asia/Shanghai)
        interaction, _ = self.ok('POST', 'interactions', status=201, json={
                'customer_id': customer['id'], 'type': 'call',
                'subject': "电话沟通需求", 'date': '2026-11-02T09:30:00Z',
                'direction': 'outbound', 'duration': 600,
                'summary': "客户希望下周安排演示。"})
        self.assertEqual(interaction['date'], '2026-11-02T17:30:00+08:00')
        self.assertEqual(interaction['duration'], 600)
        (stored,), = self.inst.sql(
            'SELECT date FROM crm_interaction WHERE id = ?',
            (interaction['id'],))
        self.assertTrue(str(stored).startswith('2026-11-02 09:30:00'),
            stored)
        interaction, _ = self.ok('PATCH', f'interactions/{interaction["id"]}',
            json={'date': '2026-11-03T08:00:00', 'outcome': 'positive'})
        self.assertEqual(interaction['date'], '2026-11-03T08:00:00+08:00')

        due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
        user = self.admin.user_id
        follow_up, _ = self.ok('POST', 'follow-ups', status=201, json={
                'customer_id': customer['id'], 'description': "发送报价",
                'due_date': due, 'user_id': user,
                'interaction_id': interaction['id']})
        self.assertEqual((follow_up['state'], follow_up['due_date']),
            ('open', due))
        path = f'follow-ups/{follow_up["id"]}'
        done, _ = self.ok('POST', path + '/done')
        self.assertEqual(done['state'], 'done')
        self.assertTrue(done['done_at'].endswith('+08:00'))
        reopened, _ = self.ok('POST', path + '/reopen')
        self.assertEqual(reopened['state'], 'open')
        cancelled, _ = self.ok('POST', path + '/cancel', json={})
        self.assertEqual(cancelled['state'], 'cancelled')
        self.assertEqual(self.inst.sql('SELECT state FROM crm_follow_up '
                'WHERE id = ?', (follow_up['id'],)), [('cancelled',)])
        for resource, record in [('follow-ups', follow_up),
                ('interactions', interaction), ('contacts', contact)]:
            with self.subTest(resource=resource):
                # If-Match: * deletes any version
                self.ok('DELETE', f'{resource}/{record["id"]}', status=204,
                    headers={'If-Match': '*'})
                self.error(404, 'not_found', 'GET',
                    f'{resource}/{record["id"]}')

    def test_opportunity(self):
        customer = self.new_customer()
        body, _ = self.ok('POST', 'opportunities', status=201, json={
                'customer_id': customer['id'], 'title': "数控机床采购项目",
                'owner_id': self.employee['lina'],
                'amount': '1250000.50', 'start_date': '2026-11-01',
                'end_date': '2027-01-31'})
        self.assertEqual(body['amount'], '1250000.50')
        self.assertEqual(body['currency'], 'CNY')
        self.assertEqual(body['title'], "数控机床采购项目")
        self.assertEqual(body['start_date'], '2026-11-01')
        path = f'opportunities/{body["id"]}'
        stage = body['stage_id']
        moved, _ = self.ok('POST', path + '/next-stage')
        self.assertNotEqual(moved['stage_id'], stage)
        moved, _ = self.ok('POST', path + '/move', json={
                'stage_id': stage})
        self.assertEqual((moved['stage_id'], moved['state']),
            (stage, 'lead'))
        for payload in [{}, {'stage_id': 'x'}, {'stage_id': True},
                {'stage_id': 10 ** 6}]:
            with self.subTest(payload=payload):
                error, _ = self.error(422, 'validation_error', 'POST',
                    path + '/move', json=payload)
                self.assertEqual(error['details'][0]['field'], 'stage_id')
        patched, _ = self.ok('PATCH', path, json={'amount': 99})
        self.assertEqual(decimal.Decimal(patched['amount']), 99)
        error, _ = self.error(422, 'validation_error', 'PATCH', path,
            json={'amount': 1.5})
        self.assertEqual(error['details'][0]['field'], 'amount')
        moved, _ = self.ok('POST', path + '/next-stage')
        self.assertEqual(moved['state'], 'opportunity')
        converted, _ = self.ok('POST', path + '/convert')
        self.assertEqual(converted['state'], 'converted')
        sales = self.of_customer('sales', customer['id'])
        self.assertEqual(len(sales), 1)
        self.assertEqual(sales[0]['state'], 'draft')

        other, _ = self.ok('POST', 'opportunities', status=201, json={
                'customer_id': customer['id'], 'title': "备件年度采购",
                'owner_id': self.employee['lina']})
        error, _ = self.error(422, 'validation_error', 'POST',
            f'opportunities/{other["id"]}/lost', json={'reason': 5})
        self.assertEqual(error['details'][0]['field'], 'reason')
        for reason in [0, 2 ** 31 - 1, 2 ** 40]:
            error, _ = self.error(422, 'validation_error', 'POST',
                f'opportunities/{other["id"]}/lost',
                json={'lost_reason_id': reason})
            self.assertEqual(error['details'][0]['field'], 'lost_reason_id')
        lost, _ = self.ok('POST', f'opportunities/{other["id"]}/lost',
            json={'reason': "价格过高"})
        self.assertEqual(lost['state'], 'lost')
        # stock Tryton deletes only cancelled opportunities
        self.error(403, 'forbidden', 'DELETE', f'opportunities/{other["id"]}')
        self.assertEqual(self.inst.count('sale_opportunity', 'id = ?',
                (other['id'],)), 1)

    def test_ticket(self):
        "A ticket from the API through its workflow, as a service agent"
        self.inst.password('chenjing')
        agent = self.inst.api_key('chenjing')
        customer = self.new_customer()
        Team = self.admin.model('crm.team')
        team, = Team.search([('name', '=', "客户服务部")], 0, None, None)
        body, _ = self.ok('POST', 'tickets', agent, status=201, json={
                'customer_id': customer['id'], 'subject': "设备无法启动",
                'description': "按下启动键没有反应。", 'priority': 'high',
                'team_id': team, 'email': 'client@example.com'})
        self.assertEqual((body['channel'], body['state'], body['priority']),
            ('api', body['state'], 'high'))
        self.assertTrue(body['number'])
        path = f'tickets/{body["id"]}'
        started, _ = self.ok('POST', path + '/start', agent)
        self.assertEqual(started['state'], 'in_progress')
        self.assertTrue(started['assignee_id'])
        self.ok('POST', path + '/reply', agent, json={'body': "已安排工程师。"})
        replied, _ = self.ok('GET', path, agent)
        self.assertTrue(replied['first_response_at'])
        for payload in [{}, {'body': ''}, {'body': 'x', 'kind': 'incoming'}]:
            with self.subTest(payload=payload):
                self.error(422, 'validation_error', 'POST', path + '/reply',
                    agent, json=payload)
        self.error(422, 'validation_error', 'POST', path + '/resolve',
            agent)
        resolved, _ = self.ok('POST', path + '/resolve', agent,
            json={'resolution': "更换了电源模块。"})
        self.assertEqual(resolved['state'], 'resolved')
        self.assertTrue(resolved['resolved_at'])
        self.error(405, 'method_not_allowed', 'DELETE', path, agent)
        # a sales representative reads the tickets of her customers only
        hers, _ = self.ok('POST', 'tickets', status=201, json={
                'customer_id': self.hers['id'], 'subject': "她的客户的工单"})
        his, _ = self.ok('POST', 'tickets', status=201, json={
                'customer_id': self.his['id'], 'subject': "他的客户的工单"})
        self.ok('GET', f'tickets/{hers["id"]}', self.lina)
        self.error(404, 'not_found', 'GET', f'tickets/{his["id"]}', self.lina)
        self.error(403, 'forbidden', 'PATCH', f'tickets/{hers["id"]}',
            self.lina, json={'subject': "改"})

    def test_products(self):
        "Products give their template's list price, in the currency"
        prices = dict(self.inst.sql(
                'SELECT p.id, CAST(l.list_price AS TEXT) '
                'FROM product_product p JOIN product_list_price l '
                'ON l.template = p.template'))
        products = self.all_pages('products')
        self.assertTrue(products)
        for product in products:
            self.assertEqual(product['currency'], 'CNY')
            self.assertEqual(decimal.Decimal(product['list_price']),
                decimal.Decimal(prices[product['id']]))

    def test_segments(self):
        "Segments list and read with their members, those the key reads"
        segments = self.all_pages('segments')
        names = {s['name'] for s in segments}
        self.assertIn("20-40岁近一年购买配件的女性客户", names)
        segment = next(s for s in segments
            if s['name'] == "近一年采购配件或多次下单的客户")
        self.assertEqual(segment['match'], 'or')
        self.assertTrue(segment['member_ids'])
        self.assertEqual(segment['member_count'], len(segment['member_ids']))
        status, _, body = self.inst.api(
            'GET', f"segments/{segment['id']}", self.key)
        self.assertEqual(status, 200)
        self.assertEqual(body['member_ids'], segment['member_ids'])
        # the members are customers with two orders or parts bought
        kinds = dict(self.inst.sql(
                'SELECT id, crm_kind FROM party_party WHERE id IN (%s)'
                % ','.join(map(str, segment['member_ids']))))
        self.assertTrue(all(kinds.values()))
        status, _, _ = self.inst.api(
            'POST', 'segments', self.key, json={'name': "x"})
        self.assertEqual(status, 405)

    def test_sale(self):
        customer = self.hers
        products = self.all_pages('products')
        product = products[0]
        body, _ = self.ok('POST', 'sales', status=201, json={
                'customer_id': customer['id'], 'description': "设备报价",
                'lines': [{'product_id': product['id'], 'quantity': 2,
                        'unit_price': '1000.50'}]})
        self.assertEqual(body['state'], 'draft')
        self.assertEqual(body['currency'], 'CNY')
        self.assertEqual(decimal.Decimal(body['untaxed_amount']),
            decimal.Decimal('2001.00'))
        self.assertEqual(body['lines'][0]['unit_price'][:7], '1000.50')
        path = f'sales/{body["id"]}'
        patched, _ = self.ok('PATCH', path, json={
                'reference': "PO-2026-001", 'lines': [{
                        'product_id': product['id'], 'quantity': 3,
                        'unit_price': '10'}]})
        self.assertEqual(patched['reference'], "PO-2026-001")
        self.assertEqual(decimal.Decimal(patched['untaxed_amount']), 30)
        error, _ = self.error(422, 'validation_error', 'POST', 'sales',
            json={'customer_id': customer['id'], 'lines': [
                    {'product_id': 2 ** 31 - 1, 'quantity': 1}]})
        self.assertEqual(error['details'][0]['field'], 'lines[0].product_id')
        quoted, _ = self.ok('POST', path + '/quote')
        self.assertEqual(quoted['state'], 'quotation')
        # the company's day (Asia/Shanghai), not the machine's
        self.assertEqual(quoted['quotation_date'], dt.datetime.now(
                ZoneInfo('Asia/Shanghai')).date().isoformat()
            if quoted['quotation_date'] else None)
        confirmed, _ = self.ok('POST', path + '/confirm')
        self.assertIn(confirmed['state'], {'confirmed', 'processing'})

    def test_claim(self):
        "A representative takes a customer of the public pool"
        customer = self.new_customer(owner_id=None)
        self.assertIsNone(customer['owner_id'])
        claimed, _ = self.ok('POST', f'customers/{customer["id"]}/claim',
            self.lina)
        self.assertEqual(claimed['owner_id'], self.employee['lina'])
        error, _ = self.error(422, 'validation_error', 'POST',
            f'customers/{customer["id"]}/claim', self.lina)

    # Errors ----------------------------------------------------------------
    def test_unauthorized(self):
        Application = self.admin.model('res.user.application')
        revoked = self.inst.api_key('lina')
        expired = self.inst.api_key('lina',
            expires=dt.datetime.now() - dt.timedelta(minutes=1))
        ids = Application.search([('key_prefix', '=', revoked[:10])],
            0, None, None)
        self.ok('GET', 'customers', revoked)
        Application.write(ids, {'state': 'cancelled'})
        rest = self.inst.rest_key('lina')
        for label, headers in [
                ('no key', {}),
                ('wrong key', {'Authorization': 'Bearer crm_' + 'x' * 43}),
                ('revoked', {'Authorization': f'Bearer {revoked}'}),
                ('expired', {'Authorization': f'Bearer {expired}'}),
                ('basic', {'Authorization': 'Basic YWRtaW46YWRtaW4='}),
                ('empty', {'Authorization': 'Bearer '}),
                ('rest key', {'Authorization': f'Bearer {rest}'}),
                ('long', {'Authorization': 'Bearer ' + 'y' * 5000}),
                ]:
            with self.subTest(label):
                self.error(401, 'unauthorized', 'GET', 'customers', '',
                    headers=headers)

    def test_forbidden(self):
        reader = self.inst.api_key('lina', scopes=['customers:read'])
        self.ok('GET', 'customers', reader)
        error, _ = self.error(403, 'insufficient_scope', 'POST', 'customers',
            reader, json={'kind': 'individual', 'name': "王芳"})
        self.assertIn('customers:write', error['message'])
        self.error(403, 'insufficient_scope', 'GET', 'contacts', reader)
        self.error(403, 'insufficient_scope', 'PATCH',
            f'customers/{self.hers["id"]}', reader, json={'name': "x"})
        self.error(403, 'insufficient_scope', 'POST',
            f'customers/{self.hers["id"]}/claim', reader)
        # a user without the access right to the model
        self.inst.user('api_nobody', [], employee=False)
        nobody = self.inst.api_key('api_nobody')
        self.error(403, 'forbidden', 'GET', 'sales', nobody)
        self.error(403, 'forbidden', 'POST', 'sales', nobody,
            json={'customer_id': self.hers['id']})

    def test_method_not_allowed(self):
        product = self.first('products')
        for method, path, allow in [
                ('DELETE', f'products/{product["id"]}', 'GET'),
                ('PATCH', f'products/{product["id"]}', 'GET'),
                ('POST', 'products', 'GET'),
                ('PUT', f'customers/{self.his["id"]}', 'GET, PATCH, DELETE'),
                ('DELETE', 'customers', 'GET, POST'),
                ('GET', f'customers/{self.his["id"]}/claim', 'POST'),
                ]:
            with self.subTest(method=method, path=path):
                _, headers = self.error(405, 'method_not_allowed', method,
                    path, json={} if method in {'PATCH', 'POST', 'PUT'}
                    else None)
                self.assertEqual(headers['Allow'], allow)
        self.assertEqual(self.inst.count('product_product', 'id = ?',
                (product['id'],)), 1)

    def test_duplicate_warning(self):
        "A likely duplicate is a 409 with the warning, and is not created"
        count = self.inst.count('party_party')
        error, _ = self.error(409, 'warning', 'POST', 'customers', json={
                'kind': 'enterprise', 'name': "完全不同的名字科技有限公司",
                'uscc': self.his['crm_uscc']})
        self.assertIn(self.his['name'], json.dumps(error, ensure_ascii=False))
        self.assertEqual(self.inst.count('party_party'), count)
        customer = self.new_customer(phone='+86 21 5555 0101')
        self.error(409, 'warning', 'POST', 'customers', json={
                'kind': 'enterprise', 'name': "另一家贸易有限公司",
                'phone': '+86 21 5555 0101'})
        self.assertEqual(self.inst.count('party_party'), count + 1)
        self.assertTrue(customer['id'])

    def test_body_errors(self):
        self.error(413, 'body_too_large', 'POST', 'customers',
            json={'kind': 'enterprise', 'name': 'x' * (1024 * 1024 + 10)})
        self.error(415, 'unsupported_media_type', 'POST', 'customers',
            json=b'{"kind": "individual", "name": "x"}',
            headers={'Content-Type': 'text/plain'})
        self.error(400, 'invalid_json', 'POST', 'customers',
            json=b'{"kind": ')
        self.error(400, 'invalid_json', 'POST', 'customers',
            json=b'[' * 100_000)
        self.error(400, 'invalid_body', 'POST', 'customers', json=[1, 2])
        self.error(400, 'invalid_body', 'POST', 'customers', json="text")
        self.error(400, 'invalid_body', 'PATCH',
            f'customers/{self.hers["id"]}', json=b'')
        self.error(400, 'invalid_body', 'POST', 'sales', json=[])
        self.error(400, 'invalid_body', 'POST',
            f'follow-ups/{self.first("follow-ups")["id"]}/done', json=[1])

    def test_validation_errors(self):
        count = self.inst.count('party_party')
        for payload, fields in [
                ({'kind': 'enterprise', 'name': "某公司",
                        'uscc': '91310000MA1FL4CX5X'}, ['uscc']),
                ({'kind': 'enterprise', 'name': "某公司", 'colour': 'red'},
                    ['colour']),
                ({'kind': 'enterprise'}, ['name']),
                ({'name': "某公司"}, ['kind']),
                ({'kind': 'company', 'name': 5}, ['kind', 'name']),
                ({'kind': 'enterprise', 'name': "某公司",
                        'lifecycle': 'lost'}, ['lifecycle']),
                ({'kind': 'individual', 'name': "王芳",
                        'id_number': '110101199003077777'}, ['id_number']),
                ({'kind': 'enterprise', 'name': "某公司",
                        'email': 'not an address'}, ['email']),
                ({'kind': 'enterprise', 'name': "某公司",
                        'phone': '12'}, ['phone']),
                ({'kind': 'enterprise', 'name': "某公司",
                        'owner_id': 'me'}, ['owner_id']),
                ({'kind': 'enterprise', 'name': None}, ['name']),
                ({'kind': 'enterprise', 'name': ' '}, ['name']),
                ({'kind': 'enterprise', 'name': 'x' * 501}, ['name']),
                ({'kind': 'enterprise', 'name': "某公司",
                        'industry_id': 2 ** 31 - 1}, ['industry_id']),
                ]:
            with self.subTest(payload=payload):
                error, _ = self.error(422, 'validation_error', 'POST',
                    'customers', json=payload)
                self.assertEqual(
                    sorted(d['field'] for d in error['details']), fields)
        self.assertEqual(self.inst.count('party_party'), count)
        for path, payload, field in [
                ('contacts', {'name': "陈静"}, 'customer_id'),
                ('contacts', {'customer_id': 2 ** 31 - 1, 'name': "陈静"},
                    'customer_id'),
                ('contacts', {'customer_id': 0, 'name': "陈静"},
                    'customer_id'),
                ('interactions', {'customer_id': -1, 'type': 'call',
                        'subject': "x"}, 'customer_id'),
                ('interactions', {'customer_id': self.hers['id'],
                        'type': 'call', 'subject': "x",
                        'follow_up_user_id': 0}, 'follow_up_user_id'),
                ('interactions', {'customer_id': self.hers['id'],
                        'type': 'call', 'subject': "x",
                        'date': 'tomorrow'}, 'date'),
                ('interactions', {'customer_id': self.hers['id'],
                        'type': 'call', 'subject': "x",
                        'duration': -5}, 'duration'),
                ('follow-ups', {'customer_id': self.hers['id'],
                        'description': "x", 'due_date': '2026-02-30'},
                    'due_date'),
                ('opportunities', {'customer_id': self.hers['id'],
                        'amount': '1e400'}, 'amount'),
                ('sales', {'customer_id': self.hers['id'], 'lines': [
                            {'product_id': self.first('products')['id'],
                                'quantity': 0}]}, 'lines[0].quantity'),
                ]:
            with self.subTest(path=path, payload=payload):
                error, _ = self.error(422, 'validation_error', 'POST', path,
                    json=payload)
                self.assertIn(field, [d['field'] for d in error['details']])

    def test_languages(self):
        path = f'customers/{2 ** 31 - 1}'
        english, headers = self.error(404, 'not_found', 'GET', path,
            headers={'Accept-Language': 'en-US,en;q=0.9'})
        self.assertEqual(headers['Content-Language'], 'en')
        self.assertRegex(english['message'], r'^[\x20-\x7e]+$')
        chinese, headers = self.error(404, 'not_found', 'GET', path,
            headers={'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5'})
        self.assertEqual(headers['Content-Language'], 'zh-CN')
        self.assertRegex(chinese['message'], r'[\u4e00-\u9fff]')
        for status, code, key, kwargs in [
                (401, 'unauthorized', 'crm_wrong', {}),
                (400, 'invalid_sort', None, {'params': {'sort': 'x'}}),
                ]:
            with self.subTest(code=code):
                zh, _ = self.error(status, code, 'GET', 'customers', key,
                    headers={'Accept-Language': 'zh-CN'}, **kwargs)
                en, _ = self.error(status, code, 'GET', 'customers', key,
                    headers={'Accept-Language': 'en'}, **kwargs)
                self.assertRegex(zh['message'], r'[\u4e00-\u9fff]')
                self.assertNotEqual(zh['message'], en['message'])
        error, _ = self.error(422, 'validation_error', 'POST', 'customers',
            json={'kind': 'enterprise', 'name': "x", 'uscc': '123'},
            headers={'Accept-Language': 'zh-CN'})
        self.assertRegex(error['details'][0]['reason'], r'[\u4e00-\u9fff]')

    def test_no_server_error(self):
        "Odd input is answered with a 4xx, never a 5xx or a traceback"
        his = self.his['id']
        for method, path, kwargs in [
                ('GET', 'customers', {'params': {'page_size': 'ä'}}),
                ('GET', 'customers', {'params': {'sort': ',' * 50}}),
                ('GET', 'customers', {'params': {'fields': ',,,'}}),
                ('GET', 'customers', {'params': {'name': '\x00'}}),
                ('GET', 'customers', {'params': {'name__contains': '\\'}}),
                ('GET', 'customers', {'params': {'updated_since': '9' * 40}}),
                ('GET', 'interactions', {'params': {
                            'date__gte': '2026-01-01T25:00'}}),
                ('GET', 'customers/%00', {}),
                ('GET', 'customers/' + '9' * 100, {}),
                ('POST', 'customers', {'json': {'kind': 'enterprise',
                            'name': "\x00\ud7ff"}}),
                ('POST', 'customers', {'json': {'kind': ['enterprise'],
                            'name': {'a': 1}}}),
                ('POST', 'customers', {'json': b'{"name": 1e999999}'}),
                ('POST', 'interactions', {'json': {'customer_id': his,
                            'type': 'call', 'subject': 'x',
                            'date': '10000-01-01T00:00:00'}}),
                ('POST', 'interactions', {'json': {'customer_id': True,
                            'type': 'call', 'subject': 'x'}}),
                ('POST', 'interactions', {'json': {'customer_id': 1.5,
                            'type': 'call', 'subject': 'x',
                            'duration': 10 ** 30}}),
                ('POST', 'follow-ups', {'json': {'customer_id': his,
                            'description': 'x', 'due_date': 20260101}}),
                ('POST', 'sales', {'json': {'customer_id': his,
                            'lines': 'none'}}),
                ('POST', 'sales', {'json': {'customer_id': his,
                            'lines': [{'product_id': 1, 'quantity': 1,
                                    'unit_price': 'Infinity'}]}}),
                ('POST', 'sales', {'json': {'lines': [1]}}),
                ('POST', 'sales', {'json': {'customer_id': his,
                            'lines': [{'product_id': 1, 'quantity': 1,
                                    'description': 'a\x00b'}]}}),
                ('GET', 'contacts', {'params': {'position': 'x\x00'}}),
                ('PATCH', f'customers/{his}', {'json': {'id': 5}}),
                ('PATCH', f'customers/{his}',
                    {'json': {}, 'headers': {'If-Match': '\x7f' * 10}}),
                ('POST', 'customers', {'json': {}, 'headers': {
                            'Idempotency-Key': 'k' * 300}}),
                ('POST', 'customers', {'json': {},
                        'headers': {'Content-Type': 'application/json; '
                            'charset=latin-1'}}),
                ('OPTIONS', 'customers', {}),
                ('HEAD', 'customers', {}),
                ]:
            with self.subTest(method=method, path=path, kwargs=kwargs):
                status, headers, body = self.call(method, path, **kwargs)
                if status >= 400:
                    self.assertEqual(set(body), {'error'}, body)
                    self.assertNotIn('Traceback', json.dumps(body))

    # Idempotency and ETags -------------------------------------------------
    def test_idempotency(self):
        key = secrets.token_hex(8)
        payload = {'kind': 'individual', 'name': "赵敏", 'gender': 'female'}
        count = self.inst.count('party_party')
        first, headers = self.ok('POST', 'customers', status=201,
            json=payload, headers={'Idempotency-Key': key})
        self.assertNotIn('Idempotent-Replayed', headers)
        again, again_headers = self.ok('POST', 'customers', status=201,
            json=payload, headers={'Idempotency-Key': key})
        self.assertEqual(again, first)
        self.assertEqual(again_headers['Idempotent-Replayed'], 'true')
        self.assertEqual(again_headers['Location'], headers['Location'])
        self.assertEqual(self.inst.count('party_party'), count + 1)
        self.error(422, 'idempotency_key_reused', 'POST', 'customers',
            json=dict(payload, name="赵敏敏"),
            headers={'Idempotency-Key': key})
        self.assertEqual(self.inst.count('party_party'), count + 1)
        # another key's same Idempotency-Key is another request
        other, _ = self.ok('POST', 'customers', self.lina, status=201,
            json=payload, headers={'Idempotency-Key': key})
        self.assertNotEqual(other['id'], first['id'])
        # a failed request stores nothing: a retry runs again
        failing = secrets.token_hex(8)
        self.error(422, 'validation_error', 'POST', 'customers',
            json={'kind': 'individual'},
            headers={'Idempotency-Key': failing})
        self.assertEqual(self.inst.count('crm_api_idempotency', 'key = ?',
                (failing,)), 0)
        self.ok('POST', 'customers', status=201, json=payload,
            headers={'Idempotency-Key': failing})
        self.assertEqual(self.inst.count('party_party'), count + 3)
        # actions too
        follow_up = self.first('follow-ups', state='open')
        path = f'follow-ups/{follow_up["id"]}'
        # the same key on another path is another request
        self.error(422, 'idempotency_key_reused', 'POST', path + '/done',
            headers={'Idempotency-Key': key})
        action_key = secrets.token_hex(8)
        done, _ = self.ok('POST', path + '/done',
            headers={'Idempotency-Key': action_key})
        self.ok('POST', path + '/reopen')
        replayed, headers = self.ok('POST', path + '/done',
            headers={'Idempotency-Key': action_key})
        self.assertEqual(headers['Idempotent-Replayed'], 'true')
        self.assertEqual(replayed, done)
        self.assertEqual(self.ok('GET', path)[0]['state'], 'open')

    # Object-level authorization ------------------------------------------
    def test_rep_sees_what_rpc_shows(self):
        for login, key in [('lina', self.lina), ('zhangwei', self.zhangwei),
                ('wangjianhua', self.manager)]:
            for resource in RESOURCES:
                with self.subTest(login=login, resource=resource):
                    records = self.all_pages(resource, key)
                    self.assertEqual({r['id'] for r in records},
                        self.rpc_ids(login, resource))
        lina = {c['id'] for c in self.all_pages('customers', self.lina)}
        self.assertNotIn(self.his['id'], lina)
        self.assertIn(self.hers['id'], lina)

    def test_rep_other_customer(self):
        "Nothing of zhangwei's customer reaches lina's key"
        his, key = self.his['id'], self.lina
        unknown, _ = self.error(404, 'not_found', 'GET',
            f'customers/{2 ** 31 - 1}', key)
        for method, path, payload in [
                ('GET', f'customers/{his}', None),
                ('GET', f'customers/{his}?fields=name', None),
                ('PATCH', f'customers/{his}', {'name': "改名"}),
                ('DELETE', f'customers/{his}', None),
                ('POST', f'customers/{his}/claim', None),
                ('POST', f'customers/{his}/reactivate', None),
                ]:
            with self.subTest(method=method, path=path):
                error, _ = self.error(404, 'not_found', method, path, key,
                    json=payload)
                self.assertEqual(error, unknown)
        self.assertEqual(self.admin.model('party.party').read(
                [his], ['name'])[0]['name'], self.his['name'])
        for params in [{'owner_id': self.employee['zhangwei']},
                {'name': self.his['name']},
                {'name__contains': self.his['name'][2:6]},
                {'uscc': self.his['crm_uscc']},
                {'sort': 'name', 'name__contains': self.his['name'][:4]},
                {'fields': 'name,owner'}]:
            with self.subTest(params=params):
                ids = {c['id'] for c in self.all_pages('customers', key,
                        params)}
                self.assertNotIn(his, ids)
        body, _ = self.ok('GET', 'customers', key,
            params={'owner_id': self.employee['zhangwei']})
        self.assertEqual(body['total'], 0)

    def test_rep_other_records(self):
        "Nor anything hanging off it"
        his, key = self.his['id'], self.lina
        for resource in CUSTOMER_OF:
            records = self.of_customer(resource, his)
            self.assertTrue(records, resource)
            with self.subTest(resource=resource):
                self.assertEqual(self.of_customer(resource, his, key), [])
                body, _ = self.ok('GET', resource, key,
                    params={'customer_id': his})
                self.assertEqual(body['total'], 0)
            resource_def = self.openapi()['paths']
            actions = [p.rsplit('/', 1)[1] for p in resource_def
                if p.startswith(f'/{resource}/{{id}}/')]
            for record in records[:2]:
                path = f'{resource}/{record["id"]}'
                for method, sub, payload in [('GET', '', None),
                        ('PATCH', '', {}), ('DELETE', '', None)] + [
                        ('POST', '/' + a, {}) for a in actions]:
                    with self.subTest(method=method, path=path + sub):
                        self.error(404, 'not_found', method, path + sub,
                            key, json=payload)
                self.assertEqual(self.inst.count(
                        MODELS[resource][0].replace('.', '_'), 'id = ?',
                        (record['id'],)), 1)
        today = dt.date.today().isoformat()
        for resource, payload in [
                ('contacts', {'name': "钱进"}),
                ('interactions', {'type': 'note', 'subject': "记录"}),
                ('follow-ups', {'description': "回访", 'due_date': today}),
                ('opportunities', {'title': "新项目"}),
                ('sales', {}),
                ]:
            with self.subTest(create=resource):
                error, _ = self.error(422, 'validation_error', 'POST',
                    resource, key, json=dict(payload, customer_id=his))
                self.assertEqual([d['field'] for d in error['details']],
                    ['customer_id'])
        # moving her record onto his customer is refused the same way
        contact = self.of_customer('contacts', self.hers['id'], key)[0]
        error, _ = self.error(422, 'validation_error', 'PATCH',
            f'contacts/{contact["id"]}', key, json={'customer_id': his})
        self.assertEqual(error['details'][0]['field'], 'customer_id')

    def test_manager_fields(self):
        "Fields of the managers are out of a representative's reach"
        for resource, names in MANAGER_ONLY.items():
            for key, visible in [(self.lina, False), (self.manager, True),
                    (self.key, True)]:
                with self.subTest(resource=resource, visible=visible):
                    record = self.first(resource, key)
                    read, _ = self.ok('GET', f'{resource}/{record["id"]}',
                        key)
                    for name in names:
                        self.assertEqual(name in record, visible)
                        self.assertEqual(name in read, visible)
                    for name in names:
                        body, _ = self.ok('GET', resource, key, params={
                                'fields': name}) if visible else self.error(
                            400, 'invalid_fields', 'GET', resource, key,
                            params={'fields': name})
                        if visible:
                            self.assertEqual(set(body['data'][0]),
                                {'id', name})
                        else:
                            self.error(400, 'invalid_sort', 'GET', resource,
                                key, params={'sort': name})
                            self.error(400, 'invalid_filter', 'GET',
                                resource, key, params={name: '1990-01-01'})
        individual = self.admin.model('party.party').search(
            [('crm_kind', '=', 'individual'),
                ('crm_owner', '=', self.employee['lina'])], 0, 1, None)
        if individual:
            error, _ = self.error(422, 'validation_error', 'PATCH',
                f'customers/{individual[0]}', self.lina,
                json={'birthday': '1990-01-01'})
            self.assertEqual(error['details'][0]['field'], 'birthday')

    def test_rest_endpoint(self):
        "The stock REST endpoint still works with a stock key"
        key = self.inst.rest_key('admin')
        status, body = self.inst.rest('GET',
            f'model/party.party/{self.his["id"]}', key)
        self.assertEqual(status, 200, body)
        self.assertEqual(body['id'], self.his['id'])
        self.assertEqual(body['rec_name'], self.his['name'])

    def openapi(self):
        if not hasattr(type(self), '_openapi'):
            body, _ = self.ok('GET', 'openapi.json', '')
            type(self)._openapi = body
        return type(self)._openapi

    def test_openapi(self):
        document = self.openapi()
        self.assertEqual(document['openapi'], '3.1.0')
        self.assertTrue(document['servers'][0]['url'].endswith(
                f'/{self.inst.database}/api/v1'))
        for resource in RESOURCES:
            self.assertIn(f'/{resource}', document['paths'])
            read = document['paths'][f'/{resource}/{{id}}']['get']
            self.assertIn('304', read['responses'])
            self.assertIn('If-None-Match',
                [p['name'] for p in read['parameters']])
        self.assertEqual(document['paths']['/customers']['get'][
                'parameters'][1]['schema']['maximum'], 100)
        self.assertNotIn('delete', document['paths']['/products/{id}'])


class RateLimitCase:
    "A low rate limit on an instance of its own"
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance(cls.backend, {'crm_api': {
                    'rate_limit': 5, 'rate_period': 60}})

    @classmethod
    def tearDownClass(cls):
        cls.inst.stop()

    def test_rate_limit(self):
        key, other = self.inst.api_key('admin'), self.inst.api_key('lina')
        statuses = [self.inst.api('GET', 'products', key)[0]
            for _ in range(5)]
        self.assertEqual(statuses, [200] * 5)
        status, headers, body = self.inst.api('GET', 'products', key,
            headers={'Accept-Language': 'zh-CN'})
        self.assertEqual(status, 429, body)
        self.assertEqual(body['error']['code'], 'rate_limited')
        self.assertRegex(body['error']['message'], r'[\u4e00-\u9fff]')
        self.assertTrue(1 <= int(headers['Retry-After']) <= 60)
        # another key has its own window
        self.assertEqual(self.inst.api('GET', 'products', other)[0], 200)
        # the limited request changes nothing
        count = self.inst.count('party_party')
        status, _, _ = self.inst.api('POST', 'customers', key,
            json={'kind': 'individual', 'name': "孙丽"})
        self.assertEqual(status, 429)
        self.assertEqual(self.inst.count('party_party'), count)


for _backend in BACKENDS:
    _title = _backend.capitalize()
    globals()[f'{_title}ApiTest'] = type(f'{_title}ApiTest',
        (ApiCase, unittest.TestCase), {'backend': _backend})
    globals()[f'{_title}RateLimitTest'] = type(f'{_title}RateLimitTest',
        (RateLimitCase, unittest.TestCase), {'backend': _backend})
del _backend, _title


if __name__ == '__main__':
    unittest.main()
