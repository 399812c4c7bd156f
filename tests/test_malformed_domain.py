"""A malformed search domain is a client error, never a ServerError:
a translated UserError over JSON-RPC, HTTP 400 over REST."""
import base64
import json
import unittest

from harness import BACKENDS, RpcError, instance


def nested(depth):
    domain = [('name', '=', 'x')]
    for _ in range(depth):
        domain = ['OR', domain]
    return domain


MALFORMED = {
    'SQL in a field name': [('name; DROP TABLE party_party; --', '=', 'x')],
    'SQL in a related field': [('addresses.city) OR 1=1 --', '=', 'x')],
    'unknown operator': [('name', 'is sql', 'x')],
    'operator not a string': [('name', 1, 'x')],
    'string in place of a clause': ['name'],
    'OR not first': [('name', '=', 'x'), 'OR'],
    'deeply nested': nested(500),
    'deep under where': [('addresses', 'where', nested(100))],
    'not a list': 'name = x',
    }


class MalformedDomainTest(unittest.TestCase):

    def test_json_rpc(self):
        for backend in BACKENDS:
            inst = instance(backend)
            rep = inst.rpc('lina', inst.password('lina'))
            for label, domain in MALFORMED.items():
                with self.subTest(backend=backend, domain=label):
                    with self.assertRaises(RpcError) as cm:
                        rep.model('party.party').search(domain, 0, 10, None)
                    self.assertEqual(cm.exception.type, 'UserError',
                        cm.exception.data)
                    self.assertIn('搜索条件', cm.exception.message)
            # Well-formed domains still answer
            self.assertIsInstance(rep.model('party.party').search(
                    nested(5) + [('addresses.city', 'ilike', '%'),
                        ('identifiers', 'where', [('type', '=', 'cn_vat')])],
                    0, 10, [('name', 'ASC')]), list)

    def test_rest(self):
        for backend in BACKENDS:
            inst = instance(backend)
            key = inst.rest_key('lina')
            for label, domain in {**MALFORMED,
                    'not base64 JSON': None}.items():
                with self.subTest(backend=backend, domain=label):
                    d = base64.urlsafe_b64encode(
                        json.dumps(domain).encode()).decode() \
                        if domain is not None else '!!not json'
                    status, body = inst.rest('GET', 'model/party.party', key,
                        params={'d': d, 'f': ['name']})
                    self.assertEqual(status, 400, body)
