"""Fuzzing of the CRM API from its served OpenAPI document (schemathesis).

For every operation of /openapi.json, requests generated from the document
(a bounded, deterministic number per operation: CRM_PLUS_FUZZ_EXAMPLES,
default 15) are sent with an administrator's key and with a Sales
Representative's key to an instance of their own (their creations and
deletions leave the other tests' instance alone, no rate limit): no answer
is a 5xx, every status is one the document gives for the operation and
every body conforms to the document's schema of that status.  Requests
generated against the document (negative mode) are never a 5xx either.
"""
import os
import unittest

from hypothesis import HealthCheck, Phase, given, settings
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import (
    not_a_server_error, response_schema_conformance, status_code_conformance)

from harness import BACKENDS, Instance

EXAMPLES = int(os.environ.get('CRM_PLUS_FUZZ_EXAMPLES', 15))
CHECKS = [not_a_server_error, status_code_conformance,
    response_schema_conformance]


class FuzzCase:
    backend = None

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance(cls.backend, {'crm_api': {'rate_limit': 0}})
        cls.inst.password('lina')
        cls.keys = {login: cls.inst.api_key(login)
            for login in ['admin', 'lina']}
        cls.schema = schemathesis.openapi.from_url(
            f'{cls.inst.url}{cls.inst.database}/api/v1/openapi.json')

    @classmethod
    def tearDownClass(cls):
        cls.inst.stop()

    def fuzz(self, login, mode=GenerationMode.POSITIVE, checks=CHECKS):
        headers = {'Authorization': f'Bearer {self.keys[login]}'}
        operations = [result.ok() for result in
            self.schema.get_all_operations()]
        self.assertGreater(len(operations), 30)
        for operation in operations:
            with self.subTest(operation=operation.label):
                @given(case=operation.as_strategy(mode))
                @settings(max_examples=EXAMPLES, deadline=None,
                    derandomize=True, database=None,
                    # no shrinking: a failure shows its request as found
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))
                def run(case):
                    case.call_and_validate(headers=headers, checks=checks,
                        timeout=60)
                run()

    def test_admin(self):
        self.fuzz('admin')

    def test_representative(self):
        self.fuzz('lina')

    def test_negative(self):
        "Requests the document does not allow are never a server error"
        self.fuzz('admin', GenerationMode.NEGATIVE, [not_a_server_error])


for _backend in BACKENDS:
    _title = _backend.capitalize()
    globals()[f'{_title}FuzzTest'] = type(f'{_title}FuzzTest',
        (FuzzCase, unittest.TestCase), {'backend': _backend})
del _backend, _title


if __name__ == '__main__':
    unittest.main()
