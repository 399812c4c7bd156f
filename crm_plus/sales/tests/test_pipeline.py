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


    @with_transaction()
    def test_next_stage_keeps_state(self):
        "Next stage moves along the open stages; past the first one it is an opportunity"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Pipeline = pool.get('crm.pipeline')
        company = create_company()
        with set_company(company):
            pipeline = Pipeline.get_default(company.id)
            open_stages = [s for s in pipeline.stages if s.kind == 'open']
            opportunity = self._opportunity(company)
            self.assertEqual(
                (opportunity.stage, opportunity.state),
                (open_stages[0], 'lead'))
            for stage in open_stages[1:]:
                self.assertEqual(opportunity.next_stage, stage)
                Opportunity.crm_next_stage([opportunity])
                self.assertEqual(
                    (opportunity.stage, opportunity.state),
                    (stage, 'opportunity'))
            self.assertIsNone(opportunity.next_stage)
            Opportunity.crm_next_stage([opportunity])
            self.assertEqual(opportunity.stage, open_stages[-1])

            # Back to the first stage is a lead again, and the other way
            Opportunity.write([opportunity], {'stage': open_stages[0].id})
            self.assertEqual(opportunity.state, 'lead')
            Opportunity.opportunity([opportunity])
            self.assertEqual(opportunity.stage, open_stages[1])
            Opportunity.lead([opportunity])
            self.assertEqual(
                (opportunity.stage, opportunity.state),
                (open_stages[0], 'lead'))

            # Created in a later stage, it is an opportunity
            later = self._opportunity(company, stage=open_stages[2].id)
            self.assertEqual(later.state, 'opportunity')

            # A lost one reopened in a later stage stays there
            Opportunity.lost([later])
            self.assertEqual(later.stage.kind, 'lost')
            Opportunity.write([later], {'stage': open_stages[1].id})
            self.assertEqual(
                (later.stage, later.state), (open_stages[1], 'opportunity'))

    @with_transaction()
    def test_stage_date_given(self):
        "A stage_date written with the stage is the date entered"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Pipeline = pool.get('crm.pipeline')
        company = create_company()
        with set_company(company):
            pipeline = Pipeline.get_default(company.id)
            started = dt.datetime.now() - dt.timedelta(days=20)
            entered = dt.datetime.now() - dt.timedelta(days=6)
            opportunity = self._opportunity(company, stage_date=started)
            Opportunity.write([opportunity], {
                    'stage': pipeline.stages[1].id,
                    'stage_date': entered,
                    })
            self.assertEqual(opportunity.days_in_stage, 6)
            last = max(opportunity.stage_history, key=lambda h: h.id)
            self.assertEqual(last.date, entered)
            self.assertEqual(last.duration, entered - started)

    @with_transaction()
    def test_order_by_stage_sequence(self):
        "Opportunities ordered by stage follow the stage sequence"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Pipeline = pool.get('crm.pipeline')
        company = create_company()
        with set_company(company):
            pipeline = Pipeline.get_default(company.id)
            open_stages = [s for s in pipeline.stages if s.kind == 'open']
            for stage in reversed(open_stages):
                self._opportunity(company, stage=stage.id)
            self.assertEqual(
                [o.stage for o in Opportunity.search(
                        [], order=[('stage', 'ASC')])],
                open_stages)
            self.assertNotEqual(
                open_stages, sorted(open_stages, key=lambda s: s.name))
