"""A realistic mix of CRM calls over JSON-RPC, for locust (PyPI):

    LOAD_DATABASE=crm LOAD_USERS=lina:secret,zhangwei:secret \\
        locust -f bench/locustfile.py --headless -u 8 -r 8 -t 60s \\
        --host http://127.0.0.1:8000

Each simulated user logs in as one of LOAD_USERS (in turn) and then, with
the weights below: searches customers, opens a customer form with its
timeline, looks at the opportunity pipeline and logs an interaction. A
JSON-RPC error counts as a failure. tests/test_load.py runs it against
``crm-plus serve --workers`` and asserts no failure.
"""
import base64
import itertools
import os
import random

from locust import HttpUser, between, task

DATABASE = os.environ.get('LOAD_DATABASE', 'crm')
USERS = itertools.cycle(
    tuple(u.split(':', 1)) for u in os.environ['LOAD_USERS'].split(','))
CUSTOMER_FIELDS = ['name', 'code', 'crm_kind', 'crm_lifecycle',
    'crm_owner.rec_name', 'crm_level.rec_name', 'phone', 'email',
    'crm_industry.rec_name', 'addresses', 'contact_mechanisms']


class CrmUser(HttpUser):
    wait_time = between(0.1, 0.5)

    def rpc(self, name, method, *params):
        payload = {'id': 1, 'method': method,
            'params': [*params, self.tryton_context]}
        with self.client.post(f'/{DATABASE}/rpc/', json=payload,
                headers=self.headers, name=name,
                catch_response=True) as response:
            body = response.json() if response.ok else {}
            if not response.ok or 'error' in body:
                response.failure(str(body.get('error') or response.status_code))
                return None
            return body['result']

    def on_start(self):
        login, password = next(USERS)
        self.headers, self.tryton_context = {}, {}
        with self.client.post(f'/{DATABASE}/rpc/', name='login', json={
                    'id': 1, 'method': 'common.db.login',
                    'params': [login, {'password': password}, 'zh_CN']},
                catch_response=True) as response:
            body = response.json() if response.ok else {}
            if 'result' not in body:
                response.failure(str(body.get('error') or response.status_code))
                raise RuntimeError(f"login of {login} failed")
            user_id, session = body['result'][:2]
        self.headers = {'Authorization': 'Session ' + base64.b64encode(
                f'{login}:{user_id}:{session}'.encode()).decode()}
        self.tryton_context = self.rpc('preferences',
            'model.res.user.get_preferences', True) or {}
        self.customers = self.rpc('customer search',
            'model.party.party.search', [('crm_kind', '!=', None)],
            0, 200, None) or []

    @task(4)
    def search_customers(self):
        self.rpc('customer search', 'model.party.party.search_read',
            [('crm_kind', '!=', None),
                ('rec_name', 'ilike', random.choice(['%公司%', '%机械%',
                            '%科技%', '%有限%']))],
            0, 20, None, ['name', 'crm_lifecycle', 'crm_owner.rec_name'])

    @task(3)
    def customer_form(self):
        if not self.customers:
            return
        party = random.choice(self.customers)
        self.rpc('customer form', 'model.party.party.read', [party],
            CUSTOMER_FIELDS)
        self.rpc('customer timeline',
            'model.crm.customer.timeline.search_read',
            [('party', '=', party)], 0, 100, None,
            ['date', 'kind', 'description', 'state', 'unresolved'])

    @task(2)
    def pipeline(self):
        self.rpc('opportunity pipeline',
            'model.sale.opportunity.search_read',
            [('state', 'in', ['lead', 'opportunity', 'converted'])],
            0, 50, None, ['party.rec_name', 'amount', 'state', 'stage.rec_name'])

    @task(1)
    def log_interaction(self):
        if not self.customers:
            return
        self.rpc('log interaction', 'model.crm.interaction.create', [{
                    'party': random.choice(self.customers), 'type': 'call',
                    'subject': "电话跟进", 'summary': "压测记录"}])
