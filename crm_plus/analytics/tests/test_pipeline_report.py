"""The pipeline analytics and the leaderboards against the handmade
records of tests/data.py, as the administrator and as a representative."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from . import data

D = dt.date.fromisoformat


class PipelineAnalyticsTestCase(unittest.TestCase):
    "Test the pipeline analytics and the leaderboards"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('crm_plus')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_funnel(self):
        "Open opportunities per stage and stage-to-stage conversion"
        d = data.setup()
        rows = data.rows('crm.analytics.pipeline.funnel', d['context'])
        self.assertEqual(
            {k: (r.number, r.amount, r.entered, r.advanced)
                for k, r in rows.items()},
            {'Initial Contact': (1, Decimal(200), 5, 3),
                'Needs Analysis': (0, 0, 0, 0),
                'Proposal': (1, Decimal(300), 2, 1),
                'Negotiation': (0, 0, 0, 0),
                'Won': (0, 0, 2, 0), 'Lost': (0, 0, 1, 0)})
        self.assertAlmostEqual(rows['Initial Contact'].conversion, 0.6)
        self.assertEqual(rows['Proposal'].weighted_amount, Decimal(150))
        self.assertEqual(
            {o.description for o in data.drill(
                    'crm.analytics.pipeline.funnel', d['context'],
                    rows['Proposal'])}, {'o4'})
        # the history entries of a later start fall out
        rows = data.rows('crm.analytics.pipeline.funnel',
            {**d['context'], 'from_date': D('2026-02-01')})
        self.assertEqual(rows['Initial Contact'].entered, 3)
        rows = data.rows('crm.analytics.pipeline.funnel', d['context'],
            d['users']['r1'])
        self.assertEqual(
            {k: (r.number, r.entered) for k, r in rows.items()
                if r.entered},
            {'Initial Contact': (0, 3), 'Proposal': (1, 2), 'Won': (0, 1),
                'Lost': (0, 1)})

    @with_transaction()
    def test_period(self):
        "Win rate, won amount, average deal and cycle per month"
        d = data.setup()
        rows = data.rows('crm.analytics.pipeline.period', d['context'])
        self.assertEqual(
            {r.start_date: (r.created, r.won, r.lost, r.won_amount,
                    r.cycle_days) for r in rows.values()},
            {D('2026-01-01'): (2, 0, 0, 0, 0),
                D('2026-02-01'): (2, 1, 0, Decimal(1000), 49),
                # 140 USD at 0.14
                D('2026-03-01'): (1, 1, 1, Decimal(1000), 45)})
        march = [r for r in rows.values()
            if r.start_date == D('2026-03-01')][0]
        self.assertEqual(march.win_rate, 0.5)
        self.assertEqual(march.average_deal, Decimal(1000))
        self.assertEqual(
            {o.description for o in data.drill(
                    'crm.analytics.pipeline.period', d['context'], march)},
            {'o2', 'o3'})
        rows = data.rows('crm.analytics.pipeline.period',
            {**d['context'], 'period': 'quarter'}, d['users']['r2'])
        row, = rows.values()
        self.assertEqual((row.created, row.won, row.lost, row.win_rate),
            (2, 1, 0, 1.0))

    @with_transaction()
    def test_lost_reason(self):
        "Lost deals by reason in the period"
        d = data.setup()
        context = {**d['context'], 'from_date': D('2025-01-01')}
        rows = data.rows('crm.analytics.pipeline.lost_reason', context)
        self.assertEqual(
            {k: (r.number, r.amount, r.share) for k, r in rows.items()},
            {'价格': (1, Decimal(500), 0.5), '预算': (1, Decimal(50), 0.5)})
        self.assertEqual(
            {o.description for o in data.drill(
                    'crm.analytics.pipeline.lost_reason', context,
                    rows['预算'])}, {'o6'})
        rows = data.rows('crm.analytics.pipeline.lost_reason', context,
            d['users']['r1'])
        self.assertEqual(set(rows), {'价格'})

    @with_transaction()
    def test_leaderboard(self):
        "Representatives and teams ranked against their targets"
        d = data.setup()
        r1, r2 = d['employees']['r1'], d['employees']['r2']
        expected = {
            # sales, orders, won, won number, new customers, interactions,
            # target, rank
            'r1': (Decimal(350), 3, Decimal(1000), 1, 1, 2, Decimal(300),
                1),
            'r2': (Decimal(100), 1, Decimal(1000), 1, 1, 1, Decimal(1000),
                2),
            }

        def figures(rows):
            return {k: (r.sale_amount, r.orders, r.won_amount, r.won_number,
                    r.new_customers, r.interactions, r.target, r.rank)
                for k, r in rows.items()}
        rows = data.rows('crm.analytics.leaderboard.employee', d['context'])
        self.assertEqual(figures(rows), expected)
        self.assertAlmostEqual(rows['r1'].attainment, 350 / 300)
        self.assertAlmostEqual(rows['r2'].attainment, 0.1)
        rows = data.rows('crm.analytics.leaderboard.employee',
            {**d['context'], 'rank_by': 'interactions'})
        self.assertEqual({k: r.rank for k, r in rows.items()},
            {'r1': 1, 'r2': 2})
        # interactions of one day: 2025-12-31 is outside the period
        rows = data.rows('crm.analytics.leaderboard.employee',
            {**d['context'], 'from_date': D('2025-12-31'),
                'to_date': D('2025-12-31')})
        self.assertEqual({k: r.interactions for k, r in rows.items()},
            {'r1': 1})
        # the documented exception: a representative ranks everyone
        rows = data.rows('crm.analytics.leaderboard.employee', d['context'],
            d['users']['r1'])
        self.assertEqual(figures(rows), expected)
        # but the drill-down only opens their own records
        self.assertEqual(data.drill('crm.analytics.leaderboard.employee',
                d['context'], rows['r2'], d['users']['r1']), set())
        self.assertEqual(
            {o.description for o in data.drill(
                    'crm.analytics.leaderboard.employee', d['context'],
                    rows['r2'])}, {'o2'})
        rows = data.rows('crm.analytics.leaderboard.team', d['context'])
        # T2's own target (500) replaces its members' (1000)
        self.assertEqual(
            {k: (r.sale_amount, r.target, r.rank) for k, r in rows.items()},
            {'T1': (Decimal(350), Decimal(300), 1),
                'T2': (Decimal(100), Decimal(500), 2)})
        self.assertAlmostEqual(rows['T2'].attainment, 0.2)
        rows = data.rows('crm.analytics.leaderboard.employee',
            {**d['context'], 'team': d['teams'][1].id})
        self.assertEqual(set(rows), {'r2'})
        self.assertEqual(rows['r2'].employee, r2)
        self.assertNotIn(r1, [r.employee for r in rows.values()])
