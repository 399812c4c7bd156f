"""Signed webhooks of the CRM API, over HTTP, on every backend.

A local HTTP receiver (a thread of this process) records the POSTs; the
subscriptions are made through the API; the changes are made through the
API and JSON-RPC.  The signatures are checked with the Python snippet of
README.md (section "Webhooks"), run as it is written there.  The server is
the harness's ``crm-plus serve`` without a queue worker: the first attempt
runs in the server after the commit, retries are sent by the cron job
"Send Due Webhook Deliveries", run here through ``ir.cron.run_once``.
"""
import datetime as dt
import json
import re
import secrets
import threading
import time
import unittest
import urllib.error
import urllib.request
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness import BACKENDS, RpcError, free_port, instance

README = Path(__file__).resolve().parent.parent / 'README.md'
RETRY_DELAY = 3
MAX_FAILURES = 3


def readme_verify():
    "The verify function of the README's Python snippet"
    text = README.read_text(encoding='utf-8')
    section = text.split('### Webhooks', 1)[1].split('\n## ', 1)[0]
    code, = re.findall(r'```python\n(.*?)```', section, re.S)
    namespace = {}
    exec(code, namespace)
    return namespace['verify']


class Receiver:
    """An HTTP server recording the POSTs by path; a path answers the
    statuses queued for it, then 200"""

    def __init__(self):
        self.requests = defaultdict(list)
        self.statuses = defaultdict(list)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                with receiver.lock:
                    receiver.requests[self.path].append(({
                                k.lower(): v for k, v in self.headers.items()
                                }, body))
                    queued = receiver.statuses[self.path]
                    status = queued.pop(0) if queued else 200
                self.send_response(status)
                self.send_header('Content-Length', '2')
                self.end_headers()
                self.wfile.write(b'ok')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', free_port()), Handler)
        self.url = 'http://127.0.0.1:%s' % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
            daemon=True).start()

    def path(self, *statuses):
        "A new path answering statuses first"
        path = '/hook/' + secrets.token_hex(6)
        self.statuses[path] = list(statuses)
        return path

    def received(self, path, count, timeout=15):
        "The requests of path once there are count of them (or at timeout)"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests[path]) >= count:
                    break
            time.sleep(0.05)
        with self.lock:
            return list(self.requests[path])

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class WebhooksTest:
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.inst = instance(cls.backend)
        cls.admin = cls.inst.rpc()
        cls.receiver = Receiver()
        cls.verify = staticmethod(readme_verify())
        configuration = cls.admin.model('crm.configuration')
        configuration.write([1], {'webhook_retry_delay': RETRY_DELAY,
                'webhook_max_failures': MAX_FAILURES,
                'webhook_max_attempts': 3})
        cls.cron = cls.inst.ref('crm_plus.cron_webhook_send_due')
        cls.keys = {login: cls.key(login)
            for login in ['admin', 'lina', 'zhangwei']}

    @classmethod
    def tearDownClass(cls):
        cls.receiver.stop()

    @classmethod
    def key(cls, login):
        secret = 'crm_' + secrets.token_urlsafe(32)
        user, = cls.admin.model('res.user').search(
            [('login', '=', login)], 0, None, None)
        scopes = cls.admin('model.res.user.application.get_scopes')
        cls.admin.model('res.user.application').create([{
                    'application': 'crm_api', 'key': secret, 'user': user,
                    'name': 'webhooks test', 'state': 'validated',
                    'scopes': [s for s, _ in scopes]}])
        return secret

    def api(self, method, path, login='admin', body=None):
        "(status, JSON body) of a call to the CRM API as login's key"
        url = f'{self.inst.url}{self.inst.database}/api/v1/{path}'
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method,
            headers={'Authorization': 'Bearer ' + self.keys[login],
                'Content-Type': 'application/json',
                'Accept-Language': 'en'})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b'null')

    def subscribe(self, events, *statuses, login='admin'):
        "(webhook, its receiver path) of a new subscription"
        path = self.receiver.path(*statuses)
        status, webhook = self.api('POST', 'webhooks', login, {
                'name': 'test ' + path, 'url': self.receiver.url + path,
                'events': events})
        self.assertEqual(status, 201, webhook)
        self.assertTrue(webhook['secret'])
        return webhook, path

    def create_customer(self, login='admin', name=None, owned=False):
        "A new customer (in the public pool unless owned by login)"
        body = {'kind': 'enterprise',
            'name': name or '测试客户 ' + secrets.token_hex(4)}
        if owned:
            user, = self.admin.model('res.user').search(
                [('login', '=', login)], 0, None, None)
            values, = self.admin.model('res.user').read(
                [user], ['employee'])
            body['owner_id'] = values['employee']
        status, customer = self.api('POST', 'customers', login, body)
        self.assertEqual(status, 201, customer)
        return customer

    def events(self, webhook, path, count, timeout=15):
        """The decoded bodies of the count first requests of path, each
        checked to be signed with the secret of webhook"""
        requests = self.receiver.received(path, count, timeout)
        self.assertEqual(len(requests), count, requests)
        bodies = []
        for headers, body in requests:
            self.assertTrue(self.verify(webhook['secret'],
                    headers['x-crm-signature'], body), headers)
            self.assertFalse(self.verify('whsec_other',
                    headers['x-crm-signature'], body))
            event = json.loads(body)
            self.assertEqual(headers['x-crm-event'], event['type'])
            bodies.append(event)
        return bodies

    def deliveries(self, webhook, login='admin'):
        status, page = self.api(
            'GET', f'webhooks/{webhook["id"]}/deliveries', login)
        self.assertEqual(status, 200, page)
        return page['data']

    def run_cron(self):
        "Run the cron job sending the due deliveries, as trytond-cron does"
        self.admin.model('ir.cron').run_once([self.cron])

    def test_api_create_delivered_signed(self):
        "A customer created through the API is delivered signed, once"
        webhook, path = self.subscribe(['customer.created'])
        self.assertNotIn('secret', self.api(
                'GET', f'webhooks/{webhook["id"]}')[1])
        customer = self.create_customer()
        event, = self.events(webhook, path, 1)
        self.assertEqual(event['type'], 'customer.created')
        self.assertEqual(event['resource'], 'customers')
        self.assertRegex(event['id'], r'^[0-9a-f-]{36}$')
        self.assertIsNotNone(dt.datetime.fromisoformat(
                event['time']).utcoffset())
        status, current = self.api('GET', f'customers/{customer["id"]}')
        self.assertEqual(event['data'], current)

        delivery, = self.deliveries(webhook)
        self.assertEqual(delivery['state'], 'delivered')
        self.assertEqual(delivery['response_code'], 200)
        self.assertEqual(delivery['attempt'], 1)
        self.assertEqual(delivery['event_id'], event['id'])
        self.assertEqual(delivery['payload'], event)
        self.assertIsInstance(delivery['duration_ms'], int)

        # Delivered: the cron sends nothing again
        time.sleep(RETRY_DELAY + 0.2)
        self.run_cron()
        time.sleep(0.5)
        self.assertEqual(len(self.receiver.received(path, 2, 0)), 1)

    def test_jsonrpc_changes(self):
        "Changes over JSON-RPC: a customer created, a deal's stage moved"
        webhook, path = self.subscribe(
            ['customer.created', 'opportunity.stage_changed'])
        Party = self.admin.model('party.party')
        party, = Party.create([{'name': 'RPC 客户 ' + secrets.token_hex(4),
                    'crm_kind': 'enterprise'}])
        created, = self.events(webhook, path, 1)
        self.assertEqual(created['type'], 'customer.created')
        self.assertEqual(created['data']['id'], party)

        Opportunity = self.admin.model('sale.opportunity')
        opportunity = next(o for o in Opportunity.read(Opportunity.search(
                    [('state', 'in', ['lead', 'opportunity'])], 0, 20,
                    None), ['next_stage']) if o['next_stage'])
        Opportunity.write([opportunity['id']],
            {'stage': opportunity['next_stage']})
        created, moved = self.events(webhook, path, 2)
        self.assertEqual(moved['type'], 'opportunity.stage_changed')
        self.assertEqual(moved['data']['id'], opportunity['id'])
        self.assertEqual(moved['data']['stage_id'], opportunity['next_stage'])
        # A write that does not move it is no stage change
        Opportunity.write([opportunity['id']], {'comment': 'no move'})
        time.sleep(0.5)
        self.assertEqual(len(self.receiver.received(path, 3, 0)), 2)

    def test_update_event(self):
        "A change of a customer is one customer.updated with the new values"
        customer = self.create_customer()
        webhook, path = self.subscribe(['customer.updated'])
        status, changed = self.api('PATCH', f'customers/{customer["id"]}',
            'admin', {'website': 'https://example.com/',
                'phone': '+86 10 6552 9988'})
        self.assertEqual(status, 200, changed)
        event, = self.events(webhook, path, 1)
        self.assertEqual(event['type'], 'customer.updated')
        self.assertEqual(event['data'], changed)
        time.sleep(0.5)
        self.assertEqual(len(self.receiver.received(path, 2, 0)), 1)

    def test_ticket_events(self):
        "Opening and resolving a ticket, from the API or the web client"
        webhook, path = self.subscribe(['ticket.created', 'ticket.resolved',
                'ticket.state_changed'])
        customer = self.create_customer()
        status, ticket = self.api('POST', 'tickets', 'admin', {
                'customer_id': customer['id'], 'subject': "设备漏油"})
        self.assertEqual(status, 201, ticket)
        Ticket = self.admin.model('crm.ticket')
        Ticket.write([ticket['id']], {'resolution': "更换密封圈。"})
        Ticket.resolve([ticket['id']])
        created, resolved, changed = sorted(
            self.events(webhook, path, 3), key=lambda e: e['type'])
        self.assertEqual(
            (created['type'], resolved['type'], changed['type']),
            ('ticket.created', 'ticket.resolved', 'ticket.state_changed'))
        self.assertEqual(created['data']['number'], ticket['number'])
        self.assertEqual(resolved['data']['state'], 'resolved')
        self.assertEqual(changed['data']['state'], 'resolved')

    def test_sale_shipment_invoice_events(self):
        "Quoting, confirming, shipping and posting make their events"
        webhook, path = self.subscribe(['sale.quoted', 'sale.confirmed',
                'shipment.done', 'invoice.posted'])
        sale, = self.admin.model('sale.sale').search(
            [('state', '=', 'draft')], 0, 1, [('id', 'ASC')])
        self.assertEqual(self.api('POST', f'sales/{sale}/quote')[0], 200)
        self.assertEqual(self.api('POST', f'sales/{sale}/confirm')[0], 200)
        quoted, confirmed = self.events(webhook, path, 2)
        self.assertEqual((quoted['type'], quoted['data']['id'],
                quoted['data']['state']), ('sale.quoted', sale, 'quotation'))
        self.assertEqual((confirmed['type'], confirmed['data']['id']),
            ('sale.confirmed', sale))

        Shipment = self.admin.model('stock.shipment.out')
        shipment, = Shipment.search(
            [('state', '=', 'waiting')], 0, 1, [('id', 'ASC')])
        for button in ['assign_force', 'pick', 'pack', 'do']:
            self.admin(f'model.stock.shipment.out.{button}', [shipment])
        Invoice = self.admin.model('account.invoice')
        invoice, = Invoice.search([('state', '=', 'draft'),
                ('type', '=', 'out')], 0, 1, [('id', 'ASC')])
        self.admin('model.account.invoice.post', [invoice])
        *_, done, posted = self.events(webhook, path, 4)
        self.assertEqual((done['type'], done['resource'], done['data']['id'],
                done['data']['state']),
            ('shipment.done', 'shipments', shipment, 'done'))
        self.assertEqual((posted['type'], posted['resource'],
                posted['data']['id'], posted['data']['state']),
            ('invoice.posted', 'invoices', invoice, 'posted'))
        self.assertRegex(posted['data']['total_amount'], r'^\d+\.\d+$')

    def test_retry_after_failure(self):
        "A failed attempt is retried after the back-off, then not again"
        webhook, path = self.subscribe(['customer.created'], 500)
        self.create_customer()
        first, = self.events(webhook, path, 1)
        pending, failed = self.deliveries(webhook)
        self.assertEqual((failed['state'], failed['response_code'],
                failed['attempt']), ('failed', 500, 1))
        self.assertEqual((pending['state'], pending['attempt']),
            ('pending', 2))
        self.assertEqual(pending['event_id'], first['id'])
        # not due: the cron leaves it
        self.run_cron()
        self.assertEqual(len(self.receiver.received(path, 2, 0.3)), 1)
        time.sleep(RETRY_DELAY + 0.2)
        self.run_cron()
        first, second = self.events(webhook, path, 2)
        self.assertEqual(second, first)
        delivered, failed = self.deliveries(webhook)
        self.assertEqual((delivered['state'], delivered['attempt']),
            ('delivered', 2))
        self.assertEqual(self.api(
                'GET', f'webhooks/{webhook["id"]}')[1]['failures'], 0)
        time.sleep(RETRY_DELAY + 0.2)
        self.run_cron()
        time.sleep(0.5)
        self.assertEqual(len(self.receiver.received(path, 3, 0)), 2)

    def test_rolled_back_change_not_delivered(self):
        "A create whose transaction rolls back (a duplicate warning) sends nothing"
        webhook, path = self.subscribe(['customer.created'])
        name = '回滚测试有限公司 ' + secrets.token_hex(4)
        self.create_customer(name=name)
        self.events(webhook, path, 1)
        count = self.inst.count('crm_webhook_delivery', 'webhook = ?',
            (webhook['id'],))
        status, error = self.api('POST', 'customers', 'admin', {
                'kind': 'enterprise', 'name': name})
        self.assertEqual(status, 409, error)
        time.sleep(RETRY_DELAY + 0.2)
        self.run_cron()
        time.sleep(0.5)
        self.assertEqual(len(self.receiver.received(path, 2, 0)), 1)
        self.assertEqual(self.inst.count('crm_webhook_delivery',
                'webhook = ?', (webhook['id'],)), count)

    def test_representative_sees_own_records_only(self):
        "A representative's subscription gets nothing of another's customer"
        webhook, path = self.subscribe(['customer.created'], login='lina')
        other = self.create_customer('zhangwei', owned=True)
        pool = self.create_customer('zhangwei')
        own = self.create_customer('lina', owned=True)
        # the customer of the public pool is readable by lina, not zhangwei's
        pooled, event = self.events(webhook, path, 2)
        self.assertEqual(pooled['data']['id'], pool['id'])
        self.assertIsNone(pooled['data']['owner_id'])
        self.assertEqual(event['data']['id'], own['id'])
        self.assertEqual(event['data']['owner_id'], own['owner_id'])
        self.assertIsNotNone(own['owner_id'])
        self.assertEqual(self.api(
                'GET', f'customers/{other["id"]}', 'lina')[0], 404)
        self.assertEqual([d['event_id'] for d in self.deliveries(
                    webhook, 'lina')], [event['id'], pooled['id']])
        # nor sees or changes another user's subscription
        self.assertEqual(self.api(
                'GET', f'webhooks/{webhook["id"]}', 'zhangwei')[0], 404)
        self.assertEqual(self.api('GET',
                f'webhooks/{webhook["id"]}/deliveries', 'zhangwei')[0], 404)

    def test_disabled_after_failures(self):
        "Consecutive failures disable the subscription and notify its owner"
        webhook, path = self.subscribe(
            ['customer.created'], *[500] * (MAX_FAILURES * 3), login='lina')
        for _ in range(MAX_FAILURES):
            self.create_customer('lina')
        self.events(webhook, path, MAX_FAILURES)
        status, current = self.api(
            'GET', f'webhooks/{webhook["id"]}', 'lina')
        self.assertEqual((current['enabled'], current['failures']),
            (False, MAX_FAILURES))
        self.assertEqual(self.inst.count('res_notification',
                'model = ? AND records = ? AND "user" = ?', ('crm.webhook',
                    json.dumps([webhook['id']]),
                    current['owner_id'])), 1)
        self.create_customer('lina')
        time.sleep(RETRY_DELAY + 0.2)
        self.run_cron()
        time.sleep(0.5)
        self.assertEqual(
            len(self.receiver.received(path, MAX_FAILURES + 1, 0)),
            MAX_FAILURES)
        status, current = self.api('PATCH', f'webhooks/{webhook["id"]}',
            'lina', {'enabled': True})
        self.assertEqual((status, current['enabled'], current['failures']),
            (200, True, 0))

    def test_validation_and_openapi(self):
        "Unknown events and non-HTTP URLs are refused; the paths are documented"
        status, error = self.api('POST', 'webhooks', 'admin', {
                'name': 'bad', 'url': self.receiver.url,
                'events': ['customer.deleted']})
        self.assertEqual((status, error['error']['code']),
            (422, 'validation_error'))
        status, error = self.api('POST', 'webhooks', 'admin', {
                'name': 'bad', 'url': 'ftp://example.com/',
                'events': ['customer.created']})
        self.assertEqual((status, error['error']['code']),
            (422, 'validation_error'))
        status, document = self.api('GET', 'openapi.json')
        self.assertEqual(status, 200)
        for path in ['/webhooks', '/webhooks/{id}',
                '/webhooks/{id}/deliveries']:
            self.assertIn(path, document['paths'])
        self.assertIn('customer.created', document['components']['schemas'][
                'WebhookEvent']['properties']['type']['enum'])
        # the secret is refused to JSON-RPC reads too
        webhook, _ = self.subscribe(['customer.updated'])
        with self.assertRaises(RpcError):
            self.admin.model('crm.webhook').read(
                [webhook['id']], ['secret'])


for _backend in BACKENDS:
    _name = f'{_backend.capitalize()}WebhooksTest'
    globals()[_name] = type(_name, (WebhooksTest, unittest.TestCase),
        {'backend': _backend})
del _backend, _name

if __name__ == '__main__':
    unittest.main()
