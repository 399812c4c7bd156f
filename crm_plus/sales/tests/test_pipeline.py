import datetime as dt
import unittest
from unittest.mock import patch

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)


class PipelineTestCase(unittest.TestCase):
    "Test pipeline stages of opportunities"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    def _opportunity(self, company, **values):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Party = pool.get('party.party')
        party, = Party.create([{'name': "Customer"}])
        employee = create_employee(company)
        opportunity, = Opportunity.create([dict({
                        'party': party.id,
                        'employee': employee.id,
                        }, **values)])
        return opportunity

    @with_transaction()
    def test_stage_entered_hook(self):
        "_crm_stage_entered receives the opportunities by entered stage"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Pipeline = pool.get('crm.pipeline')
        company = create_company()
        with set_company(company):
            pipeline = Pipeline.get_default(company.id)
            initial, needs = pipeline.stages[:2]
            calls = []
            with patch.object(
                    Opportunity, '_crm_stage_entered',
                    side_effect=lambda by_stage: calls.append(
                        {s: sorted(o.id for o in r)
                            for s, r in by_stage.items()})):
                opportunity = self._opportunity(company)
                Opportunity.write([opportunity], {'stage': needs.id})
                # Writing the same stage is no stage change
                Opportunity.write([opportunity], {'stage': needs.id})
            self.assertEqual(calls, [
                    {initial: [opportunity.id]},
                    {needs: [opportunity.id]},
                    ])
            self.assertEqual(len(opportunity.stage_history), 2)

    @with_transaction()
    def test_stale_search(self):
        "stale is searchable both ways and follows expected days"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        company = create_company()
        with set_company(company):
            fresh = self._opportunity(company)
            old = self._opportunity(company)
            expected = old.stage.expected_days
            Opportunity.write([old], {
                    'stage_date': dt.datetime.now() - dt.timedelta(
                        days=expected + 1)})
            self.assertEqual(
                Opportunity.search([('stale', '=', True)]), [old])
            self.assertEqual(
                Opportunity.search([('stale', '!=', True)]), [fresh])
            self.assertEqual(old.days_in_stage, expected + 1)
            Opportunity.write([old], {
                    'stage_date': dt.datetime.now() - dt.timedelta(
                        days=expected)})
            self.assertEqual(Opportunity.search([('stale', '=', True)]), [])

